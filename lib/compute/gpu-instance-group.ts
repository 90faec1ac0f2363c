import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { INetwork } from '../network/network';
import { assertLogicalIdFree } from '../ros/logical-id';
import { GpuRequirement, validateGpuRequirement } from './gpu-requirement';
import { DiskCategory, GpuInstanceOptions, InstanceChargeType, PeriodUnit, SpotStrategy } from './instance-options';
import { GpuCatalog } from './gpu-types';
import { allowedInstanceTypes, assertInstanceTypesFit } from './model-fit';

/**
 * Instances a deploy script runs on: what `ScriptedDeployment` needs to target them, count their
 * signals and start the wait when they exist.
 */
export interface IInstanceGroup {
  /** The instance ids (a list token), the RunCommand's targets. */
  readonly instanceIds: string[];
  /** How many instances: a literal, or a number token (such as a parameter's value). */
  readonly amount: number;
  /** The resource whose creation makes the instances (the wait's clock starts after it). */
  readonly instanceGroup: ros.RosResource;
}

/** Props of a GPU instance group, apart from what decides its GPUs. */
export interface GpuInstanceGroupBaseProps extends GpuInstanceOptions {
  /**
   * The instance type: a literal (checked against the model) or a token such as a parameter
   * whose AllowedValues are `allowedInstanceTypes`.
   */
  readonly instanceType: string;
  /**
   * The instance types a caller offers (e.g. a parameter's AllowedValues); each must be able to
   * run the model, or the constructor throws with the type's memory and the model's need.
   * @default - every catalog type that fits the model
   */
  readonly allowedInstanceTypes?: readonly string[];
  /**
   * The GPU instance types the fit is checked against (`GpuCatalog.DEFAULT.withTypes(...)` adds a type
   * the built-in catalog lacks).
   * @default GpuCatalog.DEFAULT
   */
  readonly gpuCatalog?: GpuCatalog;
  /** The VPC, VSwitch, zone and security group (`ServiceNetwork`, or `ServiceNetwork.fromExisting`). */
  readonly network: INetwork;
  /** The image id (Compute Nest replaces it with the artifact's image). */
  readonly imageId: string;
  /** The instances' login password (a NoEcho parameter's value). */
  readonly password: string;
  /**
   * How the instances are paid for.
   * @default InstanceChargeType.POST_PAID
   */
  readonly instanceChargeType?: InstanceChargeType;
  /**
   * Subscription period (PrePaid only): 1-9, 12, 24, 36, 48 or 60, or a token.
   * @default - none (ROS's default, 1)
   */
  readonly period?: number;
  /**
   * Subscription period unit (PrePaid only).
   * @default - none (ROS's default, Month)
   */
  readonly periodUnit?: PeriodUnit;
  /**
   * Prefix of the logical id (`EcsInstanceGroup`). Logical ids are stack-wide, so a second group
   * in one stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/** Props for {@link GpuInstanceGroup}. */
export interface GpuInstanceGroupProps extends GpuInstanceGroupBaseProps {
  /** What the model needs from the GPUs; decides which instance types are allowed. */
  readonly requirement: GpuRequirement;
}

/**
 * ROS limits of ALIYUN::ECS::InstanceGroup (@alicloud/ros-cdk-spec 1.0.13, spec/specification.json):
 * Period AllowedValues, Tags at most 20, DiskMappings at most 16.
 */
const PERIODS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60];
const MAX_TAGS = 20;
const MAX_DATA_DISKS = 16;

/**
 * An `ALIYUN::ECS::InstanceGroup` of GPU instances sized for a model: the allowed instance types
 * come from the requirement and the GPU catalog, and a type that cannot hold the model is refused
 * at synth time.
 */
export class GpuInstanceGroup extends ros.Construct implements IInstanceGroup {
  /** Every catalog instance type that can run a model with this requirement, in catalog order. */
  public static allowedInstanceTypesFor(requirement: GpuRequirement, catalog: GpuCatalog = GpuCatalog.DEFAULT): string[] {
    return allowedInstanceTypes(requirement, catalog).map((t) => t.instanceType);
  }

  /** The instance group (escape hatch). */
  public readonly instanceGroup: ecs.RosInstanceGroup;
  /** What the model needs from the GPUs. */
  public readonly requirement: GpuRequirement;
  /** The instance types offered (checked against the requirement). */
  public readonly allowedInstanceTypes: readonly string[];
  /** The instance ids (a list token). */
  public readonly instanceIds: string[];
  /** The public IPs (a list token). */
  public readonly publicIps: string[];
  /** The private IPs (a list token). */
  public readonly privateIps: string[];
  /** How many instances: the literal, or the number token it was given. */
  public readonly amount: number;

  constructor(scope: ros.Construct, id: string, props: GpuInstanceGroupProps) {
    super(scope, id);
    const owner = this.constructName;
    validateGpuRequirement(props.requirement, `${owner}: requirement`);
    this.requirement = props.requirement;
    const requirement = props.requirement;
    const catalog = props.gpuCatalog ?? GpuCatalog.DEFAULT;
    this.allowedInstanceTypes = props.allowedInstanceTypes ?? GpuInstanceGroup.allowedInstanceTypesFor(requirement, catalog);
    assertInstanceTypesFit(requirement, this.allowedInstanceTypes, `${owner}: allowedInstanceTypes`, catalog);
    if (!ros.Token.isUnresolved(props.instanceType)) {
      assertInstanceTypesFit(requirement, [props.instanceType], `${owner}: instanceType`, catalog);
      if (!this.allowedInstanceTypes.includes(props.instanceType)) {
        throw new Error(`${owner}: instanceType '${props.instanceType}' is not in allowedInstanceTypes; add it there or choose one of: ${this.allowedInstanceTypes.join(', ')}.`);
      }
    }
    const chargeType = props.instanceChargeType ?? InstanceChargeType.POST_PAID;
    if (props.period !== undefined && !ros.Token.isUnresolved(props.period) && !PERIODS.includes(props.period)) {
      throw new Error(`${owner}: period ${props.period} is not allowed: give one of ${PERIODS.join(', ')} (ALIYUN::ECS::InstanceGroup Period).`);
    }
    checkSpot(owner, chargeType, props.spotStrategy, props.spotPriceLimit);
    const minDisk = Math.ceil(requirement.gpuMemoryGiB + 60);
    const diskSize = props.systemDiskSizeGiB ?? Math.max(200, minDisk);
    if (!Number.isInteger(diskSize) || diskSize < minDisk || diskSize > 2048) {
      throw new Error(`${owner}: systemDiskSizeGiB ${diskSize} is not allowed: give a whole number of GiB from ${minDisk} (room for ${requirement.displayName}'s weights, the Python environment and the OS) to 2048.`);
    }
    const allocatePublicIp = props.allocatePublicIp ?? true;
    // Without a public IP no bandwidth: InstanceGroup assigns a public IP whenever InternetMaxBandwidthOut
    // is not 0, AllocatePublicIP notwithstanding (@alicloud/ros-cdk-spec 1.0.13, InternetMaxBandwidthOut).
    const bandwidth = props.internetMaxBandwidthOutMbps ?? (allocatePublicIp ? 2 : 0);
    if (!Number.isInteger(bandwidth) || bandwidth < 0 || bandwidth > 100) {
      throw new Error(`${owner}: internetMaxBandwidthOutMbps ${bandwidth} is not allowed: give a whole number of Mbit/s from 0 to 100.`);
    }
    if (allocatePublicIp && bandwidth === 0) {
      throw new Error(`${owner}: internetMaxBandwidthOutMbps 0 with allocatePublicIp true gives no public IP; give a bandwidth from 1 to 100, or set allocatePublicIp false.`);
    }
    const publicIpCondition = props.publicIpCondition;
    if (publicIpCondition !== undefined && !allocatePublicIp) {
      throw new Error(`${owner}: publicIpCondition is not allowed with allocatePublicIp false: the instances would never get a public IP. Leave allocatePublicIp out (or true) to switch it at deploy time, or leave publicIpCondition out.`);
    }
    // With a switch: a public IP and bandwidth where the condition holds, neither elsewhere (ROS Fn::If,
    // https://www.alibabacloud.com/help/en/ros/user-guide/function-if; InstanceGroup assigns a public IP
    // whenever InternetMaxBandwidthOut is not 0, @alicloud/ros-cdk-spec 1.0.13, so both follow it).
    const switched = <T>(whenPublic: T, otherwise: T): T | ros.IResolvable => publicIpCondition === undefined
      ? whenPublic
      : ros.Fn.conditionIf(publicIpCondition.logicalId, whenPublic, otherwise);
    this.amount = props.amount ?? 1;
    if (!ros.Token.isUnresolved(this.amount) && (!Number.isInteger(this.amount) || this.amount < 1 || this.amount > 100)) {
      throw new Error(`${owner}: amount ${this.amount} is not allowed: give a whole number from 1 to 100, or a Number parameter's valueAsNumber.`);
    }
    const tags = Object.entries(props.tags ?? {});
    if (tags.length > MAX_TAGS) {
      throw new Error(`${owner}: tags has ${tags.length} entries; ALIYUN::ECS::InstanceGroup takes at most ${MAX_TAGS}.`);
    }
    tags.forEach(([key]) => {
      if (key.trim() === '') throw new Error(`${owner}: tags has an empty key; give each tag a key.`);
    });
    const dataDisks = props.dataDisks ?? [];
    if (dataDisks.length > MAX_DATA_DISKS) {
      throw new Error(`${owner}: dataDisks has ${dataDisks.length} entries; ALIYUN::ECS::InstanceGroup takes at most ${MAX_DATA_DISKS}.`);
    }
    dataDisks.forEach((d, i) => {
      if (!ros.Token.isUnresolved(d.sizeGiB) && (!Number.isInteger(d.sizeGiB) || d.sizeGiB < 20 || d.sizeGiB > 32768)) {
        throw new Error(`${owner}: dataDisks[${i}].sizeGiB ${d.sizeGiB} is not allowed: give a whole number of GiB from 20 to 32768.`);
      }
    });

    const logicalId = `${props.logicalIdPrefix ?? ''}EcsInstanceGroup`;
    assertLogicalIdFree(this, logicalId, owner, 'logicalIdPrefix');
    this.instanceGroup = new ecs.RosInstanceGroup(this, logicalId, {
      instanceName: props.instanceName ?? ros.Fn.join('-', [ros.Fn.ref('ALIYUN::StackName'), '[1,4]']),
      ioOptimized: 'optimized',
      instanceChargeType: chargeType.value,
      periodUnit: props.periodUnit?.value,
      period: props.period,
      vpcId: props.network.vpcId,
      zoneId: props.network.zoneId,
      vSwitchId: props.network.vSwitchId,
      securityGroupId: props.network.securityGroupId,
      systemDiskCategory: (props.systemDiskCategory ?? DiskCategory.CLOUD_ESSD).value,
      systemDiskSize: diskSize,
      maxAmount: this.amount,
      imageId: props.imageId,
      instanceType: props.instanceType,
      password: props.password,
      allocatePublicIp: switched(allocatePublicIp, false),
      internetMaxBandwidthOut: switched(bandwidth, 0),
      ramRoleName: props.ramRoleName,
      tags: tags.length > 0 ? tags.map(([key, value]) => ({ key, value })) : undefined,
      diskMappings: dataDisks.length > 0
        ? dataDisks.map((d) => ({ size: String(d.sizeGiB), category: (d.category ?? DiskCategory.CLOUD_ESSD).value, device: d.device }))
        : undefined,
      spotStrategy: props.spotStrategy?.value,
      spotPriceLimit: props.spotPriceLimit === undefined ? undefined : String(props.spotPriceLimit),
    }, true);
    this.instanceIds = ros.Token.asList(this.instanceGroup.attrInstanceIds);
    this.publicIps = ros.Token.asList(this.instanceGroup.attrPublicIps);
    this.privateIps = ros.Token.asList(this.instanceGroup.attrPrivateIps);
  }

  /** The name error messages start with. */
  protected get constructName(): string {
    return 'GpuInstanceGroup';
  }
}

function checkSpot(owner: string, chargeType: InstanceChargeType, strategy: SpotStrategy | undefined, priceLimit: number | undefined): void {
  // A token (a parameter's value) is known only at deploy time; ROS checks it then.
  const spot = strategy !== undefined && !ros.Token.isUnresolved(strategy.value) && strategy.value !== SpotStrategy.NO_SPOT.value;
  if (spot && chargeType.value === InstanceChargeType.PRE_PAID.value) {
    throw new Error(`${owner}: spotStrategy '${strategy.value}' is not allowed with instanceChargeType 'PrePaid': spot instances are pay-as-you-go. Use InstanceChargeType.POST_PAID or leave spotStrategy out.`);
  }
  if (priceLimit === undefined) {
    if (strategy?.value === SpotStrategy.SPOT_WITH_PRICE_LIMIT.value) {
      throw new Error(`${owner}: spotStrategy 'SpotWithPriceLimit' needs spotPriceLimit, the highest hourly price; give it, or use SpotStrategy.SPOT_AS_PRICE_GO.`);
    }
    return;
  }
  if (strategy === undefined || (!ros.Token.isUnresolved(strategy.value) && strategy.value !== SpotStrategy.SPOT_WITH_PRICE_LIMIT.value)) {
    throw new Error(`${owner}: spotPriceLimit ${priceLimit} is not allowed without spotStrategy SpotStrategy.SPOT_WITH_PRICE_LIMIT; set that strategy or leave spotPriceLimit out.`);
  }
  if (!ros.Token.isUnresolved(priceLimit) && (!(priceLimit > 0) || !/^\d+(\.\d{1,3})?$/.test(String(priceLimit)))) {
    throw new Error(`${owner}: spotPriceLimit ${priceLimit} is not allowed: give an hourly price > 0 with at most three decimals.`);
  }
}
