/**
 * Closed sets of config.yaml values. Sources: Compute Nest API CreateService
 * (https://help.aliyun.com/zh/compute-nest/developer-reference/api-computenestsupplier-2021-05-21-createservice:
 * DeployType ros, terraform, ack, spi, operation; ServiceType private, managed), the ROS resource
 * reference of ALIYUN::ECS::RunCommand Type (RunShellScript, RunBatScript, RunPowerShellScript;
 * @alicloud/ros-cdk-spec 1.0.13), and the reference service's config.yaml
 * (test/fixtures/reference/config.yaml: ShareType Public, ApprovalType Manual).
 */

/** How Compute Nest deploys the service (`Service.DeployType`). */
export enum DeployType {
  /** A ROS template. */
  ROS = 'ros',
  /** A Terraform template. */
  TERRAFORM = 'terraform',
  /** Container Service for Kubernetes. */
  ACK = 'ack',
  /** The provider's service provider interface (SPI). */
  SPI = 'spi',
  /** A hosted operations service. */
  OPERATION = 'operation',
}

/** Whose account the service instances live in (`Service.ServiceType`). */
export enum ServiceType {
  /** In the customer's account. */
  PRIVATE = 'private',
  /** In the provider's account, managed for the customer. */
  MANAGED = 'managed',
}

/** The Cloud Assistant command type of an image build (`ImageBuilder.<id>.CommandType`). */
export enum CommandType {
  /** A shell script (Linux). */
  RUN_SHELL_SCRIPT = 'RunShellScript',
  /** A batch script (Windows). */
  RUN_BAT_SCRIPT = 'RunBatScript',
  /** A PowerShell script (Windows). */
  RUN_POWERSHELL_SCRIPT = 'RunPowerShellScript',
}

/** A value of config.yaml the API accepts but this library lists only in part: the known ones as constants, others through `of`. */
function checkedValue(owner: string, value: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(value)) {
    throw new Error(`${owner}.of: ${JSON.stringify(value)} is not allowed: give the Compute Nest API value, letters first, e.g. 'Public'.`);
  }
  return value;
}

/** Who may see the service (`Service.ShareType`). Known: PUBLIC; any other API value through `ShareType.of`. */
export class ShareType {
  /** Public, as the reference service. */
  public static readonly PUBLIC = new ShareType('Public');

  /** Another value the Compute Nest API accepts. */
  public static of(value: string): ShareType {
    return value === ShareType.PUBLIC.value ? ShareType.PUBLIC : new ShareType(checkedValue('ShareType', value));
  }

  /** @param value the config.yaml value */
  private constructor(public readonly value: string) {}
}

/** How a request to use the service is approved (`Service.ApprovalType`). Known: MANUAL; others through `ApprovalType.of`. */
export class ApprovalType {
  /** The provider approves each request, as the reference service. */
  public static readonly MANUAL = new ApprovalType('Manual');

  /** Another value the Compute Nest API accepts. */
  public static of(value: string): ApprovalType {
    return value === ApprovalType.MANUAL.value ? ApprovalType.MANUAL : new ApprovalType(checkedValue('ApprovalType', value));
  }

  /** @param value the config.yaml value */
  private constructor(public readonly value: string) {}
}
