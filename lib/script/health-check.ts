import { WAIT_CONDITION_TIMEOUT_MAX_SECONDS } from '../ros/limits';
import { shellQuote } from './private/shell';
import { IScriptPart, ScriptPhase } from './deploy-script';
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
}

/**
 * A bounded HTTP probe: retries until the URL answers with the expected status or the timeout
 * passes, then fails the script with a reason (so the EXIT trap signals FAILURE).
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
  private readonly intervalSeconds: number;
  private readonly probeTimeoutSeconds: number;
  private readonly credentials?: HealthCheckCredentials;

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
    this.description = props.description;
    this.url = props.url;
    this.credentials = props.credentials;
    this.values = props.credentials ? [props.credentials.userName, props.credentials.password] : [];
    this.requiredCommands = props.credentials ? ['curl', 'sleep', 'base64', 'tr'] : ['curl', 'sleep'];
    // The loop may overrun the deadline by one interval and one probe.
    this.budgetSeconds = this.timeoutSeconds + this.intervalSeconds + this.probeTimeoutSeconds;
  }

  public renderFunctions(): string | undefined {
    return this.credentials ? renderCurlCredentialsFunction() : undefined;
  }

  public renderCommands(): string {
    const url = shellQuote(this.url);
    const curl = `curl -sS -o /dev/null -w '%{http_code}' --max-time ${this.probeTimeoutSeconds}`;
    const probe = this.credentials
      ? `qwen_curl_credentials ${this.credentials.userName.shellName} ${this.credentials.password.shellName} | ${curl} -K - ${url}`
      : `${curl} ${url}`;
    return [
      `qwen_deadline=$((SECONDS + ${this.timeoutSeconds}))`,
      'while :; do',
      `  qwen_status="$(${probe} 2>/dev/null)" || qwen_status="000"`,
      `  [ "$qwen_status" = ${this.expectStatus} ] && break`,
      '  if [ "$SECONDS" -ge "$qwen_deadline" ]; then',
      `    qwen_fail "${this.url} answered \${qwen_status}, not ${this.expectStatus}, within ${this.timeoutSeconds}s"`,
      '  fi',
      `  sleep ${this.intervalSeconds}`,
      'done',
      `qwen_log "${this.url} answered ${this.expectStatus}"`,
    ].join('\n');
  }
}

/**
 * Bash that defines `qwen_curl_credentials USER_VAR PASSWORD_VAR`: prints a curl config line
 * `header = "Authorization: Basic <base64 of user:password>"` for `curl -K -`, so the password goes
 * to base64 and curl on stdin (printf is a bash builtin: it never reaches any process's argv).
 * Base64 text has no quote or backslash, so the line needs no escaping whatever the password holds,
 * and no bash-version-dependent pattern substitution is involved.
 */
export function renderCurlCredentialsFunction(): string {
  return [
    '# Print a curl config with a basic-auth header, for `curl -K -` (stdin, not argv).',
    'qwen_curl_credentials() {',
    '  local token',
    '  token="$(printf \'%s:%s\' "${!1}" "${!2}" | base64 | tr -d \'\\n\')"',
    '  printf \'header = "Authorization: Basic %s"\\n\' "$token"',
    '}',
  ].join('\n');
}
