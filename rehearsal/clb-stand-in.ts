import { ChildProcess, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TemplateDocument } from '../lib/ros/template';
import { requireTool } from './artifact-checks';
import { innerPid, NamespaceSandbox } from './namespace-sandbox';
import { standInPath } from './stand-ins';

/** nginx's stream (TCP) module as Debian's libnginx-mod-stream installs it. */
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** The listener settings the stand-in takes from the synthesized `ALIYUN::SLB::Listener`. */
export interface ClbListenerSettings {
  readonly protocol: string;
  readonly listenerPort: number;
  readonly backendServerPort: number;
  readonly scheduler: string;
  readonly healthCheck: {
    readonly port: number; readonly path: string; readonly intervalSeconds: number; readonly timeoutSeconds: number;
    readonly healthyThreshold: number; readonly unhealthyThreshold: number;
  };
}

/** Reads the listener of a synthesized template (its only `ALIYUN::SLB::Listener`). */
export function listenerSettings(template: TemplateDocument): ClbListenerSettings {
  const listeners = Object.values(template.Resources ?? {}).filter((r) => r.Type === 'ALIYUN::SLB::Listener');
  if (listeners.length !== 1) {
    throw new Error(`listenerSettings: the template has ${listeners.length} ALIYUN::SLB::Listener resources; the stand-in models exactly one`);
  }
  const p = listeners[0].Properties as Record<string, any>;
  const hc = p.HealthCheck as Record<string, any>;
  const num = (v: unknown, what: string): number => {
    if (typeof v !== 'number') throw new Error(`listenerSettings: ${what} is ${JSON.stringify(v)}, not a literal number`);
    return v;
  };
  return {
    protocol: String(p.Protocol),
    listenerPort: num(p.ListenerPort, 'ListenerPort'),
    backendServerPort: num(p.BackendServerPort, 'BackendServerPort'),
    scheduler: String(p.Scheduler ?? 'wrr'),
    healthCheck: {
      port: num(hc.Port, 'HealthCheck.Port'), path: String(hc.URI), intervalSeconds: num(hc.Interval, 'HealthCheck.Interval'),
      timeoutSeconds: num(hc.Timeout, 'HealthCheck.Timeout'), healthyThreshold: num(hc.HealthyThreshold, 'HealthCheck.HealthyThreshold'),
      unhealthyThreshold: num(hc.UnhealthyThreshold, 'HealthCheck.UnhealthyThreshold'),
    },
  };
}

/** One connection the stand-in balancer forwarded (its stream access log). */
export interface ForwardedConnection {
  /** The client's address. */
  readonly client: string;
  /** The instance it went to (`ip:port`), or `-` when no instance was available. */
  readonly backend: string;
  /** nginx stream status (200: passed through; 502: no instance reachable). */
  readonly status: string;
}

/** A health state change the checker made. */
export interface HealthTransition {
  /** When the balancer's nginx served with the change (the reload applied), in epoch ms. */
  readonly atMs: number;
  readonly backend: string;
  readonly healthy: boolean;
  /** The HTTP status of the check that decided it (0: no answer). */
  readonly status: number;
}

/**
 * STAND-IN for a Classic Load Balancer with a TCP listener (no Alibaba Cloud here), in its own
 * network namespace: nginx's stream module passes connections on the listener port through to
 * the instances' backend port (Scheduler `sch`: `hash $remote_addr consistent`, else round robin),
 * and a checker (rehearsal/stand-ins/clb-health-checker.py) applies the listener's HTTP health check
 * with its interval and thresholds, taking unhealthy instances out of the upstream. The instances
 * are reached on links made with {@link linkNamespaces}.
 */
export class ClbStandIn {
  /**
   * Starts the balancer for `backends` (the instances' addresses on their links).
   * @param listener the synthesized listener's settings
   * @param backends the instances' IPv4 addresses
   */
  public static async start(listener: ClbListenerSettings, backends: readonly string[]): Promise<ClbStandIn> {
    requireTool('nsenter', 'util-linux');
    requireTool('ip', 'iproute2');
    requireTool('nginx', 'nginx');
    if (!fs.existsSync(NGINX_STREAM_MODULE)) {
      throw new Error(`ClbStandIn: ${NGINX_STREAM_MODULE} is missing: install nginx's stream module (apt-get install libnginx-mod-stream; scripts/install-system-deps.sh)`);
    }
    if (listener.protocol !== 'tcp') {
      throw new Error(`ClbStandIn: the listener's protocol is '${listener.protocol}'; the stand-in models a TCP listener only`);
    }
    const sandbox = new NamespaceSandbox({ overlays: ['/run', '/var/log', '/var/lib'] });
    const w = sandbox.workDir;
    const servers = path.join(w, 'servers.conf');
    const conf = path.join(w, 'nginx.conf');
    const hash = listener.scheduler === 'sch' ? '    hash $remote_addr consistent;' : '    # round robin (Scheduler wrr)';
    fs.writeFileSync(conf, [
      `load_module ${NGINX_STREAM_MODULE};`,
      'worker_processes 1;',
      `pid ${w}/nginx.pid;`,
      `error_log ${w}/error.log notice;`,
      'events {}',
      'stream {',
      "  log_format lb '$remote_addr $upstream_addr $status';",
      `  access_log ${w}/access.log lb;`,
      '  upstream instances {',
      hash,
      `    include ${servers};`,
      '  }',
      '  server {',
      `    listen ${listener.listenerPort};`,
      '    proxy_pass instances;',
      '    proxy_connect_timeout 2s;',
      '    proxy_next_upstream off;',
      '  }',
      '}',
      '',
    ].join('\n'));
    fs.writeFileSync(servers, backends.map((b) => `server ${b}:${listener.backendServerPort} down;\n`).join(''));
    const hc = listener.healthCheck;
    fs.writeFileSync(path.join(w, 'checker.json'), JSON.stringify({
      backends: backends.map((b) => `${b}:${listener.backendServerPort}`), port: hc.port, path: hc.path, interval: hc.intervalSeconds,
      timeout: hc.timeoutSeconds, healthy: hc.healthyThreshold, unhealthy: hc.unhealthyThreshold,
      servers, log: path.join(w, 'transitions.log'), reload: ['nginx', '-p', w, '-c', conf, '-s', 'reload'], pidFile: `${w}/nginx.pid`,
    }));
    const child = sandbox.spawn([
      `nginx -p ${w} -c ${conf}`,
      `python3 ${standInPath('clb-health-checker.py')} ${path.join(w, 'checker.json')} &`,
      'wait',
    ].join('\n'));
    let output = '';
    child.stdout?.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { output += c.toString(); });
    const pid = await innerPid(child);
    return new ClbStandIn(sandbox, child, pid, () => output);
  }

  private constructor(
    private readonly sandbox: NamespaceSandbox,
    private readonly child: ChildProcess,
    /** The host PID of a process inside the balancer's namespaces (for nsenter and `ip link ... netns`). */
    public readonly pid: number,
    private readonly output: () => string,
  ) {}

  /** Runs a command in the balancer's network namespace (the clients' side). */
  public exec(command: string, args: readonly string[], input?: string): SpawnSyncReturns<string> {
    return spawnSync('nsenter', ['-t', String(this.pid), '-n', command, ...args], { encoding: 'utf8', input, timeout: 60000 });
  }

  /** The connections forwarded so far. */
  public connections(): ForwardedConnection[] {
    return readLines(path.join(this.sandbox.workDir, 'access.log')).map((l) => {
      const [client, backend, status] = l.split(' ');
      return { client, backend, status };
    });
  }

  /**
   * The connections forwarded after the first `from`, once there are `count` of them (for at most
   * `timeoutMs`; then those there are). nginx's stream module logs a connection when its session
   * ends, which may be just after the client has its answer (the close travels on to the instance).
   */
  public async connectionsAfter(from: number, count: number, timeoutMs = 10000): Promise<ForwardedConnection[]> {
    const deadline = Date.now() + timeoutMs;
    let log = this.connections().slice(from);
    while (log.length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      log = this.connections().slice(from);
    }
    return log;
  }

  /** The health state changes so far. */
  public transitions(): HealthTransition[] {
    return readLines(path.join(this.sandbox.workDir, 'transitions.log')).filter((l) => /^\d+ \S+ (healthy|unhealthy) \d+$/.test(l)).map((l) => {
      const [at, backend, state, status] = l.split(' ');
      return { atMs: Number(at), backend, healthy: state === 'healthy', status: Number(status) };
    });
  }

  /** Waits until `backend` (`ip:port`) is in the state wanted, for at most `timeoutMs`. */
  public async waitFor(backend: string, healthy: boolean, timeoutMs: number): Promise<HealthTransition> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = this.transitions().filter((t) => t.backend === backend).pop();
      if (last !== undefined && last.healthy === healthy) return last;
      if (Date.now() > deadline) {
        throw new Error(`ClbStandIn: ${backend} did not become ${healthy ? 'healthy' : 'unhealthy'} within ${timeoutMs} ms; transitions: ${JSON.stringify(this.transitions())}; output: ${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The stand-in's own output and nginx's error log (diagnosis). */
  public diagnostics(): string {
    const errors = path.join(this.sandbox.workDir, 'error.log');
    return `${this.output()}\n${fs.existsSync(errors) ? fs.readFileSync(errors, 'utf8') : ''}`;
  }

  /** Ends the balancer (everything in its namespaces) and removes its files. */
  public async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGKILL');
      await exited;
    }
    this.sandbox.dispose();
  }
}

/**
 * Connects two network namespaces (given by a PID inside each) with a veth pair: `aAddress` on the
 * `a` side, `bAddress` on the `b` side, both /24.
 */
export function linkNamespaces(a: { pid: number; address: string }, b: { pid: number; address: string }, name: string): void {
  if (!/^[a-z0-9]{1,10}$/.test(name)) throw new Error(`linkNamespaces: name '${name}' must be 1-10 lower-case letters or digits`);
  const run = (args: string[]) => {
    const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`linkNamespaces: ${args.join(' ')} failed: ${r.stderr}`);
  };
  run(['ip', 'link', 'add', `${name}a`, 'type', 'veth', 'peer', 'name', `${name}b`]);
  run(['ip', 'link', 'set', `${name}a`, 'netns', String(a.pid)]);
  run(['ip', 'link', 'set', `${name}b`, 'netns', String(b.pid)]);
  for (const [side, end] of [[a, `${name}a`], [b, `${name}b`]] as const) {
    run(['nsenter', '-t', String(side.pid), '-n', 'ip', 'addr', 'add', `${side.address}/24`, 'dev', end]);
    run(['nsenter', '-t', String(side.pid), '-n', 'ip', 'link', 'set', end, 'up']);
  }
}

function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
}
