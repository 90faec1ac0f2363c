import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { checkTemplateAgainstSpec } from '../support/ros-spec';

/**
 * The checker on what ROS CDK really synthesizes (JSON from the cloud assembly, tokens resolved),
 * with the L1 resources the Qwen chat stack is made of.
 */
function synth(build: (stack: ros.Stack) => void): any {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-synth-'));
  const app = new ros.App({ outdir, stackTraces: false });
  const stack = new ros.Stack(app, 'SpecProbe');
  build(stack);
  return app.synth().getStackArtifact(stack.artifactId).template;
}

function buildProbe(stack: ros.Stack, script: string, vars: { [k: string]: string }): void {
  const zone = new ros.RosParameter(stack, 'ZoneId', { type: ros.RosParameterType.STRING });
  const userName = new ros.RosParameter(stack, 'UserName', { type: ros.RosParameterType.STRING, defaultValue: 'admin' });
  const vpc = new ecs.RosVPC(stack, 'EcsVpc', { cidrBlock: '192.168.0.0/16', vpcName: ros.Fn.ref('ALIYUN::StackName') }, false);
  const vsw = new ecs.RosVSwitch(stack, 'EcsVSwitch', { vpcId: vpc.attrVpcId, zoneId: zone.valueAsString, cidrBlock: '192.168.1.0/24' }, false);
  const sg = new ecs.RosSecurityGroup(stack, 'EcsSecurityGroup', {
    vpcId: vpc.attrVpcId,
    securityGroupIngress: [{ portRange: '5000/5000', ipProtocol: 'tcp', sourceCidrIp: '0.0.0.0/0', priority: 1 }],
  }, false);
  const group = new ecs.RosInstanceGroup(stack, 'EcsInstanceGroup', {
    imageId: 'centos_7',
    instanceType: 'ecs.gn7i-c8g1.2xlarge',
    maxAmount: 1,
    vpcId: vpc.attrVpcId,
    vSwitchId: vsw.attrVSwitchId,
    securityGroupId: sg.attrSecurityGroupId,
    zoneId: zone.valueAsString,
    systemDiskCategory: 'cloud_essd',
    systemDiskSize: 200,
    allocatePublicIp: true,
    internetMaxBandwidthOut: 5,
  }, false);
  const handle = new rosRos.RosWaitConditionHandle(stack, 'WaitConditionHandle', {}, false);
  const wait = new rosRos.RosWaitCondition(stack, 'WaitCondition', { handle: handle.ref, timeout: 3600, count: 1 }, false);
  wait.addRosDependency(group.logicalId);
  new ecs.RosRunCommand(stack, 'InstanceRunCommand', {
    type: 'RunShellScript',
    sync: true,
    timeout: 3600,
    instanceIds: group.attrInstanceIds,
    commandContent: ros.Fn.sub(script, {
      ...vars,
      UserName: userName.valueAsString,
      CurlCli: ros.Fn.base64Encode(ros.Token.asString(handle.attrCurlCli)),
    }),
  }, false);
  new ros.RosOutput(stack, 'Endpoint', {
    value: ros.Fn.sub('http://${Ip}:5000', { Ip: ros.Fn.select(0, group.attrPublicIps) as unknown as string }),
  });
}

describe('checkTemplateAgainstSpec on a ROS CDK synthesized template', () => {
  test('the probe stack made of the L1 resources the Qwen chat stack uses has no findings', () => {
    const template = synth((s) => buildProbe(s, 'user=${UserName}\ncurl_cli=${CurlCli}\necho ${!HOME}\n', {}));
    expect(Object.keys(template.Resources).sort()).toEqual([
      'EcsInstanceGroup',
      'EcsSecurityGroup',
      'EcsVSwitch',
      'EcsVpc',
      'InstanceRunCommand',
      'WaitCondition',
      'WaitConditionHandle',
    ]);
    expect(checkTemplateAgainstSpec(template)).toEqual([]);
  });

  test('a bash ${VAR} left unescaped in the synthesized script is flagged', () => {
    const template = synth((s) => buildProbe(s, 'user=${UserName}\necho ${HOME}\n', {}));
    expect(checkTemplateAgainstSpec(template)).toEqual([
      {
        path: 'Resources.InstanceRunCommand.Properties.CommandContent["Fn::Sub"][0]',
        message: expect.stringMatching(/'\$\{HOME\}' is not declared.*Write '\$\{!HOME\}'/),
      },
    ]);
  });
});
