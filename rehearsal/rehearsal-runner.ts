import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { requireTool } from './artifact-checks';
import { innerPid, NamespaceSandbox } from './namespace-sandbox';
import { shellQuote as q } from '../lib/script/private/shell';
import { DEFAULT_STAND_INS_DIR, standInPath } from './stand-ins';

/** Which stand-in app is placed at the app path. */
export enum AppStandIn {
  /** A python3 http server answering 200 on 127.0.0.1:7860. */
  ANSWERING = 'app.py',
  /** Accepts connections on 127.0.0.1:7860 and never answers. */
  SILENT = 'app-silent.py',
  /** Prints a traceback ending in a distinctive line and exits 1 at once, every time it is started. */
  CRASHING = 'app-crash.py',
  /** Prints a progress line every 2 s for `appLoadSeconds`, then answers 200. */
  SLOW = 'app-slow.py',
  /** No app file at all (the unit's process exits at once). */
  NONE = '',
}

/** Props for {@link runRehearsal}. */
export interface RehearsalProps {
  /** The resolved RunCommand script (see `renderRunCommandScript`). */
  readonly script: string;
  /**
   * The stand-in app.
   * @default AppStandIn.ANSWERING
   */
  readonly app?: AppStandIn;
  /**
   * The app's directory (the unit's WorkingDirectory); the stand-in is written there as app.py.
   * @default '/root/Qwen-14B-Chat-Demo'
   */
  readonly appDirectory?: string;
  /**
   * The file name the stand-in app is written under in `appDirectory` (the unit's entrypoint, such as
   * `web_demo.py`; the stand-in ignores the demo's arguments and listens where GRADIO_SERVER_PORT says).
   * @default 'app.py'
   */
  readonly appEntrypoint?: string;
  /**
   * The python the unit's ExecStart names; a symlink to this machine's python3 is put there.
   * @default '/usr/local/python3/bin/python3'
   */
  readonly pythonPath?: string;
  /**
   * The OpenSSL the script hashes the password with (the image builds it); a symlink to this machine's
   * openssl is put there.
   * @default '/usr/local/openssl/bin/openssl'
   */
  readonly opensslPath?: string;
  /**
   * What the stand-in nvidia-smi reports: memory.total in MiB of each GPU (`'15360 15360'`), `'failing'`
   * (a driver that does not answer), or `'missing'` (no nvidia-smi at all).
   * @default '81920'
   */
  readonly gpus?: string;
  /**
   * The systemd the systemctl stand-in models: '219' (CentOS 7: no NRestarts) or 'current'.
   * @default '219'
   */
  readonly systemdVersion?: '219' | 'current';
  /**
   * An instance with SELinux enforcing: stand-ins for selinuxenabled, setsebool, semanage (`port` only, starting
   * from the RHEL policy's port types) and restorecon are put on PATH (rehearsal/stand-ins).
   * @default false (no SELinux tools, like this machine)
   */
  readonly selinuxEnforcing?: boolean;
  /**
   * The CRASHING app prints a secret-looking token and password before its traceback.
   * @default false
   */
  readonly appLeaksSecret?: boolean;
  /**
   * Seconds the SLOW app loads before it answers.
   * @default 20
   */
  readonly appLoadSeconds?: number;
  /**
   * TCP ports another program (a python listener) holds before the script starts.
   * @default []
   */
  readonly occupyPorts?: readonly number[];
  /**
   * The port of the stand-in CurlCli receiver (the CurlCli the script was rendered with must POST there).
   * @default 8099
   */
  readonly receiverPort?: number;
  /**
   * What the STAND-IN instance metadata service answers for `instance-id` (it listens on
   * 100.100.100.200:80 in a network namespace of its own, linked to the sandbox's by a veth pair); `''`: no
   * metadata service (the address is unreachable, as off ECS).
   * @default - an id of this run, `i-rehearsal` and 8 random hex digits: two sandboxes, two instances
   */
  readonly instanceId?: string;
  /**
   * The stand-in CurlCli receiver records the first this many signals, then closes the connection
   * without an answer (a reply lost on the way: the script cannot know the signal arrived).
   * @default 0
   */
  readonly lostSignalReplies?: number;
  /**
   * Files written inside the sandbox before the script runs (e.g. a broken nginx conf to make a step fail).
   * @default {}
   */
  readonly extraFiles?: Readonly<Record<string, string>>;
  /**
   * Empty files created inside the sandbox before the script runs, mode 0666: logs a stand-in app writes
   * when its unit runs it as a user of its own (e.g. /run/openai-standin.jsonl).
   * @default []
   */
  readonly writableFiles?: readonly string[];
  /**
   * After the script, probe this nginx port without and with these credentials (curl -K from a 0600 file).
   * @default - no probe
   */
  readonly probe?: {
    readonly port: number;
    readonly userName: string;
    readonly password: string;
    /**
     * The site serves TLS: probe `https://127.0.0.1:<port>/` trusting only this certificate file (inside
     * the sandbox, e.g. /etc/nginx/tls/5000.crt), record the TLS session (openssl s_client) and the answer
     * to plain HTTP on the same port.
     * @default - plain HTTP
     */
    readonly tlsCertificate?: string;
  };
  /**
   * Files to copy out of the sandbox after the run, into `RehearsalResult.files` (e.g. the htpasswd file).
   * @default []
   */
  readonly collectFiles?: readonly string[];
  /**
   * Strings that must never appear in any process's argv: /proc/<pid>/cmdline of every process
   * is sampled while the rehearsal runs.
   * @default []
   */
  readonly secrets?: readonly string[];
  /**
   * The script's log file on the instance.
   * @default '/var/log/qwen-chat-deploy.log'
   */
  readonly logFile?: string;
  /**
   * Kill everything after this many ms.
   * @default 300000
   */
  readonly timeoutMs?: number;
  /**
   * Directory of the stand-ins.
   * @default DEFAULT_STAND_INS_DIR
   */
  readonly standInsDir?: string;
  /**
   * Called with each progress line (stand-in notices included).
   * @default - silent
   */
  readonly onProgress?: (line: string) => void;
  /**
   * Called once the script (and `probe`) finished, while the sandbox still runs what the script
   * started (nginx, the app); the sandbox ends when the returned promise settles. `pid` is a host
   * PID inside the sandbox's namespaces (for `nsenter`, or `ip link set ... netns`). For scenarios
   * that act on the deployed instance, e.g. the load-balancer rehearsal links it to a balancer.
   * `timeoutMs` covers this time too.
   * @default - the sandbox ends when the script exits
   */
  readonly whileRunning?: (sandbox: { readonly pid: number; readonly workDir: string }) => Promise<void>;
}

/** One signal the stand-in CurlCli receiver got. */
export interface ReceivedSignal {
  /** `status` of the JSON body (SUCCESS or FAILURE), or '' when the body is not JSON. */
  readonly status: string;
  /** `reason` (or `data`) of the JSON body. */
  readonly reason: string;
  /** `id` of the JSON body, or '' when it has none. */
  readonly id: string;
  /** Whether the receiver answered it (false: its reply was lost, see `lostSignalReplies`). */
  readonly replied: boolean;
  /** The raw body. */
  readonly body: string;
  /** Content-Type header. */
  readonly contentType: string;
  /** Arrival, in ms after the script started. */
  readonly atMs: number;
}

/** One line of the journal the systemctl stand-in keeps for a unit. */
export interface JournalEntry {
  /** When it was written, in ms after the script started. */
  readonly atMs: number;
  /** 'app' (the unit's own output) or 'systemd' (the stand-in's messages about the unit). */
  readonly source: string;
  /** The line. */
  readonly message: string;
}

/** What a rehearsal observed. */
export interface RehearsalResult {
  /** The script's exit code (-1 when killed by the timeout). */
  readonly exitCode: number;
  /** How long the script ran, in ms. */
  readonly durationMs: number;
  /** Signals received, in order. */
  readonly signals: readonly ReceivedSignal[];
  /** The script's stdout and stderr. */
  readonly output: string;
  /** The script's own log file (`logFile`), if written. */
  readonly deployLog: string;
  /** The copy of the unpacked script the script keeps beside its log (`.log` -> `.sh`), if written. */
  readonly scriptCopy: string;
  /** Every call of the systemctl stand-in. */
  readonly systemctlCalls: readonly string[];
  /** Every call of the SELinux stand-ins (`selinuxEnforcing`). */
  readonly selinuxCalls: readonly string[];
  /** The stand-in journal of each unit the systemctl stand-in ran (`tongyi.service` -> lines). */
  readonly journal: Readonly<Record<string, readonly JournalEntry[]>>;
  /** HTTP statuses through nginx after the script (when `probe` was given). */
  readonly probe?: {
    readonly noCredentials: string;
    readonly wrongPassword: string;
    readonly withCredentials: string;
    readonly body: string;
    /** With `tlsCertificate`: the TLS session as openssl s_client saw it and what plain HTTP got. */
    readonly tls?: {
      /** `openssl s_client -brief` lines (protocol, cipher, peer certificate, verification). */
      readonly session: string;
      /** SHA-256 fingerprint of the certificate the site served (`AB:CD:...`). */
      readonly servedFingerprint: string;
      /** Status and Location of a plain-HTTP request on the TLS port. */
      readonly plainHttp: string;
    };
  };
  /** Collected files: sandbox path -> content. */
  readonly files: Readonly<Record<string, string>>;
  /** How many /proc samples were taken and which argv (redacted) contained a secret. */
  readonly argv: { readonly samples: number; readonly processesSeen: number; readonly hits: readonly string[] };
  /** The sandbox wrapper's own stderr (diagnosis). */
  readonly wrapperOutput: string;
}

/** The notice printed when a rehearsal starts: what is real and what is a stand-in. */
export const STAND_IN_NOTICE = [
  'rehearsal: running the rendered script in throwaway mount/network/PID namespaces (overlays with tmpfs upper layers',
  '  on /etc /root /usr/local /var/log /var/lib /run: the host is not written). Real: bash, nginx, openssl, curl, base64.',
  '  The image\'s OpenSSL 1.1.1+ at the script\'s openssl path is this machine\'s openssl (a symlink), as python3 is below.',
  '  STAND-IN systemctl (no systemd here): runs the unit\'s ExecStart with its Environment(File) under a supervisor that applies Restart=/RestartSec=,',
  '    answers `show -p` (systemd 219: no NRestarts, unless told \'current\') and starts/reloads nginx. STAND-IN journalctl reads what the supervisor recorded.',
  '  STAND-IN nvidia-smi (no GPU here): reports the GPUs the scenario gives (or fails, or is missing).',
  '  STAND-IN selinuxenabled, setsebool, semanage, restorecon (no SELinux here), when the scenario has SELinux enforcing.',
  '  STAND-IN CurlCli endpoint: a local HTTP receiver on 127.0.0.1 that records the signal (and may lose its reply).',
  '  STAND-IN ECS metadata service: 100.100.100.200:80 in a network namespace linked to the sandbox, answering the instance id the scenario gives.',
  '  STAND-IN app (no model/GPU here): a small python3 http server at the app path; python3 at the unit\'s path is a symlink to this machine\'s.',
].join('\n');

/**
 * Runs the whole rendered script as root in a {@link NamespaceSandbox}, with stand-ins for
 * systemctl, the CurlCli endpoint and the app, and reports what happened. Linux and root only.
 */
export async function runRehearsal(props: RehearsalProps): Promise<RehearsalResult> {
  for (const [tool, pkg] of [['unshare', 'util-linux'], ['nginx', 'nginx'], ['htpasswd', 'apache2-utils'], ['curl', 'curl'], ['openssl', 'openssl'], ['python3', 'python3'], ['ip', 'iproute2']]) {
    requireTool(tool, pkg);
  }
  const dir = props.standInsDir ?? DEFAULT_STAND_INS_DIR;
  const appDir = props.appDirectory ?? '/root/Qwen-14B-Chat-Demo';
  const python = props.pythonPath ?? '/usr/local/python3/bin/python3';
  const openssl = props.opensslPath ?? '/usr/local/openssl/bin/openssl';
  const port = props.receiverPort ?? 8099;
  const app = props.app ?? AppStandIn.ANSWERING;
  const gpus = props.gpus ?? '81920';
  const logFile = props.logFile ?? '/var/log/qwen-chat-deploy.log';
  const instanceId = props.instanceId ?? `i-rehearsal${randomBytes(4).toString('hex')}`;
  const lostReplies = props.lostSignalReplies ?? 0;
  if (!Number.isInteger(lostReplies) || lostReplies < 0) {
    throw new Error(`runRehearsal: lostSignalReplies ${lostReplies} is not allowed: give a whole number >= 0.`);
  }
  const sandbox = new NamespaceSandbox({
    env: {
      REHEARSAL_SYSTEMCTL_LOG: '/run/rehearsal-systemctl.log',
      REHEARSAL_SYSTEMD_VERSION: props.systemdVersion ?? '219',
      REHEARSAL_GPUS: gpus,
      REHEARSAL_SELINUX: props.selinuxEnforcing ? 'enforcing' : 'disabled',
      REHEARSAL_SELINUX_LOG: '/run/rehearsal-selinux.log',
    },
  });
  const progress = props.onProgress ?? (() => undefined);
  try {
    const w = sandbox.workDir;
    const out = path.join(w, 'out');
    fs.mkdirSync(path.join(w, 'bin'));
    fs.mkdirSync(out);
    fs.mkdirSync(path.join(w, 'extra'));
    fs.mkdirSync(path.join(out, 'files'));
    const selinuxTools = props.selinuxEnforcing ? ['selinuxenabled', 'setsebool', 'semanage', 'restorecon'] : [];
    for (const tool of ['systemctl', 'journalctl', ...(gpus === 'missing' ? [] : ['nvidia-smi']), ...selinuxTools]) {
      fs.copyFileSync(standInPath(tool, dir), path.join(w, 'bin', tool));
      fs.chmodSync(path.join(w, 'bin', tool), 0o755);
    }
    fs.writeFileSync(path.join(w, 'script.sh'), props.script, { mode: 0o700 });
    const realPython = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const lines = [
      `export PATH=${q(path.join(w, 'bin'))}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      `mkdir -p ${q(appDir)} ${q(path.dirname(python))}`,
      `ln -sf ${q(realPython)} ${q(python)}`,
      `mkdir -p ${q(path.dirname(openssl))}`,
      `ln -sf /usr/bin/openssl ${q(openssl)}`,
      app === AppStandIn.NONE ? ':' : `cp ${q(standInPath(app, dir))} ${q(`${appDir}/${props.appEntrypoint ?? 'app.py'}`)}`,
      ...(props.appLeaksSecret ? ['touch /run/rehearsal-app-leak'] : []),
      ...(props.appLoadSeconds !== undefined ? [`echo ${Number(props.appLoadSeconds)} > /run/rehearsal-app-load-seconds`] : []),
      ...(props.occupyPorts ?? []).map((port) => `${q(realPython)} -c ${q(`import socket,time;s=socket.socket();s.bind(('0.0.0.0',${Number(port)}));s.listen(1);time.sleep(3600)`)} &`),
    ];
    Object.entries(props.extraFiles ?? {}).forEach(([target, content], i) => {
      const src = path.join(w, 'extra', String(i));
      fs.writeFileSync(src, content);
      lines.push(`install -D -m 0644 ${q(src)} ${q(target)}`);
    });
    (props.writableFiles ?? []).forEach((target) => lines.push(`install -D -m 0666 /dev/null ${q(target)}`));
    if (instanceId !== '') {
      // The metadata stand-in gets a network namespace of its own, linked to the sandbox by a veth pair, so that
      // 100.100.100.200:80 is a remote address as on ECS (on the sandbox's own loopback it would take port 80
      // from nginx's default server).
      const md = `/run/rehearsal-metadata`;
      lines.push(
        `unshare --net bash -c ${q(`touch ${md}-ns; while [ ! -e ${md}-linked ]; do sleep 0.05; done; ip link set lo up; `
          + 'ip addr add 100.100.100.200/32 dev qmd1; ip link set qmd1 up; ip route add 100.100.100.1/32 dev qmd1; '
          + `exec ${q(realPython)} ${q(standInPath('metadata-server.py', dir))} 100.100.100.200 ${q(instanceId)}`)} &`,
        `for _ in $(seq 1 100); do [ -e ${md}-ns ] && break; sleep 0.05; done`,
        'ip link add qmd0 type veth peer name qmd1 netns $!',
        'ip addr add 100.100.100.1/32 dev qmd0; ip link set qmd0 up; ip route add 100.100.100.200/32 dev qmd0',
        `touch ${md}-linked`,
        'for _ in $(seq 1 100); do (exec 3<>/dev/tcp/100.100.100.200/80) 2>/dev/null && break; sleep 0.05; done',
      );
    }
    lines.push(
      `${q(realPython)} ${q(standInPath('signal-receiver.py', dir))} ${port} ${q(path.join(out, 'signals.jsonl'))} ${lostReplies} &`,
      `for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && break; sleep 0.05; done`,
      `date +%s%3N > ${q(path.join(out, 'start'))}`,
      'set +e',
      `bash ${q(path.join(w, 'script.sh'))} > ${q(path.join(out, 'script.out'))} 2>&1 < /dev/null`,
      `echo $? > ${q(path.join(out, 'exit'))}`,
      `date +%s%3N > ${q(path.join(out, 'end'))}`,
      `cp /run/rehearsal-systemctl.log ${q(path.join(out, 'systemctl.log'))} 2>/dev/null`,
      `cp /run/rehearsal-selinux.log ${q(path.join(out, 'selinux.log'))} 2>/dev/null`,
      `cp ${q(logFile)} ${q(path.join(out, 'deploy.log'))} 2>/dev/null`,
      `cp ${q(logFile.replace(/\.log$/, '') + '.sh')} ${q(path.join(out, 'script-copy.sh'))} 2>/dev/null`,
      `cp -r /run/rehearsal-journal ${q(path.join(out, 'journal'))} 2>/dev/null`,
    );
    if (props.probe !== undefined) {
      const cfg = path.join(w, 'probe.curlrc');
      const cred = `${props.probe.userName}:${props.probe.password}`.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      fs.writeFileSync(cfg, `user = "${cred}"\n`, { mode: 0o600 });
      fs.writeFileSync(`${cfg}-wrong`, `user = "${props.probe.userName}:not-the-password"\n`, { mode: 0o600 });
      const ca = props.probe.tlsCertificate;
      const url = `${ca ? 'https' : 'http'}://127.0.0.1:${props.probe.port}/`;
      const pin = ca ? ` --cacert ${q(ca)}` : '';
      lines.push(
        `curl -s -o /dev/null -w '%{http_code}' --max-time 10${pin} ${url} > ${q(path.join(out, 'probe-none'))}`,
        `curl -s -o /dev/null -w '%{http_code}' --max-time 10${pin} -K ${q(`${cfg}-wrong`)} ${url} > ${q(path.join(out, 'probe-wrong'))}`,
        `curl -s -o ${q(path.join(out, 'probe-body'))} -w '%{http_code}' --max-time 10${pin} -K ${q(cfg)} ${url} > ${q(path.join(out, 'probe-creds'))}`,
      );
      if (ca) {
        lines.push(
          `openssl s_client -brief -connect 127.0.0.1:${props.probe.port} -CAfile ${q(ca)} -verify_return_error < /dev/null > ${q(path.join(out, 'tls-session'))} 2>&1`,
          `openssl s_client -connect 127.0.0.1:${props.probe.port} < /dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//' > ${q(path.join(out, 'tls-served'))}`,
          `curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 10 http://127.0.0.1:${props.probe.port}/ > ${q(path.join(out, 'tls-plain'))}`,
        );
      }
    }
    (props.collectFiles ?? []).forEach((f, i) => lines.push(`cp ${q(f)} ${q(path.join(out, 'files', String(i)))} 2>/dev/null`));
    if (props.whileRunning !== undefined) {
      // Hold the namespaces (and what runs in them) until whileRunning has settled.
      lines.push(`touch ${q(path.join(out, 'held'))}`, `while [ ! -e ${q(path.join(w, 'release'))} ]; do sleep 0.1; done`);
    }
    lines.push('exit 0');

    progress(STAND_IN_NOTICE);
    const child = sandbox.spawn(lines.join('\n'));
    let wrapperOutput = '';
    child.stdout?.on('data', (c: Buffer) => { wrapperOutput += c.toString(); });
    child.stderr?.on('data', (c: Buffer) => { wrapperOutput += c.toString(); });
    child.stdin?.end();
    const secrets = (props.secrets ?? []).filter((s) => s.length > 0).map((s) => Buffer.from(s));
    const argv = { samples: 0, pids: new Set<string>(), hits: new Set<string>() };
    const sample = () => {
      argv.samples++;
      for (const pid of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        let cmdline: Buffer;
        try {
          cmdline = fs.readFileSync(`/proc/${pid}/cmdline`);
        } catch {
          continue;
        }
        argv.pids.add(pid);
        for (const s of secrets) {
          if (cmdline.includes(s)) {
            argv.hits.add(`pid ${pid}: ${cmdline.toString().split('\0').join(' ').split(s.toString()).join('<SECRET>').slice(0, 200)}`);
          }
        }
      }
    };
    const timer = setInterval(sample, 15);
    const exited = new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), props.timeoutMs ?? 300000);
      child.on('exit', (code) => { clearTimeout(kill); resolve(code); });
    });
    if (props.whileRunning !== undefined) {
      const held = path.join(out, 'held');
      let done = false;
      void exited.then(() => { done = true; });
      while (!done && !fs.existsSync(held)) await new Promise((r) => setTimeout(r, 50));
      try {
        if (!done) await props.whileRunning({ pid: await innerPid(child), workDir: w });
      } finally {
        fs.writeFileSync(path.join(w, 'release'), '');
      }
    }
    const exit = await exited;
    clearInterval(timer);
    const read = (f: string) => (fs.existsSync(path.join(out, f)) ? fs.readFileSync(path.join(out, f), 'utf8') : '');
    const start = Number(read('start').trim());
    const end = Number(read('end').trim());
    const signals = read('signals.jsonl').split('\n').filter((l) => l.trim() !== '').map((l) => {
      const raw = JSON.parse(l) as { atMs: number; body: string; contentType: string; replied?: boolean };
      let status = '';
      let reason = '';
      let id = '';
      try {
        const b = JSON.parse(raw.body) as Record<string, unknown>;
        status = String(b.status ?? b.Status ?? '');
        reason = String(b.reason ?? b.data ?? b.Data ?? '');
        id = b.id === undefined ? '' : String(b.id);
      } catch {
        // not JSON: leave status empty
      }
      return { status, reason, id, replied: raw.replied !== false, body: raw.body, contentType: raw.contentType ?? '', atMs: raw.atMs - start };
    });
    const files: Record<string, string> = {};
    (props.collectFiles ?? []).forEach((f, i) => {
      const p = path.join(out, 'files', String(i));
      if (fs.existsSync(p)) files[f] = fs.readFileSync(p, 'utf8');
    });
    const journal: Record<string, JournalEntry[]> = {};
    const journalDir = path.join(out, 'journal');
    if (fs.existsSync(journalDir)) {
      for (const unit of fs.readdirSync(journalDir)) {
        journal[unit] = fs.readFileSync(path.join(journalDir, unit), 'utf8').split('\n').filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as JournalEntry).map((e) => ({ ...e, atMs: e.atMs - start }));
      }
    }
    return {
      journal,
      scriptCopy: read('script-copy.sh'),
      exitCode: read('exit').trim() === '' ? -1 : Number(read('exit').trim()),
      durationMs: end > 0 ? end - start : -1,
      signals,
      output: read('script.out'),
      deployLog: read('deploy.log'),
      systemctlCalls: read('systemctl.log').split('\n').filter((l) => l !== ''),
      selinuxCalls: read('selinux.log').split('\n').filter((l) => l !== ''),
      probe: props.probe === undefined ? undefined : {
        noCredentials: read('probe-none'), wrongPassword: read('probe-wrong'), withCredentials: read('probe-creds'), body: read('probe-body'),
        tls: props.probe.tlsCertificate === undefined ? undefined : {
          session: read('tls-session').trim(), servedFingerprint: read('tls-served').trim(), plainHttp: read('tls-plain').trim(),
        },
      },
      files,
      argv: { samples: argv.samples, processesSeen: argv.pids.size, hits: [...argv.hits] },
      wrapperOutput: `${wrapperOutput}${exit === 0 ? '' : `\n(wrapper exit ${exit})`}`,
    };
  } finally {
    sandbox.dispose();
  }
}

/**
 * The signals as ROS keeps them, by id: a signal with an id already received replaces it; one without an id
 * gets the number of signals already kept plus one (https://help.aliyun.com/document_detail/48503.html,
 * ALIYUN::ROS::WaitConditionHandle, the note on CurlCli). The WaitCondition counts these toward its Count.
 * A model of the documented rule, not ROS.
 */
export function signalsAsRosKeepsThem(signals: readonly ReceivedSignal[]): Map<string, ReceivedSignal> {
  const kept = new Map<string, ReceivedSignal>();
  for (const s of signals) {
    kept.set(s.id !== '' ? s.id : String(kept.size + 1), s);
  }
  return kept;
}
