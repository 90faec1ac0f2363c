import * as ros from '@alicloud/ros-cdk-core';
import * as rosRos from '@alicloud/ros-cdk-ros';
import { assertLogicalIdFree } from '../ros/logical-id';
import { DeployScript, IScriptSignal } from '../script/deploy-script';
import { ScriptValue, ScriptValueEncoding } from '../script/script-value';
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
   * How long the script keeps trying to deliver one signal (a refused connection, a timeout, HTTP
   * 408, 429 or 5xx are retried), in seconds; added to the script's budget.
   * @default 300
   */
  readonly deliveryTimeoutSeconds?: number;
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
  /** How long the script keeps trying to deliver one signal, in seconds. */
  public readonly deliveryTimeoutSeconds: number;
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
    this.deliveryTimeoutSeconds = props.deliveryTimeoutSeconds ?? 300;
    if (!Number.isInteger(this.deliveryTimeoutSeconds) || this.deliveryTimeoutSeconds < 0 || this.deliveryTimeoutSeconds > 3600) {
      throw new Error(`WaitConditionCallback: deliveryTimeoutSeconds ${this.deliveryTimeoutSeconds} is not allowed: give a whole number of seconds from 0 to 3600.`);
    }
    const prefix = props.logicalIdPrefix ?? '';
    for (const id of ['WaitConditionHandle', 'WaitCondition']) {
      assertLogicalIdFree(this, `${prefix}${id}`, 'WaitConditionCallback', 'logicalIdPrefix');
    }
    this.handle = new rosRos.RosWaitConditionHandle(this, `${prefix}WaitConditionHandle`, {}, true);
    this.condition = new rosRos.RosWaitCondition(this, `${prefix}WaitCondition`, {
      handle: this.handle.ref,
      count: this.count,
      // A wrong timeout is reported by validate(), naming this construct; the template is not written then.
      timeout: ros.Lazy.numberValue({ produce: () => this.timeoutProblem() === undefined ? this.timeoutSeconds : MIN_TIMEOUT }),
    }, true);
    this.startAfter(...props.startAfter ?? []);
    // The CurlCli is ROS's own one-line command: it travels as is, a third smaller than base64. Its
    // length is not documented; 1024 bytes is assumed for the RunCommand size check.
    this.values = [ScriptValue.fromToken('CurlCli', ros.Token.asString(this.handle.attrCurlCli), {
      shellName: 'curl_cli', encoding: ScriptValueEncoding.ROS_GENERATED_LINE, maxBytes: 1024,
    })];
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

  /**
   * The most seconds one signal may take: the retries (deliveryTimeoutSeconds), then one more pause
   * (30 s) and one more try (10 s to connect, 30 s in all).
   */
  public get deliverySeconds(): number {
    return this.deliveryTimeoutSeconds + 30 + 30;
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

  /** The bash function `ds_signal STATUS REASON`. */
  public renderSignalFunction(): string {
    return renderSignalFunction(this.deliveryTimeoutSeconds);
  }

  protected override validate(): string[] {
    const problem = this.timeoutProblem();
    return problem === undefined ? [] : [problem];
  }

  private timeoutProblem(): string | undefined {
    try {
      void this.timeoutSeconds;
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }
}

/**
 * curl exit codes worth another try: 6 could not resolve host, 7 could not connect (refused), 28 timed
 * out, 35 TLS handshake failed, 52 empty reply, 55 send failed, 56 receive failed
 * (https://curl.se/libcurl/c/libcurl-errors.html). With curl's own `--retry`, a refused connection
 * is not retried before `--retry-connrefused` (curl 7.52.0), which CentOS 7's curl 7.29 lacks, so the
 * loop is bash's, and only options curl 7.29 has are used (`-sS -o -w --connect-timeout --max-time -d`).
 */
const RETRIED_CURL_EXITS = '[67]:*|28:*|35:*|5[256]:*';

/**
 * Where the script asks for its ECS instance's id: the instance metadata service, item `instance-id`
 * (example `i-bp13znx0m0me8cquu****`; item `hostname`, example `iZbp13znx0m0me8cquu****`:
 * https://www.alibabacloud.com/help/ja/ecs/user-guide/instance-metadata-items). A plain GET, as in the
 * service's normal mode; an instance whose metadata requires a token (security hardening mode) answers
 * it with an error, and the id falls back to the host name.
 */
export const INSTANCE_ID_URL = 'http://100.100.100.200/latest/meta-data/instance-id';

/**
 * `ds_signal STATUS REASON`: posts `{"status": ..., "reason": ..., "id": ..., "data": ...}` (data: the reason,
 * or for SUCCESS what the parts left in `$ds_signal_data`, such as a certificate's fingerprint) with the handle's
 * CurlCli, retrying a connection error, HTTP 408, 429 and 5xx with a doubling pause (2 s to 30 s)
 * until `deliveryTimeoutSeconds` have passed; logs whether the signal was delivered and returns 1 if
 * not. The CurlCli is ROS's own command line (a resource attribute, never a user parameter), so it is
 * run with eval; the body goes to curl on stdin (`-d @-`). The reason is cut to printable ASCII and
 * 400 characters, with `\` and `"` escaped for JSON.
 *
 * `id` is this instance's, the same for every try and every run on it: ROS treats signals with the same
 * id as one signal, a later one overwriting the earlier, and gives a signal without an id the number of
 * signals it already has plus one (https://help.aliyun.com/document_detail/48503.html, WaitConditionHandle,
 * the note on CurlCli), so without an id a retry whose first reply was lost counts twice toward the
 * WaitCondition's Count and two instances' signals cannot be told apart. The id is the ECS instance id
 * from the metadata service ({@link INSTANCE_ID_URL}; `curl --fail`, 3 s in all, no proxy, inside the
 * delivery bound) if it looks like one (`i-` and 1-62 letters or digits); else `host-` and the host name cut
 * to `A-Za-z0-9._-` (ECS's default host name is made from the instance id, above; never a bare integer, which
 * is what ROS numbers id-less signals with). A string id has one consequence: a WaitConditionHandle whose
 * `Count` takes effect (Mode Full, Count >= 0) fails its update when signals with non-integer ids exist
 * (same page), so this handle leaves `Count` unset.
 */
export function renderSignalFunction(deliveryTimeoutSeconds = 300): string {
  return [
    'ds_signal() {',
    `  local r x c e t=$((SECONDS + ${deliveryTimeoutSeconds})) d=2`,
    `  ds_id=$(curl -fs --noproxy '*' --max-time 3 ${INSTANCE_ID_URL}) || ds_id=''`,
    '  [[ $ds_id =~ ^i-[A-Za-z0-9]{1,62}$ ]] || ds_id=host-$(uname -n | tr -cd A-Za-z0-9._- | cut -c1-59)',
    '  r=$(printf %s "$2" | tr -c \' -~\' \' \' | cut -c1-400 | sed \'s/[\\\\"]/\\\\&/g\')',
    // SUCCESS carries what the parts left in $ds_signal_data (a TLS certificate's fingerprint: hex and ':' only).
    '  x=$r; [ "$1" != SUCCESS ] || x=${ds_signal_data:-$r}',
    '  while :; do',
    '    e=0',
    '    c=$(printf \'{"status": "%s", "reason": "%s", "id": "%s", "data": "%s"}\' "$1" "$r" "$ds_id" "$x" |',
    '      eval "$curl_cli -sS -o /dev/null -w \'%{http_code}\' --connect-timeout 10 --max-time 30 -d @-") || e=$?',
    '    case $e:$c in',
    '      0:2??) ds_log "signal $1 delivered"; return 0 ;;',
    `      0:5??|0:408|0:429|${RETRIED_CURL_EXITS}) [ $SECONDS -lt $t ] || break; sleep $d; [ $d -ge 30 ] || d=$((d * 2)) ;;`,
    '      *) break ;;',
    '    esac',
    '  done',
    '  ds_log "signal $1 NOT delivered (curl exit $e, HTTP $c): the WaitCondition waits for its timeout"',
    '  return 1',
    '}',
  ].join('\n');
}
