// Typed constructs for Auto Scaling (ESS) resources. There is no @alicloud/ros-cdk-ess on the npm
// registry reachable here, so each is a ros-cdk-core `RosResource` of the ROS type with the
// properties this library sets, named exactly as the ROS resource specification
// (@alicloud/ros-cdk-spec 1.0.13, spec/specification.json: ALIYUN::ESS::ScalingGroup,
// ::ScalingConfiguration, ::ScalingGroupEnable); test/scaling checks every synthesized one against it.
import * as ros from '@alicloud/ros-cdk-core';
import { assertLogicalIdFree } from '../ros/logical-id';

/** ESS limits from the spec (1.0.13): MinSize and MaxSize 0-1000, DefaultCooldown 0-86400 s, UserData 1 to 16 KB. */
export const ESS_MAX_SIZE = 1000;
/** The most characters `ALIYUN::ESS::ScalingConfiguration` UserData takes ("[1, 16KB] characters", spec 1.0.13). */
export const ESS_USER_DATA_MAX_BYTES = 16 * 1024;

/** Props for {@link EssScalingGroup}. */
export interface EssScalingGroupProps {
  /** The fewest instances the group keeps (0 to 1000, or a number token). */
  readonly minSize: number;
  /** The most instances the group may run (0 to 1000, not below minSize, or a number token). */
  readonly maxSize: number;
  /** The VSwitch the instances get their addresses from (a VPC scaling group needs one). */
  readonly vSwitchId: string;
  /**
   * Classic Load Balancers the group attaches its instances to (their default server group, on each
   * listener's backend port), and detaches them from when it removes them.
   * @default - none
   */
  readonly loadBalancerIds?: string[];
  /**
   * Seconds after a scaling activity before the next may start (0 to 86400).
   * @default 300 (ESS's default, left out of the template)
   */
  readonly defaultCooldownSeconds?: number;
  /**
   * The group's name.
   * @default - ESS names it
   */
  readonly scalingGroupName?: string;
  /**
   * Prefix of the logical id (`ScalingGroup`).
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * An `ALIYUN::ESS::ScalingGroup` in a VPC: `MinSize` to `MaxSize` instances, the newest removed first
 * when it scales in (`RemovalPolicys: [NewestInstance]`: the oldest instances have served longest),
 * ESS's ECS health check (an instance that stops running is replaced), and the balancers it
 * attaches its instances to.
 */
export class EssScalingGroup extends ros.Construct {
  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;
  /** The group's id (`Fn::GetAtt ScalingGroupId`). */
  public readonly scalingGroupId: string;
  /** MinSize. */
  public readonly minSize: number;
  /** MaxSize. */
  public readonly maxSize: number;

  constructor(scope: ros.Construct, id: string, props: EssScalingGroupProps) {
    super(scope, id);
    const owner = 'EssScalingGroup';
    const logicalId = `${props.logicalIdPrefix ?? ''}ScalingGroup`;
    assertLogicalIdFree(this, logicalId, owner, 'logicalIdPrefix');
    this.minSize = size(owner, 'minSize', props.minSize);
    this.maxSize = size(owner, 'maxSize', props.maxSize);
    if (!ros.Token.isUnresolved(this.minSize) && !ros.Token.isUnresolved(this.maxSize) && this.maxSize < this.minSize) {
      throw new Error(`${owner}: maxSize ${this.maxSize} is not allowed below minSize ${this.minSize}: give a maxSize of at least ${this.minSize}.`);
    }
    const cooldown = props.defaultCooldownSeconds;
    if (cooldown !== undefined && (!Number.isInteger(cooldown) || cooldown < 0 || cooldown > 86400)) {
      throw new Error(`${owner}: defaultCooldownSeconds ${cooldown} is not allowed: give a whole number of seconds from 0 to 86400.`);
    }
    if (typeof props.vSwitchId !== 'string' || props.vSwitchId.trim() === '') {
      throw new Error(`${owner}: vSwitchId ${JSON.stringify(props.vSwitchId)} is not allowed: give the id (or a token) of the VSwitch the instances go into.`);
    }
    const name = props.scalingGroupName;
    if (name !== undefined && !ros.Token.isUnresolved(name) && !/^[a-zA-Z0-9][-_.a-zA-Z0-9]{1,63}$/.test(name)) {
      throw new Error(`${owner}: scalingGroupName '${name}' is not allowed: give 2-64 letters, digits, '-', '_' or '.', starting with a letter or digit.`);
    }
    this.resource = new ros.RosResource(this, logicalId, {
      type: 'ALIYUN::ESS::ScalingGroup',
      properties: {
        ScalingGroupName: name,
        MinSize: this.minSize,
        MaxSize: this.maxSize,
        VSwitchId: props.vSwitchId,
        LoadBalancerIds: props.loadBalancerIds,
        DefaultCooldown: cooldown,
        RemovalPolicys: ['NewestInstance'],
        HealthCheckType: 'ECS',
      },
    });
    this.scalingGroupId = ros.Token.asString(this.resource.getAtt('ScalingGroupId'));
  }
}

/** Props for {@link EssScalingConfiguration}. */
export interface EssScalingConfigurationProps {
  /** The group it belongs to. */
  readonly scalingGroupId: string;
  /** The image the instances start from. */
  readonly imageId: string;
  /** The instance type (a literal or a token such as a parameter's value). */
  readonly instanceType: string;
  /** The security group the instances join. */
  readonly securityGroupId: string;
  /**
   * The script each instance runs at its first boot (plain text, not base64; at most 16 KB; ESS's
   * `UserData`).
   */
  readonly userData: string;
  /**
   * A RAM role the instances get.
   * @default - none
   */
  readonly ramRoleName?: string;
  /**
   * The key pair for SSH logins (the spec's ScalingConfiguration has no password property).
   * @default - none: log in through Cloud Assistant / Workbench
   */
  readonly keyPairName?: string;
  /**
   * The system disk's category.
   * @default 'cloud_essd'
   */
  readonly systemDiskCategory?: string;
  /**
   * The system disk's size, GiB (at least 20).
   * @default 100
   */
  readonly systemDiskSizeGiB?: number;
  /**
   * Public bandwidth, Mbps (0: no public IP).
   * @default 0
   */
  readonly internetMaxBandwidthOutMbps?: number;
  /**
   * Prefix of the logical id (`ScalingConfiguration`).
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

const DISK_CATEGORIES = ['cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd', 'ephemeral_ssd'];

/** An `ALIYUN::ESS::ScalingConfiguration`: what each instance of the group is made from, and the user data it runs. */
export class EssScalingConfiguration extends ros.Construct {
  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;
  /** The configuration's id (`Fn::GetAtt ScalingConfigurationId`). */
  public readonly scalingConfigurationId: string;

  constructor(scope: ros.Construct, id: string, props: EssScalingConfigurationProps) {
    super(scope, id);
    const owner = 'EssScalingConfiguration';
    const logicalId = `${props.logicalIdPrefix ?? ''}ScalingConfiguration`;
    assertLogicalIdFree(this, logicalId, owner, 'logicalIdPrefix');
    const category = props.systemDiskCategory ?? 'cloud_essd';
    if (!ros.Token.isUnresolved(category) && !DISK_CATEGORIES.includes(category)) {
      throw new Error(`${owner}: systemDiskCategory '${category}' is not allowed: give one of ${DISK_CATEGORIES.join(', ')}.`);
    }
    const disk = props.systemDiskSizeGiB ?? 100;
    if (!ros.Token.isUnresolved(disk) && (!Number.isInteger(disk) || disk < 20)) {
      throw new Error(`${owner}: systemDiskSizeGiB ${disk} is not allowed: give a whole number of GiB of at least 20.`);
    }
    const bandwidth = props.internetMaxBandwidthOutMbps ?? 0;
    if (!ros.Token.isUnresolved(bandwidth) && (!Number.isInteger(bandwidth) || bandwidth < 0 || bandwidth > 100)) {
      throw new Error(`${owner}: internetMaxBandwidthOutMbps ${bandwidth} is not allowed: give a whole number from 0 (no public IP) to 100.`);
    }
    if (!ros.Token.isUnresolved(props.userData) && (props.userData === '' || Buffer.byteLength(props.userData) > ESS_USER_DATA_MAX_BYTES)) {
      throw new Error(`${owner}: userData of ${Buffer.byteLength(props.userData)} bytes is not allowed: give 1 to ${ESS_USER_DATA_MAX_BYTES} bytes of plain text (not base64).`);
    }
    this.resource = new ros.RosResource(this, logicalId, {
      type: 'ALIYUN::ESS::ScalingConfiguration',
      properties: {
        ScalingGroupId: props.scalingGroupId,
        ImageId: props.imageId,
        InstanceType: props.instanceType,
        SecurityGroupId: props.securityGroupId,
        UserData: props.userData,
        RamRoleName: props.ramRoleName,
        KeyPairName: props.keyPairName,
        SystemDiskCategory: category,
        SystemDiskSize: disk,
        InternetMaxBandwidthOut: bandwidth,
      },
    });
    this.scalingConfigurationId = ros.Token.asString(this.resource.getAtt('ScalingConfigurationId'));
  }
}

/** Props for {@link EssScalingGroupEnable}. */
export interface EssScalingGroupEnableProps {
  /** The group to enable. */
  readonly scalingGroupId: string;
  /** The configuration to make it active with. */
  readonly scalingConfigurationId: string;
  /**
   * Prefix of the logical id (`ScalingGroupEnable`).
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * An `ALIYUN::ESS::ScalingGroupEnable`: makes the configuration active and enables the group, which
 * then starts MinSize instances.
 */
export class EssScalingGroupEnable extends ros.Construct {
  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;

  constructor(scope: ros.Construct, id: string, props: EssScalingGroupEnableProps) {
    super(scope, id);
    const logicalId = `${props.logicalIdPrefix ?? ''}ScalingGroupEnable`;
    assertLogicalIdFree(this, logicalId, 'EssScalingGroupEnable', 'logicalIdPrefix');
    this.resource = new ros.RosResource(this, logicalId, {
      type: 'ALIYUN::ESS::ScalingGroupEnable',
      properties: {
        ScalingGroupId: props.scalingGroupId,
        ScalingConfigurationId: props.scalingConfigurationId,
      },
    });
  }
}

function size(owner: string, prop: string, value: number): number {
  if (!ros.Token.isUnresolved(value) && (!Number.isInteger(value) || value < 0 || value > ESS_MAX_SIZE)) {
    throw new Error(`${owner}: ${prop} ${value} is not allowed: give a whole number from 0 to ${ESS_MAX_SIZE}, or a Number parameter's valueAsNumber.`);
  }
  return value;
}
