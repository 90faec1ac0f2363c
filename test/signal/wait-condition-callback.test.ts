import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { DeployScript } from '../../lib/script/deploy-script';
import { DeployScriptRunCommand } from '../../lib/script/deploy-script-run-command';
import { HealthCheck } from '../../lib/script/health-check';
import { ScriptCommands } from '../../lib/script/script-file';
import { renderSignalFunction, WaitConditionCallback, WaitConditionCallbackProps } from '../../lib/signal/wait-condition-callback';
import { newApp, synthTemplate } from '../script/script-test-support';

/** The signal function, exact (bash as it runs, before Fn::Sub escaping). */
const SIGNAL_FUNCTION = [
  "# Send SUCCESS or FAILURE to the WaitCondition through the handle's CurlCli.",
  'qwen_signal() {',
  '  local status="$1" reason body',
  "  reason=\"$(printf '%s' \"$2\" | tr -c 'A-Za-z0-9 _.,:/=()+-' '_' | cut -c1-200)\"",
  '  body="$(printf \'{"status": "%s", "reason": "%s", "data": "%s"}\' "$status" "$reason" "$reason")"',
  '  if [ -z "${curl_cli:-}" ]; then',
  '    qwen_log "cannot send ${status}: the CurlCli value is empty"',
  '    return 1',
  '  fi',
  '  printf \'%s\' "$body" | eval "${curl_cli} -f --retry 3 --retry-delay 5 --retry-max-time 60 --max-time 30 -sS -d @-"',
  '  echo',
  '  qwen_log "sent ${status} signal: ${reason}"',
  '}',
].join('\n');

function fixture(props: WaitConditionCallbackProps = {}, healthTimeout = 100) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const cb = new WaitConditionCallback(stack, 'Signal', props);
  const script = new DeployScript({ signal: cb }).addParts(
    new ScriptCommands({ description: 'go', commands: ['true'], budgetSeconds: 40 }),
    new HealthCheck({ description: 'up', url: 'http://127.0.0.1/', timeoutSeconds: healthTimeout, intervalSeconds: 5, probeTimeoutSeconds: 5 }),
  );
  return { app, stack, cb, script };
}

describe('WaitConditionCallback', () => {
  test('renderSignalFunction (exact), the same as the exported function', () => {
    expect(renderSignalFunction()).toBe(SIGNAL_FUNCTION);
    expect(fixture().cb.renderSignalFunction()).toBe(SIGNAL_FUNCTION);
  });

  test('template: a handle and a wait on it; Timeout = script budget + startup margin; Count', () => {
    const { app, stack, cb, script } = fixture({ count: 2, startupMarginSeconds: 300 });
    expect(script.budgetSeconds).toBe(120 + 40 + 110);
    expect(cb.timeoutSeconds).toBe(270 + 300);
    const t = synthTemplate(app, stack);
    expect(t.Resources).toMatchObject({
      WaitConditionHandle: { Type: 'ALIYUN::ROS::WaitConditionHandle' },
      WaitCondition: { Type: 'ALIYUN::ROS::WaitCondition', Properties: { Handle: { Ref: 'WaitConditionHandle' }, Count: 2, Timeout: 570 } },
    });
    expect(t.Resources.WaitCondition.DependsOn).toBeUndefined();
  });

  test('the script reads CurlCli from the handle, base64-encoded, as $curl_cli', () => {
    const { cb, stack } = fixture();
    expect(cb.values).toHaveLength(1);
    expect(cb.values[0].name).toBe('CurlCli');
    expect(cb.values[0].shellName).toBe('curl_cli');
    expect(cb.values[0].secret).toBe(false);
    expect(stack.resolve(cb.values[0].token)).toEqual({ 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] });
    expect(cb.requiredCommands).toEqual(['curl']);
  });

  test('startAfter (prop and method) renders DependsOn; ids are configurable', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const vpc = new ecs.RosVPC(stack, 'EcsVpc', { cidrBlock: '192.168.0.0/16' }, true);
    const vpc2 = new ecs.RosVPC(stack, 'OtherVpc', { cidrBlock: '10.0.0.0/16' }, true);
    const cb = new WaitConditionCallback(stack, 'Signal', { startAfter: [vpc], logicalIdPrefix: 'App' });
    cb.startAfter(vpc2);
    new DeployScript({ signal: cb }).addParts(new ScriptCommands({ description: 'go', commands: ['true'] }));
    const t = synthTemplate(app, stack);
    expect(t.Resources.AppWaitCondition.DependsOn).toEqual(['EcsVpc', 'OtherVpc']);
    expect(t.Resources.AppWaitCondition.Properties.Handle).toEqual({ Ref: 'AppWaitConditionHandle' });
    expect(t.Resources.AppWaitConditionHandle.Type).toBe('ALIYUN::ROS::WaitConditionHandle');
  });

  test('a second callback in one stack is refused when it is made, naming its path and logicalIdPrefix (not ROS CDK\'s bare "already contains")', () => {
    const stack = new ros.Stack(newApp(), 'S');
    new WaitConditionCallback(stack, 'Signal');
    expect(() => new WaitConditionCallback(stack, 'Signal2'))
      .toThrow("WaitConditionCallback 'S/Signal2': logical id 'WaitConditionHandle' is already used by 'S/Signal/WaitConditionHandle' (a resource); logical ids are stack-wide, so give this construct another logicalIdPrefix.");
    expect(() => new WaitConditionCallback(stack, 'Signal3', { logicalIdPrefix: 'Second' })).not.toThrow();
  });

  test('WaitCondition Timeout >= RunCommand Timeout >= script budget with the defaults', () => {
    const { app, stack, script } = fixture();
    new DeployScriptRunCommand(stack, 'Deploy', { script, instanceIds: ros.Token.asList(ros.Fn.getAtt('G', 'InstanceIds')) });
    const t = synthTemplate(app, stack);
    const wait = t.Resources.WaitCondition.Properties.Timeout;
    const runTimeout = t.Resources.InstanceRunCommand.Properties.Timeout;
    expect(wait).toBeGreaterThanOrEqual(runTimeout);
    expect(runTimeout).toBeGreaterThanOrEqual(script.budgetSeconds);
  });

  describe('validation', () => {
    test.each([[0], [101], [1.5]])('count %p', (count) => {
      expect(() => fixture({ count })).toThrow(new RegExp(`WaitConditionCallback: count ${String(count).replace('.', '\\.')} is not allowed: give a whole number from 1 to 100`));
    });

    test.each([[-1], [0.5]])('startupMarginSeconds %p', (v) => {
      expect(() => fixture({ startupMarginSeconds: v })).toThrow(new RegExp(`WaitConditionCallback: startupMarginSeconds ${String(v).replace('.', '\\.')} is not allowed`));
    });

    test('a callback bound twice', () => {
      const { cb } = fixture();
      expect(() => new DeployScript({ signal: cb })).toThrow(/WaitConditionCallback 'S\/Signal': already bound to another DeployScript/);
    });

    test('a callback no script uses throws at synth', () => {
      const app = newApp();
      const stack = new ros.Stack(app, 'S');
      new WaitConditionCallback(stack, 'Signal');
      expect(() => synthTemplate(app, stack)).toThrow(/WaitConditionCallback 'S\/Signal': no DeployScript uses this callback as its signal/);
    });

    test('a wait timeout over 43200 s throws at synth, with the figures', () => {
      const { app, stack } = fixture({}, 43000);
      // budget = 120 + 40 + 43010 = 43170; + 900 = 44070
      expect(() => synthTemplate(app, stack)).toThrow(/WaitConditionCallback 'S\/Signal': the wait would need 44070s \(script budget 43170s \+ startupMarginSeconds 900s\), but ROS allows 1 to 43200s/);
    });
  });
});
