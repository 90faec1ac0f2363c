import * as fs from 'fs';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { DeployScript, IScriptPart, IScriptSignal, ScriptPhase } from '../../lib/script/deploy-script';
import { HealthCheck } from '../../lib/script/health-check';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { ScriptValue } from '../../lib/script/script-value';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { esc, newApp, requireTool, run, runAsync, startServer, substituteBody, tmpDir } from './script-test-support';

/** A signal whose function only logs: enough to render and parse a script without a stack. */
class LogSignal implements IScriptSignal {
  public readonly values: readonly ScriptValue[];
  public readonly requiredCommands: readonly string[] = [];
  public bound: DeployScript[] = [];
  constructor(values: ScriptValue[] = []) {
    this.values = values;
  }
  public renderSignalFunction(): string {
    return 'qwen_signal() {\n  qwen_log "signal $1 $2"\n}';
  }
  public bindScript(script: DeployScript): void {
    this.bound.push(script);
  }
}

const cmd = (description: string, phase?: ScriptPhase, commands = ['true']) => new ScriptCommands({ description, phase, commands, budgetSeconds: 5 });

function lineIndex(body: string, predicate: (line: string) => boolean): number[] {
  return body.split('\n').map((l, i) => (predicate(l) ? i : -1)).filter((i) => i >= 0);
}

describe('DeployScript', () => {
  test('binds itself to its signal; budget is the parts plus the overhead', () => {
    const signal = new LogSignal();
    const s = new DeployScript({ signal, overheadSeconds: 7 });
    expect(signal.bound).toEqual([s]);
    expect(s.budgetSeconds).toBe(7);
    s.addParts(cmd('a'), new HealthCheck({ description: 'h', url: 'http://127.0.0.1/', timeoutSeconds: 20, intervalSeconds: 2, probeTimeoutSeconds: 3 }));
    expect(s.budgetSeconds).toBe(7 + 5 + 25);
    expect(new DeployScript({ signal: new LogSignal() }).budgetSeconds).toBe(120);
  });

  test('parts run in phase order, then in the order added', () => {
    const s = new DeployScript({ signal: new LogSignal() });
    const h = new HealthCheck({ description: 'check', url: 'http://127.0.0.1/' });
    const parts: IScriptPart[] = [h, cmd('svc', ScriptPhase.SERVICES), cmd('cmd1'), new ScriptFile({ path: '/tmp/f', content: 'x' }), cmd('pre', ScriptPhase.PREFLIGHT), cmd('cmd2')];
    s.addParts(...parts);
    expect(s.orderedParts.map((p) => p.description)).toEqual(['pre', 'write /tmp/f', 'cmd1', 'cmd2', 'svc', 'check']);
    const steps = s.render().body.split('\n').filter((l) => l.startsWith('# Step '));
    expect(steps).toEqual([
      '# Step 1/6: pre', '# Step 2/6: write /tmp/f', '# Step 3/6: cmd1', '# Step 4/6: cmd2', '# Step 5/6: svc', '# Step 6/6: check',
    ]);
  });

  test('render order: strict mode, functions, EXIT trap before any step, decode, command check, steps, SUCCESS once after the last health check', () => {
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c')]) });
    s.addParts(cmd('one'), new HealthCheck({ description: 'h1', url: 'http://127.0.0.1:1/' }), new HealthCheck({ description: 'h2', url: 'http://127.0.0.1:2/' }));
    const { body } = s.render();
    const lines = body.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    const at = (text: string) => {
      const found = lineIndex(body, (l) => l === text);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const strict = at('set -euo pipefail');
    const signalFn = at('qwen_signal() {');
    const trap = at('trap qwen_on_exit EXIT');
    const decode = at("qwen_stage='decode deploy-time values'");
    const check = at("qwen_stage='check required commands'");
    const firstStep = lineIndex(body, (l) => l.startsWith('# Step '))[0];
    const lastHealth = lineIndex(body, (l) => l.startsWith('qwen_log "http://127.0.0.1:2/ answered 200"'))[0];
    const success = lineIndex(body, (l) => /qwen_signal SUCCESS/.test(l));
    expect(success).toEqual([at("qwen_signal SUCCESS 'all 3 steps and health checks passed'")]);
    expect(strict).toBeLessThan(signalFn);
    expect(signalFn).toBeLessThan(trap);
    expect(trap).toBeLessThan(decode);
    expect(decode).toBeLessThan(check);
    expect(check).toBeLessThan(firstStep);
    expect(lastHealth).toBeLessThan(success[0]);
    expect(at('qwen_signalled=SUCCESS')).toBe(success[0] + 1);
    // No command runs before the trap is set except assignments and definitions.
    expect(lines.slice(0, trap).filter((l) => /^(systemctl|nginx|htpasswd|curl|install|cat|mv) /.test(l))).toEqual([]);
    // The FAILURE path is in the trap; the trap also covers signals.
    expect(body).toContain('qwen_signal FAILURE "${!qwen_stage}: ${!reason}"');
    expect(body).toContain("trap 'qwen_fail \"interrupted by SIGTERM\"' TERM");
  });

  test('the shared part functions are placed once, before the trap', () => {
    const user = ScriptValue.fromToken('UserName', 'u');
    const pw = ScriptValue.fromToken('Password', 'p', { secret: true });
    const creds = { userName: user, password: pw };
    const s = new DeployScript({ signal: new LogSignal() }).addParts(
      new HealthCheck({ description: 'a', url: 'http://127.0.0.1:1/', credentials: creds }),
      new HealthCheck({ description: 'b', url: 'http://127.0.0.1:2/', credentials: creds }),
    );
    const { body } = s.render();
    expect(lineIndex(body, (l) => l === 'qwen_curl_credentials() {')).toHaveLength(1);
    expect(body.indexOf('qwen_curl_credentials() {')).toBeLessThan(body.indexOf('trap qwen_on_exit EXIT'));
  });

  test('required commands: the builder\'s own, the signal\'s and the parts\', sorted and once each', () => {
    const signal = new LogSignal();
    (signal as any).requiredCommands = ['curl'];
    const s = new DeployScript({ signal }).addParts(
      new ScriptCommands({ description: 'x', commands: ['true'], requiredCommands: ['systemctl', 'curl'] }),
      new ScriptFile({ path: '/tmp/x', content: 'x' }),
    );
    expect(s.render().body).toContain('for qwen_command in base64 cat chmod curl date install mv systemctl tee; do\n');
  });

  test('every bash "${" is escaped as "${!"; only the decode lines carry template variables', () => {
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c')]) })
      .addParts(new ScriptCommands({ description: 'x', commands: ['echo "${HOME}" "${#x}"'], values: [ScriptValue.fromToken('UserName', 'u')] }));
    const { body, variables } = s.render();
    expect(body).toContain('echo "${!HOME}" "${!#x}"');
    const templateVars = [...body.matchAll(/\$\{([^!][^}]*)\}/g)].map((m) => m[1]);
    expect(templateVars).toEqual(['CurlCliBase64', 'UserNameBase64']);
    expect(Object.keys(variables).sort()).toEqual(['CurlCliBase64', 'UserNameBase64']);
    expect(body).toContain("curl_cli=\"$(qwen_decode '${CurlCliBase64}')\"\nuser_name=\"$(qwen_decode '${UserNameBase64}')\"");
  });

  test('in a stack: the Fn::Sub map values are all Fn::Base64Encode of the tokens; body keys == map keys', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const user = new ros.RosParameter(stack, 'UserName', { type: ros.RosParameterType.STRING });
    const pass = new ros.RosParameter(stack, 'Password', { type: ros.RosParameterType.STRING, noEcho: true });
    const cb = new WaitConditionCallback(stack, 'Signal');
    const s = new DeployScript({ signal: cb }).addParts(new ScriptCommands({
      description: 'use them', commands: ['test -n "$user_name"', 'test -n "$password"'],
      values: [ScriptValue.fromParameter(user), ScriptValue.fromParameter(pass)],
    }));
    const sub = stack.resolve(s.toFnSub());
    expect(Object.keys(sub)).toEqual(['Fn::Sub']);
    const [body, map] = sub['Fn::Sub'];
    expect(map).toEqual({
      CurlCliBase64: { 'Fn::Base64Encode': { 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] } },
      UserNameBase64: { 'Fn::Base64Encode': { Ref: 'UserName' } },
      PasswordBase64: { 'Fn::Base64Encode': { Ref: 'Password' } },
    });
    const used = new Set([...(body as string).matchAll(/\$\{([^!][^}]*)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(map).sort());
    expect(typeof body).toBe('string');
  });

  test('render() is done once; addParts after it throws', () => {
    const s = new DeployScript({ signal: new LogSignal() }).addParts(cmd('a'));
    expect(s.render()).toBe(s.render());
    expect(() => s.addParts(cmd('b'))).toThrow(/DeployScript: addParts\(\) was called after the script was rendered/);
  });

  test('bash -n and shellcheck accept the substituted body', () => {
    requireTool('shellcheck', 'shellcheck');
    const user = ScriptValue.fromToken('UserName', 'u');
    const pw = ScriptValue.fromToken('Password', 'p', { secret: true });
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c')]) }).addParts(
      new ScriptFile({ path: '/tmp/qwen-x', content: 'a ${b} $c\n' }),
      cmd('svc', ScriptPhase.SERVICES, ['echo "${user_name}"']),
      new HealthCheck({ description: 'h', url: 'http://127.0.0.1:5000/', credentials: { userName: user, password: pw } }),
    );
    const { body } = s.render();
    const text = substituteBody(body, { CurlCliBase64: 'curl -X POST http://127.0.0.1:1/', UserNameBase64: 'admin', PasswordBase64: 'pw' });
    const file = path.join(tmpDir(), 'deploy.sh');
    fs.writeFileSync(file, text);
    const n = run('bash', ['-n', file]);
    expect(n.stderr).toBe('');
    expect(n.status).toBe(0);
    // SC2034: this test's signal never reads curl_cli, and password is read by indirect expansion
    // only; the full stack's script is checked without exclusions (test/qwen-chat-stack.test.ts).
    const sc = run('shellcheck', ['-s', 'bash', '-e', 'SC2034', file]);
    expect(sc.stdout).toBe('');
    expect(sc.status).toBe(0);
    // The file content reaches disk with its own "${b}" intact after ROS's substitution.
    expect(text).toContain('a ${b} $c\n');
  });

  describe('validation', () => {
    test('logFile', () => {
      expect(() => new DeployScript({ signal: new LogSignal(), logFile: 'deploy.log' })).toThrow(/DeployScript: logFile 'deploy\.log' is not allowed/);
      expect(() => new DeployScript({ signal: new LogSignal(), logFile: '/var/log/a b' })).toThrow(/DeployScript: logFile '\/var\/log\/a b' is not allowed/);
    });

    test.each([[-1], [1.5]])('overheadSeconds %p', (v) => {
      expect(() => new DeployScript({ signal: new LogSignal(), overheadSeconds: v })).toThrow(new RegExp(`DeployScript: overheadSeconds ${esc(String(v))} is not allowed`));
    });

    test('a script without parts', () => {
      expect(() => new DeployScript({ signal: new LogSignal() }).render()).toThrow(/DeployScript: the script has no parts/);
    });

    test('duplicate ScriptValue names with different tokens', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(
        new ScriptCommands({ description: 'a', commands: ['true'], values: [ScriptValue.fromToken('UserName', 'one')] }),
        new ScriptCommands({ description: 'b', commands: ['true'], values: [ScriptValue.fromToken('UserName', 'two')] }),
      );
      expect(() => s.render()).toThrow(/DeployScript: value 'UserName' is declared twice with different tokens/);
    });

    test('the same name with the same token is one value', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(
        new ScriptCommands({ description: 'a', commands: ['true'], values: [ScriptValue.fromToken('UserName', 'one')] }),
        new ScriptCommands({ description: 'b', commands: ['true'], values: [ScriptValue.fromToken('UserName', 'one')] }),
      );
      expect(Object.keys(s.render().variables)).toEqual(['UserNameBase64']);
    });

    test('two values with one bash variable', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({
        description: 'a', commands: ['true'],
        values: [ScriptValue.fromToken('UserName', 'x'), ScriptValue.fromToken('Login', 'y', { shellName: 'user_name' })],
      }));
      expect(() => s.render()).toThrow(/DeployScript: values 'UserName' and 'Login' both use the bash variable 'user_name'/);
    });

    test.each([["it's"], ['a\nb'], ['$x'], ['back`tick'], ['']])('part description %p', (description) => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description, commands: ['true'] }));
      expect(() => s.render()).toThrow(new RegExp(`DeployScript: part description '${esc(description)}' is not allowed`));
    });

    test.each([[0], [2.5]])('part budgetSeconds %p', (budgetSeconds) => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'slow', commands: ['true'], budgetSeconds }));
      expect(() => s.render()).toThrow(new RegExp(`DeployScript: part 'slow' has budgetSeconds ${esc(String(budgetSeconds))}`));
    });

    test('a required command that is not a bare name', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'a', commands: ['true'], requiredCommands: ['rm -rf'] }));
      expect(() => s.render()).toThrow(/DeployScript: required command 'rm -rf' is not allowed/);
    });

    test('a token rendered into a part', () => {
      const app = newApp();
      const stack = new ros.Stack(app, 'S');
      const p = new ros.RosParameter(stack, 'UserName', { type: ros.RosParameterType.STRING });
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'a', commands: [`echo ${p.valueAsString}`] }));
      expect(() => s.render()).toThrow(/DeployScript: a part rendered a token into the script body; pass deploy-time values as ScriptValue/);
    });

    test('a template variable in the body that the map does not declare', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'a', commands: ['echo \u0000GhostBase64\u0000'] }));
      expect(() => s.render()).toThrow(/DeployScript: the body uses \$\{GhostBase64\} but the variable map has no 'GhostBase64'/);
    });
  });
});

describe('DeployScript run by bash, signalling a local endpoint through WaitConditionCallback', () => {
  async function runScript(parts: IScriptPart[], values: ScriptValue[], plain: { [k: string]: string }, serverStatus = 200) {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const dir = tmpDir();
    const signalServer = await startServer(() => ({ status: serverStatus }));
    try {
      const cb = new WaitConditionCallback(stack, 'Signal');
      const script = new DeployScript({ signal: cb, logFile: path.join(dir, 'deploy.log') });
      if (values.length > 0) {
        script.addParts(new ScriptCommands({ description: 'values', commands: [':'], values }));
      }
      script.addParts(...parts);
      const { body } = script.render();
      const file = path.join(dir, 'deploy.sh');
      fs.writeFileSync(file, substituteBody(body, { CurlCliBase64: `curl -X POST -H 'x-test: 1' ${signalServer.url}signal`, ...plain }));
      const r = await runAsync('bash', [file]);
      return { r, log: fs.readFileSync(path.join(dir, 'deploy.log'), 'utf8'), signals: signalServer.requests.map((q) => JSON.parse(q.body)), requests: signalServer.requests };
    } finally {
      await signalServer.close();
    }
  }

  test('every step passes -> exactly one SUCCESS signal, exit 0', async () => {
    const { r, signals, requests, log } = await runScript([cmd('first'), cmd('second', ScriptPhase.SERVICES)], [], {});
    expect(r.code).toBe(0);
    expect(signals).toEqual([{ status: 'SUCCESS', reason: 'all 2 steps and health checks passed', data: 'all 2 steps and health checks passed' }]);
    expect(requests[0].method).toBe('POST');
    expect(requests[0].headers['x-test']).toBe('1');
    expect(log).toMatch(/step 2\/2 second/);
    expect(log).toMatch(/SUCCESS signalled/);
  });

  test('a failing step -> exactly one FAILURE naming the step, no SUCCESS, later steps skipped', async () => {
    const { r, signals, log } = await runScript([cmd('breaks', ScriptPhase.COMMANDS, ['false']), cmd('never', ScriptPhase.SERVICES, ['echo NEVER'])], [], {});
    expect(r.code).toBe(1);
    expect(signals).toEqual([{ status: 'FAILURE', reason: '1/2 breaks: step failed with exit code 1', data: '1/2 breaks: step failed with exit code 1' }]);
    expect(r.stdout).not.toContain('NEVER');
    expect(log).toContain('FAILURE at step: 1/2 breaks');
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

  test('values arrive intact through MIME base64 (quotes, $, backticks, a long value) and the secret never reaches the log or output', async () => {
    const user = ScriptValue.fromToken('UserName', 'u');
    const secret = ScriptValue.fromToken('Password', 'p', { secret: true });
    const pw = `P'a"s$(id)\`x\`\\${'y'.repeat(120)}`;
    const dir = tmpDir();
    const check = new ScriptCommands({
      description: 'write values', values: [user, secret],
      commands: [`printf '%s' "$user_name" > '${dir}/user'`, `printf '%s' "$password" > '${dir}/pw'`],
    });
    const { r, signals, log } = await runScript([check], [], { UserNameBase64: 'admin', PasswordBase64: pw });
    expect(r.code).toBe(0);
    expect(signals.map((s) => s.status)).toEqual(['SUCCESS']);
    expect(fs.readFileSync(`${dir}/user`, 'utf8')).toBe('admin');
    expect(fs.readFileSync(`${dir}/pw`, 'utf8')).toBe(pw);
    expect(log).not.toContain('y'.repeat(120));
    expect(r.stdout + r.stderr).not.toContain('y'.repeat(120));
  });
});
