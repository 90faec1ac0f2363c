import * as fs from 'fs';
import * as path from 'path';
import { minimalNginxConf, requireTool, siteCertificatePaths, throwawayCertificate } from './artifact-checks';
import { NamespaceSandbox } from './namespace-sandbox';
import { shellQuote as q } from '../lib/script/private/shell';
import { DEFAULT_STAND_INS_DIR, standInPath } from './stand-ins';

/** Props for {@link runLiveProxyCheck}. */
export interface LiveProxyCheckProps {
  /** The nginx site file text (e.g. `NginxBasicAuth.renderSite()`), used verbatim. */
  readonly site: string;
  /** Where the site is installed inside the sandbox (it may reference this path). */
  readonly sitePath: string;
  /** The htpasswd path the site names in `auth_basic_user_file`. */
  readonly htpasswdPath: string;
  /** The basic-auth user written into the htpasswd file. */
  readonly userName: string;
  /** The password (written on htpasswd's stdin; the client reads it from a 0600 file). */
  readonly password: string;
  /**
   * The port the site listens on.
   * @default 5000
   */
  readonly listenPort?: number;
  /**
   * The port the stand-in upstream listens on (the site's proxy_pass port).
   * @default 7860
   */
  readonly upstreamPort?: number;
  /**
   * How long the stand-in upstream holds the SSE response open after the first event, in ms.
   * @default 3000
   */
  readonly sseHoldMs?: number;
  /**
   * Directory of the stand-ins.
   * @default DEFAULT_STAND_INS_DIR
   */
  readonly standInsDir?: string;
}

/** One plain HTTP exchange. */
export interface HttpOutcome {
  /** HTTP status (0 when the request failed). */
  readonly status: number;
  /** First 200 characters of the body. */
  readonly body?: string;
  /** The error, when the request failed. */
  readonly error?: string;
}

/** What the live client saw through nginx. */
export interface LiveProxyReport {
  /** GET / without credentials. */
  readonly noCredentials: HttpOutcome;
  /** GET / with the right user and a wrong password. */
  readonly wrongPassword: HttpOutcome;
  /** GET / with a wrong user and the right password. */
  readonly wrongUser: HttpOutcome;
  /** GET / with the right credentials. */
  readonly rightCredentials: HttpOutcome;
  /** Websocket upgrade on /ws with the credentials, then one text frame. */
  readonly websocket: { readonly status: number; readonly acceptOk?: boolean; readonly opcode?: number; readonly echoed?: string; readonly error?: string };
  /** Websocket upgrade with a wrong password. */
  readonly websocketNoCredentials: { readonly status: number };
  /** GET /sse: when the first event and the end arrived, in ms after the request. */
  readonly sse: { readonly status: number; readonly firstEventMs: number; readonly endMs: number; readonly events: string[]; readonly error?: string };
  /** nginx's error log, for diagnosis. */
  readonly nginxErrorLog: string;
}

/**
 * Starts nginx (minimal nginx.conf under a temp prefix, the site included verbatim from its real
 * path) and a stand-in upstream inside a throwaway network and mount namespace, so the fixed
 * ports (5000, 7860) cannot clash and nginx dies with the namespace; then probes it as a client.
 * Bounded: the whole run is killed after 60 s.
 */
export function runLiveProxyCheck(props: LiveProxyCheckProps): LiveProxyReport {
  requireTool('nginx', 'nginx');
  requireTool('htpasswd', 'apache2-utils');
  requireTool('unshare', 'util-linux');
  const dir = props.standInsDir ?? DEFAULT_STAND_INS_DIR;
  const listen = props.listenPort ?? 5000;
  const upstream = props.upstreamPort ?? 7860;
  const sandbox = new NamespaceSandbox({ overlays: ['/etc', '/var/log', '/run'] });
  try {
    const w = sandbox.workDir;
    const prefix = path.join(w, 'nginx');
    fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
    fs.writeFileSync(path.join(w, 'site.conf'), props.site);
    fs.writeFileSync(path.join(w, 'password'), props.password, { mode: 0o600 });
    fs.writeFileSync(path.join(prefix, 'nginx.conf'), minimalNginxConf(prefix, props.sitePath));
    // A TLS site: a throwaway certificate where the site names it (inside the sandbox), trusted by the client.
    const tlsFiles = siteCertificatePaths(props.site);
    const made = tlsFiles.certificate !== undefined && tlsFiles.key !== undefined ? throwawayCertificate(w) : undefined;
    const scheme = made ? 'https' : 'http';
    const script = [
      ...(made ? [
        `install -D -m 0644 ${q(made.certificate)} ${q(tlsFiles.certificate!)}`,
        `install -D -m 0600 ${q(made.key)} ${q(tlsFiles.key!)}`,
      ] : []),
      `install -D -m 0644 ${q(path.join(w, 'site.conf'))} ${q(props.sitePath)}`,
      `install -d ${q(path.dirname(props.htpasswdPath))}`,
      `htpasswd -i -B -c ${q(props.htpasswdPath)} ${q(props.userName)} < ${q(path.join(w, 'password'))}`,
      `SSE_HOLD_MS=${props.sseHoldMs ?? 3000} node ${q(standInPath('upstream.js', dir))} ${upstream} > ${q(path.join(w, 'upstream.log'))} 2>&1 &`,
      `nginx -p ${q(prefix)} -c ${q(path.join(prefix, 'nginx.conf'))} -e ${q(path.join(prefix, 'logs/error.log'))}`,
      `for p in ${listen} ${upstream}; do`,
      '  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done',
      'done',
      `${made ? `LIVE_CA_FILE=${q(made.certificate)} ` : ''}node ${q(standInPath('live-client.js', dir))} ${scheme}://127.0.0.1:${listen}/ ${q(props.userName)} ${q(path.join(w, 'password'))} > ${q(path.join(w, 'report.json'))}`,
    ].join('\n');
    const r = sandbox.runSync(script, 60000);
    const errorLog = readIfExists(path.join(prefix, 'logs/error.log'));
    const reportFile = path.join(w, 'report.json');
    if (r.status !== 0 || !fs.existsSync(reportFile) || fs.readFileSync(reportFile, 'utf8').trim() === '') {
      throw new Error(`runLiveProxyCheck: the sandboxed run failed (exit ${r.status}, signal ${r.signal}):\n${r.stdout}${r.stderr}\nnginx error log:\n${errorLog}`);
    }
    return { ...JSON.parse(fs.readFileSync(reportFile, 'utf8')), nginxErrorLog: errorLog } as LiveProxyReport;
  } finally {
    sandbox.dispose();
  }
}

function readIfExists(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}
