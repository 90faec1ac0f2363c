import * as ros from '@alicloud/ros-cdk-core';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';
import { DeployScript, IScriptPart, IScriptSignal, ScriptEncoding, ScriptPhase } from '../../lib/script/deploy-script';
import { HealthCheck } from '../../lib/script/health-check';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { ScriptValue, ScriptValueEncoding } from '../../lib/script/script-value';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { esc, newApp } from './script-test-support';

/** A signal whose function only logs: enough to render and parse a script without a stack. */
class LogSignal implements IScriptSignal {
  public readonly values: readonly ScriptValue[];
  public readonly requiredCommands: readonly string[] = [];
  public bound: DeployScript[] = [];
  public deliverySeconds?: number;
  constructor(values: ScriptValue[] = []) {
    this.values = values;
  }
  public renderSignalFunction(): string {
    return 'ds_signal() {\n  ds_log "signal $1 $2"\n}';
  }
  public bindScript(script: DeployScript): void {
    this.bound.push(script);
  }
}

const cmd = (description: string, phase?: ScriptPhase, commands = ['true']) => new ScriptCommands({ description, phase, commands, budgetSeconds: 5 });

function lineIndex(text: string, predicate: (line: string) => boolean): number[] {
  return text.split('\n').map((l, i) => (predicate(l) ? i : -1)).filter((i) => i >= 0);
}

describe('DeployScript', () => {
  test('binds itself to its signal; budget is the parts, the signal\'s delivery and the overhead', () => {
    const signal = new LogSignal();
    signal.deliverySeconds = 11;
    const s = new DeployScript({ signal, overheadSeconds: 7 });
    expect(signal.bound).toEqual([s]);
    expect(s.budgetSeconds).toBe(7 + 11);
    s.addParts(cmd('a'), new HealthCheck({ description: 'h', url: 'http://127.0.0.1/', timeoutSeconds: 20, intervalSeconds: 2, probeTimeoutSeconds: 3 }));
    expect(s.budgetSeconds).toBe(7 + 11 + 5 + 25);
    expect(new DeployScript({ signal: new LogSignal() }).budgetSeconds).toBe(60);
  });

  test('defaults: a generic log file, its .sh copy, gzip+base64', () => {
    const s = new DeployScript({ signal: new LogSignal() });
    expect(s.logFile).toBe('/var/log/deploy-script.log');
    expect(s.scriptCopyFile).toBe('/var/log/deploy-script.sh');
    expect(s.encoding).toBe(ScriptEncoding.GZIP_BASE64);
    expect(new DeployScript({ signal: new LogSignal(), logFile: '/var/log/x/deploy' }).scriptCopyFile).toBe('/var/log/x/deploy.sh');
  });

  test('parts run in phase order, then in the order added', () => {
    const s = new DeployScript({ signal: new LogSignal() });
    const h = new HealthCheck({ description: 'check', url: 'http://127.0.0.1/' });
    const parts: IScriptPart[] = [h, cmd('svc', ScriptPhase.SERVICES), cmd('cmd1'), new ScriptFile({ path: '/tmp/f', content: 'x' }), cmd('pre', ScriptPhase.PREFLIGHT), cmd('cmd2')];
    s.addParts(...parts);
    expect(s.orderedParts.map((p) => p.description)).toEqual(['pre', 'write /tmp/f', 'cmd1', 'cmd2', 'svc', 'check']);
    const steps = s.render().readable.split('\n').filter((l) => l.startsWith('ds_step '));
    expect(steps).toEqual([
      "ds_step '1/6 pre'", "ds_step '2/6 write /tmp/f'", "ds_step '3/6 cmd1'", "ds_step '4/6 cmd2'", "ds_step '5/6 svc'", "ds_step '6/6 check'",
    ]);
  });

  test('GZIP_BASE64 body (exact shape): value lines, the embedded script, nothing else', () => {
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c', { encoding: ScriptValueEncoding.ROS_GENERATED_LINE })]), logFile: '/var/log/demo.log' })
      .addParts(new ScriptCommands({ description: 'x', commands: ['echo "${HOME}"'], values: [ScriptValue.fromToken('UserName', 'u')] }));
    const { body } = s.render();
    const lines = body.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '#!/bin/bash',
      '# unpacked copy: /var/log/demo.sh',
      "read -r curl_cli <<'DS_EOF'",
      '${CurlCli}',
      'DS_EOF',
      "user_name=$(printf %s '${UserNameBase64}'|base64 -d)",
    ]);
    expect(lines[6]).toMatch(/^ds_script=\$\(printf %s '[A-Za-z0-9+/=]+'\|base64 -d\|gzip -dc\)$/);
    expect(lines.slice(7)).toEqual(['eval "${!ds_script:-exit 1}"', '']);
    // bash's own ${ exists only in the header, escaped for Fn::Sub; the embedded script needs no escaping.
    const unpacked = expandEmbeddedScripts(body.replace(/\$\{!/g, '${'));
    expect(unpacked).toContain('echo "${HOME}"');
    expect(unpacked).not.toContain('${!HOME}');
  });

  test('PLAIN body: value lines, then the runtime, with bash\'s ${ escaped as ${!', () => {
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c')]), encoding: ScriptEncoding.PLAIN })
      .addParts(new ScriptCommands({ description: 'x', commands: ['echo "${HOME}" "${#x}"'], values: [ScriptValue.fromToken('UserName', 'u')] }));
    const { body, variables, readable } = s.render();
    expect(body.split('\n').slice(0, 5)).toEqual([
      '#!/bin/bash',
      '# Rendered by ros-cdk-qwen-chat (lib/script): change the props, not this text.',
      "curl_cli=$(printf %s '${CurlCliBase64}'|base64 -d)",
      "user_name=$(printf %s '${UserNameBase64}'|base64 -d)",
      'set -euo pipefail',
    ]);
    expect(body).toContain('echo "${!HOME}" "${!#x}"');
    expect(body).not.toContain('ds_script');
    const templateVars = [...body.matchAll(/\$\{([^!][^}]*)\}/g)].map((m) => m[1]);
    expect(templateVars).toEqual(['CurlCliBase64', 'UserNameBase64']);
    expect(Object.keys(variables).sort()).toEqual(['CurlCliBase64', 'UserNameBase64']);
    expect(readable).toBe(body.replace(/\$\{!/g, '${'));
  });

  test('the readable script: strict mode, functions, EXIT trap before any step, copy, command check, steps, SUCCESS once after the last check', () => {
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c')]) });
    s.addParts(cmd('one'), new HealthCheck({ description: 'h1', url: 'http://127.0.0.1:1/' }), new HealthCheck({ description: 'h2', url: 'http://127.0.0.1:2/' }));
    const text = s.render().readable;
    const lines = text.split('\n');
    const at = (line: string) => {
      const found = lineIndex(text, (l) => l === line);
      expect({ line, found: found.length }).toEqual({ line, found: 1 });
      return found[0];
    };
    const decode = at("curl_cli=$(printf %s '${CurlCliBase64}'|base64 -d)");
    const strict = at('set -euo pipefail');
    const signalFn = at('ds_signal() {');
    const trap = at('trap ds_on_exit EXIT');
    const copy = at("printf '%s\\n' \"$ds_script\" > /var/log/deploy-script.sh || true");
    const check = at("ds_stage='check required commands'");
    const firstStep = lineIndex(text, (l) => l.startsWith('ds_step '))[0];
    const lastProbe = at("ds_probe http://127.0.0.1:2/ 200 1800 10 10 ''");
    const success = at("ds_signal SUCCESS 'all 3 steps and health checks passed' || exit 1");
    expect(decode).toBeLessThan(strict);
    expect(strict).toBeLessThan(signalFn);
    expect(signalFn).toBeLessThan(trap);
    expect(trap).toBeLessThan(copy);
    expect(copy).toBeLessThan(check);
    expect(check).toBeLessThan(firstStep);
    expect(lastProbe).toBeLessThan(success);
    expect(lines[success - 1]).toBe("ds_stage='signal SUCCESS' ds_done=SUCCESS");
    expect(lines.filter((l) => /ds_signal SUCCESS/.test(l))).toHaveLength(1);
    // No command runs before the trap is set except assignments and definitions.
    expect(lines.slice(0, trap).filter((l) => /^(systemctl|nginx|htpasswd|curl|install|cat|mv|ds_write|ds_probe) /.test(l))).toEqual([]);
    expect(text).toContain('    ds_signal FAILURE "$ds_reason"');
    expect(text).toContain('trap \'ds_fail "interrupted by a signal"\' TERM INT HUP');
  });

  test('the EXIT trap (exact)', () => {
    const text = new DeployScript({ signal: new LogSignal() }).addParts(cmd('a')).render().readable;
    const start = text.indexOf('ds_on_exit() {');
    expect(text.slice(start, text.indexOf('\n}\n', start) + 2)).toBe([
      'ds_on_exit() {',
      '  local rc=$?',
      '  set +e; trap - EXIT',
      '  if [ -z "$ds_done" ]; then',
      '    [ $rc -ne 0 ] || rc=1',
      '    ds_reason="$ds_stage: ${ds_reason:-step failed with exit code $rc}"',
      '    ds_log "FAILURE at step $ds_reason"',
      '    ds_signal FAILURE "$ds_reason"',
      '    [ -z "$ds_stop" ] || systemctl stop "$ds_stop"',
      '  fi',
      '  exit $rc',
      '}',
    ].join('\n'));
  });

  test('the runtime preamble (exact): log file, ds_log, ds_fail, ds_step', () => {
    const text = new DeployScript({ signal: new LogSignal(), logFile: '/var/log/demo.log' }).addParts(cmd('a')).render().readable;
    const start = text.indexOf('set -euo pipefail');
    expect(text.slice(start, text.indexOf('\n\n', start))).toBe([
      'set -euo pipefail',
      'umask 022',
      'export LC_ALL=C PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
      "ds_stage=start ds_reason='' ds_done='' ds_stop='' ds_signal_data=''",
      "ds_log() { printf '%s %s\\n' \"$(date -u +%FT%TZ)\" \"$*\" | tee -a /var/log/demo.log || true; }",
      'ds_fail() { ds_reason=$1; exit 1; }',
      'ds_step() { ds_stage=$1; ds_log "step $1"; }',
    ].join('\n'));
    const nested = new DeployScript({ signal: new LogSignal(), logFile: '/var/log/app/deploy.log' }).addParts(cmd('a')).render().readable;
    expect(nested).toContain('mkdir -p /var/log/app || true\nds_log() {');
  });

  test('shared part functions are placed once each, before the trap', () => {
    const user = ScriptValue.fromToken('UserName', 'u');
    const pw = ScriptValue.fromToken('Password', 'p', { secret: true });
    const creds = { userName: user, password: pw };
    const s = new DeployScript({ signal: new LogSignal() }).addParts(
      new HealthCheck({ description: 'a', url: 'http://127.0.0.1:1/', credentials: creds, watchUnit: 'a.service' }),
      new HealthCheck({ description: 'b', url: 'http://127.0.0.1:2/', credentials: creds }),
      new ScriptFile({ path: '/tmp/x', content: 'x' }),
      new ScriptFile({ path: '/tmp/y', content: 'y' }),
    );
    const text = s.render().readable;
    for (const fn of ['ds_probe() {', 'ds_auth() {', 'ds_watch() {', 'ds_clean() {']) {
      expect({ fn, count: lineIndex(text, (l) => l === fn).length }).toEqual({ fn, count: 1 });
      expect(text.indexOf(fn)).toBeLessThan(text.indexOf('trap ds_on_exit EXIT'));
    }
    expect(lineIndex(text, (l) => l.startsWith('ds_write() {'))).toHaveLength(1);
  });

  test('required commands: the signal\'s and the parts\', sorted, once each, coreutils left out', () => {
    const signal = new LogSignal();
    (signal as any).requiredCommands = ['curl'];
    const s = new DeployScript({ signal }).addParts(
      new ScriptCommands({ description: 'x', commands: ['true'], requiredCommands: ['systemctl', 'curl', 'mktemp'] }),
      new ScriptFile({ path: '/tmp/x', content: 'x' }),
    );
    expect(s.render().readable).toContain('for ds_c in curl systemctl; do\n  command -v $ds_c >/dev/null || ds_fail "command not found: $ds_c; install it in the image"\ndone\n');
  });

  test('in a stack: the Fn::Sub map carries Fn::Base64Encode of each BASE64 value and the CurlCli as ROS writes it', () => {
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
      CurlCli: { 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] },
      UserNameBase64: { 'Fn::Base64Encode': { Ref: 'UserName' } },
      PasswordBase64: { 'Fn::Base64Encode': { Ref: 'Password' } },
    });
    const used = new Set([...(body as string).matchAll(/\$\{([^!][^}]*)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(map).sort());
  });

  test('reserveBytes: what the values can add, less the ${X} they replace', () => {
    const s = new DeployScript({ signal: new LogSignal([ScriptValue.fromToken('CurlCli', 'c', { encoding: ScriptValueEncoding.ROS_GENERATED_LINE, maxBytes: 1024 })]) })
      .addParts(new ScriptCommands({ description: 'x', commands: ['true'], values: [ScriptValue.fromToken('UserName', 'u', { maxBytes: 32 })] }));
    const r = s.render();
    // CurlCli as is: 1024 - '${CurlCli}'.length; UserName: MIME base64 of 32 bytes = 44 characters + 1 line break.
    expect(r.reserveBytes).toBe((1024 - 10) + (45 - 17));
    expect(r.values.map((v) => v.name)).toEqual(['CurlCli', 'UserName']);
  });

  test('render() is done once; addParts after it throws', () => {
    const s = new DeployScript({ signal: new LogSignal() }).addParts(cmd('a'));
    expect(s.render()).toBe(s.render());
    expect(() => s.addParts(cmd('b'))).toThrow(/DeployScript: addParts\(\) was called after the script was rendered/);
  });

  test('two synths give the same body (the gzip header carries no time)', () => {
    const make = () => new DeployScript({ signal: new LogSignal() }).addParts(cmd('a'), new ScriptFile({ path: '/tmp/x', content: 'x'.repeat(100) })).render().body;
    expect(make()).toBe(make());
    const gz = Buffer.from(/printf %s '([^']+)'\|base64 -d\|gzip/.exec(make())![1], 'base64');
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
  });

  describe('validation', () => {
    test.each([['deploy.log'], ['/var/log/a b'], ['/var/log/../x'], ['/var/log/']])('logFile %p', (logFile) => {
      expect(() => new DeployScript({ signal: new LogSignal(), logFile })).toThrow(new RegExp(`DeployScript: logFile '${esc(logFile)}' is not allowed`));
    });

    test.each([[-1], [1.5]])('overheadSeconds %p', (v) => {
      expect(() => new DeployScript({ signal: new LogSignal(), overheadSeconds: v })).toThrow(new RegExp(`DeployScript: overheadSeconds ${esc(String(v))} is not allowed`));
    });

    test('encoding', () => {
      expect(() => new DeployScript({ signal: new LogSignal(), encoding: 'zip' as ScriptEncoding })).toThrow(/DeployScript: encoding 'zip' is not allowed/);
    });

    test('a script without parts', () => {
      expect(() => new DeployScript({ signal: new LogSignal() }).render()).toThrow(/DeployScript: the script has no parts/);
    });

    test('duplicate ScriptValue names with different tokens name the part', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(
        new ScriptCommands({ description: 'a', commands: ['true'], values: [ScriptValue.fromToken('UserName', 'one')] }),
        new ScriptCommands({ description: 'b', commands: ['true'], values: [ScriptValue.fromToken('UserName', 'two')] }),
      );
      expect(() => s.render()).toThrow(/DeployScript: part 'b' declares value 'UserName' with another token than an earlier part/);
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
      expect(() => s.render()).toThrow(/DeployScript: part 'a': values 'UserName' and 'Login' both use the bash variable 'user_name'/);
    });

    test.each([["it's"], ['a\nb'], ['$x'], ['back`tick'], ['']])('part description %p', (description) => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description, commands: ['true'] }));
      expect(() => s.render()).toThrow(new RegExp(`DeployScript: part description '${esc(description)}' is not allowed`));
    });

    test.each([[0], [2.5]])('part budgetSeconds %p', (budgetSeconds) => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'slow', commands: ['true'], budgetSeconds }));
      expect(() => s.render()).toThrow(new RegExp(`DeployScript: part 'slow' has budgetSeconds ${esc(String(budgetSeconds))}`));
    });

    test('a required command that is not a bare name names the part', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'a', commands: ['true'], requiredCommands: ['rm -rf'] }));
      expect(() => s.render()).toThrow(/DeployScript: part 'a' requires command 'rm -rf', which is not allowed/);
    });

    test('a token rendered into a part names the part and the fix', () => {
      const app = newApp();
      const stack = new ros.Stack(app, 'S');
      const p = new ros.RosParameter(stack, 'UserName', { type: ros.RosParameterType.STRING });
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'greet', commands: [`echo ${p.valueAsString}`] }));
      expect(() => s.render()).toThrow(/DeployScript: part 'greet' rendered a token into the script; pass deploy-time values as ScriptValue/);
    });

    test('a ${ nested in ${...} names the part (Fn::Sub would mangle it)', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'nest', commands: ['echo "${a:-${b}}"'] }));
      expect(() => s.render()).toThrow(/DeployScript: part 'nest' nests '\$\{' inside '\$\{\.\.\.\}' near '\$\{a:-\$\{'/);
    });

    test('a NUL character in a part', () => {
      const s = new DeployScript({ signal: new LogSignal() }).addParts(new ScriptCommands({ description: 'a', commands: ['echo \u0000GhostBase64\u0000'] }));
      expect(() => s.render()).toThrow(/DeployScript: part 'a' has a NUL character/);
    });
  });
});
