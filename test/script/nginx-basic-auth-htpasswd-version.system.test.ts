import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NginxBasicAuth, PasswordHash, ScriptValue } from '../../lib';

/**
 * With PasswordHash.BCRYPT the htpasswd step refuses, with a reason, an htpasswd without -i or -B (httpd-tools before 2.4.4)
 * instead of letting it prompt on a terminal that is not there or write a weak hash.
 */
function runStep(fakeUsage: string | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-htpasswd-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  if (fakeUsage !== undefined) {
    // A stand-in htpasswd that only prints the usage text of an older release.
    fs.writeFileSync(path.join(bin, 'htpasswd'), `#!/bin/bash\ncat >&2 <<'EOF'\n${fakeUsage}\nEOF\nexit 1\n`, { mode: 0o755 });
  }
  const nginx = new NginxBasicAuth({
    userName: ScriptValue.fromToken('UserName', 'x'),
    password: ScriptValue.fromToken('Password', 'x', { secret: true }),
    htpasswdPath: path.join(dir, 'password'),
    passwordHash: PasswordHash.BCRYPT,
  });
  const step = nginx.parts[1].renderCommands();
  const script = [
    'set -euo pipefail',
    'ds_fail() { echo "FAIL: $1"; exit 1; }',
    'user_name=admin',
    'password=S3cret-pass',
    step,
    'echo DONE',
  ].join('\n');
  return spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
}

describe('NginxBasicAuth htpasswd step and the htpasswd release', () => {
  test('the installed htpasswd (apache2-utils) has -i and -B: the step writes the file', () => {
    const r = runStep(undefined);
    if (r.status !== 0 && /htpasswd: command not found/.test(r.stderr)) {
      throw new Error('htpasswd is missing: apt-get install -y apache2-utils');
    }
    expect(r.stdout).toContain('DONE');
    expect(r.status).toBe(0);
  });

  test('an htpasswd without -i (httpd 2.2 usage text) fails the step with a reason', () => {
    const r = runStep([
      'Usage:',
      '\thtpasswd [-cmdpsD] passwordfile username',
      ' -c  Create a new file.',
      ' -m  Force MD5 encryption of the password (default).',
    ].join('\n'));
    expect(r.stdout).toContain('FAIL: htpasswd lacks -i or -B: install httpd-tools (apache2-utils) 2.4.4 or later');
    expect(r.stdout).not.toContain('DONE');
    expect(r.status).toBe(1);
  });
});
