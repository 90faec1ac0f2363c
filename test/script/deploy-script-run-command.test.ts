import * as ros from '@alicloud/ros-cdk-core';
import { DeployScript, ScriptEncoding } from '../../lib/script/deploy-script';
import { contentSize, DeployScriptRunCommand, encodedContentSize, RUN_COMMAND_CONTENT_LIMIT_BYTES } from '../../lib/script/deploy-script-run-command';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { newApp, synthTemplate } from './script-test-support';

function fixture(opts: { timeoutMarginSeconds?: number; logicalIdPrefix?: string; content?: string; encoding?: ScriptEncoding } = {}) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const cb = new WaitConditionCallback(stack, 'Signal');
  const script = new DeployScript({ signal: cb, encoding: opts.encoding });
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

/** A content of `n` bytes that gzip cannot shrink. */
function noise(n: number): string {
  let s = '';
  let x = 12345;
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += String.fromCharCode(33 + (x % 90));
  }
  return s.replace(/DS_EOF/g, 'xx').slice(0, n);
}

describe('DeployScriptRunCommand', () => {
  test('the limit is the documented 16 KB of base64; the size counts base64 of the body plus the reserve', () => {
    // ALIYUN::ECS::RunCommand: the Base64-encoded content may be up to 16 KB (ROS resource reference).
    expect(RUN_COMMAND_CONTENT_LIMIT_BYTES).toBe(16384);
    expect(encodedContentSize('', 2048)).toBe(Buffer.from('x'.repeat(2048)).toString('base64').length);
    expect(encodedContentSize('abc', 100)).toBe(4 * Math.ceil(103 / 3));
    // Multi-byte characters count in UTF-8 bytes.
    expect(encodedContentSize('\u00e9', 0)).toBe(4);
  });

  test('contentSize: used, left and the reserve of the script\'s values', () => {
    const { script, rc } = fixture();
    const size = rc.contentSize();
    expect(size).toEqual(contentSize(script));
    // CurlCli only: 1024 bytes as ROS writes it, less the 10 characters of ${CurlCli}.
    expect(size.reserveBytes).toBe(1014);
    expect(size.usedBytes).toBe(encodedContentSize(script.render().body, 1014));
    expect(size.leftBytes).toBe(16384 - size.usedBytes);
  });

  test('renders one synchronous RunShellScript RunCommand; Timeout = script budget + margin', () => {
    const { app, stack, script } = fixture();
    const t = synthTemplate(app, stack);
    // overhead 60 + delivery (300 + 60) + file 10 + commands 100
    expect(script.budgetSeconds).toBe(60 + 360 + 10 + 100);
    expect(t.Resources.InstanceRunCommand).toMatchObject({
      Type: 'ALIYUN::ECS::RunCommand',
      Properties: {
        Type: 'RunShellScript',
        Sync: true,
        InstanceIds: { 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] },
        Timeout: 530 + 60,
        CommandContent: { 'Fn::Sub': [script.render().body, { CurlCli: { 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] } }] },
      },
    });
    expect(t.Resources.WaitCondition.Properties.Timeout).toBe(530 + 900);
  });

  test('logicalIdPrefix and timeoutMarginSeconds are honoured', () => {
    const { app, stack } = fixture({ logicalIdPrefix: 'App', timeoutMarginSeconds: 0 });
    const t = synthTemplate(app, stack);
    expect(t.Resources.InstanceRunCommand).toBeUndefined();
    expect(t.Resources.AppInstanceRunCommand.Properties.Timeout).toBe(530);
  });

  test('a second RunCommand with the same id is refused when it is made, naming its path and logicalIdPrefix', () => {
    const { stack, script } = fixture();
    expect(() => new DeployScriptRunCommand(stack, 'Again', { script, instanceIds: ['i-1'] }))
      .toThrow("DeployScriptRunCommand 'S/Again': logical id 'InstanceRunCommand' is already used by 'S/Deploy/InstanceRunCommand' (a resource); logical ids are stack-wide, so give this construct another logicalIdPrefix.");
  });

  test.each([[-1], [2.5]])('timeoutMarginSeconds %p is refused', (v) => {
    expect(() => fixture({ timeoutMarginSeconds: v })).toThrow(new RegExp(`DeployScriptRunCommand: timeoutMarginSeconds ${String(v).replace('.', '\\.')} is not allowed`));
  });

  test('a script over the limit fails synth once, naming the construct, its size and the limit', () => {
    const { app, stack, script } = fixture({ content: noise(13000) });
    const size = contentSize(script).usedBytes;
    expect(size).toBeGreaterThan(RUN_COMMAND_CONTENT_LIMIT_BYTES);
    let message = '';
    try {
      synthTemplate(app, stack);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^Validation failed with the following errors:\\n  \\[S/Deploy\\] DeployScriptRunCommand: the script would be ${size} bytes once base64-encoded \\(with 1014 bytes kept for substituted values\\); ALIYUN::ECS::RunCommand allows 16384\\. Remove parts`));
    expect(message).not.toMatch(/Resolution error/);
    expect(message.match(/DeployScriptRunCommand:/g)).toHaveLength(1);
  });

  test('PLAIN: the largest body that fits synthesizes; one more byte fails', () => {
    const base = Buffer.byteLength(fixture({ encoding: ScriptEncoding.PLAIN }).script.render().body, 'utf8');
    // 4 * ceil((B + 1014) / 3) <= 16384  <=>  B <= 11274
    const maxBody = (RUN_COMMAND_CONTENT_LIMIT_BYTES / 4) * 3 - 1014;
    // The base fixture's file is 'demo\n' (5 bytes); a file of n 'y's renders n + 1 bytes.
    const fits = fixture({ encoding: ScriptEncoding.PLAIN, content: 'y'.repeat(maxBody - base + 4) });
    expect(Buffer.byteLength(fits.script.render().body, 'utf8')).toBe(maxBody);
    expect(() => synthTemplate(fits.app, fits.stack)).not.toThrow();
    const over = fixture({ encoding: ScriptEncoding.PLAIN, content: 'y'.repeat(maxBody - base + 5) });
    expect(() => synthTemplate(over.app, over.stack)).toThrow(/DeployScriptRunCommand: the script would be 16388 bytes/);
  });

  test('a render error of a part fails synth once, naming the construct path, the part and the fix', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const cb = new WaitConditionCallback(stack, 'Signal');
    const script = new DeployScript({ signal: cb }).addParts(new ScriptCommands({ description: 'nested', commands: ['echo "${a:-${b}}"'] }));
    new DeployScriptRunCommand(stack, 'Run', { script, instanceIds: ['i-1'] });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe("Validation failed with the following errors:\n  [S/Run] DeployScript: part 'nested' nests '${' inside '${...}' near '${a:-${'; Fn::Sub cannot escape that. Use a plain variable or an if instead.");
  });
});
