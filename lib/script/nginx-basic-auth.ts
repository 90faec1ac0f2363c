import { isSafeAbsolutePath, shellWord } from './private/shell';
import { IScriptPart } from './deploy-script';
import { HealthCheck } from './health-check';
import { NginxRateLimit } from './nginx-rate-limit';
import { NginxTls } from './nginx-tls';
import { ScriptCommands, ScriptFile } from './script-file';
import { ScriptValue } from './script-value';
import { NginxSiteStart } from './nginx-site-start';
import { streamingProxyLines } from './private/nginx-proxy-lines';

/**
 * How the password is hashed in the htpasswd file. nginx checks `$apr1$` hashes itself and every
 * other scheme with the system's crypt(), so the scheme must be one the image's libc knows.
 */
export enum PasswordHash {
  /**
   * SHA-512 crypt (`$6$`, 5000 rounds, random salt) from `openssl passwd -6 -stdin` (OpenSSL 1.1.1 or
   * later). glibc's crypt() has verified it since 2.7, so nginx accepts it on CentOS 7 as well.
   */
  SHA512_CRYPT = 'sha512-crypt',
  /**
   * bcrypt (`$2y$`) from `htpasswd -i -B` (httpd-tools 2.4.4 or later). Only where crypt() knows
   * bcrypt (libxcrypt: Debian 11+, RHEL 8+); on glibc 2.17 (CentOS 7) nginx answers 500 to every login.
   */
  BCRYPT = 'bcrypt',
}

/** Props for {@link NginxBasicAuth}. */
export interface NginxBasicAuthProps {
  /** The user name (a deploy-time value, e.g. the `UserName` parameter). */
  readonly userName: ScriptValue;
  /** The password (a deploy-time secret, e.g. the NoEcho `Password` parameter). */
  readonly password: ScriptValue;
  /**
   * The port nginx listens on.
   * @default 5000
   */
  readonly listenPort?: number;
  /**
   * The upstream host (the app should listen on loopback only, so nothing bypasses the auth).
   * @default '127.0.0.1'
   */
  readonly upstreamHost?: string;
  /**
   * The upstream port (Gradio's default).
   * @default 7860
   */
  readonly upstreamPort?: number;
  /**
   * The realm shown in the browser's login prompt (ASCII; browsers garble other characters).
   * @default 'Qwen Chat'
   */
  readonly realm?: string;
  /**
   * Seconds nginx waits for the upstream between two reads (long: a reply streams for minutes).
   * @default 3600
   */
  readonly proxyReadTimeoutSeconds?: number;
  /**
   * The site file.
   * @default '/etc/nginx/conf.d/<listenPort>.conf'
   */
  readonly sitePath?: string;
  /**
   * The htpasswd file (hashes made as `passwordHash` says).
   * @default '/etc/nginx/password'
   */
  readonly htpasswdPath?: string;
  /**
   * How the password is hashed (see {@link PasswordHash}).
   * @default PasswordHash.SHA512_CRYPT
   */
  readonly passwordHash?: PasswordHash;
  /**
   * The openssl program that hashes with SHA512_CRYPT: a command name or an absolute path (OpenSSL
   * 1.1.1 or later; CentOS 7's own openssl is 1.0.2, too old).
   * @default 'openssl'
   */
  readonly opensslPath?: string;
  /**
   * bcrypt cost for htpasswd (-C), 4 to 17; with PasswordHash.BCRYPT only.
   * @default 10
   */
  readonly bcryptCost?: number;
  /**
   * How long each check through nginx (401 without credentials, 200 with them) may keep failing
   * before the step fails, in seconds.
   * @default 60
   */
  readonly proxyCheckTimeoutSeconds?: number;
  /**
   * TLS on the site: a certificate made on the instance (default), a given one, or plain HTTP chosen
   * explicitly (`NginxTls.plainHttp({ reason })`).
   * @default NginxTls.generated()
   */
  readonly tls?: NginxTls;
  /**
   * The per-client rate limit of the authenticated location.
   * @default new NginxRateLimit() (20 requests/s, burst 200)
   */
  readonly rateLimit?: NginxRateLimit;
}

/**
 * An nginx reverse proxy with HTTP basic auth in front of a local app: the site file (websocket
 * upgrade from a `map`, no buffering, long read timeout, Host and X-Forwarded-* headers), the
 * htpasswd step (password on stdin; SHA-512 crypt from openssl by default, bcrypt from htpasswd as an
 * option, see {@link PasswordHash}), `nginx -t` and restart, and health checks that the
 * proxy refuses a request without credentials (401) and serves one with them (200).
 */
export class NginxBasicAuth {
  /** The port nginx listens on. */
  public readonly listenPort: number;
  /** The upstream port. */
  public readonly upstreamPort: number;
  /** The site file path. */
  public readonly sitePath: string;
  /** The htpasswd file path. */
  public readonly htpasswdPath: string;
  /** The parts to add to a DeployScript, in the order they run. */
  public readonly parts: readonly IScriptPart[];
  /** The site's TLS. */
  public readonly tls: NginxTls;
  /** `https`, or `http` with NginxTls.plainHttp. */
  public readonly scheme: string;
  /** The per-client rate limit. */
  public readonly rateLimit: NginxRateLimit;
  private readonly props: NginxBasicAuthProps;
  private readonly upstreamHost: string;
  private readonly realm: string;
  private readonly readTimeout: number;

  constructor(props: NginxBasicAuthProps) {
    this.listenPort = port('listenPort', props.listenPort ?? 5000);
    this.upstreamPort = port('upstreamPort', props.upstreamPort ?? 7860);
    this.upstreamHost = props.upstreamHost ?? '127.0.0.1';
    if (!/^[A-Za-z0-9.-]+$/.test(this.upstreamHost)) {
      throw new Error(`NginxBasicAuth: upstreamHost '${this.upstreamHost}' is not allowed: give a host name or IPv4 address such as '127.0.0.1'.`);
    }
    this.realm = props.realm ?? 'Qwen Chat';
    if (!/^[A-Za-z0-9 _.,:()-]{1,64}$/.test(this.realm)) {
      throw new Error(`NginxBasicAuth: realm '${this.realm}' is not allowed: give 1 to 64 ASCII letters, digits, spaces or '_.,:()-'.`);
    }
    this.readTimeout = props.proxyReadTimeoutSeconds ?? 3600;
    if (!Number.isInteger(this.readTimeout) || this.readTimeout < 1) {
      throw new Error(`NginxBasicAuth: proxyReadTimeoutSeconds ${this.readTimeout} is not allowed: give a whole number of seconds >= 1.`);
    }
    this.sitePath = props.sitePath ?? `/etc/nginx/conf.d/${this.listenPort}.conf`;
    this.htpasswdPath = props.htpasswdPath ?? '/etc/nginx/password';
    for (const [name, path] of [['sitePath', this.sitePath], ['htpasswdPath', this.htpasswdPath]]) {
      if (!isSafeAbsolutePath(path)) {
        throw new Error(`NginxBasicAuth: ${name} '${path}' is not allowed: give an absolute path of letters, digits and '_@+=:,./-'.`);
      }
    }
    if (this.listenPort === this.upstreamPort && ['127.0.0.1', 'localhost'].includes(this.upstreamHost)) {
      throw new Error(`NginxBasicAuth: listenPort ${this.listenPort} is the upstream's own port; nginx and the app cannot both listen there. Give another listenPort, e.g. 5000.`);
    }
    const hash = props.passwordHash ?? PasswordHash.SHA512_CRYPT;
    const cost = props.bcryptCost ?? 10;
    if (!Number.isInteger(cost) || cost < 4 || cost > 17) {
      throw new Error(`NginxBasicAuth: bcryptCost ${cost} is not allowed: give a whole number from 4 to 17 (htpasswd -C).`);
    }
    const openssl = props.opensslPath ?? 'openssl';
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(openssl) && !isSafeAbsolutePath(openssl)) {
      throw new Error(`NginxBasicAuth: opensslPath '${openssl}' is not allowed: give a command name such as 'openssl' or an absolute path such as '/usr/local/openssl/bin/openssl'.`);
    }
    if (props.password.secret !== true) {
      throw new Error(`NginxBasicAuth: password '${props.password.name}' is not marked secret: use a NoEcho parameter or ScriptValue option { secret: true }, so it is never logged.`);
    }
    this.props = props;
    const user = props.userName.shellName;
    const password = props.password.shellName;
    const htpasswd = shellWord(this.htpasswdPath);
    this.tls = props.tls ?? NginxTls.generated();
    this.rateLimit = props.rateLimit ?? new NginxRateLimit();
    this.scheme = this.tls.scheme;
    const local = this.tls.localUrl(this.listenPort);
    const curlConfig = this.tls.probe(this.listenPort)?.curlConfig;
    const checkTimeout = props.proxyCheckTimeoutSeconds ?? 60;

    this.parts = [
      new ScriptFile({ path: this.sitePath, content: this.renderSite(), mode: '0644' }),
      new ScriptCommands({
        description: `write ${this.htpasswdPath} (htpasswd)`,
        values: [props.userName, props.password],
        requiredCommands: [
          ...(hash === PasswordHash.BCRYPT ? ['htpasswd'] : openssl.startsWith('/') ? [] : [openssl]),
          'mktemp', 'chmod', 'chgrp', 'id',
        ],
        // The user name guard repeats the parameter's pattern: htpasswd would misread a leading '-' or a ':'.
        // The nginx workers read the file through their group.
        commands: [
          `case $${user} in '' | -* | *:* | *[!A-Za-z0-9_.@-]*) ds_fail 'the user name must be letters, digits and _.@- (no leading -)' ;; esac`,
          ...(hash === PasswordHash.BCRYPT ? bcryptCheckLines() : sha512HashLines(password, openssl)),
          `install -d -m 0755 ${shellWord(this.htpasswdPath.substring(0, this.htpasswdPath.lastIndexOf('/')) || '/')}`,
          `ds_tmp=$(mktemp ${shellWord(`${this.htpasswdPath}.XXXXXX`)})`,
          ...(hash === PasswordHash.BCRYPT
            ? [`printf '%s\\n' "$${password}" | htpasswd -i -B -C ${cost} -c "$ds_tmp" "$${user}"`]
            : [`printf '%s:%s\\n' "$${user}" "$ds_hash" > "$ds_tmp"`]),
          'chgrp "$(id -gn nginx 2>/dev/null || id -gn www-data 2>/dev/null || echo root)" "$ds_tmp"',
          'chmod 0640 "$ds_tmp"',
          `mv -f "$ds_tmp" ${htpasswd}`,
        ],
      }),
      ...this.tls.parts(this.listenPort),
      // SELinux labels, the site-included check and the workers' group: lib/script/nginx-site-start.ts.
      new NginxSiteStart({ listenPort: this.listenPort, sitePath: this.sitePath, workerReadableFiles: [this.htpasswdPath], otherFiles: this.tls.files(this.listenPort) }),
      new HealthCheck({
        description: `nginx on port ${this.listenPort} answers 401 without credentials`,
        url: local,
        expectStatus: 401,
        timeoutSeconds: checkTimeout,
        intervalSeconds: 5,
        curlConfig,
      }),
      new HealthCheck({
        description: `the app answers through nginx on port ${this.listenPort}`,
        url: local,
        expectStatus: 200,
        timeoutSeconds: checkTimeout,
        intervalSeconds: 5,
        credentials: { userName: props.userName, password: props.password },
        curlConfig,
      }),
    ];
  }

  /** The nginx site file's exact text (included in nginx's http context, e.g. from conf.d). */
  public renderSite(): string {
    const upgradeVar = `$connection_upgrade_${this.listenPort}`;
    return [
      `map $http_upgrade ${upgradeVar} {`,
      '    default upgrade;',
      "    ''      close;",
      '}',
      '',
      this.rateLimit.zoneLine(this.listenPort),
      '',
      'server {',
      ...this.tls.serverLines(this.listenPort),
      '    server_name _;',
      '',
      `    auth_basic "${this.realm}";`,
      `    auth_basic_user_file ${this.htpasswdPath};`,
      '',
      '    location / {',
      ...this.rateLimit.locationLines(this.listenPort),
      `        proxy_pass http://${this.upstreamHost}:${this.upstreamPort};`,
      '        proxy_http_version 1.1;',
      '        proxy_set_header Upgrade $http_upgrade;',
      `        proxy_set_header Connection ${upgradeVar};`,
      ...streamingProxyLines(this.readTimeout),
      '    }',
      '}',
      '',
    ].join('\n');
  }

  /** The user name value. */
  public get userName(): ScriptValue {
    return this.props.userName;
  }
}

/**
 * Checks that htpasswd can read the password on stdin (-i) and hash with bcrypt (-B), which need
 * httpd-tools 2.4.4 or later: say so rather than fail obscurely. The password then goes to htpasswd
 * on stdin, never in argv.
 */
function bcryptCheckLines(): string[] {
  return [
    "case $(htpasswd 2>&1 || true) in *' -i '*' -B '* | *' -B '*' -i '*) ;; *) ds_fail 'htpasswd lacks -i or -B: install httpd-tools (apache2-utils) 2.4.4 or later' ;; esac",
  ];
}

/**
 * Hashes the password with `openssl passwd -6 -stdin` (SHA-512 crypt; the password on stdin, never
 * in argv) into `$ds_hash`, failing with a reason unless the result is a `$6$` hash.
 */
function sha512HashLines(password: string, openssl: string): string[] {
  return [
    `ds_hash=$(printf '%s\\n' "$${password}" | ${shellWord(openssl)} passwd -6 -stdin) || ds_hash=''`,
    `[[ $ds_hash == \\$6\\$* ]] || ds_fail 'openssl passwd -6 failed: the image needs OpenSSL 1.1.1 or later${openssl.startsWith('/') ? ` at ${openssl}` : ''}'`,
  ];
}

function port(prop: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`NginxBasicAuth: ${prop} ${value} is not allowed: give a whole port number from 1 to 65535.`);
  }
  return value;
}
