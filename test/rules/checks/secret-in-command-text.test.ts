import * as path from 'path';
import { secretInCommandText } from '../../../lib/rules/checks/secret-in-command-text';
import { readTemplateFile } from '../../../lib/ros/template';
import { renderRunCommandScript } from '../../../lib/ros/resolver';

const fixture = (name: string) => readTemplateFile(path.join(__dirname, '..', '..', 'fixtures', 'rules', name));
const check = secretInCommandText.check.bind(secretInCommandText);

describe('secret-in-command-text', () => {
  test('trips: a NoEcho parameter in a RunCommand content (base64) and a Command content; one finding per parameter', () => {
    const f = check(fixture('secret-in-command-text.trip.yaml'));
    expect(f.map((x) => [x.ruleId, x.targetKind, x.target])).toEqual([
      ['secret-in-command-text', 'parameter', 'Password'],
      ['secret-in-command-text', 'parameter', 'ApiKey'],
    ]);
    expect(f[0].message).toMatch(/NoEcho parameter Password is part of the text of Setup.CommandContent \(ALIYUN::ECS::RunCommand\).*base64 or any other encoding is no protection/);
    expect(f[1].message).toMatch(/ApiKey is part of the text of Stored.CommandContent \(ALIYUN::ECS::Command\): /);
    expect(f[0].fix).toMatch(/ALIYUN::OOS::SecretParameter .*\{\{oos-secret:NAME\}\}.*EnableParameter: true/);
  });

  test('passes: the secret read as {{oos-secret:NAME}}; and the instance sees the password (stand-in OOS store)', () => {
    const t = fixture('secret-in-command-text.pass.yaml');
    expect(check(t)).toEqual([]);
    const script = renderRunCommandScript({ template: t, parameters: { Password: 'Xy9-secret', UserName: 'u' } });
    expect(script).toContain("IFS= read -r pw <<'DS_EOF'\nXy9-secret\nDS_EOF\n");
  });
});
