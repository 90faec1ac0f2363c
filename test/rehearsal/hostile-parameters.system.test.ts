import * as fs from 'fs';
import { checkParameterValue, renderRunCommandScript } from '../../lib/ros/resolver';
import { SecretDelivery } from '../../lib/secrets/secret-delivery';
import { renderDeployment } from '../../rehearsal/rendered-deployment';
import { runRehearsal } from '../../rehearsal/rehearsal-runner';
import { expectRehearsal } from './rendered-artifacts';

jest.setTimeout(300000);

// short, so the injections fit the parameters' MaxLength and reach the pattern and the script
const SENTINEL = `/tmp/q${process.pid % 100000}`;
const S = SENTINEL;

/** Values built to break out of quoting; each is tried as UserName and as Password. */
const HOSTILE: readonly string[] = [
  `$(touch ${S})`,
  `$(touch\${IFS}${S})`,
  `Aa1$(touch\${IFS}${S})`,
  `\`touch ${S}\``,
  `Aa1\`touch\${IFS}${S}\``,
  `x;touch ${S}`,
  `Aa1;touch\${IFS}${S};`,
  `Aa1'$(touch\${IFS}${S})'`,
  `Aa1"$(touch\${IFS}${S})"`,
  `Aa1\\$(touch\${IFS}${S})`,
  `Aa1\n$(touch ${S})`,
  `Aa1;touch\${IFS}${S}`,
  `Aa1&&touch\${IFS}${S}`,
  `Aa1$(>${S})`,
  `Aa1"\\\`>${S}\``,
  `Aa1';>${S};'`,
  'Aa1 with spaces',
  'Aa1%s%n%x%%',
  `Aa1|touch\${IFS}${S}&&`,
  `Aa1{a,b}\${PATH}[*]?<>`,
  'A'.repeat(5000),
  `Aa1${'$('.repeat(12)}`,
  '-Aa1-leading-dash',
  'Aa1:colon:name',
];

function show(v: string): string {
  const s = JSON.stringify(v.length > 40 ? `${v.slice(0, 20)}...(${v.length} chars)` : v);
  return s.split(SENTINEL).join('<S>');
}

// The Password reaches the script two ways (issue 15): from an OOS secret parameter Cloud Assistant puts in
// (the default; stand-in store), or base64 in the command's content (SecretDelivery.COMMAND_TEXT).
const ROWS = ([['UserName', SecretDelivery.OOS_SECRET_PARAMETER], ['Password', SecretDelivery.OOS_SECRET_PARAMETER], ['Password', SecretDelivery.COMMAND_TEXT]] as const)
  .flatMap(([role, delivery]) => HOSTILE.map((value) => [role, delivery, show(value), value] as const));

describe('hostile UserName / Password values', () => {
  const d = renderDeployment();
  const params = d.template.Parameters ?? {};

  afterAll(() => {
    fs.rmSync(SENTINEL, { force: true });
  });

  test('control: a naive template that pastes a parameter unquoted does create the sentinel', async () => {
    fs.rmSync(SENTINEL, { force: true });
    const naive = {
      Parameters: { UserName: { Type: 'String' } },
      Resources: { Run: { Type: 'ALIYUN::ECS::RunCommand', Properties: { CommandContent: { 'Fn::Sub': '#!/bin/bash\necho ${UserName}\n' } } } },
    };
    const script = renderRunCommandScript({ template: naive, parameters: { UserName: `x$(touch\${IFS}${SENTINEL})` } });
    await runRehearsal({ script });
    expect(fs.existsSync(SENTINEL)).toBe(true);
    fs.rmSync(SENTINEL, { force: true });
  });

  test('UserName and Password carry their own constraints', () => {
    expect(params.UserName?.AllowedPattern).toBeDefined();
    expect(params.Password?.AllowedPattern).toBeDefined();
    expect(params.Password?.NoEcho).toBe(true);
    expect(params.Password?.MaxLength).toBeLessThanOrEqual(64);
  });

  // One test per value and parameter (<S> is the sentinel path): refused by the parameter's own
  // pattern or length (as ROS refuses it when the stack is created), or rehearsed harmlessly.
  test.each(ROWS)('%s (%s) %s: refused by the parameter, or rehearsed harmlessly', async (role, delivery, _shown, value) => {
    const reason = checkParameterValue(role, params[role], value);
    if (reason !== undefined) {
      expect(reason).toMatch(/MinLength|MaxLength|AllowedPattern/);
      return;
    }
    fs.rmSync(SENTINEL, { force: true });
    const userName = role === 'UserName' ? value : 'admin';
    const password = role === 'Password' ? value : 'Hostile-Run-Pw1';
    const dep = renderDeployment({ parameters: { UserName: userName, Password: password }, stackProps: { secretDelivery: delivery } });
    const r = await runRehearsal({
      script: dep.script,
      probe: { port: dep.listenPort, userName, password, tlsCertificate: dep.tlsCertificate },
      secrets: [password],
    });
    expectRehearsal(r, () => {
      expect(fs.existsSync(SENTINEL)).toBe(false);
      expect(r.argv.hits).toEqual([]);
      expect(r.output).not.toContain(password);
      expect(r.deployLog).not.toContain(password);
      expect(r.signals.map((x) => x.body).join('')).not.toContain(password);
      // accepted values work as credentials: the deployment succeeds and nginx takes them
      expect({ signals: r.signals.map((x) => x.status), probe: r.probe })
        .toMatchObject({ signals: ['SUCCESS'], probe: { noCredentials: '401', wrongPassword: '401', withCredentials: '200', body: 'stand-in app ok\n' } });
      // over TLS, the SUCCESS signal carrying the served certificate's fingerprint
      expect(JSON.parse(r.signals[0].body).data).toBe(r.probe?.tls?.servedFingerprint);
    });
  });
});
