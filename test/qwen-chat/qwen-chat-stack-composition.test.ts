import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack, QwenChatStackProps } from '../../lib/qwen-chat/qwen-chat-stack';
import { SpotStrategy } from '../../lib/compute/instance-options';
import { ScriptPhase } from '../../lib/script/deploy-script';
import { HealthCheck } from '../../lib/script/health-check';
import { ScriptCommands } from '../../lib/script/script-file';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';
import { newApp, synthTemplate } from '../script/script-test-support';

function build(props: QwenChatStackProps = {}) {
  const app = newApp();
  const stack = new QwenChatStack(app, 'QwenChat', props);
  return { app, stack, template: () => synthTemplate(app, stack) };
}

const STOCK_STEPS = [
  'pre-flight checks',
  'write /etc/systemd/system/tongyi.service',
  'write /etc/nginx/conf.d/5000.conf',
  'write /etc/nginx/password (htpasswd)',
  'make the TLS certificate for port 5000',
  'start tongyi.service',
  'start nginx on port 5000',
  'the app answers on 127.0.0.1:7860',
  'nginx on port 5000 answers 401 without credentials',
  'the app answers through nginx on port 5000',
];

/** The step names of the rendered script (the gzip+base64 part unpacked), in order. */
function steps(template: any): string[] {
  const body: string = template.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'][0];
  return expandEmbeddedScripts(body.replace(/\$\{!/g, '${')).split('\n').filter((l) => l.startsWith('ds_step ')).map((l) => l.replace(/^ds_step '\d+\/\d+ (.*)'$/, '$1'));
}

describe('QwenChatStack: typed parameters', () => {
  test('each field is the parameter of that name', () => {
    const { stack } = build();
    const p = stack.parameters;
    const names = Object.fromEntries(Object.entries(p).filter(([, param]) => param !== undefined)
      .map(([field, param]) => [field, (param as ros.RosParameter).logicalId]));
    expect(names).toEqual({
      payType: 'PayType', payPeriodUnit: 'PayPeriodUnit', payPeriod: 'PayPeriod', zoneId: 'ZoneId', vpcOption: 'VpcOption', vpcCidrBlock: 'VpcCidrBlock',
      vSwitchCidrBlock: 'VSwitchCidrBlock', vpcId: 'VpcId', vSwitchId: 'VSwitchId', enablePublicAccess: 'EnablePublicAccess',
      sourceCidrIp: 'SourceCidrIp', instanceType: 'EcsInstanceType', instancePassword: 'InstancePassword',
      userName: 'UserName', password: 'Password',
    });
    expect(p.instanceCount).toBeUndefined();
    expect(stack.resolve(p.userName.valueAsString)).toEqual({ Ref: 'UserName' });
  });
});

describe('QwenChatStack: script parts before and after each phase', () => {
  // Parts are small: the stock script leaves little of the RunCommand's 16 KB (issue 11 works on that).
  test.each([
    ['before', 'a PREFLIGHT part runs first', ScriptPhase.PREFLIGHT, 0],
    ['before', 'a COMMANDS part runs before the htpasswd step', ScriptPhase.COMMANDS, 3],
    ['after', 'a FILES part runs after the nginx site', ScriptPhase.FILES, 3],
    ['after', 'a HEALTH_CHECKS part runs after the proxy checks', ScriptPhase.HEALTH_CHECKS, 10],
  ] as const)('%s: %s', (where, _name, phase, index) => {
    const part = new ScriptCommands({ description: 'extra', phase, commands: ['true'], budgetSeconds: 1 });
    const { template } = build(where === 'before' ? { scriptPartsBefore: [part] } : { scriptPartsAfter: [part] });
    const expected = [...STOCK_STEPS];
    expected.splice(index, 0, 'extra');
    expect(steps(template())).toEqual(expected);
  });

  test('the extra parts count in the budget, so the wait grows with them', () => {
    const { stack, template } = build({ scriptPartsAfter: [new HealthCheck({ description: 'extra', url: 'http://127.0.0.1:1/', timeoutSeconds: 100, intervalSeconds: 5, probeTimeoutSeconds: 5 })] });
    expect(stack.script.budgetSeconds).toBe(2800 + 110);
    expect(template().Resources.WaitCondition.Properties.Timeout).toBe(2800 + 110 + 900);
  });
});

describe('QwenChatStack: a replaced proxy', () => {
  const proxyPart = new ScriptCommands({ description: 'start my proxy on 5000', phase: ScriptPhase.SERVICES, commands: ['my-proxy --port 5000'] });

  test('its parts take the nginx parts\' place; its port is opened and in the outputs', () => {
    const { stack, template } = build({
      listenPort: 5000,
      proxy: { provideProxy: (s) => ({ listenPort: s.listenPort, parts: [proxyPart] }) },
    });
    const t = template();
    expect(steps(t)).toEqual(['pre-flight checks', 'write /etc/systemd/system/tongyi.service', 'start tongyi.service', 'start my proxy on 5000', 'the app answers on 127.0.0.1:7860']);
    expect(t.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress[0].PortRange).toBe('5000/5000');
    expect(Object.keys(t.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'][1])).toEqual(['CurlCli']);
    expect(t.Description.en).toBe('Deploys the Qwen-14B-Chat (bf16) Gradio chat demo on one GPU ECS instance in a new or an existing VPC, behind a reverse proxy on port 5000.');
    expect(stack.proxy.parts).toEqual([proxyPart]);
  });

  test('a proxy on another port than listenPort is refused, saying which to change', () => {
    expect(() => build({ proxy: { provideProxy: () => ({ listenPort: 8443, parts: [proxyPart] }) } }))
      .toThrow('QwenChatStack: the proxy from props.proxy listens on port 8443, but listenPort is 5000; build the proxy on stack.listenPort, or set listenPort to its port.');
  });
});

describe('QwenChatStack: instance options', () => {
  test('RAM role, tags, data disks and spot reach the instance group; the reference properties stay', () => {
    const { template } = build({
      instanceOptions: { ramRoleName: 'QwenRole', tags: { app: 'qwen' }, dataDisks: [{ sizeGiB: 300 }], spotStrategy: SpotStrategy.SPOT_AS_PRICE_GO },
    });
    expect(template().Resources.EcsInstanceGroup.Properties).toMatchObject({
      RamRoleName: 'QwenRole', Tags: [{ Key: 'app', Value: 'qwen' }], DiskMappings: [{ Size: '300', Category: 'cloud_essd' }],
      SpotStrategy: 'SpotAsPriceGo', InstanceChargeType: { Ref: 'PayType' }, MaxAmount: 1, SystemDiskSize: 200,
    });
  });

  test('an instance count parameter added by the caller drives MaxAmount and the wait', () => {
    // The parameter can only be made once the stack exists, so the amount refers to it by name (issue 16 makes it a stack parameter).
    const { stack, template } = build({ instanceOptions: { amount: ros.Token.asNumber(ros.Fn.ref('InstanceCount')) } });
    new ros.RosParameter(stack, 'InstanceCount', { type: ros.RosParameterType.NUMBER, defaultValue: 2, minValue: 1, maxValue: 20 });
    stack.addParameterGroup({ en: 'Instance', 'zh-cn': 'ECS实例配置' }, [stack.node.findChild('InstanceCount') as ros.RosParameter]);
    const t = template();
    expect(t.Resources.EcsInstanceGroup.Properties.MaxAmount).toEqual({ Ref: 'InstanceCount' });
    expect(t.Resources.WaitCondition.Properties.Count).toEqual({ Ref: 'InstanceCount' });
    expect(t.Description.en).toContain(' on GPU ECS instances in a new or an existing VPC');
    expect(t.Metadata['ALIYUN::ROS::Interface'].ParameterGroups[1].Parameters).toEqual(['EcsInstanceType', 'InstancePassword', 'InstanceCount']);
  });
});
