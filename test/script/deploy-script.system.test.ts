import * as fs from 'fs';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';
import { DeployScript, IScriptPart, IScriptSignal, ScriptEncoding, ScriptPhase } from '../../lib/script/deploy-script';
import { HealthCheck } from '../../lib/script/health-check';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { ScriptValue } from '../../lib/script/script-value';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { newApp, requireTool, run, runAsync, startServer, substituteBody, tmpDir } from './script-test-support';

/** This machine's signal id: its ECS instance id where the metadata service answers, else `host-<host name>`. */
const SIGNAL_ID = expect.stringMatching(/^(i-[A-Za-z0-9]{1,62}|host-[A-Za-z0-9._-]{0,59})$/);

/** A signal whose function only logs. */
class LogSignal implements IScriptSignal {
  public readonly requiredCommands: readonly string[] = [];
  constructor(public readonly values: readonly ScriptValue[] = []) {}
  public renderSignalFunction(): string {
    return 'ds_signal() {\n  ds_log "signal $1 $2"\n}';
  }
  public bindScript(): void {}
}

const cmd = (description: string, phase?: ScriptPhase, commands = ['true']) => new ScriptCommands({ description, phase, commands, budgetSeconds: 5 });

describe.each([[ScriptEncoding.GZIP_BASE64], [ScriptEncoding.PLAIN]])('DeployScript (%s) checked by bash -n and shellcheck', (encoding) => {
  test('the substituted body, and the script it unpacks, have no finding', () => {
    requireTool('shellcheck', 'shellcheck');
    const user = ScriptValue.fromToken('UserName', 'u');
    const pw = ScriptValue.fromToken('Password', 'p', { secret: true });
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c')]), encoding }).addParts(
      new ScriptFile({ path: '/tmp/ds-x', content: 'a ${b} $c\n' }),
      cmd('svc', ScriptPhase.SERVICES, ['echo "${user_name}"']),
      new HealthCheck({ description: 'h', url: 'http://127.0.0.1:5000/', credentials: { userName: user, password: pw }, watchUnit: 'x.service' }),
    );
    const text = expandEmbeddedScripts(substituteBody(s.render().body, { CurlCliBase64: 'curl -X POST http://127.0.0.1:1/', UserNameBase64: 'admin', PasswordBase64: 'pw' }));
    const file = path.join(tmpDir(), 'deploy.sh');
    fs.writeFileSync(file, text);
    const n = run('bash', ['-n', file]);
    expect({ status: n.status, stderr: n.stderr }).toEqual({ status: 0, stderr: '' });
    // SC2034: this test's signal never reads curl_cli.
    const sc = run('shellcheck', ['-s', 'bash', '-e', 'SC2034', file]);
    expect({ status: sc.status, out: sc.stdout }).toEqual({ status: 0, out: '' });
    // The file content reaches disk with its own "${b}" intact after ROS's substitution.
    expect(text).toContain('a ${b} $c\n');
  });
});

describe('DeployScript run by bash, signalling a local endpoint through WaitConditionCallback', () => {
  async function runScript(parts: IScriptPart[], values: ScriptValue[], plain: { [k: string]: string }, options: { encoding?: ScriptEncoding } = {}) {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const dir = tmpDir();
    const signalServer = await startServer(() => ({ status: 200 }));
    try {
      const cb = new WaitConditionCallback(stack, 'Signal');
      const script = new DeployScript({ signal: cb, logFile: path.join(dir, 'deploy.log'), encoding: options.encoding });
      if (values.length > 0) {
        script.addParts(new ScriptCommands({ description: 'values', commands: [':'], values }));
      }
      script.addParts(...parts);
      const { body } = script.render();
      const file = path.join(dir, 'header.sh');
      fs.writeFileSync(file, substituteBody(body, { CurlCli: `curl -X POST -H 'x-test: 1' ${signalServer.url}signal`, ...plain }));
      const r = await runAsync('bash', [file]);
      return {
        r, dir,
        log: fs.readFileSync(path.join(dir, 'deploy.log'), 'utf8'),
        signals: signalServer.requests.map((q) => JSON.parse(q.body)),
        requests: signalServer.requests,
      };
    } finally {
      await signalServer.close();
    }
  }

  test('every step passes -> exactly one SUCCESS signal, exit 0; the instance keeps the unpacked script beside its log', async () => {
    const { r, signals, requests, log, dir } = await runScript([cmd('first'), cmd('second', ScriptPhase.SERVICES)], [], {});
    expect(r.code).toBe(0);
    expect(signals).toEqual([{ status: 'SUCCESS', reason: 'all 2 steps and health checks passed', id: SIGNAL_ID, data: 'all 2 steps and health checks passed' }]);
    expect(requests[0].method).toBe('POST');
    expect(requests[0].headers['x-test']).toBe('1');
    expect(log).toMatch(/step 2\/2 second\n/);
    expect(log).toMatch(/signal SUCCESS delivered\n$/);
    // the copy is the script the header unpacked
    expect(fs.readFileSync(path.join(dir, 'deploy.sh'), 'utf8')).toMatch(/^#!\/bin\/bash\nset -euo pipefail\n/);
  });

  test('a failing step -> exactly one FAILURE naming the step, no SUCCESS, later steps skipped', async () => {
    const { r, signals, log } = await runScript([cmd('breaks', ScriptPhase.COMMANDS, ['false']), cmd('never', ScriptPhase.SERVICES, ['echo NEVER'])], [], {});
    expect(r.code).toBe(1);
    expect(signals).toEqual([{ status: 'FAILURE', reason: '1/2 breaks: step failed with exit code 1', id: SIGNAL_ID, data: '1/2 breaks: step failed with exit code 1' }]);
    expect(r.stdout).not.toContain('NEVER');
    expect(log).toContain('FAILURE at step 1/2 breaks: step failed with exit code 1');
  });

  test('a reason with quotes, backslashes and control characters arrives as valid JSON', async () => {
    const { signals } = await runScript([cmd('quote', ScriptPhase.COMMANDS, ['ds_fail "say \\"hi\\" \\\\ and $(printf \'tab\\there\')"'])], [], {});
    expect(signals).toEqual([{ status: 'FAILURE', reason: '1/1 quote: say "hi" \\ and tab here', id: SIGNAL_ID, data: '1/1 quote: say "hi" \\ and tab here' }]);
  });

  test('a health check that times out -> FAILURE with its reason, within its budget', async () => {
    const down = await startServer(() => ({ status: 502 }));
    try {
      const h = new HealthCheck({ description: 'app answers', url: down.url, timeoutSeconds: 2, intervalSeconds: 1, probeTimeoutSeconds: 1 });
      const { r, signals } = await runScript([h], [], {});
      expect(r.code).toBe(1);
      expect(signals).toHaveLength(1);
      expect(signals[0].status).toBe('FAILURE');
      expect(signals[0].reason).toBe(`1/1 app answers: ${down.url} answered 502, not 200, within 2s`);
      expect(r.millis).toBeLessThan((h.budgetSeconds + 60) * 1000);
    } finally {
      await down.close();
    }
  });

  test.each([[ScriptEncoding.GZIP_BASE64], [ScriptEncoding.PLAIN]])('values arrive intact through MIME base64 (%s) and the secret never reaches the log or output', async (encoding) => {
    const user = ScriptValue.fromToken('UserName', 'u');
    const secret = ScriptValue.fromToken('Password', 'p', { secret: true });
    const pw = `P'a"s$(id)\`x\`\\${'y'.repeat(120)}`;
    const dir = tmpDir();
    const check = new ScriptCommands({
      description: 'write values', values: [user, secret],
      commands: [`printf '%s' "$user_name" > '${dir}/user'`, `printf '%s' "$password" > '${dir}/pw'`],
    });
    const { r, signals, log } = await runScript([check], [], { UserNameBase64: 'admin', PasswordBase64: pw }, { encoding });
    expect(r.code).toBe(0);
    expect(signals.map((s) => s.status)).toEqual(['SUCCESS']);
    expect(fs.readFileSync(`${dir}/user`, 'utf8')).toBe('admin');
    expect(fs.readFileSync(`${dir}/pw`, 'utf8')).toBe(pw);
    expect(log).not.toContain('y'.repeat(120));
    expect(r.stdout + r.stderr).not.toContain('y'.repeat(120));
  });
});
