import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { DeployScript } from './deploy-script';

/** Props for {@link DeployScriptRunCommand}. */
export interface DeployScriptRunCommandProps {
  /** The script to run. */
  readonly script: DeployScript;
  /** The instances to run it on (a list token such as an instance group's InstanceIds). */
  readonly instanceIds: string;
  /**
   * Logical id of the `ALIYUN::ECS::RunCommand` (ids are stack-wide in ROS CDK).
   * @default 'InstanceRunCommand'
   */
  readonly logicalId?: string;
  /**
   * Seconds added to the script's budget for the RunCommand's Timeout.
   * @default 60
   */
  readonly timeoutMarginSeconds?: number;
}

/**
 * RunCommand content limit, in bytes: ALIYUN::ECS::RunCommand CommandContent "cannot exceed 16 KB"
 * (ROS resource reference, ALIYUN::ECS::RunCommand). The rendered body is checked against it.
 */
export const RUN_COMMAND_CONTENT_LIMIT_BYTES = 16 * 1024;

/**
 * An `ALIYUN::ECS::RunCommand` that runs a {@link DeployScript} once, synchronously, with a
 * Timeout derived from the script's budget.
 */
export class DeployScriptRunCommand extends ros.Construct {
  /** The RunCommand (escape hatch). */
  public readonly runCommand: ecs.RosRunCommand;

  constructor(scope: ros.Construct, id: string, props: DeployScriptRunCommandProps) {
    super(scope, id);
    const margin = props.timeoutMarginSeconds ?? 60;
    if (!Number.isInteger(margin) || margin < 0) {
      throw new Error(`DeployScriptRunCommand: timeoutMarginSeconds ${margin} is not allowed: give a whole number of seconds >= 0.`);
    }
    const script = props.script;
    this.runCommand = new ecs.RosRunCommand(this, props.logicalId ?? 'InstanceRunCommand', {
      type: 'RunShellScript',
      sync: true,
      instanceIds: ros.Token.asList(props.instanceIds),
      commandContent: ros.Lazy.stringValue({ produce: () => checkedContent(script) }),
      timeout: ros.Lazy.numberValue({ produce: () => script.budgetSeconds + margin }),
    }, true);
  }
}

function checkedContent(script: DeployScript): string {
  const size = Buffer.byteLength(script.render().body, 'utf8');
  if (size > RUN_COMMAND_CONTENT_LIMIT_BYTES) {
    throw new Error(`DeployScriptRunCommand: the rendered script is ${size} bytes; ALIYUN::ECS::RunCommand allows ${RUN_COMMAND_CONTENT_LIMIT_BYTES}. Remove parts or move work into the image build.`);
  }
  return script.toFnSub();
}
