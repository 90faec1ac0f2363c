import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { cidrContains, parseCidr, VPC_RANGES } from './private/cidr';

/** An inbound TCP port of the security group. */
export interface IngressPort {
  /** The TCP port, 1 to 65535. */
  readonly port: number;
  /**
   * Who may connect: an IPv4 CIDR block or a token (e.g. a parameter, so the user can narrow it).
   * @default '0.0.0.0/0'
   */
  readonly sourceCidrIp?: string;
  /**
   * Rule priority, 1 (highest) to 100.
   * @default 1
   */
  readonly priority?: number;
}

/** Props for {@link ServiceNetwork}. */
export interface ServiceNetworkProps {
  /** The VPC's CIDR block: a literal (validated) or a token such as a parameter. */
  readonly vpcCidrBlock: string;
  /** The VSwitch's CIDR block, inside the VPC's: a literal (validated) or a token. */
  readonly vSwitchCidrBlock: string;
  /** The zone of the VSwitch. */
  readonly zoneId: string;
  /** Inbound TCP ports; at least one. */
  readonly ingressPorts: readonly IngressPort[];
  /**
   * Name of the VPC, VSwitch and security group.
   * @default - the stack name
   */
  readonly name?: string;
  /**
   * Prefix of the logical ids (`EcsVpc`, `EcsVSwitch`, `EcsSecurityGroup`), which ROS CDK takes
   * verbatim, so two networks in one stack need different prefixes.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * A new VPC, one VSwitch and a security group that lets the given TCP ports in and all traffic
 * out.
 */
export class ServiceNetwork extends ros.Construct {
  /** The VPC (escape hatch). */
  public readonly vpc: ecs.RosVPC;
  /** The VSwitch (escape hatch). */
  public readonly vSwitch: ecs.RosVSwitch;
  /** The security group (escape hatch). */
  public readonly securityGroup: ecs.RosSecurityGroup;
  /** The VPC id. */
  public readonly vpcId: string;
  /** The VSwitch id. */
  public readonly vSwitchId: string;
  /** The security group id. */
  public readonly securityGroupId: string;

  constructor(scope: ros.Construct, id: string, props: ServiceNetworkProps) {
    super(scope, id);
    validateCidrs(props.vpcCidrBlock, props.vSwitchCidrBlock);
    if (props.ingressPorts.length === 0) {
      throw new Error('ServiceNetwork: ingressPorts is empty; give at least one port, e.g. [{ port: 5000 }].');
    }
    const seen = new Set<string>();
    props.ingressPorts.forEach((p, i) => {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
        throw new Error(`ServiceNetwork: ingressPorts[${i}].port ${p.port} is not allowed: give a whole port number from 1 to 65535.`);
      }
      const source = p.sourceCidrIp ?? '0.0.0.0/0';
      if (!ros.Token.isUnresolved(source) && !parseCidr(source)) {
        throw new Error(`ServiceNetwork: ingressPorts[${i}].sourceCidrIp '${source}' is not an IPv4 CIDR block such as '203.0.113.0/24' or '0.0.0.0/0'.`);
      }
      const priority = p.priority ?? 1;
      if (!Number.isInteger(priority) || priority < 1 || priority > 100) {
        throw new Error(`ServiceNetwork: ingressPorts[${i}].priority ${priority} is not allowed: give a whole number from 1 to 100.`);
      }
      const key = `${p.port}|${ros.Token.isUnresolved(source) ? 'token' : source}`;
      if (seen.has(key)) {
        throw new Error(`ServiceNetwork: ingressPorts[${i}] repeats port ${p.port} from the same source; give each rule once.`);
      }
      seen.add(key);
    });
    const prefix = props.logicalIdPrefix ?? '';
    const name = props.name ?? ros.Fn.ref('ALIYUN::StackName');

    this.vpc = new ecs.RosVPC(this, `${prefix}EcsVpc`, {
      vpcName: name,
      cidrBlock: props.vpcCidrBlock,
    }, true);
    this.vSwitch = new ecs.RosVSwitch(this, `${prefix}EcsVSwitch`, {
      vSwitchName: name,
      vpcId: this.vpc.ref,
      zoneId: props.zoneId,
      cidrBlock: props.vSwitchCidrBlock,
    }, true);
    this.securityGroup = new ecs.RosSecurityGroup(this, `${prefix}EcsSecurityGroup`, {
      securityGroupName: name,
      vpcId: this.vpc.ref,
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
    this.vpcId = this.vpc.ref;
    this.vSwitchId = this.vSwitch.ref;
    this.securityGroupId = this.securityGroup.ref;
  }
}

function validateCidrs(vpcCidrBlock: string, vSwitchCidrBlock: string): void {
  const vpc = ros.Token.isUnresolved(vpcCidrBlock) ? undefined : parseCidr(vpcCidrBlock);
  if (!ros.Token.isUnresolved(vpcCidrBlock)) {
    if (!vpc) {
      throw new Error(`ServiceNetwork: vpcCidrBlock '${vpcCidrBlock}' is not an IPv4 CIDR block; give one inside ${VPC_RANGES.join(', ')}, e.g. '192.168.0.0/16'.`);
    }
    if (!VPC_RANGES.some((r) => cidrContains(parseCidr(r)!, vpc))) {
      throw new Error(`ServiceNetwork: vpcCidrBlock '${vpcCidrBlock}' is outside the private ranges a VPC may use; give one inside ${VPC_RANGES.join(', ')}.`);
    }
  }
  if (!ros.Token.isUnresolved(vSwitchCidrBlock)) {
    const vsw = parseCidr(vSwitchCidrBlock);
    if (!vsw) {
      throw new Error(`ServiceNetwork: vSwitchCidrBlock '${vSwitchCidrBlock}' is not an IPv4 CIDR block; give one inside the VPC's, e.g. '192.168.1.0/24'.`);
    }
    if (vsw.prefix < 16 || vsw.prefix > 29) {
      throw new Error(`ServiceNetwork: vSwitchCidrBlock '${vSwitchCidrBlock}' has prefix /${vsw.prefix}; a VSwitch takes /16 to /29.`);
    }
    if (vpc && !cidrContains(vpc, vsw)) {
      throw new Error(`ServiceNetwork: vSwitchCidrBlock '${vSwitchCidrBlock}' is outside vpcCidrBlock '${vpcCidrBlock}'; give a subnet of the VPC's block.`);
    }
  }
}
