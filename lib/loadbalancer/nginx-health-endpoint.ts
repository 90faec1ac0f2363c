import { IScriptPart, ScriptPhase } from '../script/deploy-script';
import { HealthCheck } from '../script/health-check';
import { ScriptCommands, ScriptFile } from '../script/script-file';

/** Props for {@link NginxHealthEndpoint}. */
export interface NginxHealthEndpointProps {
  /** The local app's port (loopback), whose answer decides the status. */
  readonly appPort: number;
  /**
   * The port of the health server: plain HTTP, so a balancer's HTTP check works whether the
   * service port speaks HTTP or TLS.
   * @default 8008
   */
  readonly port?: number;
  /**
   * The app's path requested for each check (any 2xx there means healthy).
   * @default '/'
   */
  readonly appProbePath?: string;
  /**
   * The path the balancer checks.
   * @default '/healthz'
   */
  readonly path?: string;
  /**
   * Seconds the deploy script allows the endpoint to start answering 200.
   * @default 60
   */
  readonly checkTimeoutSeconds?: number;
  /**
   * The site file.
   * @default '/etc/nginx/conf.d/<port>-healthz.conf'
   */
  readonly sitePath?: string;
}

const PATH_PATTERN = /^\/[A-Za-z0-9._~/-]*$/;

/**
 * An unauthenticated health endpoint for a load balancer, served by the instance's nginx on a
 * port of its own: `GET /healthz` answers `200 ok` while the local app answers 2xx, and `503 down`
 * otherwise. nginx asks the app in an internal subrequest (`auth_request`, which discards the
 * subrequest's body: https://nginx.org/en/docs/http/ngx_http_auth_request_module.html), so nothing
 * of the app's answer (its page, headers or errors) is passed on, no credential is sent or
 * checked, and every other path on that port is 404. The service's own site, with its basic auth,
 * is not touched.
 *
 * The parts: the site file (FILES), a check that nginx has the auth_request module (COMMANDS),
 * `nginx -t` and a reload (SERVICES), and a bounded check that /healthz answers 200 (HEALTH_CHECKS).
 * Add them after the proxy's parts, so the reload follows the proxy's start.
 */
export class NginxHealthEndpoint {
  /** The health server's port. */
  public readonly port: number;
  /** The path the balancer checks. */
  public readonly path: string;
  /** The site file. */
  public readonly sitePath: string;
  /** The parts to add to a DeployScript. */
  public readonly parts: readonly IScriptPart[];
  private readonly appPort: number;
  private readonly appProbePath: string;

  constructor(props: NginxHealthEndpointProps) {
    const owner = 'NginxHealthEndpoint';
    this.appPort = port(owner, 'appPort', props.appPort);
    this.port = port(owner, 'port', props.port ?? 8008);
    if (this.port === this.appPort) {
      throw new Error(`${owner}: port ${this.port} is the app's own port; nginx and the app cannot both listen there. Give another port, e.g. 8008.`);
    }
    this.path = props.path ?? '/healthz';
    this.appProbePath = props.appProbePath ?? '/';
    for (const [prop, value] of [['path', this.path], ['appProbePath', this.appProbePath]] as const) {
      if (!PATH_PATTERN.test(value)) {
        throw new Error(`${owner}: ${prop} '${value}' is not allowed: give an absolute path of letters, digits and '._~/-', e.g. '/healthz'.`);
      }
    }
    this.sitePath = props.sitePath ?? `/etc/nginx/conf.d/${this.port}-healthz.conf`;
    if (!/^\/[A-Za-z0-9_@+=:,./-]+$/.test(this.sitePath) || this.sitePath.split('/').includes('..')) {
      throw new Error(`${owner}: sitePath '${this.sitePath}' is not allowed: give an absolute path of letters, digits and '_@+=:,./-'.`);
    }
    const checkTimeout = props.checkTimeoutSeconds ?? 60;
    this.parts = [
      new ScriptFile({ path: this.sitePath, content: this.renderSite(), mode: '0644' }),
      new ScriptCommands({
        description: `nginx has the auth_request module that ${this.path} on port ${this.port} needs`,
        phase: ScriptPhase.COMMANDS,
        requiredCommands: ['nginx', 'grep'],
        commands: ['nginx -V 2>&1 | grep -q -- --with-http_auth_request_module'],
      }),
      new ScriptCommands({
        description: `reload nginx with ${this.path} on port ${this.port}`,
        phase: ScriptPhase.SERVICES,
        budgetSeconds: 60,
        requiredCommands: ['nginx', 'systemctl'],
        commands: ['nginx -t', 'systemctl enable nginx', 'systemctl reload nginx || systemctl restart nginx'],
      }),
      new HealthCheck({
        description: `${this.path} on port ${this.port} answers 200 (the app is up)`,
        url: `http://127.0.0.1:${this.port}${this.path}`,
        expectStatus: 200,
        timeoutSeconds: checkTimeout,
        intervalSeconds: 5,
      }),
    ];
  }

  /**
   * The site file's exact text (included in nginx's http context, e.g. from conf.d). auth_request
   * hands a 401's WWW-Authenticate on to the client, so the probe turns the app's own 401 and 403
   * into a bare 503 first; any other failure of the subrequest is auth_request's 500, shown as 503.
   */
  public renderSite(): string {
    return [
      `# Health endpoint for a load balancer: ${this.path} answers 200 while the app answers on`,
      `# 127.0.0.1:${this.appPort}, else 503. Only the status is passed on; nothing else is served here.`,
      'server {',
      `    listen ${this.port};`,
      '    server_name _;',
      '    access_log off;',
      '    server_tokens off;',
      `    location = ${this.path} {`,
      '        auth_request /.app-probe;',
      '        error_page 500 = @down;',
      '        try_files /.none @up;',
      '    }',
      '    location = /.app-probe {',
      '        internal;',
      `        proxy_pass http://127.0.0.1:${this.appPort}${this.appProbePath};`,
      '        proxy_pass_request_body off;',
      '        proxy_set_header Content-Length "";',
      '        proxy_set_header Authorization "";',
      '        proxy_set_header Cookie "";',
      '        proxy_intercept_errors on;',
      '        error_page 401 403 = @refused;',
      '        proxy_connect_timeout 2s;',
      '        proxy_read_timeout 3s;',
      '    }',
      '    location @up { default_type text/plain; return 200 "ok\\n"; }',
      '    location @down { default_type text/plain; return 503 "down\\n"; }',
      '    location @refused { return 503; }',
      '    location / { return 404; }',
      '}',
      '',
    ].join('\n');
  }
}

function port(owner: string, prop: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${owner}: ${prop} ${value} is not allowed: give a whole port number from 1 to 65535.`);
  }
  return value;
}
