import * as ros from '@alicloud/ros-cdk-core';
import { GpuInstanceGroup, GpuInstanceGroupBaseProps } from './gpu-instance-group';
import { GpuRequirement } from './gpu-requirement';
import { GpuCatalog } from './gpu-types';
import { QwenModel } from './models';

/** Props for {@link QwenGpuInstance}. */
export interface QwenGpuInstanceProps extends GpuInstanceGroupBaseProps {
  /**
   * The model the instances run; decides which GPU instance types are allowed.
   * @default QwenModel.QWEN_14B_CHAT (16-bit)
   */
  readonly model?: QwenModel;
}

/**
 * A {@link GpuInstanceGroup} sized for a Qwen model: the allowed instance types come from the
 * model and GPU catalogs, and a type that cannot hold the model is refused at synth time.
 */
export class QwenGpuInstance extends GpuInstanceGroup {
  /** Every catalog instance type that can run the model (by default Qwen-14B-Chat, 16-bit), in catalog order. */
  public static override allowedInstanceTypesFor(model: GpuRequirement = QwenModel.QWEN_14B_CHAT, catalog?: GpuCatalog): string[] {
    return GpuInstanceGroup.allowedInstanceTypesFor(model, catalog);
  }

  /** The model the instances run. */
  public readonly model: QwenModel;

  constructor(scope: ros.Construct, id: string, props: QwenGpuInstanceProps) {
    const model = props.model ?? QwenModel.QWEN_14B_CHAT;
    super(scope, id, { ...props, requirement: model });
    this.model = model;
  }

  protected override get constructName(): string {
    return 'QwenGpuInstance';
  }
}
