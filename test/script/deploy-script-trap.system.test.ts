import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeployScript, IScriptSignal, ScriptCommands } from '../../lib';

/** A signal that appends `STATUS REASON` to a file: what a WaitCondition would receive. */
class FileSignal implements IScriptSignal {
  public readonly values = [];
  public readonly requiredCommands = [];
  constructor(private readonly file: string) {}
  public renderSignalFunction(): string {
    return `ds_signal() {\n  printf '%s %s\\n' "$1" "$2" >> '${this.file}'\n}`;
  }
  public bindScript(): void {}
}

/** Renders the script, undoes the Fn::Sub escaping (no variables here) and runs it with bash (it unpacks itself with gzip). */
function run(logFile: string, commands: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-trap-'));
  const signals = path.join(dir, 'signals');
  const script = new DeployScript({ signal: new FileSignal(signals), logFile })
    .addParts(new ScriptCommands({ description: 'the step', commands }));
  const body = script.render().body.replace(/\$\{!/g, '${');
  const r = spawnSync('bash', ['-c', body], { encoding: 'utf8' });
  return { status: r.status, signals: fs.existsSync(signals) ? fs.readFileSync(signals, 'utf8') : '' };
}

describe('DeployScript EXIT trap', () => {
  test('a failing step sends exactly one FAILURE naming the step and exits non-zero', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-trap-log-'));
    const r = run(path.join(dir, 'deploy.log'), ['false']);
    expect(r.signals).toBe("FAILURE 1/1 the step: step failed with exit code 1\n");
    expect(r.status).toBe(1);
  });

  test('FAILURE is still sent when the log cannot be written (tee fails inside the trap)', () => {
    // The log path is a directory: every tee fails. Before `set +e` in the trap, errexit ended it
    // before the signal function ran.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-trap-dir-'));
    const r = run(dir, ['false']);
    expect(r.signals).toBe("FAILURE 1/1 the step: step failed with exit code 1\n");
    expect(r.status).toBe(1);
  });

  test('success sends exactly one SUCCESS, after the step', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-trap-ok-'));
    const r = run(path.join(dir, 'deploy.log'), ['true']);
    expect(r.signals).toBe('SUCCESS all 1 steps and health checks passed\n');
    expect(r.status).toBe(0);
  });
});
