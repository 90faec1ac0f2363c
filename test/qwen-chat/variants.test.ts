/**
 * The two variants of issue 10, rebuilt with the public API (imports from lib/index.ts only), as a
 * package user writes them. Lines between `variant:` markers are the lines written (the closing note
 * counts them).
 */
import * as ros from '@alicloud/ros-cdk-core';
import { bilingual, QwenChatStack, ServiceNetwork } from '../../lib';
import { newApp, synthTemplate } from '../script/script-test-support';

// variant: existing-vpc (begin)
/** The Qwen chat service in a VPC and VSwitch the deployer picks; the stack's own security group in it. */
function existingVpcStack(app: ros.App): QwenChatStack {
  return new QwenChatStack(app, 'QwenChatExistingVpc', {
    network: {
      provideNetwork(stack, ingressPorts) {
        const vpcId = new ros.RosParameter(stack, 'VpcId', {
          type: ros.RosParameterType.STRING,
          label: bilingual({ en: 'Existing VPC', 'zh-cn': '现有专有网络' }),
          associationProperty: 'ALIYUN::ECS::VPC::VPCId',
        });
        const vSwitchId = new ros.RosParameter(stack, 'VSwitchId', {
          type: ros.RosParameterType.STRING,
          label: bilingual({ en: 'Existing VSwitch', 'zh-cn': '现有交换机' }),
          associationProperty: 'ALIYUN::ECS::VSwitch::VSwitchId',
          associationPropertyMetadata: { VpcId: '${VpcId}', ZoneId: '${ZoneId}' },
        });
        stack.addParameterGroup(QwenChatStack.NETWORK_GROUP, [vpcId, vSwitchId]);
        return ServiceNetwork.fromExisting(stack, 'Network', {
          vpcId: vpcId.valueAsString,
          vSwitchId: vSwitchId.valueAsString,
          zoneId: stack.parameters.zoneId.valueAsString,
          ingressPorts,
        });
      },
    },
  });
}
// variant: existing-vpc (end)

// variant: two-instances (begin)
/** Two GPU instances: the group's amount, the RunCommand's targets and the wait's Count follow. */
function twoInstanceStack(app: ros.App): QwenChatStack {
  return new QwenChatStack(app, 'QwenChatTwoInstances', { instanceOptions: { amount: 2 } });
}
// variant: two-instances (end)

describe('variant: an existing VPC and VSwitch', () => {
  const app = newApp();
  const stack = existingVpcStack(app);
  const t = synthTemplate(app, stack);

  test('no VPC or VSwitch is made; the security group is in the chosen VPC; the instances in the chosen VSwitch', () => {
    expect(Object.keys(t.Resources)).toEqual(['PasswordSecretParameter', 'SecretReaderRole', 'SecretReaderPolicy', 'EcsSecurityGroup', 'EcsInstanceGroup', 'WaitConditionHandle', 'WaitCondition', 'InstanceRunCommand']);
    expect(t.Resources.EcsSecurityGroup.Properties.VpcId).toEqual({ Ref: 'VpcId' });
    expect(t.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress[0]).toMatchObject({ PortRange: '5000/5000', SourceCidrIp: { Ref: 'SourceCidrIp' } });
    expect(t.Resources.EcsInstanceGroup.Properties).toMatchObject({
      VpcId: { Ref: 'VpcId' }, VSwitchId: { Ref: 'VSwitchId' }, ZoneId: { Ref: 'ZoneId' }, SecurityGroupId: { Ref: 'EcsSecurityGroup' },
    });
  });

  test('the console keeps the bilingual parameters and groups: CIDR parameters replaced by the VPC and VSwitch pickers', () => {
    expect(Object.keys(t.Parameters)).toEqual([
      'PayType', 'PayPeriodUnit', 'PayPeriod', 'ZoneId', 'SourceCidrIp', 'EcsInstanceType', 'InstancePassword', 'UserName', 'Password', 'VpcId', 'VSwitchId',
    ]);
    for (const [name, p] of Object.entries<any>(t.Parameters)) {
      expect({ name, languages: Object.keys(p.Label).sort() }).toEqual({ name, languages: ['en', 'zh-cn'] });
    }
    const groups = t.Metadata['ALIYUN::ROS::Interface'].ParameterGroups;
    expect(groups.map((g: any) => g.Parameters)).toEqual([
      ['PayType', 'PayPeriodUnit', 'PayPeriod'], ['EcsInstanceType', 'InstancePassword'], ['UserName', 'Password'], ['ZoneId'],
      ['SourceCidrIp', 'VpcId', 'VSwitchId'],
    ]);
    expect(t.Parameters.VSwitchId.AssociationPropertyMetadata).toEqual({ VpcId: '${VpcId}', ZoneId: '${ZoneId}' });
  });

  test('the description does not claim a new VPC', () => {
    expect(t.Description.en).toBe('Deploys the Qwen-14B-Chat (bf16) Gradio chat demo on one GPU ECS instance, behind an nginx reverse proxy with HTTP basic auth on port 5000.');
    expect(t.Description['zh-cn']).not.toContain('新建');
  });
});

describe('variant: two instances', () => {
  const app = newApp();
  const stack = twoInstanceStack(app);
  const t = synthTemplate(app, stack);

  test('MaxAmount, the wait\'s Count and the RunCommand targets follow the one value; the fields report it', () => {
    expect(t.Resources.EcsInstanceGroup.Properties.MaxAmount).toBe(2);
    expect(t.Resources.WaitCondition.Properties.Count).toBe(2);
    expect(t.Resources.InstanceRunCommand.Properties.InstanceIds).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
    expect(stack.instance.amount).toBe(2);
    expect(stack.callback.count).toBe(2);
    expect(t.Description.en).toContain('on 2 GPU ECS instances in a new or an existing VPC');
  });
});
