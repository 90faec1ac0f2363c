/**
 * Issue 16 item 5 (stretch): an ESS scaling group whose instances run the deploy script from their
 * user data, attached to the balancer. Checked against the ROS specification with no allow-list.
 */
import * as ros from '@alicloud/ros-cdk-core';
import { ListenerProtocol } from '../../lib/loadbalancer/classic-load-balancer';
import { ServiceLoadBalancer } from '../../lib/loadbalancer/service-load-balancer';
import { AddressType } from '../../lib/loadbalancer/classic-load-balancer';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { lintTemplate } from '../../lib/rules/rule-pack';
import { EssScalingConfiguration, EssScalingGroup } from '../../lib/scaling/ess';
import { ScriptedScalingGroup } from '../../lib/scaling/scripted-scaling-group';
import { ScriptCommands } from '../../lib/script/script-file';
import { ScriptPhase } from '../../lib/script/deploy-script';
import { checkTemplateAgainstSpec } from '../support/ros-spec';
import { chatStackWithScalingGroup } from './chat-with-scaling-group';
import { newApp, synthTemplate } from '../script/script-test-support';

describe('ScriptedScalingGroup', () => {
  const { app, stack, group } = chatStackWithScalingGroup();
  const t = synthTemplate(app, stack);

  test('the ESS resources, the balancer and the wait pass the ROS specification check with no allow-list entry, and the rule pack', () => {
    const ess = Object.fromEntries(Object.entries<any>(t.Resources).filter(([, r]) => r.Type.startsWith('ALIYUN::ESS::')).map(([id, r]) => [id, r.Type]));
    expect(ess).toEqual({
      EssScalingGroup: 'ALIYUN::ESS::ScalingGroup',
      EssScalingConfiguration: 'ALIYUN::ESS::ScalingConfiguration',
      EssScalingGroupEnable: 'ALIYUN::ESS::ScalingGroupEnable',
    });
    expect(checkTemplateAgainstSpec(t, { allowList: [] })).toEqual([]);
    expect(lintTemplate(t).findings).toEqual([]);
  });

  test('min/max, the VSwitch, attached to the balancer after its listener exists; the newest instance goes first', () => {
    expect(t.Resources.EssScalingGroup).toEqual({
      Type: 'ALIYUN::ESS::ScalingGroup',
      Properties: {
        MinSize: 2, MaxSize: 4, VSwitchId: stack.resolve(stack.network.vSwitchId),
        LoadBalancerIds: [{ Ref: 'EssSlb' }], RemovalPolicys: ['NewestInstance'], HealthCheckType: 'ECS',
      },
      DependsOn: ['EssSlbListener'],
    });
    expect(t.Resources.EssSlbBackendServerAttachment).toBeUndefined();
    expect(t.Resources.EssScalingGroupEnable.Properties).toEqual({
      ScalingGroupId: { 'Fn::GetAtt': ['EssScalingGroup', 'ScalingGroupId'] },
      ScalingConfigurationId: { 'Fn::GetAtt': ['EssScalingConfiguration', 'ScalingConfigurationId'] },
    });
  });

  test('the configuration: the instance type parameter, the stack\'s security group, no public IP, the user data', () => {
    expect(t.Resources.EssScalingConfiguration.Properties).toMatchObject({
      ScalingGroupId: { 'Fn::GetAtt': ['EssScalingGroup', 'ScalingGroupId'] },
      ImageId: 'centos_7', InstanceType: { Ref: 'EcsInstanceType' }, SecurityGroupId: { Ref: 'EcsSecurityGroup' },
      SystemDiskCategory: 'cloud_essd', SystemDiskSize: 100, InternetMaxBandwidthOut: 0,
    });
  });

  test('the user data is the same rendered script as the RunCommand\'s, signalling its own wait (Count minSize, after the enable)', () => {
    const [userBody, userVars] = t.Resources.EssScalingConfiguration.Properties.UserData['Fn::Sub'];
    const [runBody, runVars] = t.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'];
    expect(userBody.startsWith('#!/bin/bash\n')).toBe(true);
    // The same parts in the same order; only the wait (its handle, its timeout) differs.
    expect(userBody).toBe(runBody);
    expect(Object.keys(userVars)).toEqual(Object.keys(runVars));
    expect(userVars.CurlCli).toEqual({ 'Fn::GetAtt': ['EssWaitConditionHandle', 'CurlCli'] });
    expect(runVars.CurlCli).toEqual({ 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] });
    expect(t.Resources.EssWaitCondition.Properties.Count).toBe(2);
    expect(t.Resources.EssWaitCondition.DependsOn).toEqual(['EssScalingGroupEnable']);
    expect(group.minSize).toBe(2);
    expect(group.script.orderedParts.map((p) => p.description)).toEqual(stack.script.orderedParts.map((p) => p.description));
  });

  test('a count parameter: MinSize and the wait\'s Count are the parameter', () => {
    const app2 = newApp();
    const s = new ros.Stack(app2, 'S');
    const n = new ros.RosParameter(s, 'MinInstances', { type: ros.RosParameterType.NUMBER, defaultValue: 1 });
    const network = { vpcId: 'vpc-1', vSwitchId: 'vsw-1', zoneId: 'cn-hangzhou-h', securityGroupId: 'sg-1' };
    new ScriptedScalingGroup(s, 'G', {
      network, minSize: n.valueAsNumber, maxSize: 10, instanceType: 'ecs.gn7i-c8g1.2xlarge', imageId: 'img-1',
      parts: [new ScriptCommands({ description: 'say hello', phase: ScriptPhase.COMMANDS, commands: ['echo hello'] })],
    });
    const t2 = synthTemplate(app2, s);
    expect(t2.Resources.ScalingGroup.Properties.MinSize).toEqual({ Ref: 'MinInstances' });
    expect(t2.Resources.WaitCondition.Properties.Count).toEqual({ Ref: 'MinInstances' });
    expect(t2.Resources.ScalingGroup.Properties.LoadBalancerIds).toBeUndefined();
    expect(checkTemplateAgainstSpec(t2, { allowList: [] })).toEqual([]);
  });
});

describe('ScriptedScalingGroup and the ESS constructs refuse bad input, naming the prop, the value and the fix', () => {
  const network = { vpcId: 'vpc-1', vSwitchId: 'vsw-1', zoneId: 'z', securityGroupId: 'sg-1' };
  const parts = [new ScriptCommands({ description: 'say hello', phase: ScriptPhase.COMMANDS, commands: ['echo hello'] })];
  const base = { network, minSize: 1, maxSize: 2, instanceType: 'ecs.t', imageId: 'img', parts };
  test.each([
    ['minSize 0', { minSize: 0 }, 'ScriptedScalingGroup: minSize 0 is not allowed: give a whole number from 1 to 20 (the deployment waits for one signal from each).'],
    ['minSize 21', { minSize: 21 }, 'ScriptedScalingGroup: minSize 21 is not allowed: give a whole number from 1 to 20'],
    ['maxSize below minSize', { minSize: 3, maxSize: 2 }, 'EssScalingGroup: maxSize 2 is not allowed below minSize 3: give a maxSize of at least 3.'],
    ['maxSize 1001', { maxSize: 1001 }, 'EssScalingGroup: maxSize 1001 is not allowed: give a whole number from 0 to 1000'],
  ])('%s', (_name, props, message) => {
    expect(() => new ScriptedScalingGroup(new ros.Stack(newApp(), 'S'), 'G', { ...base, ...props })).toThrow(message);
  });

  test('a balancer that has instances attached already', () => {
    const app = newApp();
    const { stack } = { stack: new QwenChatStack(app, 'Q', { instanceOptions: { amount: 2 } }) };
    expect(() => new ScriptedScalingGroup(stack, 'G', {
      ...base, network: stack.network, parts: stack.script.orderedParts, loadBalancer: stack.loadBalancer, logicalIdPrefix: 'Ess',
    })).toThrow("ScriptedScalingGroup: loadBalancer has instances attached already (made with 'instances'); give one made without them: the scaling group attaches its own.");
  });

  test('a Cloud Assistant parameter in the script fails synth: user data would run it as it is', () => {
    const app = newApp();
    const s = new ros.Stack(app, 'S');
    new ScriptedScalingGroup(s, 'G', {
      ...base,
      parts: [new ScriptCommands({ description: 'read a secret', phase: ScriptPhase.COMMANDS, commands: ['key={{oos-secret:api-key}}'] })],
    });
    expect(() => app.synth()).toThrow(/ScriptedScalingGroup: the script refers to the Cloud Assistant parameter '\{\{oos-secret:api-key\}\}', which only a RunCommand fills in/);
  });

  test.each([
    ['systemDiskSizeGiB 10', { systemDiskSizeGiB: 10 }, 'EssScalingConfiguration: systemDiskSizeGiB 10 is not allowed: give a whole number of GiB of at least 20.'],
    ['systemDiskCategory', { systemDiskCategory: 'ssd' }, "EssScalingConfiguration: systemDiskCategory 'ssd' is not allowed: give one of cloud, cloud_efficiency, cloud_ssd, cloud_essd, ephemeral_ssd."],
    ['internetMaxBandwidthOutMbps 101', { internetMaxBandwidthOutMbps: 101 }, 'EssScalingConfiguration: internetMaxBandwidthOutMbps 101 is not allowed: give a whole number from 0 (no public IP) to 100.'],
    ['empty userData', { userData: '' }, 'EssScalingConfiguration: userData of 0 bytes is not allowed: give 1 to 16384 bytes of plain text (not base64).'],
  ])('EssScalingConfiguration: %s', (_name, props, message) => {
    expect(() => new EssScalingConfiguration(new ros.Stack(newApp(), 'S'), 'C', {
      scalingGroupId: 'asg-1', imageId: 'img', instanceType: 'ecs.t', securityGroupId: 'sg-1', userData: '#!/bin/bash\ntrue\n', ...props,
    })).toThrow(message);
  });

  test('EssScalingGroup: a scaling group name ESS refuses', () => {
    expect(() => new EssScalingGroup(new ros.Stack(newApp(), 'S'), 'G', { minSize: 1, maxSize: 1, vSwitchId: 'vsw-1', scalingGroupName: '-x' }))
      .toThrow("EssScalingGroup: scalingGroupName '-x' is not allowed: give 2-64 letters, digits, '-', '_' or '.', starting with a letter or digit.");
  });

  test('HTTPS listener balancers work too (the group attaches to whatever listener the balancer has)', () => {
    const app = newApp();
    const s = new ros.Stack(app, 'S');
    const lb = new ServiceLoadBalancer(s, 'LB', {
      network, port: 443, addressType: AddressType.INTRANET, protocol: ListenerProtocol.HTTPS, certificateId: 'cert-1', clientSourceCidrIp: '10.0.0.0/8',
    });
    new ScriptedScalingGroup(s, 'G', { ...base, loadBalancer: lb });
    const t = synthTemplate(app, s);
    expect(t.Resources.ScalingGroup.DependsOn).toEqual(['SlbListener']);
    expect(checkTemplateAgainstSpec(t, { allowList: [] })).toEqual([]);
  });
});
