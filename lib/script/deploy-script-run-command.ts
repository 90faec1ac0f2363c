import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { RUN_COMMAND_CONTENT_MAX_BYTES } from '../ros/limits';
import { assertLogicalIdFree } from '../ros/logical-id';
import { DeployScript } from './deploy-script';

/** Props for {@link DeployScriptRunCommand}. */
export interface DeployScriptRunCommandProps {
  /** The script to run. */
  readonly script: DeployScript;
  /** The instances to run it on (a list token such as `QwenGpuInstance.instanceIds`, or literal ids). */
  readonly instanceIds: string[];
  /**
   * Prefix of the logical id (`InstanceRunCommand`). Logical ids are stack-wide, so a second
   * RunCommand in one stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
  /**
   * Seconds added to the script's budget for the RunCommand's Timeout.
   * @default 60
   */
  readonly timeoutMarginSeconds?: number;
}

/** RunCommand content limit, 16 KB after Base64 (lib/ros/limits.ts, where its source is cited). */
export const RUN_COMMAND_CONTENT_LIMIT_BYTES = RUN_COMMAND_CONTENT_MAX_BYTES;

/**
 * Room kept for the values ROS substitutes into the body at deploy time (the base64 of the
 * handle's CurlCli, a user name and a password, and the like), in bytes.
 */
export const SUBSTITUTED_VALUES_RESERVE_BYTES = 2048;

/** The base64-encoded size the content will have at most, once ROS has substituted the values. */
export function encodedContentSize(body: string): number {
  return 4 * Math.ceil((Buffer.byteLength(body, 'utf8') + SUBSTITUTED_VALUES_RESERVE_BYTES) / 3);
}

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
    const logicalId = `${props.logicalIdPrefix ?? ''}InstanceRunCommand`;
    assertLogicalIdFree(this, logicalId, 'DeployScriptRunCommand', 'logicalIdPrefix');
    this.runCommand = new ecs.RosRunCommand(this, logicalId, {
      type: 'RunShellScript',
      sync: true,
      instanceIds: props.instanceIds,
      commandContent: ros.Lazy.stringValue({ produce: () => checkedContent(script) }),
      timeout: ros.Lazy.numberValue({ produce: () => checkedTimeout(script, margin) }),
    }, true);
  }
}

function checkedTimeout(script: DeployScript, margin: number): number {
  const timeout = script.budgetSeconds + margin;
  const wait = script.signal.timeoutSeconds;
  if (wait !== undefined && wait < timeout) {
    throw new Error(`DeployScriptRunCommand: the RunCommand may run ${timeout}s (script budget ${script.budgetSeconds}s + timeoutMarginSeconds ${margin}s) but its signal is only waited for ${wait}s; give the wait a larger margin or this command a smaller one.`);
  }
  return timeout;
}

function checkedContent(script: DeployScript): string {
  const size = encodedContentSize(script.render().body);
  if (size > RUN_COMMAND_CONTENT_LIMIT_BYTES) {
    throw new Error(`DeployScriptRunCommand: the rendered script would be ${size} bytes once base64-encoded (with ${SUBSTITUTED_VALUES_RESERVE_BYTES} bytes kept for substituted values); ALIYUN::ECS::RunCommand allows ${RUN_COMMAND_CONTENT_LIMIT_BYTES}. Remove parts or move work into the image build.`);
  }
  return script.toFnSub();
}
