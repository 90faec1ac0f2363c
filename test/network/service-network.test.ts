import * as ros from '@alicloud/ros-cdk-core';
import { ExistingNetworkProps, ServiceNetwork, ServiceNetworkProps } from '../../lib/network/service-network';
import { applyConditions } from '../../lib/ros/conditions';
import { esc, newApp, synthTemplate } from '../script/script-test-support';

const BASE: ServiceNetworkProps = {
  vpcCidrBlock: '192.168.0.0/16',
  vSwitchCidrBlock: '192.168.1.0/24',
  zoneId: 'cn-hangzhou-k',
  ingressPorts: [{ port: 5000 }],
};

function build(props: Partial<ServiceNetworkProps> = {}) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const network = new ServiceNetwork(stack, 'Network', { ...BASE, ...props });
  return { app, stack, network };
}

describe('ServiceNetwork', () => {
  test('a VPC, a VSwitch in it and a security group: ingress per port, all egress', () => {
    const { app, stack, network } = build();
    const t = synthTemplate(app, stack);
    expect(Object.keys(t.Resources).sort()).toEqual(['EcsSecurityGroup', 'EcsVSwitch', 'EcsVpc']);
    expect(t.Resources).toMatchObject({
      EcsVpc: { Type: 'ALIYUN::ECS::VPC', Properties: { CidrBlock: '192.168.0.0/16', VpcName: { Ref: 'ALIYUN::StackName' } } },
      EcsVSwitch: {
        Type: 'ALIYUN::ECS::VSwitch',
        Properties: { CidrBlock: '192.168.1.0/24', VpcId: { Ref: 'EcsVpc' }, ZoneId: 'cn-hangzhou-k', VSwitchName: { Ref: 'ALIYUN::StackName' } },
      },
      EcsSecurityGroup: {
        Type: 'ALIYUN::ECS::SecurityGroup',
        Properties: {
          VpcId: { Ref: 'EcsVpc' },
          SecurityGroupName: { Ref: 'ALIYUN::StackName' },
          SecurityGroupIngress: [{ PortRange: '5000/5000', Priority: 1, SourceCidrIp: '0.0.0.0/0', IpProtocol: 'tcp', NicType: 'intranet' }],
          SecurityGroupEgress: [{ PortRange: '-1/-1', Priority: 1, IpProtocol: 'all', DestCidrIp: '0.0.0.0/0', NicType: 'intranet' }],
        },
      },
    });
    expect(stack.resolve(network.vpcId)).toEqual({ Ref: 'EcsVpc' });
    expect(stack.resolve(network.vSwitchId)).toEqual({ Ref: 'EcsVSwitch' });
    expect(stack.resolve(network.securityGroupId)).toEqual({ Ref: 'EcsSecurityGroup' });
  });

  test('name, prefix, several ports with sources and priorities', () => {
    const { app, stack } = build({
      name: 'demo', logicalIdPrefix: 'Second',
      ingressPorts: [{ port: 5000, sourceCidrIp: '203.0.113.0/24', priority: 5 }, { port: 22, sourceCidrIp: '198.51.100.7/32' }, { port: 5000 }],
    });
    const t = synthTemplate(app, stack);
    expect(Object.keys(t.Resources).sort()).toEqual(['SecondEcsSecurityGroup', 'SecondEcsVSwitch', 'SecondEcsVpc']);
    expect(t.Resources.SecondEcsVpc.Properties.VpcName).toBe('demo');
    expect(t.Resources.SecondEcsSecurityGroup.Properties.SecurityGroupIngress).toEqual([
      { PortRange: '5000/5000', Priority: 5, SourceCidrIp: '203.0.113.0/24', IpProtocol: 'tcp', NicType: 'intranet' },
      { PortRange: '22/22', Priority: 1, SourceCidrIp: '198.51.100.7/32', IpProtocol: 'tcp', NicType: 'intranet' },
      { PortRange: '5000/5000', Priority: 1, SourceCidrIp: '0.0.0.0/0', IpProtocol: 'tcp', NicType: 'intranet' },
    ]);
  });

  test('tokens (parameters) are passed through without synth-time checks', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const p = (id: string) => new ros.RosParameter(stack, id, { type: ros.RosParameterType.STRING }).valueAsString;
    new ServiceNetwork(stack, 'Network', {
      vpcCidrBlock: p('VpcCidrBlock'), vSwitchCidrBlock: p('VSwitchCidrBlock'), zoneId: p('ZoneId'),
      ingressPorts: [{ port: 5000, sourceCidrIp: p('SourceCidrIp') }],
    });
    const t = synthTemplate(app, stack);
    expect(t.Resources.EcsVpc.Properties.CidrBlock).toEqual({ Ref: 'VpcCidrBlock' });
    expect(t.Resources.EcsVSwitch.Properties).toMatchObject({ CidrBlock: { Ref: 'VSwitchCidrBlock' }, ZoneId: { Ref: 'ZoneId' } });
    expect(t.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress[0].SourceCidrIp).toEqual({ Ref: 'SourceCidrIp' });
  });

  test.each([
    ['10.0.0.0/8', '10.255.0.0/16'], ['172.16.0.0/12', '172.31.255.0/24'], ['192.168.0.0/16', '192.168.255.248/29'], ['10.1.0.0/16', '10.1.0.0/16'],
  ])('accepts VPC %s with VSwitch %s', (vpc, vsw) => {
    expect(() => build({ vpcCidrBlock: vpc, vSwitchCidrBlock: vsw })).not.toThrow();
  });

  describe('validation', () => {
    test('empty ingressPorts', () => {
      expect(() => build({ ingressPorts: [] })).toThrow(/ServiceNetwork: ingressPorts is empty/);
    });

    test.each([[0], [70000], [1.5], [-1]])('a port %p', (port) => {
      expect(() => build({ ingressPorts: [{ port: 22 }, { port }] }))
        .toThrow(new RegExp(`ServiceNetwork: ingressPorts\\[1\\]\\.port ${esc(String(port))} is not allowed: give a whole port number from 1 to 65535`));
    });

    test.each([['0.0.0.0'], ['300.1.1.1/32'], ['1.2.3.4/33'], ['any']])('a sourceCidrIp %p', (sourceCidrIp) => {
      expect(() => build({ ingressPorts: [{ port: 5000, sourceCidrIp }] }))
        .toThrow(new RegExp(`ServiceNetwork: ingressPorts\\[0\\]\\.sourceCidrIp '${esc(sourceCidrIp)}' is not an IPv4 CIDR block`));
    });

    test.each([[0], [101], [2.5]])('a priority %p', (priority) => {
      expect(() => build({ ingressPorts: [{ port: 5000, priority }] }))
        .toThrow(new RegExp(`ServiceNetwork: ingressPorts\\[0\\]\\.priority ${esc(String(priority))} is not allowed: give a whole number from 1 to 100`));
    });

    test('a repeated rule', () => {
      expect(() => build({ ingressPorts: [{ port: 5000 }, { port: 5000, sourceCidrIp: '0.0.0.0/0' }] }))
        .toThrow(/ServiceNetwork: ingressPorts\[1\] repeats port 5000 from the same source/);
    });

    test.each([['192.168.0.0'], ['192.168.0.0/33'], ['256.0.0.0/8'], ['vpc']])('a VPC CIDR that is not one: %p', (vpcCidrBlock) => {
      expect(() => build({ vpcCidrBlock })).toThrow(new RegExp(`ServiceNetwork: vpcCidrBlock '${esc(vpcCidrBlock)}' is not an IPv4 CIDR block`));
    });

    test.each([['8.8.0.0/16'], ['172.32.0.0/16'], ['0.0.0.0/0'], ['10.0.0.0/7']])('a VPC CIDR outside RFC 1918: %p', (vpcCidrBlock) => {
      expect(() => build({ vpcCidrBlock, vSwitchCidrBlock: '10.0.0.0/24' }))
        .toThrow(new RegExp(`ServiceNetwork: vpcCidrBlock '${esc(vpcCidrBlock)}' is outside the private ranges a VPC may use; give one inside 10\\.0\\.0\\.0/8, 172\\.16\\.0\\.0/12, 192\\.168\\.0\\.0/16`));
    });

    test.each([['192.168.1.0'], ['192.168.1.0/x']])('a VSwitch CIDR that is not one: %p', (vSwitchCidrBlock) => {
      expect(() => build({ vSwitchCidrBlock })).toThrow(new RegExp(`ServiceNetwork: vSwitchCidrBlock '${esc(vSwitchCidrBlock)}' is not an IPv4 CIDR block`));
    });

    test.each([['192.168.0.0/15'], ['192.168.1.0/30']])('a VSwitch prefix out of /16-/29: %p', (vSwitchCidrBlock) => {
      expect(() => build({ vSwitchCidrBlock })).toThrow(new RegExp(`ServiceNetwork: vSwitchCidrBlock '${esc(vSwitchCidrBlock)}' has prefix /\\d+; a VSwitch takes /16 to /29`));
    });

    test.each([['10.0.1.0/24'], ['192.169.1.0/24'], ['172.16.0.0/16']])('a VSwitch CIDR outside the VPC CIDR: %p', (vSwitchCidrBlock) => {
      expect(() => build({ vSwitchCidrBlock }))
        .toThrow(new RegExp(`ServiceNetwork: vSwitchCidrBlock '${esc(vSwitchCidrBlock)}' is outside vpcCidrBlock '192\\.168\\.0\\.0/16'`));
    });

    test('a VSwitch larger than its VPC', () => {
      expect(() => build({ vpcCidrBlock: '10.1.0.0/24', vSwitchCidrBlock: '10.1.0.0/16' }))
        .toThrow(/ServiceNetwork: vSwitchCidrBlock '10\.1\.0\.0\/16' is outside vpcCidrBlock '10\.1\.0\.0\/24'/);
    });
  });
});

describe('ServiceNetwork: new or existing, chosen at deploy time (newNetworkCondition)', () => {
  const chosen = (props: Partial<ServiceNetworkProps> = {}) => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const p = (id: string, def?: string) => new ros.RosParameter(stack, id, { type: ros.RosParameterType.STRING, defaultValue: def });
    const option = p('VpcOption', 'NewVPC');
    const condition = new ros.RosCondition(stack, 'CreateVpc', { expression: ros.Fn.conditionEquals(option.valueAsString, 'NewVPC') });
    const network = new ServiceNetwork(stack, 'Network', {
      ...BASE, newNetworkCondition: condition, existingVpcId: p('VpcId', '').valueAsString, existingVSwitchId: p('VSwitchId', '').valueAsString, ...props,
    });
    return { app, stack, network, condition };
  };

  test('the VPC and VSwitch carry the condition; the ids are Fn::If; the security group is made either way, in the VPC used', () => {
    const { app, stack, network, condition } = chosen();
    const t = synthTemplate(app, stack);
    expect(t.Resources.EcsVpc.Condition).toBe('CreateVpc');
    expect(t.Resources.EcsVSwitch.Condition).toBe('CreateVpc');
    expect(t.Resources.EcsSecurityGroup.Condition).toBeUndefined();
    const ifNew = (made: string, existing: string) => ({ 'Fn::If': ['CreateVpc', { Ref: made }, { Ref: existing }] });
    expect(t.Resources.EcsSecurityGroup.Properties.VpcId).toEqual(ifNew('EcsVpc', 'VpcId'));
    expect(stack.resolve([network.vpcId, network.vSwitchId])).toEqual([ifNew('EcsVpc', 'VpcId'), ifNew('EcsVSwitch', 'VSwitchId')]);
    expect(network.newNetworkCondition).toBe(condition);
  });

  test.each([
    ['NewVPC', ['EcsVpc', 'EcsVSwitch', 'EcsSecurityGroup'], { Ref: 'EcsVpc' }],
    ['ExistingVPC', ['EcsSecurityGroup'], { Ref: 'VpcId' }],
  ])('VpcOption %s: the created template has %p, the group in %p', (option, resources, vpcId) => {
    const { app, stack } = chosen();
    const created = applyConditions(synthTemplate(app, stack), { VpcOption: option, VpcId: 'vpc-1', VSwitchId: 'vsw-1' });
    expect(Object.keys(created.Resources!)).toEqual(resources);
    expect(created.Resources!.EcsSecurityGroup.Properties!.VpcId).toEqual(vpcId);
  });

  test.each([
    ['existingVpcId without the condition', { newNetworkCondition: undefined, existingVSwitchId: undefined },
      /ServiceNetwork: existingVpcId is not allowed without newNetworkCondition: the new VPC and VSwitch are always made/],
    ['existingVSwitchId without the condition', { newNetworkCondition: undefined, existingVpcId: undefined },
      /ServiceNetwork: existingVSwitchId is not allowed without newNetworkCondition/],
    ['no existingVpcId with the condition', { existingVpcId: undefined }, /ServiceNetwork: existingVpcId undefined is not allowed with newNetworkCondition: give the id used where the condition does not hold/],
    ['an empty existingVSwitchId with the condition', { existingVSwitchId: ' ' }, /ServiceNetwork: existingVSwitchId " " is not allowed with newNetworkCondition/],
  ])('refused: %s', (_name, props, message) => {
    expect(() => chosen(props as Partial<ServiceNetworkProps>)).toThrow(message as RegExp);
  });
});

describe('ServiceNetwork.fromExisting', () => {
  const existing = (props: Partial<ExistingNetworkProps> = {}) => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const vpcId = new ros.RosParameter(stack, 'VpcId', { type: ros.RosParameterType.STRING });
    const network = ServiceNetwork.fromExisting(stack, 'Network', {
      vpcId: vpcId.valueAsString, vSwitchId: 'vsw-123', zoneId: 'cn-hangzhou-k', ingressPorts: [{ port: 5000 }], ...props,
    });
    return { app, stack, network };
  };

  test('existing VPC and VSwitch: only the service\'s own security group is made, in that VPC', () => {
    const { app, stack, network } = existing();
    const t = synthTemplate(app, stack);
    expect(Object.keys(t.Resources)).toEqual(['EcsSecurityGroup']);
    expect(t.Resources.EcsSecurityGroup.Properties).toMatchObject({
      VpcId: { Ref: 'VpcId' },
      SecurityGroupIngress: [{ PortRange: '5000/5000', Priority: 1, SourceCidrIp: '0.0.0.0/0', IpProtocol: 'tcp', NicType: 'intranet' }],
    });
    expect(stack.resolve([network.vpcId, network.vSwitchId, network.zoneId, network.securityGroupId]))
      .toEqual([{ Ref: 'VpcId' }, 'vsw-123', 'cn-hangzhou-k', { Ref: 'EcsSecurityGroup' }]);
  });

  test('an existing security group too: no resource at all', () => {
    const { app, stack, network } = existing({ securityGroupId: 'sg-123', ingressPorts: undefined });
    expect(synthTemplate(app, stack).Resources ?? {}).toEqual({});
    expect(network.securityGroupId).toBe('sg-123');
  });

  test.each([
    ['ports with an existing group', { securityGroupId: 'sg-1' }, /ingressPorts is not allowed with securityGroupId 'sg-1': an existing group keeps its own rules/],
    ['no ports and no group', { ingressPorts: undefined }, /ingressPorts is missing: without securityGroupId a new security group is made/],
    ['an empty VSwitch id', { vSwitchId: '' }, /ServiceNetwork.fromExisting: vSwitchId "" is not allowed/],
    ['a bad port', { ingressPorts: [{ port: 0 }] }, /ServiceNetwork.fromExisting: ingressPorts\[0\]\.port 0 is not allowed/],
  ])('refused: %s', (_name, props, message) => {
    expect(() => existing(props as Partial<ExistingNetworkProps>)).toThrow(message as RegExp);
  });
});

describe('ServiceNetwork: logical ids', () => {
  test('a second network in one stack is refused, naming the construct path and logicalIdPrefix', () => {
    const { stack } = build();
    expect(() => new ServiceNetwork(stack, 'Other', BASE))
      .toThrow("ServiceNetwork 'S/Other': logical id 'EcsVpc' is already used by 'S/Network/EcsVpc' (a resource); logical ids are stack-wide, so give this construct another logicalIdPrefix.");
  });

  test('an existing-network security group beside a new network needs a prefix too', () => {
    const { stack } = build();
    expect(() => ServiceNetwork.fromExisting(stack, 'Existing', { vpcId: 'v', vSwitchId: 'w', zoneId: 'z', ingressPorts: [{ port: 1 }] }))
      .toThrow(/ServiceNetwork.fromExisting 'S\/Existing': logical id 'EcsSecurityGroup' is already used by 'S\/Network\/EcsSecurityGroup'/);
  });
});
