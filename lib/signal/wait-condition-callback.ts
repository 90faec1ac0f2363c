import * as ros from '@alicloud/ros-cdk-core';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { assertLogicalIdFree } from '../ros/logical-id';
import { DeployScript, IScriptSignal } from '../script/deploy-script';
import { ScriptValue } from '../script/script-value';
import { WAIT_CONDITION_TIMEOUT_MAX_SECONDS, WAIT_CONDITION_TIMEOUT_MIN_SECONDS } from '../ros/limits';

/** Props for {@link WaitConditionCallback}. */
export interface WaitConditionCallbackProps {
  /**
   * How many SUCCESS signals end the wait: one per instance that runs the script; a literal or a
   * number token (such as the instance count's parameter).
   * @default 1
   */
  readonly count?: number;
  /**
   * Seconds the wait allows on top of the bound script's budget, for the instance to boot and
   * the command to be dispatched. The WaitCondition's timeout is the script budget plus this.
   * @default 900
   */
  readonly startupMarginSeconds?: number;
  /**
   * Prefix of the logical ids (`WaitConditionHandle`, `WaitCondition`). Logical ids are
   * stack-wide, so a second callback in one stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
  /**
   * Resources whose creation starts the wait's clock (the instances that will signal): the
   * WaitCondition depends on them.
   * @default - none
   */
  readonly startAfter?: ros.RosResource[];
}

/** ROS limits for ALIYUN::ROS::WaitCondition Timeout, in seconds (lib/ros/limits.ts). */
const MIN_TIMEOUT = WAIT_CONDITION_TIMEOUT_MIN_SECONDS;
const MAX_TIMEOUT = WAIT_CONDITION_TIMEOUT_MAX_SECONDS;

/**
 * The `ALIYUN::ROS::WaitConditionHandle` and `ALIYUN::ROS::WaitCondition`, made together with the
 * script lines that signal SUCCESS or FAILURE through the handle's `CurlCli`.
 *
 * Give it to a {@link DeployScript} as its signal: the script binds itself, and the wait's
 * timeout is derived from the script's budget, so the two cannot drift.
 */
export class WaitConditionCallback extends ros.Construct implements IScriptSignal {
  /** The handle (escape hatch). */
  public readonly handle: rosRos.RosWaitConditionHandle;
  /** The wait (escape hatch). */
  public readonly condition: rosRos.RosWaitCondition;
  /** How many signals end the wait. */
  public readonly count: number;
  /** The handle's CurlCli, decoded into `$curl_cli` in the script. */
  public readonly values: readonly ScriptValue[];
  /** Commands the signal lines use. */
  public readonly requiredCommands: readonly string[] = ['curl'];
  private readonly startupMarginSeconds: number;
  private script?: DeployScript;

  constructor(scope: ros.Construct, id: string, props: WaitConditionCallbackProps = {}) {
    super(scope, id);
    this.count = props.count ?? 1;
    this.startupMarginSeconds = props.startupMarginSeconds ?? 900;
    // A token (a Number parameter's value) is carried through: the instance count decides it at deploy time.
    if (!ros.Token.isUnresolved(this.count) && (!Number.isInteger(this.count) || this.count < 1 || this.count > 100)) {
      throw new Error(`WaitConditionCallback: count ${this.count} is not allowed: give a whole number from 1 to 100 (one signal per instance that runs the script).`);
    }
    if (!Number.isInteger(this.startupMarginSeconds) || this.startupMarginSeconds < 0) {
      throw new Error(`WaitConditionCallback: startupMarginSeconds ${this.startupMarginSeconds} is not allowed: give a whole number of seconds >= 0.`);
    }
    const prefix = props.logicalIdPrefix ?? '';
    for (const id of ['WaitConditionHandle', 'WaitCondition']) {
      assertLogicalIdFree(this, `${prefix}${id}`, 'WaitConditionCallback', 'logicalIdPrefix');
    }
    this.handle = new rosRos.RosWaitConditionHandle(this, `${prefix}WaitConditionHandle`, {}, true);
    this.condition = new rosRos.RosWaitCondition(this, `${prefix}WaitCondition`, {
      handle: this.handle.ref,
      count: this.count,
      timeout: ros.Lazy.numberValue({ produce: () => this.timeoutSeconds }),
    }, true);
    this.startAfter(...props.startAfter ?? []);
    this.values = [ScriptValue.fromToken('CurlCli', ros.Token.asString(this.handle.attrCurlCli), { shellName: 'curl_cli' })];
  }

  /** The WaitCondition's timeout: the bound script's budget plus the startup margin. */
  public get timeoutSeconds(): number {
    if (!this.script) {
      throw new Error(`WaitConditionCallback '${this.node.path}': no DeployScript uses this callback as its signal; pass it as DeployScriptProps.signal.`);
    }
    const timeout = this.script.budgetSeconds + this.startupMarginSeconds;
    if (timeout < MIN_TIMEOUT || timeout > MAX_TIMEOUT) {
      throw new Error(`WaitConditionCallback '${this.node.path}': the wait would need ${timeout}s (script budget ${this.script.budgetSeconds}s + startupMarginSeconds ${this.startupMarginSeconds}s), but ROS allows ${MIN_TIMEOUT} to ${MAX_TIMEOUT}s; shorten the health-check timeout or the margin.`);
    }
    return timeout;
  }

  /** Make the instances' creation start the wait's clock. */
  public startAfter(...resources: ros.RosResource[]): void {
    for (const r of resources) {
      this.condition.addRosDependency(r.logicalId);
    }
  }

  /** @internal called by DeployScript */
  public bindScript(script: DeployScript): void {
    if (this.script && this.script !== script) {
      throw new Error(`WaitConditionCallback '${this.node.path}': already bound to another DeployScript; make one callback per script so count and timeout match it.`);
    }
    this.script = script;
  }

  /** The bash function `qwen_signal STATUS REASON`. */
  public renderSignalFunction(): string {
    return renderSignalFunction();
  }
}

/**
 * `qwen_signal STATUS REASON`: posts `{"status": ..., "reason": ..., "data": ...}` with the
 * handle's CurlCli. The CurlCli is ROS's own command line (a resource attribute, never a user
 * parameter), so it is run with eval; the body goes to curl on stdin (`-d @-`). The reason is
 * the script's own text, cut to a safe alphabet and 200 characters.
 */
export function renderSignalFunction(): string {
  return [
    '# Send SUCCESS or FAILURE to the WaitCondition through the handle\'s CurlCli.',
    'qwen_signal() {',
    '  local status="$1" reason body',
    '  reason="$(printf \'%s\' "$2" | tr -c \'A-Za-z0-9 _.,:/=()+-\' \'_\' | cut -c1-200)"',
    '  body="$(printf \'{"status": "%s", "reason": "%s", "data": "%s"}\' "$status" "$reason" "$reason")"',
    '  if [ -z "${curl_cli:-}" ]; then',
    '    qwen_log "cannot send ${status}: the CurlCli value is empty"',
    '    return 1',
    '  fi',
    '  printf \'%s\' "$body" | eval "${curl_cli} -f --retry 3 --retry-delay 5 --retry-max-time 60 --max-time 30 -sS -d @-"',
    '  echo',
    '  qwen_log "sent ${status} signal: ${reason}"',
    '}',
  ].join('\n');
}
