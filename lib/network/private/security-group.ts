import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { assertLogicalIdFree } from '../../ros/logical-id';
import { parseCidr } from './cidr';

/** An inbound TCP port of a security group (the public `IngressPort`). Internal. */
export interface IngressRule {
  readonly port: number;
  readonly sourceCidrIp?: string;
  readonly priority?: number;
}

/** Throws unless there is at least one rule and each has a valid port, source and priority, once. */
export function validateIngressPorts(owner: string, ports: readonly IngressRule[]): void {
  if (ports.length === 0) {
    throw new Error(`${owner}: ingressPorts is empty; give at least one port, e.g. [{ port: 5000 }].`);
  }
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      throw new Error(`${owner}: ingressPorts[${i}].port ${p.port} is not allowed: give a whole port number from 1 to 65535.`);
    }
    const source = p.sourceCidrIp ?? '0.0.0.0/0';
    if (!ros.Token.isUnresolved(source) && !parseCidr(source)) {
      throw new Error(`${owner}: ingressPorts[${i}].sourceCidrIp '${source}' is not an IPv4 CIDR block such as '203.0.113.0/24' or '0.0.0.0/0'.`);
    }
    const priority = p.priority ?? 1;
    if (!Number.isInteger(priority) || priority < 1 || priority > 100) {
      throw new Error(`${owner}: ingressPorts[${i}].priority ${priority} is not allowed: give a whole number from 1 to 100.`);
    }
    const key = `${p.port}|${ros.Token.isUnresolved(source) ? 'token' : source}`;
    if (seen.has(key)) {
      throw new Error(`${owner}: ingressPorts[${i}] repeats port ${p.port} from the same source; give each rule once.`);
    }
    seen.add(key);
  });
}

/**
 * A security group in `vpcId` that lets the given TCP ports in and all traffic out, with the
 * logical id `<prefix>EcsSecurityGroup` (checked free first).
 */
export function newSecurityGroup(scope: ros.Construct, owner: string, props: {
  readonly vpcId: string;
  readonly name: string;
  readonly ingressPorts: readonly IngressRule[];
  readonly logicalIdPrefix: string;
}): ecs.RosSecurityGroup {
  const id = `${props.logicalIdPrefix}EcsSecurityGroup`;
  assertLogicalIdFree(scope, id, owner, 'logicalIdPrefix');
  return new ecs.RosSecurityGroup(scope, id, {
    securityGroupName: props.name,
    vpcId: props.vpcId,
    securityGroupIngress: props.ingressPorts.map((p) => ({
      portRange: `${p.port}/${p.port}`,
      priority: p.priority ?? 1,
      sourceCidrIp: p.sourceCidrIp ?? '0.0.0.0/0',
      ipProtocol: 'tcp',
      nicType: 'intranet',
    })),
    securityGroupEgress: [{
      portRange: '-1/-1',
      priority: 1,
      ipProtocol: 'all',
      destCidrIp: '0.0.0.0/0',
      nicType: 'intranet',
    }],
  }, true);
}
