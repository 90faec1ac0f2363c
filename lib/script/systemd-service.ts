import { isSafeAbsolutePath, shellQuote, shellWord } from './private/shell';
import { IScriptPart, ScriptPhase } from './deploy-script';
import { ScriptCommands, ScriptFile } from './script-file';
import { ScriptValue } from './script-value';

/** When systemd restarts the service (systemd.service `Restart=`). */
export enum RestartPolicy {
  /** Never restart. */
  NO = 'no',
  /** Restart when the process exits with an error, is killed by a signal or times out. */
  ON_FAILURE = 'on-failure',
  /** Restart on signals and timeouts only, not on an error exit code. */
  ON_ABNORMAL = 'on-abnormal',
  /** Always restart. */
  ALWAYS = 'always',
}

/** Props for {@link SystemdService}. */
export interface SystemdServiceProps {
  /**
   * Unit name without `.service`: a letter or digit, then letters, digits, `_` and `-` (no `.`, `/`,
   * `@` or leading `-`), and not the name of a system or agent unit (see {@link RESERVED_UNIT_NAMES}).
   */
  readonly name: string;
  /** The unit's Description=. */
  readonly description: string;
  /** The command as argv; the first element is an absolute path. Each element: no spaces, quotes, `$`, `%` or `\`. */
  readonly execStart: readonly string[];
  /**
   * Absolute working directory.
   * @default - systemd's default (the root directory)
   */
  readonly workingDirectory?: string;
  /**
   * Environment variables for the process, known at synth time (written into the unit as `Environment=`).
   * @default - none
   */
  readonly environment?: { readonly [name: string]: string };
  /**
   * Environment variables whose values are known at deploy time only (parameters, secrets). The
   * script writes them to `environmentFile` (mode 0600, root only) and the unit reads it with
   * `EnvironmentFile=`: the values are never in the unit, in argv or in the log.
   * @default - none
   */
  readonly environmentValues?: { readonly [name: string]: ScriptValue };
  /**
   * Where `environmentValues` are written.
   * @default '/etc/default/<name>'
   */
  readonly environmentFile?: string;
  /**
   * Restart policy.
   * @default RestartPolicy.ON_FAILURE
   */
  readonly restart?: RestartPolicy;
  /**
   * Seconds to wait before a restart.
   * @default 10
   */
  readonly restartSec?: number;
  /**
   * Open-file limit (LimitNOFILE=).
   * @default 60000
   */
  readonly limitNofile?: number;
  /**
   * Seconds systemd waits for start and stop (TimeoutSec=).
   * @default 120
   */
  readonly timeoutSec?: number;
  /**
   * Units this one starts after and wants (After= and Wants=).
   * @default ['network-online.target']
   */
  readonly after?: readonly string[];
  /**
   * Directory the unit file is written to.
   * @default '/etc/systemd/system'
   */
  readonly unitDirectory?: string;
  /**
   * Sandbox the service with the directives systemd 219 (CentOS 7) already knows: `NoNewPrivileges=yes`
   * (no setuid gains), `ProtectSystem=full` (/usr, /boot and /etc read-only for it) and `PrivateTmp=yes`
   * (a /tmp of its own). Each is marked "Added in version" 187, 214 and 183 or earlier in systemd.exec(5),
   * https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html.
   * @default false
   */
  readonly sandbox?: boolean;
  /**
   * Run the service as its own system user instead of root (`User=`, `Group=`). The script creates the
   * user and its group when missing (`useradd --system --user-group`, no login shell), makes its home
   * directory (mode 0750, owned by it; `HOME` of the process), and checks before the start that the user
   * can read the working directory and `readablePaths`. With `sandbox`, the unit also gets
   * `ProtectHome=yes` (/home, /root and /run/user out of its reach; systemd 214), so neither the working
   * directory nor the home may be under them.
   * @default - root
   */
  readonly user?: ServiceUser;
}

/** A system user a {@link SystemdService} runs as. */
export interface ServiceUser {
  /** The user's (and its group's) name: a lowercase letter, then up to 31 lowercase letters, digits, `_` and `-`. */
  readonly name: string;
  /** Its home directory (created, mode 0750, owned by the user): where the process may write its caches. */
  readonly homeDirectory: string;
  /**
   * Paths the process must be able to read (checked as the user before the start), such as a model directory.
   * @default - the working directory only
   */
  readonly readablePaths?: readonly string[];
}

/** Directories `ProtectHome=yes` hides from the service. */
const PROTECTED_HOMES = ['/home', '/root', '/run/user'];

/** The unit names `SystemdService` accepts: no leading '-' (systemctl would read an option), no '.', '/' or '@'. */
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const UNIT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;

/**
 * Units of the system and of the cloud agents that a deploy script must never replace or restart:
 * an exact name or, ending in '*', a prefix (compared case-insensitively). `aliyun` is the Cloud
 * Assistant agent that runs the script itself; `aegis`/`AliYunDun*` the Security Center agent;
 * `cloudmonitor` the CloudMonitor agent.
 */
export const RESERVED_UNIT_NAMES: readonly string[] = [
  'sshd', 'ssh', 'dbus', 'dbus-broker', 'systemd-*', 'NetworkManager*', 'network*', 'wpa_supplicant',
  'crond', 'cron', 'atd', 'anacron', 'rsyslog', 'syslog', 'auditd', 'chronyd', 'ntpd', 'ntp', 'polkit',
  'firewalld', 'iptables', 'ip6tables', 'nftables', 'tuned', 'irqbalance', 'kdump', 'sssd', 'getty*', 'serial-getty*',
  'cloud-init*', 'cloud-config', 'cloud-final', 'AliYunDun*', 'aliyun*', 'aegis', 'cloudmonitor', 'ecs_mq', 'eci-*',
  'nginx', 'httpd', 'apache2', 'docker', 'containerd', 'kubelet', 'nvidia-*', 'lvm2-*', 'multipathd', 'udev',
  'user', 'user-*', 'emergency', 'rescue', 'reboot', 'poweroff', 'halt', 'shutdown', 'default', 'multi-user', 'graphical',
  'init', 'kmod*', 'plymouth*', 'rc-local', 'postfix', 'sendmail', 'gdm', 'lightdm',
];

/** The entry of {@link RESERVED_UNIT_NAMES} that `name` hits, if any. */
export function reservedUnitNameEntry(name: string): string | undefined {
  const n = name.toLowerCase();
  return RESERVED_UNIT_NAMES.find((entry) => {
    const e = entry.toLowerCase();
    return e.endsWith('*') ? n.startsWith(e.slice(0, -1)) : n === e;
  });
}
const SAFE_ARG = /^[A-Za-z0-9_@+=:,./-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A systemd service rendered from typed props: its unit file (written in the FILES phase) and
 * `daemon-reload`, `enable`, `restart` (in the SERVICES phase). Use `parts` in a DeployScript.
 */
export class SystemdService {
  /** The unit name, with `.service`. */
  public readonly unitName: string;
  /** Where the unit file is written. */
  public readonly unitPath: string;
  /** The parts to add to a DeployScript: write the unit file (and the environment file), then enable and restart the unit. */
  public readonly parts: readonly IScriptPart[];
  /** Where the deploy-time environment values are written (when there are any). */
  public readonly environmentFile?: string;
  private readonly props: SystemdServiceProps;

  constructor(props: SystemdServiceProps) {
    if (!SERVICE_NAME.test(props.name)) {
      throw new Error(`SystemdService: name '${props.name}' is not allowed: give the unit name without '.service': a letter or digit, then up to 63 letters, digits, '_' and '-' (no '.', '/', '@' or leading '-'), such as 'qwen-chat'.`);
    }
    const reserved = reservedUnitNameEntry(props.name);
    if (reserved !== undefined) {
      throw new Error(`SystemdService: name '${props.name}' is not allowed: it is ${reserved.endsWith('*') ? `in the '${reserved}' family of units` : 'the name of a unit'} the system or a cloud agent runs (replacing or restarting it can cut off the instance or the Cloud Assistant running this script); give the app its own name, such as 'qwen-chat'.`);
    }
    if (!props.description || /[\n\r%\\]/.test(props.description)) {
      throw new Error(`SystemdService: description '${props.description}' is not allowed: give one non-empty line without '%' or '\\'.`);
    }
    if (props.execStart.length === 0) {
      throw new Error(`SystemdService: execStart is empty; give the command as argv, e.g. ['/usr/local/python3/bin/python3', 'app.py'].`);
    }
    if (!isSafeAbsolutePath(props.execStart[0])) {
      throw new Error(`SystemdService: execStart[0] '${props.execStart[0]}' is not allowed: give an absolute path to the program, such as '/usr/bin/python3' (systemd does not search PATH reliably).`);
    }
    const declared = new Set([...Object.keys(props.environment ?? {}), ...Object.keys(props.environmentValues ?? {})]);
    props.execStart.forEach((arg, i) => {
      // `${NAME}` of a declared variable: systemd substitutes it as exactly one argument (systemd.service,
      // "Command lines": "Use "${FOO}" as part of a word, or as a word of its own, on the command line, in
      // which case it will be erased and replaced by the exact value of the environment variable").
      const ref = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(arg);
      if (ref && i > 0) {
        if (!declared.has(ref[1])) {
          throw new Error(`SystemdService: execStart[${i}] '${arg}' names no variable of environment or environmentValues; declare ${ref[1]} there.`);
        }
        return;
      }
      if (!SAFE_ARG.test(arg)) {
        throw new Error(`SystemdService: execStart[${i}] '${arg}' is not allowed: use letters, digits and '_@+=:,./-' (no spaces, quotes, '$', '%' or '\\'), or exactly \${NAME} of a declared variable.`);
      }
    });
    if (props.workingDirectory !== undefined && !isSafeAbsolutePath(props.workingDirectory)) {
      throw new Error(`SystemdService: workingDirectory '${props.workingDirectory}' is not allowed: give an absolute path of letters, digits and '_@+=:,./-'.`);
    }
    for (const [k, v] of Object.entries(props.environment ?? {})) {
      if (!ENV_NAME.test(k)) {
        throw new Error(`SystemdService: environment name '${k}' is not allowed: use letters, digits and '_', not starting with a digit.`);
      }
      if (!SAFE_ARG.test(v)) {
        throw new Error(`SystemdService: environment ${k}='${v}' is not allowed: use letters, digits and '_@+=:,./-'.`);
      }
    }
    for (const [k, v] of Object.entries(props.environmentValues ?? {})) {
      if (!ENV_NAME.test(k)) {
        throw new Error(`SystemdService: environmentValues name '${k}' is not allowed: use letters, digits and '_', not starting with a digit.`);
      }
      if (props.environment && k in props.environment) {
        throw new Error(`SystemdService: environment variable '${k}' is set in both environment and environmentValues; set it in one.`);
      }
      if (!(v instanceof ScriptValue)) {
        throw new Error(`SystemdService: environmentValues '${k}' is not a ScriptValue; use ScriptValue.fromParameter() or ScriptValue.fromToken().`);
      }
    }
    const environmentFile = props.environmentFile ?? `/etc/default/${props.name}`;
    if (!isSafeAbsolutePath(environmentFile)) {
      throw new Error(`SystemdService: environmentFile '${environmentFile}' is not allowed: give an absolute path of letters, digits and '_@+=:,./-'.`);
    }
    positiveInteger('restartSec', props.restartSec);
    positiveInteger('limitNofile', props.limitNofile);
    positiveInteger('timeoutSec', props.timeoutSec);
    for (const unit of props.after ?? []) {
      if (!UNIT_NAME.test(unit)) {
        throw new Error(`SystemdService: after entry '${unit}' is not allowed: give a unit name such as 'network-online.target'.`);
      }
    }
    const unitDirectory = props.unitDirectory ?? '/etc/systemd/system';
    if (!isSafeAbsolutePath(unitDirectory)) {
      throw new Error(`SystemdService: unitDirectory '${unitDirectory}' is not allowed: give an absolute path such as '/etc/systemd/system'.`);
    }
    if (props.user !== undefined) {
      const u = props.user;
      if (!/^[a-z][a-z0-9_-]{0,31}$/.test(u.name) || u.name === 'root') {
        throw new Error(`SystemdService: user.name '${u.name}' is not allowed: give a system user name of a lowercase letter, then up to 31 lowercase letters, digits, '_' and '-' (not 'root'), such as '${props.name.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}'.`);
      }
      for (const [prop, dir] of [['user.homeDirectory', u.homeDirectory], ...(u.readablePaths ?? []).map((r, i) => [`user.readablePaths[${i}]`, r])] as const) {
        if (!isSafeAbsolutePath(dir) || dir === '/') {
          throw new Error(`SystemdService: ${prop} '${dir}' is not allowed: give an absolute path other than '/' of letters, digits and '_@+=:,./-'.`);
        }
      }
      if (props.environment?.HOME !== undefined) {
        throw new Error('SystemdService: environment HOME is not allowed with user: the process\'s HOME is user.homeDirectory.');
      }
      if (props.sandbox) {
        for (const [prop, dir] of [['user.homeDirectory', u.homeDirectory], ['workingDirectory', props.workingDirectory ?? '/'], ...(u.readablePaths ?? []).map((r, i) => [`user.readablePaths[${i}]`, r])] as const) {
          const hidden = PROTECTED_HOMES.find((h) => dir === h || dir.startsWith(`${h}/`));
          if (hidden !== undefined) {
            throw new Error(`SystemdService: ${prop} '${dir}' is not allowed with sandbox and user: ProtectHome=yes hides ${hidden} from the service; put it elsewhere, such as '/var/lib/${u.name}'.`);
          }
        }
      }
    }
    this.props = props;
    this.unitName = `${props.name}.service`;
    this.unitPath = `${unitDirectory}/${this.unitName}`;
    const values = Object.entries(props.environmentValues ?? {});
    this.environmentFile = values.length > 0 ? environmentFile : undefined;
    const unit = shellWord(this.unitName);
    this.parts = [
      new ScriptFile({ path: this.unitPath, content: this.renderUnit(), mode: '0644' }),
      ...(values.length > 0 ? [environmentFilePart(environmentFile, values)] : []),
      ...(props.user !== undefined ? [serviceUserPart(props.user, props.workingDirectory)] : []),
      new ScriptCommands({
        description: `start ${this.unitName}`,
        phase: ScriptPhase.SERVICES,
        budgetSeconds: (props.timeoutSec ?? 120) + 30,
        requiredCommands: ['systemctl'],
        // reenable, not enable: links left by a unit of the same name elsewhere (such as
        // /lib/systemd/system) make systemd 219 refuse a plain enable.
        commands: [
          'systemctl daemon-reload',
          `systemctl reenable ${unit}`,
          `systemctl restart ${unit}`,
        ],
      }),
    ];
  }

  /** The unit file's exact text. */
  public renderUnit(): string {
    const p = this.props;
    const after = (p.after ?? ['network-online.target']).join(' ');
    const lines = [
      '[Unit]',
      `Description=${p.description}`,
      ...(after ? [`After=${after}`, `Wants=${after}`] : []),
      '',
      '[Service]',
      'Type=simple',
      ...(p.workingDirectory ? [`WorkingDirectory=${p.workingDirectory}`] : []),
      ...(p.user ? [`User=${p.user.name}`, `Group=${p.user.name}`] : []),
      ...Object.entries({ ...p.environment, ...(p.user ? { HOME: p.user.homeDirectory } : {}) }).map(([k, v]) => `Environment="${k}=${v}"`),
      ...(this.environmentFile ? [`EnvironmentFile=${this.environmentFile}`] : []),
      `ExecStart=${p.execStart.join(' ')}`,
      `Restart=${p.restart ?? RestartPolicy.ON_FAILURE}`,
      `RestartSec=${p.restartSec ?? 10}`,
      `LimitNOFILE=${p.limitNofile ?? 60000}`,
      `TimeoutSec=${p.timeoutSec ?? 120}`,
      ...(p.sandbox ? ['NoNewPrivileges=yes', 'ProtectSystem=full', ...(p.user ? ['ProtectHome=yes'] : []), 'PrivateTmp=yes'] : []),
      '',
      '[Install]',
      'WantedBy=multi-user.target',
    ];
    return lines.join('\n') + '\n';
  }
}

/**
 * Writes `NAME="value"` lines for systemd's EnvironmentFile= through a 0600 temporary file and a
 * rename. Inside double quotes systemd takes a backslash-escaped `"`, `\\`, `` ` `` and `$` literally
 * (systemd 219 takes any escaped character literally; current systemd those four: src/basic/env-file.c
 * DOUBLE_QUOTE_VALUE_ESCAPE), so those four are escaped by sed, reading the value on stdin; a value
 * with a line break is refused. The values are read by name, never expanded into a command's argv.
 */
function environmentFilePart(file: string, values: [string, ScriptValue][]): IScriptPart {
  const dir = file.substring(0, file.lastIndexOf('/')) || '/';
  return new ScriptCommands({
    description: `write environment file ${file}`,
    phase: ScriptPhase.FILES,
    budgetSeconds: 10,
    values: values.map(([, v]) => v),
    requiredCommands: ['install', 'mktemp', 'sed', 'chmod', 'mv'],
    commands: [
      `install -d -m 0755 ${shellQuote(dir)}`,
      `ds_env_tmp=$(mktemp ${shellQuote(`${file}.XXXXXX`)})`,
      'chmod 0600 "$ds_env_tmp"',
      `for ds_env in ${values.map(([k, v]) => `${k}=${v.shellName}`).join(' ')}; do`,
      '  ds_env_var=${ds_env#*=}',
      '  ds_env_value=${!ds_env_var}',
      '  case $ds_env_value in *$\'\\n\'*) rm -f "$ds_env_tmp"; ds_fail "the value of ${ds_env%%=*} has a line break; give it on one line" ;; esac',
      '  printf \'%s="%s"\\n\' "${ds_env%%=*}" "$(printf %s "$ds_env_value" | sed \'s/[\\\\"`$]/\\\\&/g\')" >> "$ds_env_tmp"',
      'done',
      `mv -f "$ds_env_tmp" ${shellQuote(file)}`,
    ],
  });
}

/**
 * Creates the service's system user and group when missing (`useradd --system --user-group`: a system uid, no
 * mail spool, no login shell; the same options on shadow-utils 4.1 of CentOS 7 and 4.8 of Ubuntu 22.04), makes
 * its home (0750, owned by it; not `--create-home`, which copies /etc/skel), and checks as the user (`runuser`,
 * util-linux) that it can read what the service needs, so a missing permission fails here with its path rather
 * than as a crash loop.
 */
function serviceUserPart(user: ServiceUser, workingDirectory: string | undefined): IScriptPart {
  const name = shellWord(user.name);
  const readable = [...(workingDirectory ? [workingDirectory] : []), ...(user.readablePaths ?? [])];
  return new ScriptCommands({
    description: `system user ${user.name}`,
    phase: ScriptPhase.FILES,
    budgetSeconds: 15,
    requiredCommands: ['getent', 'useradd', 'install', 'runuser'],
    commands: [
      `getent passwd ${name} >/dev/null || useradd --system --user-group --no-create-home --home-dir ${shellWord(user.homeDirectory)} --shell /sbin/nologin ${name}`,
      `install -d -m 0750 -o ${name} -g ${name} ${shellWord(user.homeDirectory)}`,
      // readable, and a directory also searchable
      ...readable.map((r) => `runuser -u ${name} -- test -r ${shellWord(r)} -a '(' -f ${shellWord(r)} -o -x ${shellWord(r)} ')' || ds_fail ${shellQuote(`${user.name} cannot read ${r}`)}`),
    ],
  });
}

function positiveInteger(prop: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new Error(`SystemdService: ${prop} ${value} is not allowed: give a whole number >= 1.`);
  }
}
