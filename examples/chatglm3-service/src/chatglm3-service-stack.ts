import * as ros from '@alicloud/ros-cdk-core';
import {
  DeployScript, DeployScriptRunCommand, HealthCheck, NginxBasicAuth, QwenGpuInstance, QwenModel, ScriptValue,
  ServiceNetwork, SystemdService, WaitConditionCallback,
} from 'ros-cdk-qwen-chat';

/** The port users connect to (nginx, basic auth). */
export const LISTEN_PORT = 8000;
/** The port the Gradio app listens on, loopback only. */
export const APP_PORT = 7861;

/**
 * ChatGLM3-6B described for the GPU catalog. THUDM/ChatGLM3 README: loading the model in FP16 takes
 * about 13 GB of GPU memory; with the library's 10% headroom that is 14.3 GiB, so a single 16 GiB T4
 * or A10 and up fit. The demo is the repository's Gradio web demo, started with GRADIO_SERVER_PORT.
 */
export const CHATGLM3_6B = QwenModel.of({
  name: 'ChatGLM3-6B',
  precision: 'bf16',
  modelScopeId: 'ZhipuAI/chatglm3-6b',
  app: {
    studioRepo: 'https://www.modelscope.cn/studios/ZhipuAI/chatglm3-6b-demo.git',
    directory: '/root/chatglm3-6b-demo',
    entrypoint: 'app.py',
    port: APP_PORT,
  },
  gpuMemoryGiB: 14.3,
  contextTokens: 8192,
  minComputeCapability: 7.0,
  key: 'chatglm3-6b-fp16',
});

/** A ChatGLM3-6B Gradio demo on one GPU instance, behind nginx basic auth on port 8000. */
export class ChatGlm3ServiceStack extends ros.Stack {
  constructor(scope: ros.Construct, id: string, props: ros.StackProps = {}) {
    super(scope, id, props);
    const S = ros.RosParameterType.STRING;
    const instanceTypes = QwenGpuInstance.allowedInstanceTypesFor(CHATGLM3_6B);
    const zoneId = new ros.RosParameter(this, 'ZoneId', {
      type: S, associationProperty: 'ALIYUN::ECS::Instance::ZoneId', description: 'Zone of the instance.',
    });
    const instanceType = new ros.RosParameter(this, 'InstanceType', {
      type: S, allowedValues: instanceTypes, defaultValue: instanceTypes[0], description: 'A GPU type that can hold ChatGLM3-6B.',
    });
    const instancePassword = new ros.RosParameter(this, 'InstancePassword', {
      type: S, noEcho: true, minLength: 8, maxLength: 30, description: 'Login password of the instance.',
    });
    const userName = new ros.RosParameter(this, 'UserName', {
      type: S, allowedPattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$', maxLength: 32, description: 'User name of the web login.',
    });
    const password = new ros.RosParameter(this, 'Password', {
      type: S, noEcho: true, minLength: 8, maxLength: 30, description: 'Password of the web login.',
    });

    const network = new ServiceNetwork(this, 'Network', {
      vpcCidrBlock: '10.0.0.0/8',
      vSwitchCidrBlock: '10.1.0.0/24',
      zoneId: zoneId.valueAsString,
      ingressPorts: [{ port: LISTEN_PORT }],
    });
    const instance = new QwenGpuInstance(this, 'Instance', {
      model: CHATGLM3_6B,
      instanceType: instanceType.valueAsString,
      allowedInstanceTypes: instanceTypes,
      vpcId: network.vpcId,
      vSwitchId: network.vSwitchId,
      securityGroupId: network.securityGroupId,
      zoneId: zoneId.valueAsString,
      imageId: 'centos_7',
      password: instancePassword.valueAsString,
      systemDiskSize: 100,
    });

    const callback = new WaitConditionCallback(this, 'Signal', { count: instance.amount, startAfter: [instance.instanceGroup] });
    const app = new SystemdService({
      name: 'chatglm3',
      description: 'ChatGLM3-6B Gradio demo',
      workingDirectory: CHATGLM3_6B.app.directory,
      execStart: ['/usr/bin/python3', CHATGLM3_6B.app.entrypoint],
      environment: { GRADIO_SERVER_NAME: '127.0.0.1', GRADIO_SERVER_PORT: String(APP_PORT) },
    });
    const proxy = new NginxBasicAuth({
      userName: ScriptValue.fromParameter(userName),
      password: ScriptValue.fromParameter(password),
      listenPort: LISTEN_PORT,
      upstreamPort: APP_PORT,
      realm: 'ChatGLM3',
    });
    const script = new DeployScript({ signal: callback, logFile: '/var/log/chatglm3-deploy.log' }).addParts(
      ...app.parts,
      new HealthCheck({ description: `the app answers on 127.0.0.1:${APP_PORT}`, url: `http://127.0.0.1:${APP_PORT}/`, timeoutSeconds: 1200 }),
      ...proxy.parts,
    );
    new DeployScriptRunCommand(this, 'Deploy', { script, instanceIds: instance.instanceIds });

    new ros.RosOutput(this, 'Endpoint', {
      description: 'The demo, behind HTTP basic auth (UserName / Password).',
      value: ros.Fn.sub(`http://\${Ip}:${LISTEN_PORT}`, { Ip: ros.Fn.select(0, instance.publicIps) }),
    });
  }
}
