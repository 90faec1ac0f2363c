import * as fs from 'fs';
import * as path from 'path';
import { ScriptValue } from '../../lib/script/script-value';
import { SystemdService } from '../../lib/script/systemd-service';
import { requireTool, run, tmpDir } from './script-test-support';

/**
 * A MODEL (not systemd itself: it reads the file only when it starts the unit, which needs a running
 * systemd) of how systemd parses a `NAME="value"` line of an EnvironmentFile= (src/basic/env-file.c,
 * DOUBLE_QUOTE_VALUE and DOUBLE_QUOTE_VALUE_ESCAPE): inside double quotes a backslash escapes the next
 * character. systemd 219 takes any escaped character literally; current systemd takes `"`, `\`, `` ` ``
 * and `$` literally and keeps the backslash before any other character.
 */
function parseEnvFile(text: string, version: '219' | 'current'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)="(.*)"$/.exec(line);
    if (!m) throw new Error(`not a NAME="value" line: ${line}`);
    let value = '';
    for (let i = 0; i < m[2].length; i++) {
      const c = m[2][i];
      if (c === '\\' && i + 1 < m[2].length) {
        const next = m[2][++i];
        value += version === '219' || '"\\`$'.includes(next) ? next : `\\${next}`;
      } else if (c === '"') {
        throw new Error(`an unescaped quote ends the value early: ${line}`);
      } else {
        value += c;
      }
    }
    out[m[1]] = value;
  }
  return out;
}

const HOSTILE = ['plain', 'with space', 'quote"inside', 'back\\slash', 'dollar$HOME and ${PATH}', 'tick`id`', "single'quote", '%n specifier', 'trailing\\', 'ünïcödé'];

describe('SystemdService with real tools', () => {
  test('systemd-analyze verify accepts the rendered unit (with an EnvironmentFile=) without a warning', () => {
    requireTool('systemd-analyze', 'systemd');
    const dir = tmpDir();
    const envFile = path.join(dir, 'env');
    fs.writeFileSync(envFile, 'X="1"\n');
    const s = new SystemdService({
      name: 'qwen-chat-verify',
      description: 'verify me',
      execStart: ['/bin/sleep', '1000'],
      workingDirectory: '/tmp',
      environment: { PATH: '/usr/bin:/bin', GRADIO_SERVER_PORT: '7860' },
      environmentValues: { X: ScriptValue.fromToken('X', 'x') },
      environmentFile: envFile,
    });
    const file = path.join(dir, s.unitName);
    fs.writeFileSync(file, s.renderUnit());
    const r = run('systemd-analyze', ['verify', file]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test.each(HOSTILE)('the environment file step, run by bash, writes %p so that systemd 219 and current systemd read it back unchanged; mode 0600', (value) => {
    const dir = tmpDir();
    const envFile = path.join(dir, 'etc', 'app.env');
    const s = new SystemdService({
      name: 'app', description: 'd', execStart: ['/bin/true'],
      environmentValues: { API_KEY: ScriptValue.fromToken('ApiKey', 'k', { secret: true }), MODE: ScriptValue.fromToken('Mode', 'm') },
      environmentFile: envFile,
    });
    const r = run('bash', ['-c', [
      'set -euo pipefail',
      'ds_fail() { echo "FAIL $1"; exit 3; }',
      'api_key="$(cat)"; mode=fast',
      s.parts[1].renderCommands(),
    ].join('\n')], value);
    expect({ status: r.status, out: r.stdout, err: r.stderr }).toEqual({ status: 0, out: '', err: '' });
    const text = fs.readFileSync(envFile, 'utf8');
    expect(parseEnvFile(text, '219')).toEqual({ API_KEY: value, MODE: 'fast' });
    expect(parseEnvFile(text, 'current')).toEqual({ API_KEY: value, MODE: 'fast' });
    expect((fs.statSync(envFile).mode & 0o777).toString(8)).toBe('600');
    expect(fs.readdirSync(path.dirname(envFile))).toEqual(['app.env']);
  });

  test('a value with a line break fails the step with a reason naming the variable, and leaves no file', () => {
    const dir = tmpDir();
    const envFile = path.join(dir, 'app.env');
    const s = new SystemdService({ name: 'app', description: 'd', execStart: ['/bin/true'], environmentValues: { API_KEY: ScriptValue.fromToken('ApiKey', 'k') }, environmentFile: envFile });
    const r = run('bash', ['-c', ['set -euo pipefail', 'ds_fail() { echo "FAIL $1"; exit 3; }', 'api_key="$(printf "a\\nb")"', s.parts[1].renderCommands()].join('\n')]);
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 3, out: 'FAIL the value of API_KEY has a line break; give it on one line\n' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('SystemdService user (issue 15), with real useradd, runuser and systemd-analyze', () => {
  const service = (readable: string[]) => new SystemdService({
    name: 'qwen-api', description: 'vLLM', execStart: ['/bin/sleep', '1000'], workingDirectory: '/usr/local', sandbox: true,
    user: { name: 'qwen-api', homeDirectory: '/var/lib/qwen-api/home', readablePaths: readable },
  });

  test('systemd-analyze verify accepts the unit with User=, Group= and the sandbox directives without a warning', () => {
    requireTool('systemd-analyze', 'systemd');
    const dir = tmpDir();
    const s = service([]);
    const file = path.join(dir, s.unitName);
    fs.writeFileSync(file, s.renderUnit());
    const r = run('systemd-analyze', ['verify', file]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('the step, run twice in a throwaway namespace (overlaid /etc and /var/lib): a system user and group, home 0750 owned by it, nologin; a directory it cannot read fails the step naming it', () => {
    requireTool('useradd', 'passwd');
    requireTool('runuser', 'util-linux');
    const { NamespaceSandbox } = jest.requireActual('../../rehearsal/namespace-sandbox') as typeof import('../../rehearsal/namespace-sandbox');
    const sandbox = new NamespaceSandbox();
    try {
      const ok = service(['/var/lib/qwen-api/models']).parts[1].renderCommands();
      const denied = service(['/var/lib/qwen-api/secret']).parts[1].renderCommands();
      const r = sandbox.runSync([
        'ds_fail() { echo "FAIL $1"; exit 3; }',
        'install -d -m 0755 /var/lib/qwen-api/models && install -d -m 0700 /var/lib/qwen-api/secret',
        ok, ok,
        'getent passwd qwen-api | cut -d: -f3,6,7; getent group qwen-api | cut -d: -f1',
        'stat -c "%a %U %G" /var/lib/qwen-api/home',
        'runuser -u qwen-api -- touch /var/lib/qwen-api/home/cache && echo home-writable',
        'runuser -u qwen-api -- touch /etc/x 2>/dev/null || echo etc-not-writable',
        denied,
      ].join('\n'));
      const lines = r.stdout.trim().split('\n');
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 3, stderr: '' });
      const [uid, home, shell] = lines[0].split(':');
      // a system uid (below UID_MIN of login.defs, 1000 on Debian, CentOS and Ubuntu)
      expect(Number(uid)).toBeLessThan(1000);
      expect({ home, shell, rest: lines.slice(1) }).toEqual({
        home: '/var/lib/qwen-api/home', shell: '/sbin/nologin',
        rest: ['qwen-api', '750 qwen-api qwen-api', 'home-writable', 'etc-not-writable', 'FAIL qwen-api cannot read /var/lib/qwen-api/secret'],
      });
    } finally {
      sandbox.dispose();
    }
    // the host has no such user
    expect(run('getent', ['passwd', 'qwen-api']).status).toBe(2);
  });
});
