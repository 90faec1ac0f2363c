import * as ros from '@alicloud/ros-cdk-core';
import { enumValue } from './private/token-enum';

// Allowed values from the ROS resource specification of ALIYUN::ECS::InstanceGroup
// (@alicloud/ros-cdk-spec 1.0.13, spec/specification.json: InstanceChargeType, PeriodUnit, Period,
// SpotStrategy, DiskMappings.Category), which ROS checks when the stack is created.

/** How the instances are paid for (`InstanceChargeType`). A parameter's value: `InstanceChargeType.of(p.valueAsString)`. */
export class InstanceChargeType {
  /** Pay as you go. */
  public static readonly POST_PAID = new InstanceChargeType('PostPaid');
  /** Subscription (with a period). */
  public static readonly PRE_PAID = new InstanceChargeType('PrePaid');

  /** A literal (`PostPaid` or `PrePaid`, checked) or a token such as a parameter's value. */
  public static of(value: string): InstanceChargeType {
    return new InstanceChargeType(enumValue('InstanceChargeType', value, ['PostPaid', 'PrePaid']));
  }

  /** @param value the template value (a literal or a token) */
  private constructor(public readonly value: string) {}
}

/** The unit of a subscription's period (`PeriodUnit`). */
export class PeriodUnit {
  /** Weeks. */
  public static readonly WEEK = new PeriodUnit('Week');
  /** Months. */
  public static readonly MONTH = new PeriodUnit('Month');
  /** Years. */
  public static readonly YEAR = new PeriodUnit('Year');

  /** A literal (`Week`, `Month` or `Year`, checked) or a token such as a parameter's value. */
  public static of(value: string): PeriodUnit {
    return new PeriodUnit(enumValue('PeriodUnit', value, ['Week', 'Month', 'Year']));
  }

  /** @param value the template value (a literal or a token) */
  private constructor(public readonly value: string) {}
}

/** Whether pay-as-you-go instances are preemptible (spot) instances (`SpotStrategy`). */
export class SpotStrategy {
  /** A regular pay-as-you-go instance. */
  public static readonly NO_SPOT = new SpotStrategy('NoSpot');
  /** A spot instance with a highest hourly price (`spotPriceLimit`). */
  public static readonly SPOT_WITH_PRICE_LIMIT = new SpotStrategy('SpotWithPriceLimit');
  /** A spot instance at the market price. */
  public static readonly SPOT_AS_PRICE_GO = new SpotStrategy('SpotAsPriceGo');

  /** A literal (checked) or a token such as a parameter's value. */
  public static of(value: string): SpotStrategy {
    return new SpotStrategy(enumValue('SpotStrategy', value, ['NoSpot', 'SpotWithPriceLimit', 'SpotAsPriceGo']));
  }

  /** @param value the template value (a literal or a token) */
  private constructor(public readonly value: string) {}
}

/** The category of a system or data disk. */
export class DiskCategory {
  /** Enhanced SSD (ESSD). */
  public static readonly CLOUD_ESSD = new DiskCategory('cloud_essd');
  /** ESSD AutoPL. */
  public static readonly CLOUD_AUTO = new DiskCategory('cloud_auto');
  /** Standard SSD. */
  public static readonly CLOUD_SSD = new DiskCategory('cloud_ssd');
  /** Ultra disk. */
  public static readonly CLOUD_EFFICIENCY = new DiskCategory('cloud_efficiency');

  /** A literal (checked) or a token such as a parameter's value. */
  public static of(value: string): DiskCategory {
    return new DiskCategory(enumValue('DiskCategory', value, ['cloud', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd', 'ephemeral_ssd', 'cloud_auto']));
  }

  /** @param value the template value (a literal or a token) */
  private constructor(public readonly value: string) {}
}

/** A data disk attached to each instance (`DiskMappings`). */
export interface DataDisk {
  /** Size in GiB (cloud_essd: 20 to 32768). */
  readonly sizeGiB: number;
  /**
   * The disk category.
   * @default DiskCategory.CLOUD_ESSD
   */
  readonly category?: DiskCategory;
  /**
   * The device name, e.g. `/dev/xvdb`.
   * @default - ECS picks the next free device
   */
  readonly device?: string;
}

/**
 * What a caller may set on the instances of a GPU instance group beyond the type, network and
 * billing: count, RAM role, tags, disks, spot and public access. `QwenChatStack` passes them through.
 */
export interface GpuInstanceOptions {
  /**
   * How many instances: a whole number from 1 to 100, or a number token such as a Number
   * parameter's `valueAsNumber`; a `ScriptedDeployment`'s wait and targets follow it.
   * @default 1
   */
  readonly amount?: number;
  /**
   * RAM role the instances assume (its credentials reach the instance metadata service).
   * @default - no role
   */
  readonly ramRoleName?: string;
  /**
   * Tags on each instance, at most 20.
   * @default - none
   */
  readonly tags?: { readonly [key: string]: string };
  /**
   * Data disks on each instance, at most 16.
   * @default - none
   */
  readonly dataDisks?: readonly DataDisk[];
  /**
   * Spot (preemptible) instances; only with pay-as-you-go.
   * @default - a regular instance (ROS's default, NoSpot)
   */
  readonly spotStrategy?: SpotStrategy;
  /**
   * Highest hourly price of a spot instance, at most three decimals; with
   * SpotStrategy.SPOT_WITH_PRICE_LIMIT only, and required there.
   * @default - none
   */
  readonly spotPriceLimit?: number;
  /**
   * System disk category.
   * @default DiskCategory.CLOUD_ESSD
   */
  readonly systemDiskCategory?: DiskCategory;
  /**
   * System disk size in GiB: room for the OS, the Python environment and the model weights
   * (at least the model's GPU memory need + 60 GiB).
   * @default - 200, or the model's minimum when that is larger
   */
  readonly systemDiskSizeGiB?: number;
  /**
   * Give each instance a public IP.
   * @default true
   */
  readonly allocatePublicIp?: boolean;
  /**
   * A deploy-time switch for the public IP (e.g. the condition of a Boolean parameter): where it
   * holds, each instance gets a public IP with `internetMaxBandwidthOutMbps`; elsewhere none
   * (`AllocatePublicIP` false and no bandwidth). Only with `allocatePublicIp` true (its default).
   * @default - no switch: `allocatePublicIp` alone decides
   */
  readonly publicIpCondition?: ros.RosCondition;
  /**
   * Outbound public bandwidth in Mbit/s (0 to 100); must be > 0 with a public IP.
   * @default - 2 with a public IP, 0 without
   */
  readonly internetMaxBandwidthOutMbps?: number;
  /**
   * Instance name.
   * @default - `<stack name>-[1,4]` (ROS numbers the instances)
   */
  readonly instanceName?: string;
}
