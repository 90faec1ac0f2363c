import * as fs from 'fs';
import * as path from 'path';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';
import { newApp, requireTool, run, substituteBody, synthTemplate, tmpDir } from '../script/script-test-support';

// The stock stack's rendered script checked with real bash and ShellCheck (the unit tests in
// qwen-chat-stack.test.ts check the rendering itself).
const app = newApp();
const STACK = new QwenChatStack(app, 'QwenChat');
const T = synthTemplate(app, STACK);
const BODY: string = T.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'][0];
const LINES = STACK.script.render().readable.split('\n');
const re = new RegExp(T.Parameters.UserName.AllowedPattern);

describe('QwenChatStack: the rendered script in real bash', () => {
  test('every name the pattern accepts passes the script\'s own guard, and the guard refuses what the pattern refuses', () => {
    const guard = LINES.find((l) => l.startsWith('case $user_name in '))!;
    expect(guard).toMatch(/esac$/);
    const names = ['admin', 'a.b@c-d_e', '9user', 'a:b', '-x', '$(id)', 'a b', '', "a'b", 'a;b', '用户'];
    for (const name of names) {
      const r = run('bash', ['-c', `ds_fail() { echo REFUSED; exit 3; }\nuser_name="$(cat)"\n${guard}\necho ACCEPTED`], name);
      const scriptAccepts = r.stdout.trim() === 'ACCEPTED';
      // The guard is looser on the first character ('.' and '_') but never accepts what htpasswd misreads.
      if (re.test(name)) {
        expect({ name, scriptAccepts }).toEqual({ name, scriptAccepts: true });
      } else if (!/^[._]/.test(name)) {
        expect({ name, scriptAccepts }).toEqual({ name, scriptAccepts: false });
      }
    }
  });

  test('bash -n and shellcheck (no exclusions) accept the substituted body with its script unpacked', () => {
    requireTool('shellcheck', 'shellcheck');
    const file = path.join(tmpDir(), 'deploy.sh');
    fs.writeFileSync(file, expandEmbeddedScripts(substituteBody(BODY, { CurlCli: 'curl -X POST https://ros.example/x', UserNameBase64: 'admin', PasswordReference: 'Passw0rd!' })));
    const n = run('bash', ['-n', file]);
    expect(n.stderr).toBe('');
    expect(n.status).toBe(0);
    const sc = run('shellcheck', ['-s', 'bash', file]);
    expect(sc.stdout).toBe('');
    expect(sc.status).toBe(0);
  });
});
