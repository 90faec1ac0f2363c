// Per-client request rate limiting for the authenticated locations of an nginx site, with nginx's
// limit_req module (https://nginx.org/en/docs/http/ngx_http_limit_req_module.html): a zone keyed by
// `$binary_remote_addr` (one entry per client address, 64 bytes each on 64-bit platforms, so 1 MiB keeps
// about 16,000 clients), a steady rate and a burst served without delay; requests beyond get 429.
// limit_req runs in the preaccess phase, before auth_basic, so failed logins count too.

/** Props for {@link NginxRateLimit}. */
export interface NginxRateLimitProps {
  /**
   * Requests per second one client address may make on average.
   * @default 20
   */
  readonly requestsPerSecond?: number;
  /**
   * Requests one client address may make at once above the rate, served without delay (a page load
   * fetches its scripts, styles and fonts together).
   * @default 200
   */
  readonly burst?: number;
  /**
   * Size of the shared memory zone in MiB.
   * @default 1
   */
  readonly zoneSizeMiB?: number;
}

/**
 * A per-client rate limit: the `limit_req_zone` line for the http context (before the server block in a
 * conf.d site) and the `limit_req` lines for each authenticated location. The defaults are generous for
 * a streaming Gradio UI (its page load, queue and stream requests; measured in docs/tls.md) and stop a
 * password guesser at 20 tries a second.
 */
export class NginxRateLimit {
  /** Requests per second per client. */
  public readonly requestsPerSecond: number;
  /** Requests served at once above the rate. */
  public readonly burst: number;
  /** Zone size in MiB. */
  public readonly zoneSizeMiB: number;

  constructor(props: NginxRateLimitProps = {}) {
    this.requestsPerSecond = props.requestsPerSecond ?? 20;
    this.burst = props.burst ?? 200;
    this.zoneSizeMiB = props.zoneSizeMiB ?? 1;
    for (const [prop, value, max] of [['requestsPerSecond', this.requestsPerSecond, 10000], ['burst', this.burst, 100000], ['zoneSizeMiB', this.zoneSizeMiB, 1024]] as const) {
      if (!Number.isInteger(value) || value < 1 || value > max) {
        throw new Error(`NginxRateLimit: ${prop} ${value} is not allowed: give a whole number from 1 to ${max}.`);
      }
    }
  }

  /** The zone's name for the site on `port`. */
  public zoneName(port: number): string {
    return `clients_${port}`;
  }

  /** `limit_req_zone ...;` (http context). */
  public zoneLine(port: number): string {
    return `limit_req_zone $binary_remote_addr zone=${this.zoneName(port)}:${this.zoneSizeMiB}m rate=${this.requestsPerSecond}r/s;`;
  }

  /** The lines for an authenticated location. */
  public locationLines(port: number, indent = '        '): string[] {
    return [
      `limit_req zone=${this.zoneName(port)} burst=${this.burst} nodelay;`,
      'limit_req_status 429;',
    ].map((l) => `${indent}${l}`);
  }
}
