import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { DeployScript } from '../../lib/script/deploy-script';
import { DeployScriptRunCommand } from '../../lib/script/deploy-script-run-command';
import { HealthCheck } from '../../lib/script/health-check';
import { ScriptCommands } from '../../lib/script/script-file';
import { ScriptValueEncoding } from '../../lib/script/script-value';
import { renderSignalFunction, WaitConditionCallback, WaitConditionCallbackProps } from '../../lib/signal/wait-condition-callback';
import { newApp, synthTemplate } from '../script/script-test-support';

/** The signal function, exact (bash as it runs). */
const SIGNAL_FUNCTION = [
  'ds_signal() {',
  '  local r x c e t=$((SECONDS + 300)) d=2',
  '  ds_id=$(curl -fs --noproxy \'*\' --max-time 3 http://100.100.100.200/latest/meta-data/instance-id) || ds_id=\'\'',
  '  [[ $ds_id =~ ^i-[A-Za-z0-9]{1,62}$ ]] || ds_id=host-$(uname -n | tr -cd A-Za-z0-9._- | cut -c1-59)',
  "  r=$(printf %s \"$2\" | tr -c ' -~' ' ' | cut -c1-400 | sed 's/[\\\\\"]/\\\\&/g')",
  '  x=$r; [ "$1" != SUCCESS ] || x=${ds_signal_data:-$r}',
  '  while :; do',
  '    e=0',
  '    c=$(printf \'{"status": "%s", "reason": "%s", "id": "%s", "data": "%s"}\' "$1" "$r" "$ds_id" "$x" |',
  '      eval "$curl_cli -sS -o /dev/null -w \'%{http_code}\' --connect-timeout 10 --max-time 30 -d @-") || e=$?',
  '    case $e:$c in',
  '      0:2??) ds_log "signal $1 delivered"; return 0 ;;',
  '      0:5??|0:408|0:429|[67]:*|28:*|35:*|5[256]:*) [ $SECONDS -lt $t ] || break; sleep $d; [ $d -ge 30 ] || d=$((d * 2)) ;;',
  '      *) break ;;',
  '    esac',
  '  done',
  '  ds_log "signal $1 NOT delivered (curl exit $e, HTTP $c): the WaitCondition waits for its timeout"',
  '  return 1',
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
  test('renderSignalFunction (exact), the same as the exported function; the bound follows deliveryTimeoutSeconds', () => {
    expect(renderSignalFunction()).toBe(SIGNAL_FUNCTION);
    expect(fixture().cb.renderSignalFunction()).toBe(SIGNAL_FUNCTION);
    const short = fixture({ deliveryTimeoutSeconds: 20 }).cb;
    expect(short.renderSignalFunction()).toBe(SIGNAL_FUNCTION.replace('SECONDS + 300', 'SECONDS + 20'));
    expect(short.deliverySeconds).toBe(20 + 60);
  });

  test('template: a handle and a wait on it; Timeout = script budget + startup margin; Count', () => {
    const { app, stack, cb, script } = fixture({ count: 2, startupMarginSeconds: 300 });
    // overhead 60 + signal delivery (300 + 60) + step 40 + health check 110
    expect(script.budgetSeconds).toBe(60 + 360 + 40 + 110);
    expect(cb.timeoutSeconds).toBe(570 + 300);
    const t = synthTemplate(app, stack);
    expect(t.Resources).toMatchObject({
      WaitConditionHandle: { Type: 'ALIYUN::ROS::WaitConditionHandle' },
      WaitCondition: { Type: 'ALIYUN::ROS::WaitCondition', Properties: { Handle: { Ref: 'WaitConditionHandle' }, Count: 2, Timeout: 870 } },
    });
    expect(t.Resources.WaitCondition.DependsOn).toBeUndefined();
  });

  test('the script reads CurlCli from the handle, as ROS writes it (a here-document line), as $curl_cli', () => {
    const { cb, stack } = fixture();
    expect(cb.values).toHaveLength(1);
    expect(cb.values[0].name).toBe('CurlCli');
    expect(cb.values[0].shellName).toBe('curl_cli');
    expect(cb.values[0].secret).toBe(false);
    expect(cb.values[0].encoding).toBe(ScriptValueEncoding.ROS_GENERATED_LINE);
    expect(cb.values[0].maxBytes).toBe(1024);
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

    test('a callback no script uses fails synth once, naming the construct', () => {
      const app = newApp();
      const stack = new ros.Stack(app, 'S');
      new WaitConditionCallback(stack, 'Signal');
      let message = '';
      try {
        synthTemplate(app, stack);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe("Validation failed with the following errors:\n  [S/Signal] WaitConditionCallback 'S/Signal': no DeployScript uses this callback as its signal; pass it as DeployScriptProps.signal.");
    });

    test('a wait timeout over 43200 s fails synth, with the figures', () => {
      const { app, stack } = fixture({}, 42700);
      // budget = 60 + 360 + 40 + 42710 = 43170; + 900 = 44070
      expect(() => synthTemplate(app, stack)).toThrow(/\[S\/Signal\] WaitConditionCallback 'S\/Signal': the wait would need 44070s \(script budget 43170s \+ startupMarginSeconds 900s\), but ROS allows 1 to 43200s/);
    });

    test.each([[-1], [3601], [2.5]])('deliveryTimeoutSeconds %p', (v) => {
      expect(() => fixture({ deliveryTimeoutSeconds: v })).toThrow(new RegExp(`WaitConditionCallback: deliveryTimeoutSeconds ${String(v).replace('.', '\\.')} is not allowed`));
    });
  });
});
