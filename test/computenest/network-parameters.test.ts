import * as ros from '@alicloud/ros-cdk-core';
import { instanceCountParameter } from '../../lib/computenest/instance-count-parameter';
import { CIDR_PATTERN, NetworkParameters, NetworkParametersProps, sourceCidrIpParameter, VpcOption } from '../../lib/computenest/network-parameters';
import { applyConditions } from '../../lib/ros/conditions';
import { esc, newApp, synthTemplate } from '../script/script-test-support';

function build(props: Partial<NetworkParametersProps> = {}) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const zoneId = new ros.RosParameter(stack, 'ZoneId', { type: ros.RosParameterType.STRING });
  const choices = new NetworkParameters(stack, 'Choices', { zoneId, servicePort: 5000, ...props });
  const network = choices.createNetwork(stack, 'Network', { ingressPorts: [{ port: 5000, sourceCidrIp: choices.clientSourceCidrIp }] });
  return { app, stack, choices, network, template: () => synthTemplate(app, stack) };
}

const T = build().template();
const visible = (p: string) => T.Parameters[p].AssociationPropertyMetadata?.Visible?.Condition;

describe('NetworkParameters: the console pattern', () => {
  test('the parameters, in console order, with their types and defaults', () => {
    const { choices } = build();
    expect(choices.parameters.map((p) => p.logicalId)).toEqual(['VpcOption', 'VpcCidrBlock', 'VSwitchCidrBlock', 'VpcId', 'VSwitchId', 'EnablePublicAccess', 'SourceCidrIp']);
    const summary = Object.fromEntries(choices.parameters.map((p) => [p.logicalId, [T.Parameters[p.logicalId].Type, T.Parameters[p.logicalId].Default]]));
    expect(summary).toEqual({
      VpcOption: ['String', 'NewVPC'], VpcCidrBlock: ['String', '192.168.0.0/16'], VSwitchCidrBlock: ['String', '192.168.1.0/24'],
      VpcId: ['String', ''], VSwitchId: ['String', ''], EnablePublicAccess: ['Boolean', true], SourceCidrIp: ['String', '0.0.0.0/0'],
    });
    expect(T.Parameters.VpcOption.AllowedValues).toEqual(['NewVPC', 'ExistingVPC']);
    expect(T.Parameters.SourceCidrIp.AllowedPattern).toBe(CIDR_PATTERN);
    for (const p of choices.parameters) {
      expect({ p: p.logicalId, label: Object.keys(T.Parameters[p.logicalId].Label).sort() }).toEqual({ p: p.logicalId, label: ['en', 'zh-cn'] });
    }
  });

  test('each parameter is shown only when it applies; the existing ids are required then', () => {
    const newVpc = { 'Fn::Equals': ['${VpcOption}', 'NewVPC'] };
    const existingVpc = { 'Fn::Equals': ['${VpcOption}', 'ExistingVPC'] };
    expect(visible('VpcOption')).toBeUndefined();
    expect(visible('VpcCidrBlock')).toEqual(newVpc);
    expect(visible('VSwitchCidrBlock')).toEqual(newVpc);
    expect(visible('VpcId')).toEqual(existingVpc);
    expect(visible('VSwitchId')).toEqual(existingVpc);
    expect(visible('EnablePublicAccess')).toBeUndefined();
    expect(visible('SourceCidrIp')).toEqual({ 'Fn::Or': [{ 'Fn::Equals': ['${EnablePublicAccess}', true] }, existingVpc] });
    expect(T.Parameters.VpcId.Required).toEqual(existingVpc);
    expect(T.Parameters.VSwitchId.Required).toEqual(existingVpc);
  });

  test('association properties: VPC picker, VSwitch picker filtered by the chosen VPC and zone, the reference CIDR pickers', () => {
    expect(T.Parameters.VpcId.AssociationProperty).toBe('ALIYUN::ECS::VPC::VPCId');
    expect(T.Parameters.VSwitchId).toMatchObject({
      AssociationProperty: 'ALIYUN::ECS::VSwitch::VSwitchId',
      AssociationPropertyMetadata: { VpcId: '${VpcId}', ZoneId: '${ZoneId}' },
    });
    expect(T.Parameters.VpcCidrBlock.AssociationProperty).toBe('ALIYUN::VPC::VPC::CidrBlock');
    expect(T.Parameters.VSwitchCidrBlock).toMatchObject({ AssociationProperty: 'ALIYUN::VPC::VSwitch::CidrBlock', AssociationPropertyMetadata: { VpcCidrBlock: 'VpcCidrBlock' } });
    expect(T.Parameters.VpcOption.AssociationPropertyMetadata.ValueLabelMapping).toEqual({
      NewVPC: { en: 'New VPC', 'zh-cn': '新建专有网络' }, ExistingVPC: { en: 'Existing VPC', 'zh-cn': '已有专有网络' },
    });
  });

  test('the conditions', () => {
    expect(T.Conditions).toEqual({
      CreateVpc: { 'Fn::Equals': [{ Ref: 'VpcOption' }, 'NewVPC'] },
      PublicAccess: { 'Fn::Equals': [true, { Ref: 'EnablePublicAccess' }] },
      PrivateAccess: { 'Fn::Not': [{ Condition: 'PublicAccess' }] },
      PrivateAccessInNewVpc: { 'Fn::And': [{ Condition: 'PrivateAccess' }, { Condition: 'CreateVpc' }] },
    });
  });

  test.each([
    ['new VPC, public', {}, ['EcsVpc', 'EcsVSwitch', 'EcsSecurityGroup'], { Ref: 'EcsVpc' }, { Ref: 'SourceCidrIp' }],
    ['new VPC, private: the VPC\'s own block is admitted', { EnablePublicAccess: false }, ['EcsVpc', 'EcsVSwitch', 'EcsSecurityGroup'], { Ref: 'EcsVpc' }, { Ref: 'VpcCidrBlock' }],
    ['existing VPC, public', { VpcOption: 'ExistingVPC' }, ['EcsSecurityGroup'], { Ref: 'VpcId' }, { Ref: 'SourceCidrIp' }],
    ['existing VPC, private: the given block is admitted', { VpcOption: 'ExistingVPC', EnablePublicAccess: false }, ['EcsSecurityGroup'], { Ref: 'VpcId' }, { Ref: 'SourceCidrIp' }],
  ])('%s', (_name, parameters, resources, vpcId, source) => {
    const created = applyConditions(T, { VpcId: 'vpc-1', VSwitchId: 'vsw-1', ...parameters });
    expect(Object.keys(created.Resources!)).toEqual(resources);
    const group = created.Resources!.EcsSecurityGroup.Properties as any;
    expect(group.VpcId).toEqual(vpcId);
    expect(group.SecurityGroupIngress[0].SourceCidrIp).toEqual(source);
  });

  test('defaults can be changed: an existing VPC and no public access first', () => {
    const t = build({ defaultVpcOption: VpcOption.EXISTING_VPC, defaultPublicAccess: false }).template();
    expect([t.Parameters.VpcOption.Default, t.Parameters.EnablePublicAccess.Default]).toEqual(['ExistingVPC', false]);
    expect(Object.keys(applyConditions(t, { VpcId: 'vpc-1', VSwitchId: 'vsw-1' }).Resources!)).toEqual(['EcsSecurityGroup']);
  });

  test.each([
    ['servicePort 0', { servicePort: 0 }, /NetworkParameters: servicePort 0 is not allowed: give a whole port number from 1 to 65535/],
    ['an unknown VpcOption', { defaultVpcOption: 'Vpc' as VpcOption }, /NetworkParameters: defaultVpcOption 'Vpc' is not allowed: give VpcOption.NEW_VPC or VpcOption.EXISTING_VPC/],
  ])('refused: %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('sourceCidrIpParameter alone: the same parameter without visibility metadata', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    sourceCidrIpParameter(stack, 8080);
    const p = synthTemplate(app, stack).Parameters.SourceCidrIp;
    expect(p).toMatchObject({ Type: 'String', Default: '0.0.0.0/0', AllowedPattern: CIDR_PATTERN });
    expect(p.AssociationPropertyMetadata).toBeUndefined();
    expect(p.Description.en).toContain('port 8080');
  });
});

describe('instanceCountParameter', () => {
  const param = (props = {}) => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const p = instanceCountParameter(stack, props);
    return { p, stack, template: () => synthTemplate(app, stack) };
  };

  test('a Number parameter InstanceCount, 1 to maxCount, bilingual', () => {
    const { p, stack, template } = param({ defaultCount: 2, maxCount: 4 });
    expect(template().Parameters.InstanceCount).toMatchObject({ Type: 'Number', Default: 2, MinValue: 1, MaxValue: 4 });
    expect(Object.keys(template().Parameters.InstanceCount.Label).sort()).toEqual(['en', 'zh-cn']);
    expect(stack.resolve(p.valueAsNumber)).toEqual({ Ref: 'InstanceCount' });
  });

  test('defaults: 1 of at most 10', () => {
    expect(param().template().Parameters.InstanceCount).toMatchObject({ Default: 1, MinValue: 1, MaxValue: 10 });
  });

  test.each([
    [{ maxCount: 21 }, 'maxCount 21 is not allowed: give a whole number from 1 to 20 (one ALIYUN::ECS::RunCommand targets at most 20 instances)'],
    [{ maxCount: 0 }, 'maxCount 0 is not allowed'],
    [{ defaultCount: 11 }, 'defaultCount 11 is not allowed: give a whole number from 1 to maxCount (10)'],
    [{ defaultCount: 1.5 }, 'defaultCount 1.5 is not allowed'],
  ])('%p is refused', (props, message) => {
    expect(() => param(props)).toThrow(new RegExp(`instanceCountParameter: ${esc(message)}`));
  });
});
