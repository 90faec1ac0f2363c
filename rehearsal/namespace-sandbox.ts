import { ChildProcess, SpawnSyncReturns, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shellQuote as q } from '../lib/script/private/shell';

/**
 * Host directories a sandbox overlays by default: the script may write anywhere under them and
 * the writes land in a tmpfs that disappears with the namespace; the host copies stay untouched.
 */
export const DEFAULT_SANDBOX_OVERLAYS: readonly string[] = ['/etc', '/root', '/usr/local', '/var/log', '/var/lib', '/run'];

/** Props for {@link NamespaceSandbox}. */
export interface NamespaceSandboxProps {
  /**
   * Existing host directories to cover with an overlay whose upper layer is tmpfs.
   * @default DEFAULT_SANDBOX_OVERLAYS
   */
  readonly overlays?: readonly string[];
  /**
   * Extra environment for the sandboxed script (merged over a minimal PATH/HOME/LANG).
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs bash in throwaway mount, network and PID namespaces (`unshare --mount --net --pid --fork
 * --mount-proc --kill-child`): loopback is brought up, each overlay directory gets a tmpfs upper
 * layer, and every process started inside dies with the namespace (PID 1 is the sandbox's bash),
 * so nothing — nginx, the app, a receiver — can outlive a run. Needs Linux and root.
 */
export class NamespaceSandbox {
  /** A host scratch directory for this sandbox (shared with the host: results are written here). */
  public readonly workDir: string;
  private readonly overlays: readonly string[];
  private readonly env: Readonly<Record<string, string>>;

  constructor(props: NamespaceSandboxProps = {}) {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) {
      throw new Error(`NamespaceSandbox: needs Linux and root (unshare, mount); running on ${process.platform} as uid ${process.getuid?.()}`);
    }
    this.overlays = props.overlays ?? DEFAULT_SANDBOX_OVERLAYS;
    for (const dir of this.overlays) {
      if (!path.isAbsolute(dir) || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new Error(`NamespaceSandbox: overlays entry '${dir}' must be an existing absolute directory`);
      }
    }
    this.env = props.env ?? {};
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-rehearsal-'));
    fs.mkdirSync(path.join(this.workDir, 'upper'));
  }

  /** The bash prologue run inside the namespaces before `script`. */
  public prologue(): string {
    const upper = path.join(this.workDir, 'upper');
    const lines = [
      'set -euo pipefail',
      'ip link set lo up',
      `mount -t tmpfs -o mode=0755 qwen-rehearsal ${q(upper)}`,
    ];
    this.overlays.forEach((dir, i) => {
      lines.push(
        `mkdir -p ${q(`${upper}/u${i}`)} ${q(`${upper}/w${i}`)}`,
        `mount -t overlay qwen-rehearsal -o ${q(`lowerdir=${dir},upperdir=${upper}/u${i},workdir=${upper}/w${i}`)} ${q(dir)}`,
      );
    });
    return lines.join('\n') + '\n';
  }

  /** Command and argv that run `script` (bash) inside the namespaces. */
  public command(script: string): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
    const file = path.join(this.workDir, 'sandbox.sh');
    fs.writeFileSync(file, `#!/bin/bash\n${this.prologue()}${script}\n`, { mode: 0o700 });
    return {
      file: 'unshare',
      args: ['--mount', '--net', '--pid', '--fork', '--mount-proc', '--kill-child', '--', 'bash', file],
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: '/root',
        LANG: 'C.UTF-8',
        ...this.env,
      },
    };
  }

  /** Runs `script` to completion (bounded by `timeoutMs`). */
  public runSync(script: string, timeoutMs = 60000, input?: string): SpawnSyncReturns<string> {
    const c = this.command(script);
    return spawnSync(c.file, c.args, { env: c.env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', input });
  }

  /** Starts `script`; kill the returned process (SIGKILL is fine) to end everything inside. */
  public spawn(script: string): ChildProcess {
    const c = this.command(script);
    return spawn(c.file, c.args, { env: c.env, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Removes the host scratch directory. */
  public dispose(): void {
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/**
 * The host PID of the first process inside a sandbox started with {@link NamespaceSandbox.spawn}
 * (`unshare --fork` makes it the child of the unshare process): a PID inside the sandbox's
 * namespaces, for `nsenter -t` or `ip link set ... netns`.
 */
export async function innerPid(child: ChildProcess, timeoutMs = 10000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = child.pid;
    if (pid !== undefined) {
      try {
        const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter((x) => x !== '');
        if (children.length > 0) return Number(children[0]);
      } catch {
        // not there yet
      }
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('innerPid: the sandbox did not start its first process');
    await new Promise((r) => setTimeout(r, 50));
  }
}
