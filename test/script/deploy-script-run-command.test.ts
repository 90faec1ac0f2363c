import * as ros from '@alicloud/ros-cdk-core';
import { DeployScript } from '../../lib/script/deploy-script';
import { DeployScriptRunCommand, encodedContentSize, RUN_COMMAND_CONTENT_LIMIT_BYTES, SUBSTITUTED_VALUES_RESERVE_BYTES } from '../../lib/script/deploy-script-run-command';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { newApp, synthTemplate } from './script-test-support';

function fixture(opts: { timeoutMarginSeconds?: number; logicalIdPrefix?: string; content?: string } = {}) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const cb = new WaitConditionCallback(stack, 'Signal');
  const script = new DeployScript({ signal: cb });
  script.addParts(
    new ScriptFile({ path: '/etc/demo.conf', content: opts.content ?? 'demo\n' }),
    new ScriptCommands({ description: 'go', commands: ['true'], budgetSeconds: 100 }),
  );
  const rc = new DeployScriptRunCommand(stack, 'Deploy', {
    script,
    instanceIds: ros.Token.asList(ros.Fn.getAtt('EcsInstanceGroup', 'InstanceIds')),
    timeoutMarginSeconds: opts.timeoutMarginSeconds,
    logicalIdPrefix: opts.logicalIdPrefix,
  });
  return { app, stack, script, rc };
}

describe('DeployScriptRunCommand', () => {
  test('the limit is the documented 16 KB of base64; the size counts base64 of the body plus the reserve', () => {
    // ALIYUN::ECS::RunCommand: the Base64-encoded content may be up to 16 KB (ROS resource reference).
    expect(RUN_COMMAND_CONTENT_LIMIT_BYTES).toBe(16384);
    expect(SUBSTITUTED_VALUES_RESERVE_BYTES).toBe(2048);
    expect(encodedContentSize('')).toBe(Buffer.from('x'.repeat(2048)).toString('base64').length);
    expect(encodedContentSize('abc')).toBe(4 * Math.ceil(2051 / 3));
    // Multi-byte characters count in UTF-8 bytes.
    expect(encodedContentSize('\u00e9')).toBe(4 * Math.ceil(2050 / 3));
  });

  test('renders one synchronous RunShellScript RunCommand; Timeout = script budget + margin', () => {
    const { app, stack, script } = fixture();
    const t = synthTemplate(app, stack);
    expect(script.budgetSeconds).toBe(120 + 10 + 100);
    expect(t.Resources.InstanceRunCommand).toMatchObject({
      Type: 'ALIYUN::ECS::RunCommand',
      Properties: {
        Type: 'RunShellScript',
        Sync: true,
        InstanceIds: { 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] },
        Timeout: 230 + 60,
        CommandContent: { 'Fn::Sub': [script.render().body, { CurlCliBase64: { 'Fn::Base64Encode': { 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] } } }] },
      },
    });
    expect(t.Resources.WaitCondition.Properties.Timeout).toBe(230 + 900);
  });

  test('logicalIdPrefix and timeoutMarginSeconds are honoured', () => {
    const { app, stack } = fixture({ logicalIdPrefix: 'App', timeoutMarginSeconds: 0 });
    const t = synthTemplate(app, stack);
    expect(t.Resources.InstanceRunCommand).toBeUndefined();
    expect(t.Resources.AppInstanceRunCommand.Properties.Timeout).toBe(230);
  });

  test('a second RunCommand with the same id is refused when it is made, naming its path and logicalIdPrefix', () => {
    const { stack, script } = fixture();
    expect(() => new DeployScriptRunCommand(stack, 'Again', { script, instanceIds: ['i-1'] }))
      .toThrow("DeployScriptRunCommand 'S/Again': logical id 'InstanceRunCommand' is already used by 'S/Deploy/InstanceRunCommand' (a resource); logical ids are stack-wide, so give this construct another logicalIdPrefix.");
  });

  test.each([[-1], [2.5]])('timeoutMarginSeconds %p is refused', (v) => {
    expect(() => fixture({ timeoutMarginSeconds: v })).toThrow(new RegExp(`DeployScriptRunCommand: timeoutMarginSeconds ${String(v).replace('.', '\\.')} is not allowed`));
  });

  test('a script over the limit throws at synth, with its size and the limit', () => {
    const { app, stack, script } = fixture({ content: 'x'.repeat(17000) });
    const size = encodedContentSize(script.render().body);
    expect(size).toBeGreaterThan(RUN_COMMAND_CONTENT_LIMIT_BYTES);
    expect(() => synthTemplate(app, stack))
      .toThrow(new RegExp(`DeployScriptRunCommand: the rendered script would be ${size} bytes once base64-encoded \\(with 2048 bytes kept for substituted values\\); ALIYUN::ECS::RunCommand allows 16384`));
  });

  test('the largest body that fits synthesizes; one more byte throws', () => {
    const base = Buffer.byteLength(fixture().script.render().body, 'utf8');
    // 4 * ceil((B + 2048) / 3) <= 16384  <=>  B <= 10240
    const maxBody = (RUN_COMMAND_CONTENT_LIMIT_BYTES / 4) * 3 - SUBSTITUTED_VALUES_RESERVE_BYTES;
    // The base fixture's file is 'demo\n' (5 bytes); a file of n 'y's renders n + 1 bytes.
    const fits = fixture({ content: 'y'.repeat(maxBody - base + 4) });
    expect(Buffer.byteLength(fits.script.render().body, 'utf8')).toBe(maxBody);
    expect(() => synthTemplate(fits.app, fits.stack)).not.toThrow();
    const over = fixture({ content: 'y'.repeat(maxBody - base + 5) });
    expect(() => synthTemplate(over.app, over.stack)).toThrow(/DeployScriptRunCommand: the rendered script would be 16388 bytes/);
  });
});
