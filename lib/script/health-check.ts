import { WAIT_CONDITION_TIMEOUT_MAX_SECONDS } from '../ros/limits';
import { IScriptPart, ScriptPhase } from './deploy-script';
import { renderCleanFunction } from './private/runtime';
import { isUnitName, shellQuote } from './private/shell';
import { ScriptValue } from './script-value';

/** Basic-auth credentials for a health check; given to curl as a config on stdin, never in argv. */
export interface HealthCheckCredentials {
  /** The user name. */
  readonly userName: ScriptValue;
  /** The password (a secret). */
  readonly password: ScriptValue;
}

/** Props for {@link HealthCheck}. */
export interface HealthCheckProps {
  /** A short, secret-free name of the check. */
  readonly description: string;
  /** The URL to probe, on the instance (`http://127.0.0.1:7860/`). */
  readonly url: string;
  /**
   * The HTTP status that counts as healthy.
   * @default 200
   */
  readonly expectStatus?: number;
  /**
   * The most seconds to keep probing before the step fails.
   * @default 1800
   */
  readonly timeoutSeconds?: number;
  /**
   * Seconds between probes.
   * @default 10
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds one probe may take.
   * @default 10
   */
  readonly probeTimeoutSeconds?: number;
  /**
   * Basic-auth credentials sent with the probe.
   * @default - none
   */
  readonly credentials?: HealthCheckCredentials;
  /**
   * The systemd unit that serves the URL (`tongyi.service`). Between probes the check watches it:
   * when it has exited twice since the check began (systemd restarting it), or systemd stopped
   * restarting it, the step fails at once with the unit's last journal lines (secret-looking words
   * redacted) and the unit is stopped; while it loads, its latest journal line goes to the log.
   * @default - no unit is watched
   */
  readonly watchUnit?: string;
  /**
   * What the probe sends beyond a plain GET, and what the answer's body must match (e.g. a POST of a
   * chat completion whose answer must be a `chat.completion`).
   * @default - a GET without body; the body is not checked
   */
  readonly request?: HealthCheckRequest;
  /**
   * Lines of curl's config for the probe (given with the credentials on stdin, never in argv), such as
   * `cacert = "/etc/nginx/tls/5000.crt"` or `resolve = "chat.example.com:5000:127.0.0.1"` for a TLS site
   * whose certificate is pinned (NginxTls.probe).
   * @default - none
   */
  readonly curlConfig?: readonly string[];
}

/** The request a {@link HealthCheck} sends and the body it wants back. */
export interface HealthCheckRequest {
  /**
   * The method.
   * @default 'GET'
   */
  readonly method?: 'GET' | 'POST';
  /**
   * Headers known at synth time (no secrets): name to value, each printable ASCII without `"` or `\\`.
   * @default - none
   */
  readonly headers?: { readonly [name: string]: string };
  /**
   * A secret sent as `Authorization: Bearer <value>`, through curl's config on stdin (never argv); its
   * characters must need no escaping in a curl config string (no `"`, `\\` or line break: the check fails
   * otherwise).
   * @default - none
   */
  readonly bearerToken?: ScriptValue;
  /**
   * The body (POST only): printable ASCII without `'`, known at synth time.
   * @default - none
   */
  readonly body?: string;
  /**
   * An extended regular expression (grep -E) the answer's body must match, without `'`.
   * @default - the body is not checked
   */
  readonly bodyPattern?: string;
}

/**
 * A bounded HTTP probe: retries until the URL answers with the expected status or the timeout
 * passes (or the watched unit crash-loops), then fails the script with a reason (so the EXIT trap
 * signals FAILURE).
 */
export class HealthCheck implements IScriptPart {
  public readonly phase = ScriptPhase.HEALTH_CHECKS;
  public readonly description: string;
  public readonly budgetSeconds: number;
  public readonly values: readonly ScriptValue[];
  public readonly requiredCommands: readonly string[];
  /** The probed URL. */
  public readonly url: string;
  /** The status that counts as healthy. */
  public readonly expectStatus: number;
  /** Seconds before the step fails. */
  public readonly timeoutSeconds: number;
  /** The unit watched for crashes, if any. */
  public readonly watchUnit?: string;
  private readonly intervalSeconds: number;
  private readonly probeTimeoutSeconds: number;
  private readonly credentials?: HealthCheckCredentials;
  private readonly request?: HealthCheckRequest;
  private readonly curlConfig: readonly string[];

  constructor(props: HealthCheckProps) {
    if (!/^https?:\/\/[A-Za-z0-9.[\]:-]+(\/[A-Za-z0-9_.~/-]*)?$/.test(props.url)) {
      throw new Error(`HealthCheck: url '${props.url}' is not allowed: give an http(s) URL without query or credentials, such as 'http://127.0.0.1:7860/'.`);
    }
    this.expectStatus = props.expectStatus ?? 200;
    if (!Number.isInteger(this.expectStatus) || this.expectStatus < 100 || this.expectStatus > 599) {
      throw new Error(`HealthCheck: expectStatus ${props.expectStatus} is not allowed: give an HTTP status from 100 to 599.`);
    }
    this.timeoutSeconds = props.timeoutSeconds ?? 1800;
    this.intervalSeconds = props.intervalSeconds ?? 10;
    this.probeTimeoutSeconds = props.probeTimeoutSeconds ?? 10;
    for (const [name, value] of [['timeoutSeconds', this.timeoutSeconds], ['intervalSeconds', this.intervalSeconds], ['probeTimeoutSeconds', this.probeTimeoutSeconds]] as const) {
      if (!Number.isInteger(value) || value < 1 || value > WAIT_CONDITION_TIMEOUT_MAX_SECONDS) {
        throw new Error(`HealthCheck: ${name} ${value} is not allowed: give a whole number of seconds from 1 to ${WAIT_CONDITION_TIMEOUT_MAX_SECONDS}.`);
      }
    }
    if (props.watchUnit !== undefined && !isUnitName(props.watchUnit)) {
      throw new Error(`HealthCheck: watchUnit '${props.watchUnit}' is not allowed: give a unit name such as 'tongyi.service'.`);
    }
    this.curlConfig = props.curlConfig ?? [];
    for (const line of this.curlConfig) {
      if (!/^(cacert|capath|resolve|pinnedpubkey|tlsv1\.2|tlsv1\.3|tls-max) = "[A-Za-z0-9_.:/=+-]+"$/.test(line)) {
        throw new Error(`HealthCheck: curlConfig line '${line}' is not allowed: give 'cacert = "/path"', 'resolve = "host:port:address"' or another TLS option with a plain quoted value.`);
      }
    }
    if (this.curlConfig.length > 0 && !props.url.startsWith('https://')) {
      throw new Error(`HealthCheck: curlConfig is given but url '${props.url}' is not https: the TLS options would not apply.`);
    }
    this.description = props.description;
    this.url = props.url;
    this.credentials = props.credentials;
    this.watchUnit = props.watchUnit;
    const request = props.request;
    if (request !== undefined) {
      if (props.credentials) {
        throw new Error('HealthCheck: credentials and request cannot be combined; send a bearerToken in request, or basic-auth credentials without request.');
      }
      const method = request.method ?? 'GET';
      if (method !== 'GET' && method !== 'POST') {
        throw new Error(`HealthCheck: request.method '${method}' is not allowed: give 'GET' or 'POST'.`);
      }
      if (request.body !== undefined && (method !== 'POST' || !/^[\x20-\x26\x28-\x7e]*$/.test(request.body))) {
        throw new Error(`HealthCheck: request.body is not allowed with method ${method} or with a "'" or a non-printable character: give printable ASCII with method 'POST'.`);
      }
      for (const [name, value] of Object.entries(request.headers ?? {})) {
        if (!/^[A-Za-z0-9-]+$/.test(name) || !/^[\x20\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/.test(value)) {
          throw new Error(`HealthCheck: request.headers '${name}' is not allowed: give a header name of letters, digits and '-', and a value of printable ASCII without '"', "'" or '\\'.`);
        }
      }
      if (request.bearerToken !== undefined && request.bearerToken.secret !== true) {
        throw new Error(`HealthCheck: request.bearerToken '${request.bearerToken.name}' is not marked secret: use a NoEcho parameter or ScriptValue option { secret: true }.`);
      }
      if (request.bodyPattern !== undefined && (request.bodyPattern === '' || request.bodyPattern.includes("'") || /[\n\r]/.test(request.bodyPattern))) {
        throw new Error(`HealthCheck: request.bodyPattern '${request.bodyPattern}' is not allowed: give a non-empty grep -E pattern on one line without "'".`);
      }
    }
    this.request = request;
    this.values = props.credentials ? [props.credentials.userName, props.credentials.password]
      : request?.bearerToken ? [request.bearerToken] : [];
    this.requiredCommands = [
      'curl', 'sleep',
      ...(request ? ['mktemp', 'grep', 'rm'] : []),
      ...(props.credentials ? ['base64', 'tr'] : []),
      ...(props.watchUnit ? ['systemctl', 'journalctl', 'sed', 'tr'] : []),
    ];
    if (props.watchUnit !== undefined && !props.watchUnit.endsWith('.service')) {
      throw new Error(`HealthCheck: watchUnit '${props.watchUnit}' is not allowed: give a service unit, such as 'tongyi.service'.`);
    }
    // The loop may overrun the deadline by one interval and one probe.
    this.budgetSeconds = this.timeoutSeconds + this.intervalSeconds + this.probeTimeoutSeconds;
  }

  public renderFunctions(): string {
    return [
      this.request ? renderRequestFunction() : renderProbeFunction(),
      ...(this.watchUnit ? [renderCleanFunction(), renderWatchFunction()] : []),
    ].join('\n\n');
  }

  public renderCommands(): string {
    const r = this.request;
    if (r) {
      // The synth-time part of curl's config (method, headers, body), escaped for a curl config string.
      const quote = (v: string) => `"${v.replace(/[\\"]/g, '\\$&')}"`;
      const config = [
        ...this.curlConfig,
        ...(r.method === 'POST' ? ['request = "POST"'] : []),
        ...Object.entries(r.headers ?? {}).map(([k, v]) => `header = ${quote(`${k}: ${v}`)}`),
        ...(r.body !== undefined ? [`data-binary = ${quote(r.body)}`] : []),
      ];
      return [
        `ds_req_cfg='${config.join('\n')}'`,
        `ds_request ${[this.url, this.expectStatus, this.timeoutSeconds, this.intervalSeconds, this.probeTimeoutSeconds, this.watchUnit ?? "''",
          r.bodyPattern === undefined ? "''" : `'${r.bodyPattern}'`, r.bearerToken?.shellName ?? ''].join(' ').trimEnd()}`,
      ].join('\n');
    }
    const args = [this.url, this.expectStatus, this.timeoutSeconds, this.intervalSeconds, this.probeTimeoutSeconds, this.watchUnit ?? "''"];
    if (this.credentials) {
      args.push(this.credentials.userName.shellName, this.credentials.password.shellName);
    }
    const config = this.curlConfig.length === 0 ? '' : `ds_probe_cfg=${shellQuote(this.curlConfig.join('\n'))} `;
    return `${config}ds_probe ${args.join(' ')}`;
  }
}

/**
 * `ds_probe URL STATUS TIMEOUT INTERVAL PROBE_TIMEOUT UNIT [USER_VAR PASSWORD_VAR]` and `ds_auth`;
 * `$ds_probe_cfg`, when set for the call, holds curl config lines (TLS options) given on stdin as well.
 * Credentials reach curl as a config on stdin (`-K -`): a header line with the base64 of
 * user:password, made by printf (a bash builtin: never a process's argv) and base64 on a pipe.
 * Base64 text has no quote or backslash, so the line needs no escaping whatever the password holds.
 */
export function renderProbeFunction(): string {
  return [
    'ds_auth() {',
    '  [ $# -eq 0 ] || printf \'header = "Authorization: Basic %s"\\n\' "$(printf \'%s:%s\' "${!1}" "${!2}" | base64 | tr -d \'\\n\')"',
    '}',
    'ds_probe() {',
    '  local s t=$((SECONDS + $3))',
    "  ds_w_st='' ds_w_x=0 ds_w_l=''",
    '  while :; do',
    '    s=$({ printf \'%s\\n\' "${ds_probe_cfg-}"; ds_auth "${@:7}"; } | curl -sS -o /dev/null -w \'%{http_code}\' --max-time "$5" -K - "$1" 2>/dev/null) || s=000',
    '    [ "$s" != "$2" ] || break',
    '    [ -z "$6" ] || ds_watch "$6"',
    '    [ $SECONDS -lt $t ] || ds_fail "$1 answered $s, not $2, within $3s"',
    '    sleep "$4"',
    '  done',
    '  ds_log "$1 answered $2"',
    '}',
  ].join('\n');
}

/**
 * `ds_watch UNIT`, called between probes. systemd 219 (CentOS 7) has no NRestarts, so a restart is
 * seen as a new ExecMainStartTimestampMonotonic; a current run that has exited (its exit timestamp
 * at or after its start) counts too; NRestarts, where systemd has it, corrects a count that missed
 * a restart between two calls. At the second exit, or when systemd no longer restarts the unit
 * (ActiveState failed or inactive), the step fails with the unit's last five journal lines, of
 * which the reason keeps the last 300 characters (`_SYSTEMD_UNIT=`: the app's own output, not
 * systemd's messages about it; a restart that printed before the watch saw the exit adds its first
 * lines after the error), and `ds_stop` makes the
 * EXIT trap stop the unit after the FAILURE signal. `systemctl show -p` is given once per property
 * (the comma form is newer than systemd 219); a property systemd does not know is not printed.
 */
export function renderWatchFunction(): string {
  return [
    'ds_watch() {',
    "  local k v a='' st='' ex=0 n='' l",
    '  while IFS=\'=\' read -r k v; do',
    '    case $k in Active*) a=$v ;; *Start*) st=$v ;; *Exit*) ex=$v ;; N*) n=$v ;; esac',
    '  done < <(systemctl show -p ActiveState -p ExecMainStartTimestampMonotonic -p ExecMainExitTimestampMonotonic -p NRestarts "$1")',
    '  [ -n "$st" ] || return 0',
    '  [ -n "$ds_w_st" ] || ds_w_st=$st ds_w_n=$n',
    '  [ "$st" = "$ds_w_st" ] || ds_w_st=$st ds_w_x=$((ds_w_x + 1))',
    '  [ -z "$n" ] || [ $((n - ds_w_n)) -le $ds_w_x ] || ds_w_x=$((n - ds_w_n))',
    '  k=$((ds_w_x + (ex >= st)))',
    '  l=$(journalctl _SYSTEMD_UNIT="$1" -n 5 -o cat | sed \'s/^ *//\') || l=',
    '  case $a:$k in',
    '    failed:* | inactive:* | *:[2-9] | *:[1-9][0-9]*)',
    '      ds_stop=$1',
    '      ds_fail "$1 exited $k times (now $a); its last lines: $(ds_clean "${l:-none}" 300)" ;;',
    '  esac',
    "  l=${l##*$'\\n'}",
    '  [ "$l" = "$ds_w_l" ] || { ds_w_l=$l; ds_log "$1: $(ds_clean "$l" 200)"; }',
    '}',
  ].join('\n');
}

/**
 * `ds_request URL STATUS TIMEOUT INTERVAL PROBE_TIMEOUT UNIT PATTERN [TOKEN_VAR]`: like `ds_probe`, with
 * curl's config on stdin made of `$ds_req_cfg` (method, headers and body known at synth time) and, with
 * TOKEN_VAR, a `header = "Authorization: Bearer <value>"` line printed by printf (a builtin: the secret is
 * in no argv). The answer's body goes to a temporary file; with PATTERN it must match (grep -E) too.
 */
export function renderRequestFunction(): string {
  return [
    'ds_request() {',
    '  local s t=$((SECONDS + $3)) b',
    '  b=$(mktemp)',
    '  while :; do',
    '    s=$({ printf \'%s\\n\' "$ds_req_cfg"; [ -z "${8:-}" ] || printf \'header = "Authorization: Bearer %s"\\n\' "${!8}"; } |',
    '      curl -sS -o "$b" -w \'%{http_code}\' --max-time "$5" -K - "$1" 2>/dev/null) || s=000',
    '    if [ "$s" = "$2" ]; then [ -z "$7" ] || grep -Eq -- "$7" "$b" && break; s="$s without the expected body"; fi',
    '    [ -z "$6" ] || ds_watch "$6"',
    '    [ $SECONDS -lt $t ] || { rm -f "$b"; ds_fail "$1 answered $s, not $2, within $3s"; }',
    '    sleep "$4"',
    '  done',
    '  rm -f "$b"',
    '  ds_log "$1 answered $2"',
    '}',
  ].join('\n');
}
