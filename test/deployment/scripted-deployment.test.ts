import * as ros from '@alicloud/ros-cdk-core';
import { GpuInstanceGroup } from '../../lib/compute/gpu-instance-group';
import { QwenModel } from '../../lib/compute/models';
import { ScriptedDeployment } from '../../lib/deployment/scripted-deployment';
import { ScriptCommands } from '../../lib/script/script-file';
import { newApp, synthTemplate } from '../script/script-test-support';

const NETWORK = { vpcId: 'vpc-1', vSwitchId: 'vsw-1', securityGroupId: 'sg-1', zoneId: 'z' };
const STEP = new ScriptCommands({ description: 'say hello', commands: ['echo hello'] });

function group(stack: ros.Stack, amount?: number, logicalIdPrefix?: string, id = 'Gpus') {
  return new GpuInstanceGroup(stack, id, {
    requirement: QwenModel.QWEN_7B_CHAT_INT4, instanceType: 'ecs.gn7i-c8g1.2xlarge', network: NETWORK, imageId: 'm', password: 'x',
    amount, logicalIdPrefix,
  });
}

describe('ScriptedDeployment', () => {
  test('one call: the wait counts the instances and starts after them; the RunCommand targets them', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const instances = group(stack, 2);
    const d = new ScriptedDeployment(stack, 'Deploy', { instances, parts: [STEP] });
    const t = synthTemplate(app, stack);
    expect(Object.keys(t.Resources)).toEqual(['EcsInstanceGroup', 'WaitConditionHandle', 'WaitCondition', 'InstanceRunCommand']);
    expect(t.Resources.EcsInstanceGroup.Properties.MaxAmount).toBe(2);
    expect(t.Resources.WaitCondition.Properties).toMatchObject({ Count: 2, Handle: { Ref: 'WaitConditionHandle' } });
    expect(t.Resources.WaitCondition.DependsOn).toEqual(['EcsInstanceGroup']);
    expect(t.Resources.InstanceRunCommand.Properties.InstanceIds).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
    expect(d.script.render().readable).toContain('echo hello');
    // The constructs' own fields report the same count.
    expect(instances.amount).toBe(2);
    expect(d.callback.count).toBe(2);
    expect(t.Resources.WaitCondition.Properties.Timeout).toBe(d.script.budgetSeconds + 900);
    expect(t.Resources.InstanceRunCommand.Properties.Timeout).toBe(d.script.budgetSeconds + 60);
  });

  test('parts added later, margins and the log file', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const d = new ScriptedDeployment(stack, 'Deploy', {
      instances: group(stack), logFile: '/var/log/my-deploy.log', startupMarginSeconds: 600, timeoutMarginSeconds: 30,
    });
    d.addParts(STEP);
    const t = synthTemplate(app, stack);
    expect(t.Resources.WaitCondition.Properties.Timeout).toBe(d.script.budgetSeconds + 600);
    expect(t.Resources.InstanceRunCommand.Properties.Timeout).toBe(d.script.budgetSeconds + 30);
    expect(d.script.logFile).toBe('/var/log/my-deploy.log');
    expect(d.script.render().readable).toContain('| tee -a /var/log/my-deploy.log ||');
  });

  test('an instance count from a Number parameter reaches MaxAmount and the wait\'s Count, and the fields report it', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const count = new ros.RosParameter(stack, 'InstanceCount', { type: ros.RosParameterType.NUMBER, defaultValue: 2, minValue: 1, maxValue: 20 });
    const instances = group(stack, count.valueAsNumber);
    const d = new ScriptedDeployment(stack, 'Deploy', { instances, parts: [STEP] });
    const t = synthTemplate(app, stack);
    expect(t.Resources.EcsInstanceGroup.Properties.MaxAmount).toEqual({ Ref: 'InstanceCount' });
    expect(t.Resources.WaitCondition.Properties.Count).toEqual({ Ref: 'InstanceCount' });
    expect(stack.resolve(d.callback.count)).toEqual({ Ref: 'InstanceCount' });
  });

  test('more instances than one RunCommand may target is refused, saying the limit and the way out', () => {
    const stack = new ros.Stack(newApp(), 'S');
    expect(() => new ScriptedDeployment(stack, 'Deploy', { instances: group(stack, 21) }))
      .toThrow("ScriptedDeployment 'S/Deploy': instances.amount 21 is more than the 20 instances one ALIYUN::ECS::RunCommand may target; give at most 20, or split the instances into groups with a deployment each.");
  });

  test('a second deployment in one stack is refused before ROS CDK\'s bare "already contains", naming logicalIdPrefix', () => {
    const stack = new ros.Stack(newApp(), 'S');
    const instances = group(stack);
    new ScriptedDeployment(stack, 'Deploy', { instances, parts: [STEP] });
    expect(() => new ScriptedDeployment(stack, 'Again', { instances, parts: [STEP] }))
      .toThrow("ScriptedDeployment 'S/Again': logical id 'WaitConditionHandle' is already used by 'S/Deploy/Signal/WaitConditionHandle' (a resource); logical ids are stack-wide, so give this construct another logicalIdPrefix.");
  });

  test('two groups with a deployment each, told apart by logicalIdPrefix', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    new ScriptedDeployment(stack, 'Deploy', { instances: group(stack), parts: [STEP] });
    new ScriptedDeployment(stack, 'Deploy2', { instances: group(stack, 1, 'Second', 'Gpus2'), parts: [STEP], logicalIdPrefix: 'Second' });
    const t = synthTemplate(app, stack);
    expect(t.Resources.SecondWaitCondition.DependsOn).toEqual(['SecondEcsInstanceGroup']);
    expect(t.Resources.SecondInstanceRunCommand.Properties.InstanceIds).toEqual({ 'Fn::GetAtt': ['SecondEcsInstanceGroup', 'InstanceIds'] });
    expect(t.Resources.SecondInstanceRunCommand.Properties.CommandContent['Fn::Sub'][1].CurlCli)
      .toEqual({ 'Fn::GetAtt': ['SecondWaitConditionHandle', 'CurlCli'] });
  });
});
