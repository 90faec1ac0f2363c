import { isSafeAbsolutePath, shellQuote } from './private/shell';
import { IScriptPart, ScriptPhase } from './deploy-script';
import { ScriptCommands, ScriptFile } from './script-file';

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
  /** Unit name without `.service`: letters, digits, `_`, `-`, `.`, `@`. */
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
   * Environment variables for the process.
   * @default - none
   */
  readonly environment?: { readonly [name: string]: string };
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
}

const UNIT_NAME = /^[A-Za-z0-9_.@-]+$/;
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
  /** The parts to add to a DeployScript: write the unit file, then enable and restart the unit. */
  public readonly parts: readonly IScriptPart[];
  private readonly props: SystemdServiceProps;

  constructor(props: SystemdServiceProps) {
    if (!UNIT_NAME.test(props.name) || props.name.endsWith('.service')) {
      throw new Error(`SystemdService: name '${props.name}' is not allowed: give the unit name without '.service', of letters, digits, '_', '.', '@' and '-'.`);
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
    props.execStart.forEach((arg, i) => {
      if (!SAFE_ARG.test(arg)) {
        throw new Error(`SystemdService: execStart[${i}] '${arg}' is not allowed: use letters, digits and '_@+=:,./-' (no spaces, quotes, '$', '%' or '\\').`);
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
    this.props = props;
    this.unitName = `${props.name}.service`;
    this.unitPath = `${unitDirectory}/${this.unitName}`;
    const unit = shellQuote(this.unitName);
    this.parts = [
      new ScriptFile({ path: this.unitPath, content: this.renderUnit(), mode: '0644' }),
      new ScriptCommands({
        description: `start service ${this.unitName}`,
        phase: ScriptPhase.SERVICES,
        budgetSeconds: (props.timeoutSec ?? 120) + 30,
        requiredCommands: ['systemctl'],
        commands: [
          'systemctl daemon-reload',
          '# reenable, not enable: links left by a unit of the same name elsewhere (such as',
          '# /lib/systemd/system) make systemd 219 refuse a plain enable.',
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
      ...Object.entries(p.environment ?? {}).map(([k, v]) => `Environment="${k}=${v}"`),
      `ExecStart=${p.execStart.join(' ')}`,
      `Restart=${p.restart ?? RestartPolicy.ON_FAILURE}`,
      `RestartSec=${p.restartSec ?? 10}`,
      `LimitNOFILE=${p.limitNofile ?? 60000}`,
      `TimeoutSec=${p.timeoutSec ?? 120}`,
      '',
      '[Install]',
      'WantedBy=multi-user.target',
    ];
    return lines.join('\n') + '\n';
  }
}

function positiveInteger(prop: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new Error(`SystemdService: ${prop} ${value} is not allowed: give a whole number >= 1.`);
  }
}
