import { AddressType } from '../../lib/loadbalancer/classic-load-balancer';
import { ServiceLoadBalancer } from '../../lib/loadbalancer/service-load-balancer';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { ScriptedScalingGroup } from '../../lib/scaling/scripted-scaling-group';
import { SecretDelivery } from '../../lib/secrets/secret-delivery';
import { newApp } from '../script/script-test-support';

/** A chat stack with, beside its own RunCommand deployment, a scaling group running the same parts from user data. */
export function chatStackWithScalingGroup(minSize = 2, maxSize = 4) {
  const app = newApp();
  // User data is no Cloud Assistant command: no {{oos-secret:...}} there, so the Password takes the base64 path.
  const stack = new QwenChatStack(app, 'QwenChat', { instanceOptions: { amount: 2 }, secretDelivery: SecretDelivery.COMMAND_TEXT });
  const balancer = new ServiceLoadBalancer(stack, 'EssBalancer', {
    network: stack.network, port: 5000, addressType: AddressType.INTERNET, logicalIdPrefix: 'Ess',
  });
  const group = new ScriptedScalingGroup(stack, 'Scaling', {
    network: stack.network,
    minSize,
    maxSize,
    instanceType: stack.parameters.instanceType.valueAsString,
    imageId: 'centos_7',
    parts: stack.script.orderedParts,
    loadBalancer: balancer,
    logFile: '/var/log/qwen-chat-deploy.log',
    logicalIdPrefix: 'Ess',
  });
  return { app, stack, balancer, group };
}

