/**
 * Issue 16: every combination of network (new / existing VPC), access (public / private), instance
 * count (one / two / a parameter: a load balancer in front of more than one) and preset
 * synthesizes with zero rule findings and zero spec findings, both as written and as ROS creates it
 * for the chosen parameters (Conditions applied).
 */
import * as ros from '@alicloud/ros-cdk-core';
import { QWEN_CHAT_PRESETS } from '../../lib/qwen-chat/presets';
import { QwenChatStack, QwenChatStackProps } from '../../lib/qwen-chat/qwen-chat-stack';
import { ACCESS, NETWORKS, expectCleanAsWrittenAndCreated } from '../support/network-modes';
import { newApp, synthTemplate } from '../script/script-test-support';

const COUNTS: Record<string, QwenChatStackProps> = {
  one: {},
  two: { instanceOptions: { amount: 2 } },
  parameter: { instanceCountParameter: { defaultCount: 2, maxCount: 8 } },
};

const templates = new Map<string, any>();
function template(preset: string, count: string): any {
  const key = `${preset}/${count}`;
  if (!templates.has(key)) {
    const app = newApp();
    const p = QWEN_CHAT_PRESETS.find((x) => x.stackName === preset)!;
    const stack = new QwenChatStack(app, p.stackName, { ...COUNTS[count], model: p.model });
    templates.set(key, synthTemplate(app, stack));
  }
  return templates.get(key);
}

const ROWS = QWEN_CHAT_PRESETS.flatMap((p) => Object.keys(COUNTS).flatMap((count) => Object.keys(NETWORKS).flatMap((network) =>
  Object.keys(ACCESS).map((access) => [p.stackName, count, network, access] as const))));

describe('QwenChatStack: every preset x instance count x network x access', () => {
  test('the table has every combination (3 presets x 3 counts x 2 networks x 2 access modes)', () => {
    expect(ROWS).toHaveLength(QWEN_CHAT_PRESETS.length * 3 * 2 * 2);
    expect(QWEN_CHAT_PRESETS.length).toBe(3);
  });

  test.each(ROWS)('%s, %s instance(s), %s, %s', (preset, count, network, access) => {
    const t = template(preset, count);
    const created = expectCleanAsWrittenAndCreated(t, { ...NETWORKS[network], ...ACCESS[access] });

    const types = Object.values<any>(created.Resources).map((r) => r.Type);
    const group = created.Resources.EcsInstanceGroup.Properties;
    if (network === 'existing VPC') {
      expect(types).not.toContain('ALIYUN::ECS::VPC');
      expect(types).not.toContain('ALIYUN::ECS::VSwitch');
      expect([group.VpcId, group.VSwitchId]).toEqual([{ Ref: 'VpcId' }, { Ref: 'VSwitchId' }]);
    } else {
      expect(types.filter((x) => x === 'ALIYUN::ECS::VPC' || x === 'ALIYUN::ECS::VSwitch')).toEqual(['ALIYUN::ECS::VPC', 'ALIYUN::ECS::VSwitch']);
      expect([group.VpcId, group.VSwitchId]).toEqual([{ Ref: 'EcsVpc' }, { Ref: 'EcsVSwitch' }]);
    }
    expect(types.filter((x) => x === 'ALIYUN::ECS::SecurityGroup')).toEqual(['ALIYUN::ECS::SecurityGroup']);
    const ingress = created.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress.map((r: any) => [r.PortRange, r.SourceCidrIp]);
    const clients = access === 'private' && network === 'new VPC' ? { Ref: 'VpcCidrBlock' } : { Ref: 'SourceCidrIp' };
    const lbTypes = types.filter((x) => x.startsWith('ALIYUN::SLB::'));
    if (count === 'one') {
      // One instance: no balancer; the instance has the public IP (with public access) and the endpoints are its addresses.
      expect(lbTypes).toEqual([]);
      expect(ingress).toEqual([['5000/5000', clients]]);
      if (access === 'private') {
        expect(Object.keys(created.Outputs)).toEqual(['PrivateEndpoint', 'TlsCertificateFingerprint']);
        expect([group.AllocatePublicIP, group.InternetMaxBandwidthOut]).toEqual([false, 0]);
      } else {
        expect(Object.keys(created.Outputs)).toEqual(['Endpoint', 'PrivateEndpoint', 'TlsCertificateFingerprint']);
        expect([group.AllocatePublicIP, group.InternetMaxBandwidthOut]).toEqual([true, 2]);
      }
      expect(JSON.stringify(created.Outputs)).toContain(access === 'private' ? 'PrivateIps' : 'PublicIps');
    } else {
      // More than one: a CLB in front, the only way in; the health port only from the balancer's range.
      expect(lbTypes).toEqual(['ALIYUN::SLB::LoadBalancer', 'ALIYUN::SLB::Listener', 'ALIYUN::SLB::BackendServerAttachment']);
      expect(ingress).toEqual([['5000/5000', clients], ['8008/8008', '100.64.0.0/10']]);
      expect([group.AllocatePublicIP, group.InternetMaxBandwidthOut]).toEqual([false, 0]);
      expect(created.Resources.Slb.Properties.AddressType).toBe(access === 'private' ? 'intranet' : 'internet');
      expect(created.Resources.SlbListener.Properties).toMatchObject({ Protocol: 'tcp', ListenerPort: 5000, BackendServerPort: 5000, Scheduler: 'sch' });
      expect(Object.keys(created.Outputs)).toEqual([access === 'private' ? 'PrivateEndpoint' : 'Endpoint', 'TlsCertificateFingerprint']);
      // issue 15: the TCP listener passes each instance's TLS through; each certificate also names the balancer's address
      expect(Object.values<any>(created.Outputs)[0].Value).toEqual({ 'Fn::Sub': ['https://${ServerAddress}:5000', { ServerAddress: { 'Fn::GetAtt': ['Slb', 'IpAddress'] } }] });
      expect(created.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'][1].LoadBalancerAddressBase64).toEqual({ 'Fn::Base64Encode': { 'Fn::GetAtt': ['Slb', 'IpAddress'] } });
    }
  });
});

describe('QwenChatStack: the instance count', () => {
  test('instanceCountParameter: one InstanceCount parameter drives MaxAmount, the wait\'s Count and the targets; the fields report the token', () => {
    const app = newApp();
    const stack = new QwenChatStack(app, 'Q', COUNTS.parameter);
    const t = synthTemplate(app, stack);
    expect(t.Parameters.InstanceCount).toMatchObject({ Type: 'Number', Default: 2, MinValue: 1, MaxValue: 8 });
    expect(t.Resources.EcsInstanceGroup.Properties.MaxAmount).toEqual({ Ref: 'InstanceCount' });
    expect(t.Resources.WaitCondition.Properties.Count).toEqual({ Ref: 'InstanceCount' });
    expect(t.Resources.InstanceRunCommand.Properties.InstanceIds).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
    for (const field of [stack.instanceCount, stack.instance.amount, stack.callback.count]) {
      expect(ros.Token.isUnresolved(field)).toBe(true);
      expect(stack.resolve(field)).toEqual({ Ref: 'InstanceCount' });
    }
    expect(stack.parameters.instanceCount?.logicalId).toBe('InstanceCount');
    expect(t.Metadata['ALIYUN::ROS::Interface'].ParameterGroups[1].Parameters).toEqual(['EcsInstanceType', 'InstancePassword', 'InstanceCount']);
    expect(t.Description.en).toContain(' on GPU ECS instances in a new or an existing VPC');
    expect(t.Description.en).toContain('A Classic Load Balancer spreads the users over the instances.');
    expect(stack.loadBalancer).toBeDefined();
  });

  test('a fixed count: the fields report the number', () => {
    const app = newApp();
    const stack = new QwenChatStack(app, 'Q', COUNTS.two);
    expect([stack.instanceCount, stack.instance.amount, stack.callback.count]).toEqual([2, 2, 2]);
    expect(synthTemplate(app, stack).Parameters.InstanceCount).toBeUndefined();
  });

  test('a count in two places is refused, saying which to leave out', () => {
    expect(() => new QwenChatStack(newApp(), 'Q', { instanceOptions: { amount: 2 }, instanceCountParameter: {} }))
      .toThrow('QwenChatStack: instanceOptions.amount 2 is not allowed with instanceCountParameter: the InstanceCount parameter decides the count. Leave one of them out.');
  });
});
