import { spawnSync, SpawnSyncReturns } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { QwenChatStackProps } from '../lib/qwen-chat/qwen-chat-stack';
import { IntrinsicResolver } from '../lib/ros/resolver';
import { ClbListenerSettings, ClbStandIn, linkNamespaces, listenerSettings } from './clb-stand-in';
import { renderDeployment, RenderedDeployment } from './rendered-deployment';
import { RehearsalResult, runRehearsal } from './rehearsal-runner';

/** One deployed instance of a balanced rehearsal, while it runs. */
export interface RehearsedInstance {
  /** A host PID inside the instance's namespaces. */
  readonly pid: number;
  /** The instance's address on its link to the balancer. */
  readonly address: string;
  /** `address:port` as the balancer names it. */
  readonly backend: string;
  /** The instance sandbox's scratch directory (on the host). */
  readonly workDir: string;
}

/** What a scenario can do while every instance runs behind the stand-in balancer. */
export interface BalancedScenario {
  /** The rendered deployment (template, script, ports). */
  readonly deployment: RenderedDeployment;
  /** The listener the template synthesizes (the stand-in follows it). */
  readonly listener: ClbListenerSettings;
  /** The stand-in balancer. */
  readonly balancer: ClbStandIn;
  /** The instances, in start order. */
  readonly instances: readonly RehearsedInstance[];
  /**
   * Runs a command inside instance `index`'s namespaces, with the rehearsal's stand-ins first on
   * PATH (e.g. `systemctl stop tongyi`).
   */
  exec(index: number, command: string, args: readonly string[]): SpawnSyncReturns<string>;
  /**
   * A GET through the balancer's listener from client address `127.0.0.<client>` (so source-IP
   * hashing sees distinct clients), with the credentials if given (curl -K from a 0600 file); over TLS
   * trusting only the instances' certificates when they serve TLS (the TCP listener passes it through).
   */
  request(client: number, urlPath: string, credentials?: { readonly userName: string; readonly password: string }): { status: number; body: string };
  /** A GET of `http://<instance>:<port><urlPath>` from the balancer's side (the health checker's view). */
  direct(index: number, port: number, urlPath: string, headers?: readonly string[]): { status: number; body: string; headers: string };
}

/** Props for {@link runBalancedRehearsal}. */
export interface BalancedRehearsalProps {
  /** The stack's props; they must give it a load balancer (e.g. `instanceOptions: { amount: 2 }`). */
  readonly stackProps: QwenChatStackProps;
  /**
   * Deploy-time parameter values; `InstanceCount` among them sets how many instances run when the
   * count is a parameter.
   * @default { Password: 'Rehearsal-Pw-1' }
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /** What to do while every instance runs behind the balancer. */
  readonly scenario: (s: BalancedScenario) => Promise<void>;
  /**
   * Kill everything after this many ms.
   * @default 600000
   */
  readonly timeoutMs?: number;
}

/** What a balanced rehearsal observed. */
export interface BalancedRehearsalResult {
  /** The WaitCondition's Count as ROS resolves it with these parameters (how many instances run). */
  readonly count: number;
  /** Each instance's rehearsal (its signals, log, exit code). */
  readonly instances: readonly RehearsalResult[];
}

/**
 * Deploys the rendered script of a balanced `QwenChatStack` on as many rehearsal sandboxes as the
 * template's WaitCondition Count (each with the usual stand-ins, each signalling its own stand-in
 * receiver), links each to a stand-in Classic Load Balancer ({@link ClbStandIn}: nginx's stream
 * module following the synthesized TCP listener, and the listener's health check), and runs the
 * scenario while they all run. Linux and root only.
 */
export async function runBalancedRehearsal(props: BalancedRehearsalProps): Promise<BalancedRehearsalResult> {
  const parameters = props.parameters ?? { Password: 'Rehearsal-Pw-1' };
  const deployment = renderDeployment({ stackProps: props.stackProps, parameters });
  const listener = listenerSettings(deployment.template);
  const wait = Object.values(deployment.template.Resources ?? {}).find((r) => r.Type === 'ALIYUN::ROS::WaitCondition');
  const count = Number(new IntrinsicResolver({ template: deployment.template, parameters }).resolve(wait?.Properties?.Count ?? 1));
  if (!Number.isInteger(count) || count < 2 || count > 9) {
    throw new Error(`runBalancedRehearsal: the WaitCondition's Count resolves to ${count}; rehearse 2 to 9 instances (give instanceOptions.amount or InstanceCount)`);
  }
  const addresses = Array.from({ length: count }, (_, i) => `10.16.${i + 1}.2`);
  const held: { resolve: (i: RehearsedInstance) => void; promise: Promise<RehearsedInstance> }[] = addresses.map(() => {
    let resolve!: (i: RehearsedInstance) => void;
    const promise = new Promise<RehearsedInstance>((r) => { resolve = r; });
    return { resolve, promise };
  });
  let finish!: () => void;
  const finished = new Promise<void>((r) => { finish = r; });
  const timeoutMs = props.timeoutMs ?? 600000;
  const runs = addresses.map((address, i) => runRehearsal({
    script: deployment.script,
    timeoutMs,
    whileRunning: async ({ pid, workDir }) => {
      held[i].resolve({ pid, address, backend: `${address}:${listener.backendServerPort}`, workDir });
      await finished;
    },
  }));
  // A script that ends early still reaches whileRunning; a sandbox that dies ends its run instead.
  const instances = await Promise.race([
    Promise.all(held.map((h) => h.promise)),
    Promise.all(runs).then((r) => {
      throw new Error(`runBalancedRehearsal: the instances ended before they were held: ${r.map((x) => x.wrapperOutput).join('\n')}`);
    }),
  ]);
  let balancer: ClbStandIn | undefined;
  try {
    balancer = await ClbStandIn.start(listener, addresses);
    const lb = balancer;
    const tag = randomBytes(3).toString('hex');
    instances.forEach((inst, i) => linkNamespaces({ pid: lb.pid, address: `10.16.${i + 1}.1` }, { pid: inst.pid, address: inst.address }, `q${tag}${i}`));
    const credentialsFile = path.join(instances[0].workDir, 'balanced.curlrc');
    // The TCP listener passes each instance's TLS through: a client trusts exactly the certificates the
    // instances made (read out of their namespaces once they run).
    let caFile: string | undefined;
    const pinned = (): string[] => {
      const certificate = deployment.tlsCertificate;
      if (certificate === undefined) return [];
      if (caFile === undefined) {
        caFile = path.join(instances[0].workDir, 'balanced-ca.pem');
        fs.writeFileSync(caFile, instances.map((inst) => spawnSync('nsenter', ['-t', String(inst.pid), '-m', '--', 'cat', certificate], { encoding: 'utf8' }).stdout).join(''));
      }
      return ['--cacert', caFile];
    };
    const scheme = deployment.tlsCertificate === undefined ? 'http' : 'https';
    await props.scenario({
      deployment, listener, balancer: lb, instances,
      exec: (index, command, args) => spawnSync('nsenter', ['-t', String(instances[index].pid), '-m', '-n', '-p', '--',
        'env', `PATH=${path.join(instances[index].workDir, 'bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        `REHEARSAL_SYSTEMCTL_LOG=/run/rehearsal-systemctl.log`, command, ...args], { encoding: 'utf8', timeout: 60000 }),
      request: (client, urlPath, credentials) => {
        const args = ['-s', '-o', '-', '-w', '\n%{http_code}', '--max-time', '10', '--interface', `127.0.0.${client}`];
        if (credentials !== undefined) {
          const cred = `${credentials.userName}:${credentials.password}`.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
          fs.writeFileSync(credentialsFile, `user = "${cred}"\n`, { mode: 0o600 });
          args.push('-K', credentialsFile);
        }
        const r = lb.exec('curl', [...args, ...pinned(), `${scheme}://127.0.0.1:${listener.listenerPort}${urlPath}`]);
        const cut = r.stdout.lastIndexOf('\n');
        return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
      },
      direct: (index, port, urlPath, headers = []) => {
        const r = lb.exec('curl', ['-s', '-i', '-w', '\n%{http_code}', '--max-time', '10',
          ...headers.flatMap((h) => ['-H', h]), `http://${instances[index].address}:${port}${urlPath}`]);
        const cut = r.stdout.lastIndexOf('\n');
        const response = r.stdout.slice(0, cut);
        const split = response.indexOf('\r\n\r\n');
        return {
          status: Number(r.stdout.slice(cut + 1)),
          headers: split < 0 ? response : response.slice(0, split),
          body: split < 0 ? '' : response.slice(split + 4).replace(/\n$/, ''),
        };
      },
    });
  } finally {
    finish();
    await balancer?.stop();
  }
  return { count, instances: await Promise.all(runs) };
}

/** The stand-ins this rehearsal adds to the usual ones (for `docs/rehearsal.md`). */
export const BALANCED_STAND_IN_NOTICE = [
  'balanced rehearsal: every instance is a rehearsal sandbox running the same rendered script (stand-ins as in the',
  '  single-instance rehearsal, each with its own stand-in CurlCli receiver). STAND-IN Classic Load Balancer (no Alibaba',
  '  Cloud here): a network namespace linked to each instance by a veth pair, nginx\'s stream module passing the',
  '  listener port through to the instances (source-IP consistent hashing for Scheduler sch), and a checker applying',
  '  the listener\'s HTTP health check (rehearsal/stand-ins/clb-health-checker.py).',
].join('\n');
