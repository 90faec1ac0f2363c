import * as ros from '@alicloud/ros-cdk-core';
import { RUN_COMMAND_MAX_INSTANCES } from '../ros/limits';
import { bilingual } from './console-metadata';

/** Props for {@link instanceCountParameter}. */
export interface InstanceCountParameterProps {
  /**
   * The count the console proposes.
   * @default 1
   */
  readonly defaultCount?: number;
  /**
   * The largest count the console accepts, at most 20 (one RunCommand targets at most 20 instances).
   * @default 10
   */
  readonly maxCount?: number;
}

/**
 * The `InstanceCount` console parameter (Number, 1 to `maxCount`): how many GPU instances to run.
 * Give its `valueAsNumber` as the instance group's `amount`; the group's MaxAmount, the deploy
 * RunCommand's targets and the wait's Count then all follow it (a Number parameter can be
 * `MaxAmount`, as in aliyun-computenest/springboot-scaling-ecs-demo's `MaxAmount: {Ref: InstanceCount}`).
 */
export function instanceCountParameter(scope: ros.Construct, props: InstanceCountParameterProps = {}): ros.RosParameter {
  const max = props.maxCount ?? 10;
  const def = props.defaultCount ?? 1;
  if (!Number.isInteger(max) || max < 1 || max > RUN_COMMAND_MAX_INSTANCES) {
    throw new Error(`instanceCountParameter: maxCount ${max} is not allowed: give a whole number from 1 to ${RUN_COMMAND_MAX_INSTANCES} (one ALIYUN::ECS::RunCommand targets at most ${RUN_COMMAND_MAX_INSTANCES} instances).`);
  }
  if (!Number.isInteger(def) || def < 1 || def > max) {
    throw new Error(`instanceCountParameter: defaultCount ${def} is not allowed: give a whole number from 1 to maxCount (${max}).`);
  }
  return new ros.RosParameter(scope, 'InstanceCount', {
    type: ros.RosParameterType.NUMBER,
    label: bilingual({ en: 'Number of GPU Instances', 'zh-cn': 'GPU 实例数量' }),
    description: bilingual({
      en: `How many GPU instances serve the model, 1 to ${max}; a load balancer in front spreads the users over them.`,
      'zh-cn': `部署模型的 GPU 实例数量，1 到 ${max} 台；前端的负载均衡将用户分摊到各实例。`,
    }),
    defaultValue: def,
    minValue: 1,
    maxValue: max,
  });
}
