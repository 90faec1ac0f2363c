import * as ros from '@alicloud/ros-cdk-core';
import {
  GpuInstanceGroup, GpuRequirement, HealthCheck, NginxBasicAuth, ScriptedDeployment, ScriptValue, ServiceNetwork, SystemdService,
} from 'ros-cdk-qwen-chat';

/** The port users connect to (nginx, basic auth). */
export const LISTEN_PORT = 8000;
/** The port the Gradio app listens on, loopback only. */
export const APP_PORT = 7861;
/** Where the image build put the demo. */
export const APP_DIRECTORY = '/root/chatglm3-6b-demo';

/**
 * What ChatGLM3-6B needs from the GPUs. THUDM/ChatGLM3 README: loading the model in FP16 takes
 * about 13 GB of GPU memory; with 10% headroom that is 14.3 GiB, so a single 16 GiB T4 or A10 and
 * up fit. FP16 needs a Volta-or-newer GPU (compute capability 7.0).
 */
export const CHATGLM3_6B: GpuRequirement = {
  displayName: 'ChatGLM3-6B (fp16)',
  gpuMemoryGiB: 14.3,
  contextTokens: 8192,
  minComputeCapability: 7.0,
};

/** A ChatGLM3-6B Gradio demo on one GPU instance, behind nginx basic auth on port 8000. */
export class ChatGlm3ServiceStack extends ros.Stack {
  constructor(scope: ros.Construct, id: string, props: ros.StackProps = {}) {
    super(scope, id, props);
    const S = ros.RosParameterType.STRING;
    const instanceTypes = GpuInstanceGroup.allowedInstanceTypesFor(CHATGLM3_6B);
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
    const instances = new GpuInstanceGroup(this, 'Instance', {
      requirement: CHATGLM3_6B,
      instanceType: instanceType.valueAsString,
      allowedInstanceTypes: instanceTypes,
      network,
      imageId: 'centos_7',
      password: instancePassword.valueAsString,
      systemDiskSizeGiB: 100,
    });

    const app = new SystemdService({
      name: 'chatglm3',
      description: 'ChatGLM3-6B Gradio demo',
      workingDirectory: APP_DIRECTORY,
      execStart: ['/usr/bin/python3', 'app.py'],
      environment: { GRADIO_SERVER_NAME: '127.0.0.1', GRADIO_SERVER_PORT: String(APP_PORT) },
    });
    const proxy = new NginxBasicAuth({
      userName: ScriptValue.fromParameter(userName),
      password: ScriptValue.fromParameter(password),
      listenPort: LISTEN_PORT,
      upstreamPort: APP_PORT,
      realm: 'ChatGLM3',
    });
    // The script, its RunCommand on the instances and the wait for their signals, in one call.
    new ScriptedDeployment(this, 'Deploy', {
      instances,
      logFile: '/var/log/chatglm3-deploy.log',
      parts: [
        ...app.parts,
        new HealthCheck({ description: `the app answers on 127.0.0.1:${APP_PORT}`, url: `http://127.0.0.1:${APP_PORT}/`, timeoutSeconds: 1200 }),
        ...proxy.parts,
      ],
    });

    new ros.RosOutput(this, 'Endpoint', {
      description: 'The demo, behind HTTP basic auth (UserName / Password) over TLS with a certificate made on the instance.',
      value: ros.Fn.sub(`${proxy.scheme}://\${Ip}:${LISTEN_PORT}`, { Ip: ros.Fn.select(0, instances.publicIps) }),
    });
  }
}
