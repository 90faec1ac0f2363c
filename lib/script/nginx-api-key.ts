import { isSafeAbsolutePath, shellQuote } from './private/shell';
import { IScriptPart } from './deploy-script';
import { HealthCheck } from './health-check';
import { NginxRateLimit } from './nginx-rate-limit';
import { NginxTls } from './nginx-tls';
import { ScriptCommands, ScriptFile } from './script-file';
import { ScriptValue } from './script-value';
import { NginxSiteStart } from './nginx-site-start';
import { IServiceProxy } from './service-proxy';
import { streamingProxyLines } from './private/nginx-proxy-lines';

/**
 * The characters an API key may have: letters, digits, `_` and `-`, 32 to 128 of them. Nothing in them
 * means anything to nginx (in a quoted string or a regular expression), to curl's config syntax or to
 * bash, and `ALIYUN::RandomString` with `Sequence: lettersdigits` produces them.
 */
export const API_KEY_PATTERN = '^[A-Za-z0-9_-]{32,128}$';

/** Props for {@link NginxApiKey}. */
export interface NginxApiKeyProps {
  /** The API key (a deploy-time secret: a NoEcho parameter or a generated value). */
  readonly apiKey: ScriptValue;
  /**
   * The port nginx listens on.
   * @default 8080
   */
  readonly listenPort?: number;
  /**
   * The upstream's loopback port (the OpenAI-compatible server).
   * @default 8000
   */
  readonly upstreamPort?: number;
  /**
   * Seconds nginx waits for the upstream between two reads (a streamed answer can pause while the
   * model thinks).
   * @default 3600
   */
  readonly proxyReadTimeoutSeconds?: number;
  /**
   * The largest request body nginx passes (long prompts), in MiB.
   * @default 16
   */
  readonly maxRequestBodyMiB?: number;
  /**
   * The site file.
   * @default '/etc/nginx/conf.d/<listenPort>.conf'
   */
  readonly sitePath?: string;
  /**
   * The file with the key (an nginx `map`), mode 0600: only nginx's master process (root) reads it.
   * @default '/etc/nginx/api-keys/<listenPort>.map'
   */
  readonly keyMapPath?: string;
  /**
   * How long the checks through nginx may keep failing, in seconds.
   * @default 60
   */
  readonly healthCheckTimeoutSeconds?: number;
  /**
   * A model name the upstream lists at `/v1/models`: the check with the key looks for it.
   * @default - the check only wants 200
   */
  readonly expectModel?: string;
  /**
   * TLS on the site (lib/script/nginx-tls.ts, shared with NginxBasicAuth): a certificate made on the
   * instance, a given one, or plain HTTP chosen explicitly with a reason.
   * @default NginxTls.generated()
   */
  readonly tls?: NginxTls;
  /**
   * The per-client rate limit of `/v1/`.
   * @default new NginxRateLimit() (20 requests/s, burst 200)
   */
  readonly rateLimit?: NginxRateLimit;
}

/**
 * An nginx reverse proxy that admits `Authorization: Bearer <key>` for `/v1/*` and answers every other
 * request 401 with `WWW-Authenticate: Bearer` and an OpenAI-style error body. The key is checked in
 * nginx's rewrite phase (`if` + `return`), before the proxy module runs, so a rejected request never
 * reaches the upstream; the Authorization header is not passed on. Streaming-safe like the basic-auth site:
 * no buffering, long timeouts, HTTP/1.1 to the upstream.
 *
 * The key reaches nginx as a `map` in its own file (mode 0600, root), written by printf (a bash builtin)
 * from the decoded deploy-time value: never in argv, the log or the script's text. The key's pattern
 * ({@link API_KEY_PATTERN}) is checked again before it is written. nginx matches map strings ignoring
 * case, so the key is matched as a case-sensitive regular expression (`~^Bearer <key>$`), which its
 * characters cannot change.
 */
export class NginxApiKey implements IServiceProxy {
  /** The port nginx listens on. */
  public readonly listenPort: number;
  /** The upstream port. */
  public readonly upstreamPort: number;
  /** The site file path. */
  public readonly sitePath: string;
  /** The key map file path. */
  public readonly keyMapPath: string;
  /** The parts to add to a DeployScript, in the order they run. */
  public readonly parts: readonly IScriptPart[];
  /** The key. */
  public readonly apiKey: ScriptValue;
  /** The site's TLS. */
  public readonly tls: NginxTls;
  /** `https`, or `http` with NginxTls.plainHttp. */
  public readonly scheme: string;
  /** The per-client rate limit. */
  public readonly rateLimit: NginxRateLimit;
  private readonly readTimeout: number;
  private readonly maxBodyMiB: number;

  constructor(props: NginxApiKeyProps) {
    this.listenPort = port('listenPort', props.listenPort ?? 8080);
    this.upstreamPort = port('upstreamPort', props.upstreamPort ?? 8000);
    if (this.listenPort === this.upstreamPort) {
      throw new Error(`NginxApiKey: listenPort ${this.listenPort} is the upstream's own port; give another listenPort, e.g. 8080.`);
    }
    this.readTimeout = props.proxyReadTimeoutSeconds ?? 3600;
    if (!Number.isInteger(this.readTimeout) || this.readTimeout < 1) {
      throw new Error(`NginxApiKey: proxyReadTimeoutSeconds ${this.readTimeout} is not allowed: give a whole number of seconds >= 1.`);
    }
    this.maxBodyMiB = props.maxRequestBodyMiB ?? 16;
    if (!Number.isInteger(this.maxBodyMiB) || this.maxBodyMiB < 1 || this.maxBodyMiB > 1024) {
      throw new Error(`NginxApiKey: maxRequestBodyMiB ${this.maxBodyMiB} is not allowed: give a whole number from 1 to 1024.`);
    }
    this.sitePath = props.sitePath ?? `/etc/nginx/conf.d/${this.listenPort}.conf`;
    this.keyMapPath = props.keyMapPath ?? `/etc/nginx/api-keys/${this.listenPort}.map`;
    for (const [name, path] of [['sitePath', this.sitePath], ['keyMapPath', this.keyMapPath]]) {
      if (!isSafeAbsolutePath(path)) {
        throw new Error(`NginxApiKey: ${name} '${path}' is not allowed: give an absolute path of letters, digits and '_@+=:,./-'.`);
      }
    }
    if (props.apiKey.secret !== true) {
      throw new Error(`NginxApiKey: apiKey '${props.apiKey.name}' is not marked secret: use a NoEcho parameter or ScriptValue option { secret: true }, so it is never logged.`);
    }
    if (props.expectModel !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(props.expectModel)) {
      throw new Error(`NginxApiKey: expectModel '${props.expectModel}' is not allowed: give a model name of letters, digits and '._-'.`);
    }
    this.apiKey = props.apiKey;
    const key = props.apiKey.shellName;
    const map = shellQuote(this.keyMapPath);
    const dir = shellQuote(this.keyMapPath.substring(0, this.keyMapPath.lastIndexOf('/')) || '/');
    const checkTimeout = props.healthCheckTimeoutSeconds ?? 60;
    this.tls = props.tls ?? NginxTls.generated();
    this.scheme = this.tls.scheme;
    this.rateLimit = props.rateLimit ?? new NginxRateLimit();
    const local = this.tls.localUrl(this.listenPort, '/v1/models');
    const curlConfig = this.tls.probe(this.listenPort)?.curlConfig;

    this.parts = [
      new ScriptFile({ path: this.sitePath, content: this.renderSite(), mode: '0644' }),
      new ScriptCommands({
        description: `write the API key map ${this.keyMapPath}`,
        values: [props.apiKey],
        requiredCommands: ['mktemp', 'chmod'],
        commands: [
          '# The key is checked against its pattern here too (the parameter pattern refuses it first), so',
          '# nothing in it can change the nginx file it goes into.',
          `[[ "$${key}" =~ ${API_KEY_PATTERN} ]] || ds_fail 'the API key must be 32 to 128 letters, digits, _ or -'`,
          `install -d -m 0700 ${dir}`,
          `ds_key_tmp="$(mktemp ${shellQuote(`${this.keyMapPath}.XXXXXX`)})"`,
          'chmod 0600 "$ds_key_tmp"',
          '# printf is a bash builtin: the key is in no process\'s argv.',
          `printf '${this.renderKeyMap('%s').replace(/\n/g, '\\n')}' "$${key}" > "$ds_key_tmp"`,
          `mv -f "$ds_key_tmp" ${map}`,
        ],
      }),
      ...this.tls.parts(this.listenPort),
      // SELinux labels and the site-included check: lib/script/nginx-site-start.ts.
      new NginxSiteStart({ listenPort: this.listenPort, sitePath: this.sitePath, otherFiles: [this.keyMapPath, ...this.tls.files(this.listenPort)] }),
      new HealthCheck({
        description: `nginx on port ${this.listenPort} refuses a request without the API key`,
        url: local,
        expectStatus: 401,
        timeoutSeconds: checkTimeout,
        intervalSeconds: 5,
        curlConfig,
      }),
      new HealthCheck({
        description: `the API answers through nginx on port ${this.listenPort} with the key`,
        url: local,
        expectStatus: 200,
        timeoutSeconds: checkTimeout,
        intervalSeconds: 5,
        curlConfig,
        request: {
          bearerToken: props.apiKey,
          bodyPattern: props.expectModel ? `"id" *: *"${props.expectModel.replace(/\./g, '\\.')}"` : undefined,
        },
      }),
    ];
  }

  /** The name of the nginx variable that is 1 when the request carries the key. */
  public get keyVariable(): string {
    return `$qwen_api_key_ok_${this.listenPort}`;
  }

  /**
   * The key map file's text with `key` in place of the key (the deploy script prints it with the real
   * key; tests render it with theirs).
   */
  public renderKeyMap(key: string): string {
    return [
      `map $http_authorization ${this.keyVariable} {`,
      '    default 0;',
      `    "~^Bearer ${key}$" 1;`,
      '}',
      '',
    ].join('\n');
  }

  /** The nginx site file's exact text (included in nginx's http context, e.g. from conf.d). */
  public renderSite(): string {
    const denied = `@qwen_api_key_denied_${this.listenPort}`;
    return [
      '# Rendered by ros-cdk-qwen-chat: an API-key check in front of an OpenAI-compatible server.',
      `# The key is in ${this.keyMapPath} (mode 0600, read by nginx's master process).`,
      `include ${this.keyMapPath};`,
      this.rateLimit.zoneLine(this.listenPort),
      '',
      'server {',
      ...this.tls.serverLines(this.listenPort),
      '    server_name _;',
      `    client_max_body_size ${this.maxBodyMiB}m;`,
      `    error_page 401 = ${denied};`,
      '',
      '    # The key is checked in the rewrite phase, before proxy_pass: a rejected request never reaches the upstream.',
      '    location /v1/ {',
      ...this.rateLimit.locationLines(this.listenPort),
      `        if (${this.keyVariable} != 1) {`,
      '            return 401;',
      '        }',
      `        proxy_pass http://127.0.0.1:${this.upstreamPort};`,
      '        proxy_http_version 1.1;',
      '        proxy_set_header Connection "";',
      '        proxy_set_header Authorization "";',
      ...streamingProxyLines(this.readTimeout),
      '    }',
      '',
      '    location / {',
      '        return 401;',
      '    }',
      '',
      `    location ${denied} {`,
      '        default_type application/json;',
      '        add_header WWW-Authenticate \'Bearer realm="api"\' always;',
      '        return 401 \'{"error":{"message":"Missing or wrong API key: send the header Authorization: Bearer <key>.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}\';',
      '    }',
      '}',
      '',
    ].join('\n');
  }
}

function port(prop: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`NginxApiKey: ${prop} ${value} is not allowed: give a whole port number from 1 to 65535.`);
  }
  return value;
}
