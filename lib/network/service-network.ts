import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { assertLogicalIdFree } from '../ros/logical-id';
import { INetwork } from './network';
import { cidrContains, parseCidr, VPC_RANGES } from './private/cidr';
import { newSecurityGroup, validateIngressPorts } from './private/security-group';

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
   * Prefix of the logical ids (`EcsVpc`, `EcsVSwitch`, `EcsSecurityGroup`). Logical ids are
   * stack-wide, so a second network in one stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
  /**
   * Decide at deploy time between this new VPC and VSwitch and existing ones: the VPC and VSwitch
   * carry this condition (made only where it holds), and where it does not the service uses
   * `existingVpcId` / `existingVSwitchId`; the security group is made either way, in the VPC used.
   * @default - the VPC and VSwitch are always made
   */
  readonly newNetworkCondition?: ros.RosCondition;
  /**
   * The existing VPC's id where `newNetworkCondition` does not hold (e.g. a `VpcId` parameter's
   * value); required with `newNetworkCondition`, refused without it.
   * @default - none
   */
  readonly existingVpcId?: string;
  /**
   * The existing VSwitch's id (in `existingVpcId`, in `zoneId`) where `newNetworkCondition` does
   * not hold; required with `newNetworkCondition`, refused without it.
   * @default - none
   */
  readonly existingVSwitchId?: string;
}

/** Props for {@link ServiceNetwork.fromExisting}. */
export interface ExistingNetworkProps {
  /** The existing VPC's id: a literal such as `vpc-...` or a token (e.g. a parameter). */
  readonly vpcId: string;
  /** The existing VSwitch's id, in that VPC: a literal or a token. */
  readonly vSwitchId: string;
  /** The zone of the VSwitch: a literal or a token. */
  readonly zoneId: string;
  /**
   * An existing security group to join; it must already admit the service's port.
   * @default - a new security group in the VPC that admits `ingressPorts`
   */
  readonly securityGroupId?: string;
  /**
   * Inbound TCP ports of the new security group; required without `securityGroupId`, refused with it.
   * @default - none
   */
  readonly ingressPorts?: readonly IngressPort[];
  /**
   * Name of the new security group.
   * @default - the stack name
   */
  readonly name?: string;
  /**
   * Prefix of the new security group's logical id (`EcsSecurityGroup`).
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * A new VPC, one VSwitch and a security group that lets the given TCP ports in and all traffic
 * out. `ServiceNetwork.fromExisting` places the service in a VPC and VSwitch that exist; with
 * `newNetworkCondition` the choice between the two is made at deploy time (a console parameter).
 */
export class ServiceNetwork extends ros.Construct implements INetwork {
  /**
   * A VPC and VSwitch that exist (ids from parameters or literals), with the service's own new
   * security group in that VPC, or an existing one.
   */
  public static fromExisting(scope: ros.Construct, id: string, props: ExistingNetworkProps): INetwork {
    return new ExistingNetwork(scope, id, props);
  }

  /** The VPC (escape hatch); with `newNetworkCondition`, made only where it holds. */
  public readonly vpc: ecs.RosVPC;
  /** The VSwitch (escape hatch); with `newNetworkCondition`, made only where it holds. */
  public readonly vSwitch: ecs.RosVSwitch;
  /** The security group (escape hatch). */
  public readonly securityGroup: ecs.RosSecurityGroup;
  /** The VPC id (with `newNetworkCondition`: the new one's or the existing one's, an `Fn::If`). */
  public readonly vpcId: string;
  /** The VSwitch id (with `newNetworkCondition`: the new one's or the existing one's, an `Fn::If`). */
  public readonly vSwitchId: string;
  /** The condition under which the VPC and VSwitch are made, if the choice is made at deploy time. */
  public readonly newNetworkCondition?: ros.RosCondition;
  /** The zone of the VSwitch. */
  public readonly zoneId: string;
  /** The security group id. */
  public readonly securityGroupId: string;

  constructor(scope: ros.Construct, id: string, props: ServiceNetworkProps) {
    super(scope, id);
    validateCidrs(props.vpcCidrBlock, props.vSwitchCidrBlock);
    validateIngressPorts('ServiceNetwork', props.ingressPorts);
    const prefix = props.logicalIdPrefix ?? '';
    const name = props.name ?? ros.Fn.ref('ALIYUN::StackName');
    for (const logicalId of ['EcsVpc', 'EcsVSwitch']) {
      assertLogicalIdFree(this, `${prefix}${logicalId}`, 'ServiceNetwork', 'logicalIdPrefix');
    }
    const condition = props.newNetworkCondition;
    if (condition === undefined) {
      for (const prop of ['existingVpcId', 'existingVSwitchId'] as const) {
        if (props[prop] !== undefined) {
          throw new Error(`ServiceNetwork: ${prop} is not allowed without newNetworkCondition: the new VPC and VSwitch are always made. Give newNetworkCondition to choose at deploy time, or use ServiceNetwork.fromExisting.`);
        }
      }
    } else {
      for (const prop of ['existingVpcId', 'existingVSwitchId'] as const) {
        const value = props[prop];
        if (typeof value !== 'string' || value.trim() === '') {
          throw new Error(`ServiceNetwork: ${prop} ${JSON.stringify(value)} is not allowed with newNetworkCondition: give the id used where the condition does not hold, e.g. a VpcId / VSwitchId parameter's value.`);
        }
      }
    }
    this.newNetworkCondition = condition;

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
    // Fn::If picks the new resource's id or the existing one; a Ref to a resource whose condition
    // is false appears only in the branch not taken (ROS Fn::If, https://www.alibabacloud.com/help/en/ros/user-guide/function-if).
    const choose = (made: string, existing: string | undefined): string => condition === undefined
      ? made
      : ros.Token.asString(ros.Fn.conditionIf(condition.logicalId, made, existing));
    if (condition !== undefined) {
      this.vpc.addCondition(condition);
      this.vSwitch.addCondition(condition);
    }
    this.vpcId = choose(this.vpc.ref, props.existingVpcId);
    this.vSwitchId = choose(this.vSwitch.ref, props.existingVSwitchId);
    this.securityGroup = newSecurityGroup(this, 'ServiceNetwork', {
      vpcId: this.vpcId, name, ingressPorts: props.ingressPorts, logicalIdPrefix: prefix,
    });
    this.zoneId = props.zoneId;
    this.securityGroupId = this.securityGroup.ref;
  }
}

/** The network of {@link ServiceNetwork.fromExisting}. */
class ExistingNetwork extends ros.Construct implements INetwork {
  public readonly vpcId: string;
  public readonly vSwitchId: string;
  public readonly zoneId: string;
  public readonly securityGroupId: string;

  constructor(scope: ros.Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    const owner = 'ServiceNetwork.fromExisting';
    for (const [prop, value] of [['vpcId', props.vpcId], ['vSwitchId', props.vSwitchId], ['zoneId', props.zoneId]] as const) {
      if (typeof value !== 'string' || value.trim() === '') {
        throw new Error(`${owner}: ${prop} ${JSON.stringify(value)} is not allowed: give the id of what exists, as a literal or a parameter's value.`);
      }
    }
    this.vpcId = props.vpcId;
    this.vSwitchId = props.vSwitchId;
    this.zoneId = props.zoneId;
    if (props.securityGroupId !== undefined) {
      if (props.ingressPorts !== undefined) {
        throw new Error(`${owner}: ingressPorts is not allowed with securityGroupId '${props.securityGroupId}': an existing group keeps its own rules. Open the ports there, or leave securityGroupId out to get a new group with these ports.`);
      }
      this.securityGroupId = props.securityGroupId;
      return;
    }
    if (props.ingressPorts === undefined) {
      throw new Error(`${owner}: ingressPorts is missing: without securityGroupId a new security group is made, and it needs the ports to admit, e.g. [{ port: 5000 }].`);
    }
    validateIngressPorts(owner, props.ingressPorts);
    this.securityGroupId = newSecurityGroup(this, owner, {
      vpcId: props.vpcId,
      name: props.name ?? ros.Fn.ref('ALIYUN::StackName'),
      ingressPorts: props.ingressPorts,
      logicalIdPrefix: props.logicalIdPrefix ?? '',
    }).ref;
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
