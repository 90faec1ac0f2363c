import { ChildProcess, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { minimalNginxConf, requireTool } from './artifact-checks';
import { GradioVenv, PYTHON_INSTALL_STEP } from './gradio-venv';
import { NamespaceSandbox } from './namespace-sandbox';
import { runRehearsal } from './rehearsal-runner';
import { RenderDeploymentProps, renderDeployment } from './rendered-deployment';
import { shellQuote as q } from '../lib/script/private/shell';
import { DEFAULT_STAND_INS_DIR, standInPath } from './stand-ins';

/**
 * Chromium's flags here: headless, no sandbox (root), and no background connections (this
 * machine's network is closed; without these Chromium keeps dialling Google's hosts).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Debian's Chromium (package `chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Props for {@link GradioChatSandbox.start}. */
export interface GradioChatSandboxProps {
  /** The environment with Gradio (see `ensureGradioVenv`). */
  readonly venv: GradioVenv;
  /**
   * The port the app listens on (the site's proxy_pass port).
   * @default 7860
   */
  readonly upstreamPort?: number;
  /**
   * Tokens in the app's fixed reply.
   * @default 20
   */
  readonly tokens?: number;
  /**
   * The app's pause before each token, in ms.
   * @default 150
   */
  readonly tokenMs?: number;
  /**
   * How long the app may take to start listening, in ms.
   * @default 90000
   */
  readonly startTimeoutMs?: number;
  /**
   * Directory of the stand-ins (the chat app is `gradio-chat.py`).
   * @default DEFAULT_STAND_INS_DIR
   */
  readonly standInsDir?: string;
}

/** One site served by nginx in the sandbox. */
export interface ServedSite {
  /** The site file text, used verbatim. */
  readonly site: string;
  /** Where the site is installed (the path the deploy script writes it to). */
  readonly sitePath: string;
  /** The htpasswd file text (as the deploy script wrote it). */
  readonly htpasswd: string;
  /** Where the site's `auth_basic_user_file` points. */
  readonly htpasswdPath: string;
  /** The port the site listens on. */
  readonly listenPort: number;
  /**
   * `https` when the site listens with TLS (then give the browser the certificate: {@link BrowserProps}).
   * @default 'http'
   */
  readonly scheme?: string;
  /**
   * More files the site names (e.g. a TLS certificate and key): absolute path in the sandbox -> text.
   * @default {}
   */
  readonly extraFiles?: Readonly<Record<string, string>>;
}

/** Props for {@link GradioChatSandbox.openBrowser}. */
export interface BrowserProps {
  /**
   * PEM certificates the browser accepts for TLS sites (pinned by their public key with
   * `--ignore-certificate-errors-spki-list`; any other certificate is still refused).
   * @default []
   */
  readonly trustedCertificatesPem?: readonly string[];
}

/** Basic-auth credentials the browser answers the challenge with. */
export interface Credentials {
  /** User name. */
  readonly userName: string;
  /** Password. */
  readonly password: string;
}

/** What one page load showed. */
export interface PageOutcome {
  /** Every response the page got, in order: `<status> <url>` (a redirect shows as its own line). */
  readonly responses?: readonly string[];
  /** HTTP status of the page (0 when no response came). */
  readonly status: number;
  /** Why the navigation failed, if it did (e.g. net::ERR_INVALID_AUTH_CREDENTIALS after a 401 without credentials). */
  readonly navigationError?: string;
  /** The start of the body text ('' when the navigation failed). */
  readonly bodyText: string;
}

/** One visible state of the bot's reply. */
export interface ReplyUpdate {
  /** When it became visible, in ms after the send. */
  readonly atMs: number;
  /** How many tokens of the fixed reply were visible. */
  readonly tokens: number;
}

/** The image the app serves, as the browser loaded it. */
export interface ImageOutcome {
  /** Its URL as the page has it ('' when the page has no image). */
  readonly url: string;
  /** The HTTP status its request got (0 when none came: e.g. connection refused). */
  readonly status: number;
  /** Its decoded width (0 when it did not load). */
  readonly naturalWidth: number;
}

/** What opening the chat page showed (without sending a message). */
export interface AppPageOutcome {
  /** The page URL. */
  readonly url: string;
  /** HTTP status of the page. */
  readonly pageStatus: number;
  /** True when the message box appeared (the Gradio app loaded). */
  readonly appLoaded: boolean;
  /** The image the app serves. */
  readonly image: ImageOutcome;
  /** Console errors and failed requests of the page (diagnosis). */
  readonly pageErrors: readonly string[];
}

/** What one chat exchange in the browser showed. */
export interface ChatOutcome {
  /** The page URL. */
  readonly url: string;
  /** HTTP status of the page. */
  readonly pageStatus: number;
  /** True when the message box appeared (the Gradio app loaded). */
  readonly appLoaded: boolean;
  /** The message sent. */
  readonly message: string;
  /** The reply the app streams. */
  readonly expectedReply: string;
  /** The bot's text at the end (complete or not). */
  readonly finalText: string;
  /** True when the whole reply was visible before the wait ended. */
  readonly complete: boolean;
  /** Every distinct visible state of the reply, in order. */
  readonly updates: readonly ReplyUpdate[];
  /** Send to the first token visible, in ms. */
  readonly firstTokenMs?: number;
  /** Send to the whole reply visible, in ms. */
  readonly fullReplyMs?: number;
  /** The app's own record, in ms after the send: it started, yielded its first token, finished. */
  readonly app: { readonly replyStartMs?: number; readonly firstTokenMs?: number; readonly replyDoneMs?: number };
  /** How the page's queue talked to the app: websocket URLs and event-stream URLs seen. */
  readonly transport: { readonly websockets: readonly string[]; readonly eventStreams: readonly string[] };
  /** The image the app serves. */
  readonly image: ImageOutcome;
  /** Console errors and failed requests of the page (diagnosis). */
  readonly pageErrors: readonly string[];
  /** Where the screenshot was saved, if asked. */
  readonly screenshot?: string;
}

/** Options of one {@link GradioChatSandbox.chat}. */
export interface ChatOptions {
  /** The credentials the browser answers the basic-auth challenge with. */
  readonly credentials: Credentials;
  /**
   * The message typed into the chat box (unique per chat: the app's record is matched by it).
   * @default 'hello through the proxy <n>'
   */
  readonly message?: string;
  /**
   * How long to wait for the whole reply after the send, in ms.
   * @default tokens * tokenMs + 15000
   */
  readonly replyTimeoutMs?: number;
  /**
   * Save a full-page screenshot of the answered chat here (a PNG path).
   * @default - none
   */
  readonly screenshotPath?: string;
}

interface ServedState {
  readonly prefix: string;
  readonly listenPort: number;
  readonly scheme: string;
}

/**
 * A real Gradio chat app (the `gradio-chat.py` stand-in, run by a venv's Gradio) in a throwaway
 * network, mount and PID namespace ({@link NamespaceSandbox}), real nginx in front of it serving a
 * given site verbatim at its real path, and headless Chromium (driven by playwright-core) that
 * runs in the same network namespace, so the fixed ports cannot clash with anything and nothing
 * outlives the sandbox. Linux and root only.
 *
 * TLS: `serveSite({ scheme: 'https', extraFiles: { <cert and key paths>: ... } })` and
 * `openBrowser({ trustedCertificatesPem: [cert] })` serve and trust a TLS site the same way.
 */
export class GradioChatSandbox {
  /**
   * Starts the app in a new sandbox and waits until it listens.
   */
  public static async start(props: GradioChatSandboxProps): Promise<GradioChatSandbox> {
    requireTool('unshare', 'util-linux');
    requireTool('nsenter', 'util-linux');
    requireTool('nginx', 'nginx');
    const app = standInPath('gradio-chat.py', props.standInsDir ?? DEFAULT_STAND_INS_DIR);
    const sandbox = new NamespaceSandbox({ overlays: ['/etc', '/var/log', '/run'] });
    const w = sandbox.workDir;
    const upstreamPort = props.upstreamPort ?? 7860;
    const tokens = props.tokens ?? 20;
    const tokenMs = props.tokenMs ?? 150;
    for (const d of ['home', 'tmp']) fs.mkdirSync(path.join(w, d));
    const env = [
      `GRADIO_CHAT_PORT=${upstreamPort}`, `GRADIO_CHAT_TOKENS=${tokens}`, `GRADIO_CHAT_TOKEN_MS=${tokenMs}`,
      `GRADIO_CHAT_EVENTS=${q(path.join(w, 'app-events.jsonl'))}`, 'GRADIO_ANALYTICS_ENABLED=False', 'HF_HUB_OFFLINE=1',
      `HOME=${q(path.join(w, 'home'))}`, `TMPDIR=${q(path.join(w, 'tmp'))}`, `GRADIO_TEMP_DIR=${q(path.join(w, 'tmp', 'gradio'))}`,
      'PYTHONUNBUFFERED=1',
    ].join(' ');
    const ready = path.join(w, 'app-ready');
    const child = sandbox.spawn([
      `cd ${q(w)}`,
      `env ${env} ${q(props.venv.python)} ${q(app)} > ${q(path.join(w, 'app.log'))} 2>&1 &`,
      'app=$!',
      `for _ in $(seq 1 ${Math.ceil((props.startTimeoutMs ?? 90000) / 100)}); do`,
      `  if (exec 3<>/dev/tcp/127.0.0.1/${upstreamPort}) 2>/dev/null; then echo up > ${q(ready)}; break; fi`,
      `  kill -0 "$app" 2>/dev/null || { echo exited > ${q(ready)}; break; }`,
      '  sleep 0.1',
      'done',
      `[ -s ${q(ready)} ] || echo timeout > ${q(ready)}`,
      // PID 1 of the namespace stays until the sandbox is disposed
      'while :; do sleep 3600; done',
    ].join('\n'));
    let wrapperOutput = '';
    child.stdout?.on('data', (c: Buffer) => { wrapperOutput += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { wrapperOutput += c.toString(); });
    child.stdin?.end();
    const s = new GradioChatSandbox(sandbox, child, props.venv, upstreamPort, tokens, tokenMs);
    const started = Date.now();
    try {
      for (;;) {
        const state = fs.existsSync(ready) ? fs.readFileSync(ready, 'utf8').trim() : '';
        if (state === 'up') break;
        if (state !== '' || child.exitCode !== null || Date.now() - started > (props.startTimeoutMs ?? 90000) + 5000) {
          const hint = /ModuleNotFoundError|ImportError/.test(s.appLog()) ? `: a Python module is missing: run ${PYTHON_INSTALL_STEP}` : '';
          throw new Error(`GradioChatSandbox: the Gradio ${props.venv.version} app did not start (${state || `sandbox exit ${child.exitCode}`})${hint}:\n${s.appLog()}\n${wrapperOutput}`);
        }
        await sleep(100);
      }
      s.appStartMs = Date.now() - started;
      s.pid1 = namespaceInit(child.pid!);
    } catch (e) {
      await s.dispose();
      throw e;
    }
    return s;
  }

  /** How long the app took to listen, in ms. */
  public appStartMs = 0;
  private pid1 = 0;
  private served?: ServedState;
  private serveCount = 0;
  private chatCount = 0;
  private browser?: Browser;

  private constructor(
    private readonly sandbox: NamespaceSandbox,
    private readonly child: ChildProcess,
    /** The environment the app runs from. */
    public readonly venv: GradioVenv,
    /** The app's port. */
    public readonly upstreamPort: number,
    /** Tokens in the app's reply. */
    public readonly tokens: number,
    /** The app's pause before each token, in ms. */
    public readonly tokenMs: number,
  ) {}

  /** The reply the app streams (the same text as `reply_tokens()` in gradio-chat.py). */
  public get expectedReply(): string {
    return Array.from({ length: this.tokens }, (_, i) => `tok${String(i + 1).padStart(2, '0')}`).join(' ');
  }

  /** The URL of the served site (after {@link serveSite}). */
  public get url(): string {
    if (this.served === undefined) throw new Error('GradioChatSandbox: serveSite() first');
    return `${this.served.scheme}://127.0.0.1:${this.served.listenPort}/`;
  }

  /**
   * Installs the site and htpasswd at their paths in the sandbox and (re)starts nginx with a
   * minimal nginx.conf that includes the site; a previous nginx is stopped first. Throws with
   * `nginx -t`'s output when nginx refuses the site.
   */
  public serveSite(served: ServedSite): void {
    const n = ++this.serveCount;
    const w = this.sandbox.workDir;
    const prefix = path.join(w, `nginx-${n}`);
    fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
    fs.mkdirSync(path.join(prefix, 'files'));
    fs.writeFileSync(path.join(prefix, 'site.conf'), served.site);
    fs.writeFileSync(path.join(prefix, 'htpasswd'), served.htpasswd, { mode: 0o600 });
    // workers as root: the prefix is a 0700 scratch folder and the htpasswd file is the script's 0640
    fs.writeFileSync(path.join(prefix, 'nginx.conf'), `user root;\n${minimalNginxConf(prefix, served.sitePath)}`);
    const lines = ['set -euo pipefail'];
    if (this.served !== undefined) {
      const old = this.served;
      lines.push(
        `nginx -p ${q(old.prefix)} -c ${q(path.join(old.prefix, 'nginx.conf'))} -e ${q(path.join(old.prefix, 'logs/error.log'))} -s stop`,
        `for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/${old.listenPort}) 2>/dev/null || break; sleep 0.05; done`,
      );
    }
    lines.push(
      `install -D -m 0644 ${q(path.join(prefix, 'site.conf'))} ${q(served.sitePath)}`,
      `install -D -m 0640 ${q(path.join(prefix, 'htpasswd'))} ${q(served.htpasswdPath)}`,
    );
    Object.entries(served.extraFiles ?? {}).forEach(([target, text], i) => {
      fs.writeFileSync(path.join(prefix, 'files', String(i)), text, { mode: 0o600 });
      lines.push(`install -D -m 0600 ${q(path.join(prefix, 'files', String(i)))} ${q(target)}`);
    });
    const nginx = `nginx -p ${q(prefix)} -c ${q(path.join(prefix, 'nginx.conf'))} -e ${q(path.join(prefix, 'logs/error.log'))}`;
    lines.push(
      `${nginx} -t -q`,
      nginx,
      `for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/${served.listenPort}) 2>/dev/null && exit 0; sleep 0.05; done`,
      `echo "nginx does not listen on ${served.listenPort}" >&2; exit 1`,
    );
    const r = this.inNamespace(lines.join('\n'), ['-m', '-n', '-p']);
    if (r.status !== 0) {
      throw new Error(`GradioChatSandbox: nginx did not serve the site (exit ${r.status}):\n${r.output}\n${readIfExists(path.join(prefix, 'logs/error.log'))}`);
    }
    this.served = { prefix, listenPort: served.listenPort, scheme: served.scheme ?? 'http' };
  }

  /** Starts headless Chromium inside the sandbox's network namespace (once). */
  public async openBrowser(props: BrowserProps = {}): Promise<void> {
    if (this.browser !== undefined) return;
    requireTool('chromium', 'chromium');
    if (!isExecutable(CHROMIUM_PATH)) {
      throw new Error(`Chromium is not at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (scripts/install-system-deps.sh)`);
    }
    // playwright-core is a devDependency: the rehearsal runs from a source checkout
    const { chromium } = await import('playwright-core');
    const wrapper = path.join(this.sandbox.workDir, 'chromium-in-namespace');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec nsenter -t ${this.pid1} -n -p -- ${q(CHROMIUM_PATH)} "$@"\n`, { mode: 0o755 });
    const pins = (props.trustedCertificatesPem ?? []).map(spkiHash);
    // playwright gives every launch a fresh temporary --user-data-dir
    this.browser = await chromium.launch({
      executablePath: wrapper,
      args: [...CHROMIUM_FLAGS, ...(pins.length > 0 ? [`--ignore-certificate-errors-spki-list=${pins.join(',')}`] : [])],
      timeout: 60000,
    });
  }

  /** Loads the page once (with or without credentials) and reports the status. */
  public async load(credentials?: Credentials, url: string = this.url): Promise<PageOutcome> {
    const context = await this.newContext(credentials);
    try {
      const page = await context.newPage();
      // Without credentials headless Chromium gets the 401 and then fails the navigation
      // (net::ERR_INVALID_AUTH_CREDENTIALS: it has no login prompt): the status is the response's.
      let status = 0;
      const statuses: string[] = [];
      page.on('response', (r) => {
        statuses.push(`${r.status()} ${r.url()}`);
        if (r.url() === this.url) status = r.status();
      });
      let navigationError: string | undefined;
      const response = await page.goto(url, { timeout: 30000 }).catch((e) => { navigationError = String(e).split('\n')[0]; return null; });
      const bodyText = response === null ? '' : ((await page.textContent('body').catch(() => '')) ?? '').trim().slice(0, 200);
      return { status: response?.status() ?? status, navigationError, bodyText, responses: statuses };
    } finally {
      await context.close();
    }
  }

  /**
   * Opens the chat page with the credentials, sends a message, records every visible state of the
   * bot's reply until it is complete (or the wait ends), checks the app's image, and screenshots.
   */
  public async chat(options: ChatOptions): Promise<ChatOutcome> {
    const n = ++this.chatCount;
    const message = options.message ?? `hello through the proxy ${n}`;
    const expectedReply = this.expectedReply;
    const context = await this.newContext(options.credentials);
    try {
      const p = await this.openPage(context);
      const base = { url: this.url, pageStatus: p.pageStatus, appLoaded: p.appLoaded, message, expectedReply, transport: p.transport, pageErrors: p.pageErrors };
      if (!p.appLoaded) {
        return { ...base, finalText: '', complete: false, updates: [], app: {}, image: { url: '', status: 0, naturalWidth: 0 } };
      }
      const page = p.page;
      await page.locator('#message textarea').fill(message);
      await installReplyRecorder(page);
      // in-page code is given as text: the project compiles without the DOM library
      const sendAt = await page.evaluate('(() => { const t = Date.now(); document.querySelector("#send").click(); return t; })()') as number;
      const timeout = options.replyTimeoutMs ?? this.tokens * this.tokenMs + 15000;
      await page.waitForFunction(`window.__replyLog.some((e) => e.text === ${JSON.stringify(expectedReply)})`, undefined, { timeout, polling: 50 })
        .catch(() => undefined);
      const log = await page.evaluate('window.__replyLog') as { t: number; text: string }[];
      const finalText = log.length > 0 ? log[log.length - 1].text : '';
      const updates = log.map((e) => ({ atMs: e.t - sendAt, tokens: countTokens(e.text, expectedReply) }));
      const first = updates.find((u) => u.tokens > 0);
      const full = log.find((e) => e.text === expectedReply);
      const image = await imageOutcome(page, p.statuses);
      let screenshot: string | undefined;
      if (options.screenshotPath !== undefined) {
        fs.mkdirSync(path.dirname(options.screenshotPath), { recursive: true });
        await page.screenshot({ path: options.screenshotPath, fullPage: true });
        screenshot = options.screenshotPath;
      }
      return {
        ...base,
        finalText,
        complete: full !== undefined,
        updates,
        firstTokenMs: first?.atMs,
        fullReplyMs: full === undefined ? undefined : full.t - sendAt,
        app: this.appRecord(message, sendAt),
        image,
        screenshot,
      };
    } finally {
      await context.close();
    }
  }

  /** Opens the chat page with the credentials and checks the app's image only (no message). */
  public async openApp(credentials: Credentials): Promise<AppPageOutcome> {
    const context = await this.newContext(credentials);
    try {
      const p = await this.openPage(context);
      const image = p.appLoaded ? await imageOutcome(p.page, p.statuses) : { url: '', status: 0, naturalWidth: 0 };
      return { url: this.url, pageStatus: p.pageStatus, appLoaded: p.appLoaded, image, pageErrors: p.pageErrors };
    } finally {
      await context.close();
    }
  }

  /** The app's output (diagnosis). */
  public appLog(): string {
    return readIfExists(path.join(this.sandbox.workDir, 'app.log'));
  }

  /** The access log of the nginx now serving (request lines with their statuses). */
  public nginxAccessLog(): string {
    return this.served === undefined ? '' : readIfExists(path.join(this.served.prefix, 'logs/access.log'));
  }

  /** The error log of the nginx now serving (diagnosis). */
  public nginxErrorLog(): string {
    return this.served === undefined ? '' : readIfExists(path.join(this.served.prefix, 'logs/error.log'));
  }

  /** Closes the browser and ends the sandbox (every process in it dies). */
  public async dispose(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    this.browser = undefined;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    this.sandbox.dispose();
  }

  private async newContext(credentials?: Credentials): Promise<BrowserContext> {
    if (this.browser === undefined) await this.openBrowser();
    return this.browser!.newContext({
      httpCredentials: credentials === undefined ? undefined : { username: credentials.userName, password: credentials.password },
      viewport: { width: 1000, height: 900 },
    });
  }

  private async openPage(context: BrowserContext) {
    const pageErrors: string[] = [];
    const statuses = new Map<string, number>();
    const websockets: string[] = [];
    const eventStreams: string[] = [];
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`); });
    page.on('requestfailed', (r) => pageErrors.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      statuses.set(r.url(), r.status());
      if ((r.headers()['content-type'] ?? '').startsWith('text/event-stream')) eventStreams.push(r.url());
    });
    page.on('websocket', (ws) => {
      websockets.push(ws.url());
      ws.on('socketerror', (e) => pageErrors.push(`websocket ${ws.url()}: ${e}`));
    });
    const response = await page.goto(this.url, { timeout: 30000 }).catch((e) => { pageErrors.push(`navigation: ${String(e).split('\n')[0]}`); return null; });
    const pageStatus = response?.status() ?? 0;
    const appLoaded = pageStatus === 200 && await page.locator('#message textarea').waitFor({ timeout: 30000 }).then(() => true, () => false);
    return { page, pageStatus, appLoaded, statuses, pageErrors, transport: { websockets, eventStreams } };
  }

  private appRecord(message: string, sendAt: number): ChatOutcome['app'] {
    const events = readIfExists(path.join(this.sandbox.workDir, 'app-events.jsonl')).split('\n').filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { event: string; atMs: number; message: string })
      .filter((e) => e.message === message);
    const at = (name: string) => {
      const e = events.find((x) => x.event === name);
      return e === undefined ? undefined : e.atMs - sendAt;
    };
    return { replyStartMs: at('reply-start'), firstTokenMs: at('first-token'), replyDoneMs: at('reply-done') };
  }

  private inNamespace(script: string, namespaces: string[]): { status: number | null; output: string } {
    const file = path.join(this.sandbox.workDir, `ns-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(file, script, { mode: 0o700 });
    const r = spawnSync('nsenter', ['-t', String(this.pid1), ...namespaces, '--', 'bash', file], {
      encoding: 'utf8', timeout: 30000, killSignal: 'SIGKILL',
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' },
    });
    return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  }
}

/**
 * Why the outcome does not show a streamed reply; empty when it does: the whole reply appeared;
 * its first token was visible before the app had finished the reply; and it grew in at least three
 * visible steps spread over at least half the time the app took from its first token to its last
 * (a stream held back and released at the end shows every step within a few ms).
 */
export function streamingProblems(o: ChatOutcome): string[] {
  if (!o.appLoaded) {
    return [`the chat page did not load (HTTP ${o.pageStatus})`];
  }
  const problems: string[] = [];
  if (!o.complete) {
    problems.push(`the whole reply never appeared: the last text was '${o.finalText.slice(0, 80)}' after ${o.updates.length} update(s)`);
  }
  const { replyStartMs, firstTokenMs: appFirst, replyDoneMs: appDone } = o.app;
  if (appDone === undefined || appFirst === undefined) {
    problems.push(`the app did not finish a reply to '${o.message}'${replyStartMs === undefined ? ' (it never received the message)' : ''}`);
    return problems;
  }
  if (o.firstTokenMs === undefined) {
    problems.push('no token of the reply appeared');
    return problems;
  }
  if (o.firstTokenMs >= appDone) {
    problems.push(`the first token appeared ${o.firstTokenMs} ms after the send, not before the app finished the reply (${appDone} ms): the stream was held back`);
  }
  const all = o.expectedReply.split(' ').length;
  const partial = o.updates.filter((u) => u.tokens > 0 && u.tokens < all);
  const span = (o.fullReplyMs ?? o.updates[o.updates.length - 1].atMs) - o.firstTokenMs;
  if (partial.length < 3 || span < (appDone - appFirst) / 2) {
    problems.push(`the reply grew in ${partial.length} partial step(s) over ${span} ms while the app streamed for ${appDone - appFirst} ms: not token by token`);
  }
  return problems;
}

/** Throws listing {@link streamingProblems} when there are any. */
export function assertStreamed(o: ChatOutcome): void {
  const problems = streamingProblems(o);
  if (problems.length > 0) {
    throw new Error(`the reply did not stream through the proxy (${o.url}): ${problems.join('; ')}\n${describeOutcome(o)}`);
  }
}

/**
 * Why the app's image did not load through the proxy; empty when it did: same origin as the
 * page (the proxy's host and port), HTTP 200, decoded.
 */
export function imageProblems(o: AppPageOutcome): string[] {
  const problems: string[] = [];
  if (o.image.url === '') return ['the page has no served image'];
  const page = new URL(o.url);
  const img = new URL(o.image.url, o.url);
  if (img.origin !== page.origin) problems.push(`the image URL ${o.image.url} is not on the proxy's origin ${page.origin}`);
  if (o.image.status !== 200) problems.push(`the image answered HTTP ${o.image.status || '(no response)'}`);
  if (o.image.naturalWidth === 0) problems.push('the image did not decode (naturalWidth 0)');
  return problems;
}

/** One line per fact of an outcome (for logs and failure messages). */
export function describeOutcome(o: ChatOutcome): string {
  const steps = o.updates.map((u) => `${u.tokens}@${u.atMs}`).join(' ');
  return [
    `page ${o.url}: HTTP ${o.pageStatus}, app loaded ${o.appLoaded}`,
    `reply: complete ${o.complete}; send->first token ${o.firstTokenMs ?? '-'} ms, send->full reply ${o.fullReplyMs ?? '-'} ms`,
    `app: reply started ${o.app.replyStartMs ?? '-'} ms, first token ${o.app.firstTokenMs ?? '-'} ms, done ${o.app.replyDoneMs ?? '-'} ms (after the send)`,
    `visible steps (tokens@ms): ${steps || '(none)'}`,
    `transport: websockets [${o.transport.websockets.join(', ')}], event streams [${o.transport.eventStreams.join(', ')}]`,
    `image: ${o.image.url.slice(0, 140) || '(none)'} HTTP ${o.image.status}, width ${o.image.naturalWidth}`,
    ...(o.pageErrors.length > 0 ? [`page errors: ${o.pageErrors.slice(0, 8).join(' | ')}`] : []),
  ].join('\n');
}

/** The app's image: its URL, the status its request got, its decoded width. */
async function imageOutcome(page: Page, statuses: Map<string, number>): Promise<ImageOutcome> {
  const img = page.locator('#served-image img').first();
  const found = await img.waitFor({ state: 'attached', timeout: 10000 }).then(() => true, () => false);
  if (!found) return { url: '', status: 0, naturalWidth: 0 };
  // wait until the browser has tried the image (loaded or failed), then read it
  const { url, naturalWidth } = await img.evaluate((e: any) => new Promise<{ url: string; naturalWidth: number }>((resolve) => {
    const done = () => resolve({ url: e.currentSrc || e.src, naturalWidth: e.naturalWidth });
    if (e.complete) return done();
    e.addEventListener('load', done, { once: true });
    e.addEventListener('error', done, { once: true });
    setTimeout(done, 10000);
  }));
  return { url, status: statuses.get(url) ?? 0, naturalWidth };
}

/** How many leading tokens of `expected` the text shows. */
function countTokens(text: string, expected: string): number {
  const want = expected.split(' ');
  const got = text.trim().split(/\s+/).filter((t) => t !== '');
  let n = 0;
  while (n < got.length && n < want.length && got[n] === want[n]) n++;
  return n;
}

/** Records (Date.now(), text) whenever the last bot message's text changes. */
async function installReplyRecorder(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const log = window.__replyLog = [];
    const read = () => {
      const bots = document.querySelectorAll('#chat [data-testid="bot"]');
      const text = bots.length > 0 ? (bots[bots.length - 1].innerText || '').trim() : '';
      if (text !== (log.length > 0 ? log[log.length - 1].text : '')) log.push({ t: Date.now(), text });
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
}

/** The host PID of the sandbox's PID 1 (the child of `unshare`). */
function namespaceInit(unsharePid: number): number {
  const children = readIfExists(`/proc/${unsharePid}/task/${unsharePid}/children`).trim().split(/\s+/).filter((x) => x !== '');
  if (children.length !== 1) {
    throw new Error(`GradioChatSandbox: expected one child of unshare (pid ${unsharePid}), found [${children.join(', ')}]`);
  }
  return Number(children[0]);
}

/** base64 SHA-256 of a certificate's SubjectPublicKeyInfo (Chromium's SPKI pin format). */
function spkiHash(pem: string): string {
  const der = new crypto.X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('base64');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function readIfExists(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The site and htpasswd file as the deploy script of a synthesized stack writes them. */
export interface DeployedSite extends ServedSite {
  /** The basic-auth user (the template's UserName default). */
  readonly userName: string;
  /** With TLS: the certificate the script made (trust it in the browser). */
  readonly certificatePem?: string;
  /** With TLS: the `data` of the script's SUCCESS signal (the certificate's SHA-256 fingerprint). */
  readonly signalData?: string;
}

/**
 * Synthesizes the QwenChatStack, runs its whole RunCommand script in a rehearsal sandbox with
 * `password` as the Password parameter, and returns the site and htpasswd files the script wrote
 * there (the site must equal `NginxBasicAuth.renderSite()`); throws when the rehearsal does not
 * signal SUCCESS.
 */
export async function deployedSite(password: string, stackProps: RenderDeploymentProps['stackProps'] = {}): Promise<DeployedSite> {
  const d = renderDeployment({ stackProps, parameters: { Password: password } });
  // With TLS (the stack's default) the certificate and key the script made are served as they are.
  const tls = d.tlsCertificate === undefined ? [] : [d.tlsCertificate, d.tlsCertificate.replace(/\.crt$/, '.key')];
  const r = await runRehearsal({ script: d.script, collectFiles: [d.sitePath, d.htpasswdPath, ...tls], secrets: [password], timeoutMs: 120000 });
  if (r.signals.length !== 1 || r.signals[0].status !== 'SUCCESS' || r.argv.hits.length > 0) {
    throw new Error(`deployedSite: the rehearsal of the deploy script did not succeed: signals ${JSON.stringify(r.signals)}, argv hits ${r.argv.hits.length}\n${r.output}`);
  }
  const site = r.files[d.sitePath];
  const htpasswd = r.files[d.htpasswdPath];
  if (site !== d.site || htpasswd === undefined) {
    throw new Error(`deployedSite: the script wrote ${site === undefined ? 'no site' : 'a site other than the rendered one'} at ${d.sitePath}${htpasswd === undefined ? ` and no ${d.htpasswdPath}` : ''}`);
  }
  const userName = String(d.template.Parameters?.UserName?.Default ?? '');
  if (userName === '') throw new Error('deployedSite: the template has no UserName parameter default');
  if (tls.some((f) => r.files[f] === undefined)) throw new Error(`deployedSite: the script wrote no TLS certificate and key at ${tls.join(', ')}`);
  return {
    site, sitePath: d.sitePath, htpasswd, htpasswdPath: d.htpasswdPath, listenPort: d.listenPort, userName,
    ...(tls.length > 0 ? {
      scheme: 'https',
      extraFiles: { [tls[0]]: r.files[tls[0]], [tls[1]]: r.files[tls[1]] },
      certificatePem: r.files[tls[0]],
      signalData: JSON.parse(r.signals[0].body).data as string,
    } : {}),
  };
}

/** Replaces `from` in `site` (exactly once) or throws: a mutation that changes nothing proves nothing. */
function mutateSite(site: string, from: string | RegExp, to: string, what: string): string {
  const count = typeof from === 'string' ? site.split(from).length - 1 : (site.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) ?? []).length;
  if (count === 0) throw new Error(`site mutation '${what}': the site has no ${String(from)}`);
  return typeof from === 'string' ? site.split(from).join(to) : site.replace(new RegExp(from.source, `${from.flags.replace('g', '')}g`), to);
}

/** Negative control: the site without its websocket upgrade headers (Upgrade, Connection). */
export function withoutUpgradeHeaders(site: string): string {
  return mutateSite(site, /^[ \t]*proxy_set_header (Upgrade|Connection) .*\n/m, '', 'no upgrade headers');
}

/**
 * Negative control: the event stream held back: `proxy_buffering on` instead of off, and gzip for
 * text/event-stream (nginx then compresses into its buffers until the response ends). Either alone
 * does not hold back Gradio's stream in nginx 1.22: unbuffered proxying flushes gzip on every
 * read, and buffered proxying still passes each read on.
 */
export function withEventStreamHeldBack(site: string): string {
  return mutateSite(site, /^([ \t]*)proxy_buffering off;$/m,
    '$1proxy_buffering on;\n$1gzip on;\n$1gzip_types text/event-stream;\n$1gzip_min_length 0;', 'event stream held back');
}

/** Gzip for text/event-stream while the site's `proxy_buffering off` stays. */
export function withGzipEventStream(site: string): string {
  return mutateSite(site, /^([ \t]*)proxy_buffering off;$/m,
    '$1proxy_buffering off;\n$1gzip on;\n$1gzip_types text/event-stream;\n$1gzip_min_length 0;', 'gzip on the event stream');
}

/** The Host header before the fix: `$host` drops the port the browser used. */
export function withHostWithoutPort(site: string): string {
  return mutateSite(site, 'proxy_set_header Host $http_host;', 'proxy_set_header Host $host;', 'Host without port');
}

/**
 * The site served with TLS on its own port: `listen N ssl` and the certificate and key paths (a
 * hand-made variant until the stack renders a TLS site itself).
 */
export function withTls(site: string, certificatePath: string, keyPath: string): string {
  return mutateSite(site, /^([ \t]*)listen (\d+);$/m, `$1listen $2 ssl;\n$1ssl_certificate ${certificatePath};\n$1ssl_certificate_key ${keyPath};`, 'TLS');
}

/** A throwaway self-signed certificate for 127.0.0.1 (openssl, P-256), valid for two days. */
export function selfSignedCertificate(): { readonly certificatePem: string; readonly keyPem: string } {
  requireTool('openssl', 'openssl');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-tls-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl req -x509 failed: ${r.stderr}`);
    return { certificatePem: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'), keyPem: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
