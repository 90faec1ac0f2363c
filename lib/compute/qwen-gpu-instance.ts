import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { allowedInstanceTypes, assertInstanceTypesFit } from './model-fit';
import { QwenModel } from './models';

/** How the instance is paid for. */
export enum InstanceChargeType {
  /** Pay as you go. */
  POST_PAID = 'PostPaid',
  /** Subscription. */
  PRE_PAID = 'PrePaid',
}

/** Props for {@link QwenGpuInstance}. */
export interface QwenGpuInstanceProps {
  /**
   * The model the instance runs; decides which GPU instance types are allowed.
   * @default QwenModel.QWEN_14B_CHAT (16-bit)
   */
  readonly model?: QwenModel;
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
  /** The VPC id. */
  readonly vpcId: string;
  /** The VSwitch id. */
  readonly vSwitchId: string;
  /** The security group id. */
  readonly securityGroupId: string;
  /** The zone. */
  readonly zoneId: string;
  /** The image id (Compute Nest replaces it with the artifact's image). */
  readonly imageId: string;
  /** The instance's login password (a NoEcho parameter's value). */
  readonly password: string;
  /**
   * Charge type: a literal or a token.
   * @default InstanceChargeType.POST_PAID
   */
  readonly instanceChargeType?: string;
  /**
   * Subscription period (PrePaid only): a number or a token.
   * @default - none
   */
  readonly period?: number;
  /**
   * Subscription period unit, `Month` or `Year`: a literal or a token.
   * @default - none
   */
  readonly periodUnit?: string;
  /**
   * System disk category.
   * @default 'cloud_essd'
   */
  readonly systemDiskCategory?: string;
  /**
   * System disk size in GiB: room for the OS, the Python environment and the model weights
   * (at least the model's GPU memory need + 60 GiB).
   * @default - 200, or the model's minimum when that is larger
   */
  readonly systemDiskSize?: number;
  /**
   * Give the instance a public IP.
   * @default true
   */
  readonly allocatePublicIp?: boolean;
  /**
   * Outbound public bandwidth in Mbit/s (0 to 100); must be > 0 with a public IP.
   * @default 2
   */
  readonly internetMaxBandwidthOut?: number;
  /**
   * How many instances.
   * @default 1
   */
  readonly amount?: number;
  /**
   * Instance name.
   * @default - `<stack name>-[1,4]` (ROS numbers the instances)
   */
  readonly instanceName?: string;
  /**
   * Logical id of the `ALIYUN::ECS::InstanceGroup` (ids are stack-wide in ROS CDK).
   * @default 'EcsInstanceGroup'
   */
  readonly logicalId?: string;
}

/**
 * An `ALIYUN::ECS::InstanceGroup` of GPU instances sized for a Qwen model: the allowed instance
 * types come from the model and GPU catalogs, and a type that cannot hold the model is refused at
 * synth time.
 */
export class QwenGpuInstance extends ros.Construct {
  /** Every catalog instance type that can run the model, in catalog order. */
  public static allowedInstanceTypesFor(model: QwenModel = QwenModel.QWEN_14B_CHAT): string[] {
    return allowedInstanceTypes(model).map((t) => t.instanceType);
  }

  /** The instance group (escape hatch). */
  public readonly instanceGroup: ecs.RosInstanceGroup;
  /** The model the instance runs. */
  public readonly model: QwenModel;
  /** The instance types offered (checked against the model). */
  public readonly allowedInstanceTypes: readonly string[];
  /** The instance ids (a list token). */
  public readonly instanceIds: string[];
  /** The public IPs (a list token). */
  public readonly publicIps: string[];
  /** The private IPs (a list token). */
  public readonly privateIps: string[];
  /** How many instances. */
  public readonly amount: number;

  constructor(scope: ros.Construct, id: string, props: QwenGpuInstanceProps) {
    super(scope, id);
    this.model = props.model ?? QwenModel.QWEN_14B_CHAT;
    this.allowedInstanceTypes = props.allowedInstanceTypes ?? QwenGpuInstance.allowedInstanceTypesFor(this.model);
    assertInstanceTypesFit(this.model, this.allowedInstanceTypes, 'QwenGpuInstance: allowedInstanceTypes');
    if (!ros.Token.isUnresolved(props.instanceType)) {
      assertInstanceTypesFit(this.model, [props.instanceType], 'QwenGpuInstance: instanceType');
      if (!this.allowedInstanceTypes.includes(props.instanceType)) {
        throw new Error(`QwenGpuInstance: instanceType '${props.instanceType}' is not in allowedInstanceTypes; add it there or choose one of: ${this.allowedInstanceTypes.join(', ')}.`);
      }
    }
    const chargeType = props.instanceChargeType ?? InstanceChargeType.POST_PAID;
    if (!ros.Token.isUnresolved(chargeType) && !Object.values(InstanceChargeType).includes(chargeType as InstanceChargeType)) {
      throw new Error(`QwenGpuInstance: instanceChargeType '${chargeType}' is not allowed: give 'PostPaid' or 'PrePaid'.`);
    }
    if (props.periodUnit !== undefined && !ros.Token.isUnresolved(props.periodUnit) && !['Month', 'Year'].includes(props.periodUnit)) {
      throw new Error(`QwenGpuInstance: periodUnit '${props.periodUnit}' is not allowed: give 'Month' or 'Year'.`);
    }
    if (props.period !== undefined && !ros.Token.isUnresolved(props.period) && (!Number.isInteger(props.period) || props.period < 1 || props.period > 9)) {
      throw new Error(`QwenGpuInstance: period ${props.period} is not allowed: give a whole number from 1 to 9.`);
    }
    const minDisk = Math.ceil(this.model.gpuMemoryGiB + 60);
    const diskSize = props.systemDiskSize ?? Math.max(200, minDisk);
    if (!Number.isInteger(diskSize) || diskSize < minDisk || diskSize > 2048) {
      throw new Error(`QwenGpuInstance: systemDiskSize ${diskSize} is not allowed: give a whole number of GiB from ${minDisk} (room for ${this.model.displayName}'s weights, the Python environment and the OS) to 2048.`);
    }
    const allocatePublicIp = props.allocatePublicIp ?? true;
    const bandwidth = props.internetMaxBandwidthOut ?? 2;
    if (!Number.isInteger(bandwidth) || bandwidth < 0 || bandwidth > 100) {
      throw new Error(`QwenGpuInstance: internetMaxBandwidthOut ${bandwidth} is not allowed: give a whole number of Mbit/s from 0 to 100.`);
    }
    if (allocatePublicIp && bandwidth === 0) {
      throw new Error('QwenGpuInstance: internetMaxBandwidthOut 0 with allocatePublicIp true gives no public IP; give a bandwidth from 1 to 100, or set allocatePublicIp false.');
    }
    this.amount = props.amount ?? 1;
    if (!Number.isInteger(this.amount) || this.amount < 1 || this.amount > 100) {
      throw new Error(`QwenGpuInstance: amount ${this.amount} is not allowed: give a whole number from 1 to 100.`);
    }

    this.instanceGroup = new ecs.RosInstanceGroup(this, props.logicalId ?? 'EcsInstanceGroup', {
      instanceName: props.instanceName ?? ros.Fn.join('-', [ros.Fn.ref('ALIYUN::StackName'), '[1,4]']),
      ioOptimized: 'optimized',
      instanceChargeType: chargeType,
      periodUnit: props.periodUnit,
      period: props.period,
      vpcId: props.vpcId,
      zoneId: props.zoneId,
      vSwitchId: props.vSwitchId,
      securityGroupId: props.securityGroupId,
      systemDiskCategory: props.systemDiskCategory ?? 'cloud_essd',
      systemDiskSize: diskSize,
      maxAmount: this.amount,
      imageId: props.imageId,
      instanceType: props.instanceType,
      password: props.password,
      allocatePublicIp,
      internetMaxBandwidthOut: bandwidth,
    }, true);
    this.instanceIds = ros.Token.asList(this.instanceGroup.attrInstanceIds);
    this.publicIps = ros.Token.asList(this.instanceGroup.attrPublicIps);
    this.privateIps = ros.Token.asList(this.instanceGroup.attrPrivateIps);
  }
}
