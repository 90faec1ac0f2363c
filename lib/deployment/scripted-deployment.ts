import * as ros from '@alicloud/ros-cdk-core';
import { IInstanceGroup } from '../compute/gpu-instance-group';
import { RUN_COMMAND_MAX_INSTANCES } from '../ros/limits';
import { assertLogicalIdFree } from '../ros/logical-id';
import { DeployScript, IScriptPart } from '../script/deploy-script';
import { DeployScriptRunCommand } from '../script/deploy-script-run-command';
import { WaitConditionCallback } from '../signal/wait-condition-callback';

/** Props for {@link ScriptedDeployment}. */
export interface ScriptedDeploymentProps {
  /**
   * The instances the script runs on: the RunCommand targets their ids, the wait counts one
   * SUCCESS per instance (`amount`) and starts when they exist.
   */
  readonly instances: IInstanceGroup;
  /**
   * The script's parts; more can be added with `addParts` until synthesis.
   * @default - none
   */
  readonly parts?: readonly IScriptPart[];
  /**
   * The file on the instance that gets the script's progress lines.
   * @default '/var/log/deploy-script.log' (DeployScript's default)
   */
  readonly logFile?: string;
  /**
   * Seconds the wait allows on top of the script's budget, for the instances to boot and the
   * command to be dispatched.
   * @default 900
   */
  readonly startupMarginSeconds?: number;
  /**
   * Seconds added to the script's budget for the RunCommand's Timeout.
   * @default 60
   */
  readonly timeoutMarginSeconds?: number;
  /**
   * Prefix of the logical ids (`WaitConditionHandle`, `WaitCondition`, `InstanceRunCommand`).
   * Logical ids are stack-wide, so a second deployment in one stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * A deploy script run once on every instance of a group, and the wait for their signals, wired
 * in one call: the `WaitConditionCallback` counts `instances.amount` signals and starts after the
 * group, the `DeployScript` signals it, and the `DeployScriptRunCommand` targets the group's ids.
 * Count, targets and start follow the instances, also when their amount is a parameter.
 */
export class ScriptedDeployment extends ros.Construct {
  /** The wait for the instances' signals. */
  public readonly callback: WaitConditionCallback;
  /** The deploy script. */
  public readonly script: DeployScript;
  /** The RunCommand that runs the script on the instances. */
  public readonly runCommand: DeployScriptRunCommand;

  constructor(scope: ros.Construct, id: string, props: ScriptedDeploymentProps) {
    super(scope, id);
    const amount = props.instances.amount;
    if (!ros.Token.isUnresolved(amount) && amount > RUN_COMMAND_MAX_INSTANCES) {
      throw new Error(`ScriptedDeployment '${this.node.path}': instances.amount ${amount} is more than the ${RUN_COMMAND_MAX_INSTANCES} instances one ALIYUN::ECS::RunCommand may target; give at most ${RUN_COMMAND_MAX_INSTANCES}, or split the instances into groups with a deployment each.`);
    }
    const prefix = props.logicalIdPrefix ?? '';
    for (const logicalId of ['WaitConditionHandle', 'WaitCondition', 'InstanceRunCommand']) {
      assertLogicalIdFree(this, `${prefix}${logicalId}`, 'ScriptedDeployment', 'logicalIdPrefix');
    }
    this.callback = new WaitConditionCallback(this, 'Signal', {
      count: amount,
      startupMarginSeconds: props.startupMarginSeconds,
      startAfter: [props.instances.instanceGroup],
      logicalIdPrefix: prefix,
    });
    this.script = new DeployScript({ signal: this.callback, logFile: props.logFile });
    this.script.addParts(...props.parts ?? []);
    this.runCommand = new DeployScriptRunCommand(this, 'RunCommand', {
      script: this.script,
      instanceIds: props.instances.instanceIds,
      timeoutMarginSeconds: props.timeoutMarginSeconds,
      logicalIdPrefix: prefix,
    });
  }

  /** Add parts to the script; they run in phase order, then in the order added. */
  public addParts(...parts: IScriptPart[]): this {
    this.script.addParts(...parts);
    return this;
  }
}
