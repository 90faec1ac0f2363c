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
