import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireTool } from '../support/tools';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'lib', 'cli', 'main.ts');
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-process-'));
const CLEAN = "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  P:\n    Type: String\n";
const DUP_JSON = '{\n  "ROSTemplateFormatVersion": "2015-09-01",\n  "Resources": {\n    "A": {"Type": "X"},\n    "A": {"Type": "Y"}\n  }\n}\n';

/**
 * The real command line in a new process (`node -r ts-node/register/transpile-only lib/cli/main.ts lint ...`), with
 * a timeout: an input that hangs the command fails the test instead of stalling it.
 */
function lint(args: string[], options: { cwd?: string; input?: string; stdinFile?: string } = {}) {
  const stdin = options.stdinFile ? fs.openSync(options.stdinFile, 'r') : 'pipe';
  const r = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), MAIN, 'lint', ...args], {
    cwd: options.cwd ?? ROOT, encoding: 'utf8', input: options.input, stdio: [stdin, 'pipe', 'pipe'], timeout: 60000,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
  });
  if (typeof stdin === 'number') fs.closeSync(stdin);
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('ros-cdk-qwen-chat lint as a process (smoke test)', () => {
  test('a fixture with findings: exit 1, one line per finding and a summary', () => {
    const r = lint(['test/fixtures/rules/reference-like-defects.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^test\/fixtures\/rules\/reference-like-defects\.yaml: open-ingress resource WebSg: /m);
    expect(r.stdout.trim().split('\n').pop()).toBe('test/fixtures/rules/reference-like-defects.yaml: 8 finding(s), 0 suppressed');
  });

  test('a FIFO with no writer is refused at once with exit 2, not waited on', () => {
    requireTool('mkfifo', 'coreutils');
    const fifo = path.join(DIR, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const r = lint([fifo]);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 2, signal: null });
    expect(r.stderr).toMatch(/fifo: not a regular file \(a FIFO\); give a template file/);
  });

  test('/dev/zero as a file and as standard input: exit 2 at once', () => {
    expect(lint(['/dev/zero']).stderr).toMatch(/\/dev\/zero: not a regular file \(a character device\)/);
    const r = lint(['-'], { stdinFile: '/dev/zero' });
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 2, signal: null });
    expect(r.stderr).toMatch(/<stdin>: over the 2097152-byte limit for a template .*stopped reading/);
  });

  test('a file named -h among files (as a glob gives it) is linted as a file; -- -h likewise; -h alone is help', () => {
    fs.writeFileSync(path.join(DIR, 'clean.yaml'), CLEAN);
    fs.writeFileSync(path.join(DIR, '-h'), DUP_JSON);
    const among = lint(['clean.yaml', '-h'], { cwd: DIR });
    expect(among.code).toBe(2);
    expect(among.stdout).toBe('clean.yaml: 0 finding(s), 0 suppressed\n');
    expect(among.stderr).toBe("lint: -h: duplicate key 'A' at line 5: a reader keeps only one of the two; remove or rename one\n");
    expect(lint(['--', '-h'], { cwd: DIR }).stderr).toMatch(/-h: duplicate key 'A' at line 5/);
    const help = lint(['-h'], { cwd: DIR });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: ros-cdk-qwen-chat lint \[--\] FILE\.\.\./);
  });

  test('- reads a template from standard input', () => {
    const r = lint(['-'], { input: CLEAN });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('<stdin>: 0 finding(s), 0 suppressed\n');
  });
});
