import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scriptParameterInjection } from '../../../lib/rules/checks/script-parameter-injection';
import { runCommandTemplate } from '../rule-test-helpers';

// The rule's verdicts checked against real bash (the unit tests in script-parameter-injection.test.ts
// check the verdicts alone).
const check = scriptParameterInjection.check.bind(scriptParameterInjection);
const userName = { UserName: { Type: 'String' } };

describe('script-parameter-injection in real bash', () => {
  test('real bash: the flagged shape runs an injected command, the passing Base64 shape does not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inject-'));
    const mark = path.join(dir, 'pwned');
    const hostile = `a'; touch ${mark}; echo '\n$(touch ${mark})\`touch ${mark}\``;
    const run = (body: string, value: string) => {
      const script = body.replace(/\$\{(\w+)\}/g, () => value);
      execFileSync('bash', ['-c', script], { cwd: dir, stdio: 'pipe' });
    };
    const flaggedBody = "u='${UserName}'\nprintf '%s' \"$u\" > out\n";
    expect(check(runCommandTemplate(flaggedBody, {}, userName))).toHaveLength(1);
    run(flaggedBody, hostile);
    expect(fs.existsSync(mark)).toBe(true);
    fs.rmSync(mark);

    const safeBody = "u_b64='${UserNameBase64}'\nu=\"$(printf '%s' \"$u_b64\" | base64 -d)\"\nprintf '%s' \"$u\" > out\n";
    expect(check(runCommandTemplate(safeBody, { UserNameBase64: { 'Fn::Base64Encode': { Ref: 'UserName' } } }, userName))).toEqual([]);
    const longHostile = hostile.repeat(4); // > 76 characters once encoded: MIME line breaks inside the quotes
    const mime = Buffer.from(longHostile).toString('base64').replace(/(.{76})/g, '$1\n') + '\n';
    run(safeBody, mime);
    expect(fs.existsSync(mark)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe(longHostile);
  });
});
