import * as ros from '@alicloud/ros-cdk-core';
import * as ecs from '@alicloud/ros-cdk-ecs';
import { RUN_COMMAND_CONTENT_MAX_BYTES } from '../ros/limits';
import { assertLogicalIdFree } from '../ros/logical-id';
import { assertOnlyAllowedParameters } from '../ros/cloud-assistant-parameters';
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
 * The base64-encoded size the content will have at most, once ROS has substituted the values:
 * `reserveBytes` is the most the substituted values add to the body (see `RenderedDeployScript.reserveBytes`).
 */
export function encodedContentSize(body: string, reserveBytes: number): number {
  return 4 * Math.ceil((Buffer.byteLength(body, 'utf8') + reserveBytes) / 3);
}

/** How much of the RunCommand content limit a script takes. */
export interface ContentSize {
  /** The content's size once base64-encoded, the reserve for substituted values included, in bytes. */
  readonly usedBytes: number;
  /** The limit, in bytes of base64. */
  readonly limitBytes: number;
  /** What is left for more parts, in bytes of base64 (negative when over the limit). */
  readonly leftBytes: number;
  /** The reserve for substituted values counted in `usedBytes`, in bytes before base64. */
  readonly reserveBytes: number;
}

/** The size of a script's content against the RunCommand limit. */
export function contentSize(script: DeployScript): ContentSize {
  const { body, reserveBytes } = script.render();
  const used = encodedContentSize(body, reserveBytes);
  return {
    usedBytes: used,
    limitBytes: RUN_COMMAND_CONTENT_LIMIT_BYTES,
    leftBytes: RUN_COMMAND_CONTENT_LIMIT_BYTES - used,
    reserveBytes,
  };
}

/**
 * An `ALIYUN::ECS::RunCommand` that runs a {@link DeployScript} once, synchronously, with a
 * Timeout derived from the script's budget.
 *
 * The script is rendered and checked when the app is validated (before the template is written):
 * a problem is reported once, as `[<construct path>] DeployScript ...: <what> ; <fix>`.
 */
export class DeployScriptRunCommand extends ros.Construct {
  /** The RunCommand (escape hatch). */
  public readonly runCommand: ecs.RosRunCommand;
  /** The script it runs. */
  public readonly script: DeployScript;
  private readonly margin: number;

  constructor(scope: ros.Construct, id: string, props: DeployScriptRunCommandProps) {
    super(scope, id);
    const margin = props.timeoutMarginSeconds ?? 60;
    if (!Number.isInteger(margin) || margin < 0) {
      throw new Error(`DeployScriptRunCommand: timeoutMarginSeconds ${margin} is not allowed: give a whole number of seconds >= 0.`);
    }
    this.margin = margin;
    this.script = props.script;
    const logicalId = `${props.logicalIdPrefix ?? ''}InstanceRunCommand`;
    assertLogicalIdFree(this, logicalId, 'DeployScriptRunCommand', 'logicalIdPrefix');
    // A problem is reported by validate(); the placeholders below are never written to a template.
    this.runCommand = new ecs.RosRunCommand(this, logicalId, {
      type: 'RunShellScript',
      sync: true,
      instanceIds: props.instanceIds,
      commandContent: ros.Lazy.stringValue({ produce: () => (this.problem() === undefined ? this.script.toFnSub() : '#!/bin/bash\nexit 1\n') }),
      // With a Cloud Assistant parameter ({{oos-secret:NAME}}) among the values, Cloud Assistant puts the
      // values in (https://www.alibabacloud.com/help/doc-detail/213542.htm); ROS's EnableParameter property.
      enableParameter: ros.Lazy.anyValue({ produce: () => (this.problem() === undefined && this.script.usesCloudAssistantParameters ? true : undefined) }),
      timeout: ros.Lazy.numberValue({ produce: () => (this.problem() === undefined ? this.timeoutSeconds : 1) }),
    }, true);
  }

  /** The RunCommand's Timeout: the script's budget plus the margin. */
  public get timeoutSeconds(): number {
    return this.script.budgetSeconds + this.margin;
  }

  /** How much of the content limit the script takes (renders the script). */
  public contentSize(): ContentSize {
    return contentSize(this.script);
  }

  protected override validate(): string[] {
    const problem = this.problem();
    return problem === undefined ? [] : [problem];
  }

  /** What is wrong with the script or the timeout, or undefined. */
  private problem(): string | undefined {
    try {
      this.script.render();
    } catch (e) {
      return (e as Error).message;
    }
    if (this.script.usesCloudAssistantParameters) {
      // Every {{...}} of the content is then a parameter: the body may hold none of its own.
      try {
        assertOnlyAllowedParameters(`DeployScriptRunCommand '${this.node.path}'`, this.script.render().readable, []);
      } catch (e) {
        return (e as Error).message;
      }
    }
    const size = this.contentSize();
    if (size.leftBytes < 0) {
      return `DeployScriptRunCommand: the script would be ${size.usedBytes} bytes once base64-encoded (with ${size.reserveBytes} bytes kept for substituted values); ALIYUN::ECS::RunCommand allows ${size.limitBytes}. Remove parts or move work into the image build.`;
    }
    let wait: number | undefined;
    try {
      wait = this.script.signal.timeoutSeconds;
    } catch {
      wait = undefined; // the signal reports its own problem
    }
    if (wait !== undefined && wait < this.timeoutSeconds) {
      return `DeployScriptRunCommand: the RunCommand may run ${this.timeoutSeconds}s (script budget ${this.script.budgetSeconds}s + timeoutMarginSeconds ${this.margin}s) but its signal is only waited for ${wait}s; give the wait a larger margin or this command a smaller one.`;
    }
    return undefined;
  }
}
