import * as ros from '@alicloud/ros-cdk-core';
import { embedScript, expandEmbeddedScripts } from '../ros/script-encoding';
import { escapeSubText, subVariables } from '../ros/sub';
import { shellQuote } from './private/shell';
import { ScriptValue, ScriptValueEncoding } from './script-value';

/**
 * When a part runs. Parts render in phase order, then in the order they were added, like
 * cfn-init's files -> commands -> services.
 */
export enum ScriptPhase {
  /** Checks that must pass before anything is changed on the instance. */
  PREFLIGHT = 0,
  /** Files written to disk (unit files, nginx sites, password files). */
  FILES = 1,
  /** Commands run after the files exist. */
  COMMANDS = 2,
  /** Services (re)started. */
  SERVICES = 3,
  /** Bounded health checks; the SUCCESS signal is sent only after all of them pass. */
  HEALTH_CHECKS = 4,
}

/** One step of a {@link DeployScript}. */
export interface IScriptPart {
  /** When the part runs. */
  readonly phase: ScriptPhase;
  /** A short, secret-free text naming the step; it becomes the FAILURE reason if the step fails. */
  readonly description: string;
  /** The most time the step may take, in seconds; the script's budget is their sum. */
  readonly budgetSeconds: number;
  /** The deploy-time values the step reads. */
  readonly values: readonly ScriptValue[];
  /** Commands the step needs on the instance; checked before any step runs. */
  readonly requiredCommands: readonly string[];
  /**
   * The bash lines of the step. Write plain bash: the builder escapes `${` for Fn::Sub. Fail with
   * `ds_fail 'reason: the fix'`; log progress with `ds_log 'text'` (never a deploy-time value).
   */
  renderCommands(): string;
  /**
   * Bash function definitions the step calls, placed before any step. Blocks separated by a blank
   * line are placed once each, however many parts return them.
   * @default - none
   */
  renderFunctions?(): string | undefined;
}

/**
 * What signals the end of a deploy script to whoever waits for it (see `WaitConditionCallback`).
 */
export interface IScriptSignal {
  /** The deploy-time values the signal needs (such as the handle's CurlCli). */
  readonly values: readonly ScriptValue[];
  /** Commands the signal needs on the instance. */
  readonly requiredCommands: readonly string[];
  /**
   * Bash that defines `ds_signal STATUS REASON`, where STATUS is SUCCESS or FAILURE and REASON a
   * short, secret-free text. It returns non-zero, after logging so with `ds_log`, when the signal
   * was not delivered.
   */
  renderSignalFunction(): string;
  /** Called once by the script it is given to, so the wait can cover the script's budget. */
  bindScript(script: DeployScript): void;
  /**
   * How long whoever receives the signal waits for it, in seconds, if that is limited; a
   * RunCommand running the script must not be allowed to run longer.
   * @default - no limit
   */
  readonly timeoutSeconds?: number;
  /**
   * The most seconds one signal may take, retries included; added to the script's budget.
   * @default 0
   */
  readonly deliverySeconds?: number;
}

/** How the script is written into the RunCommand's content. */
export enum ScriptEncoding {
  /**
   * A few plain lines decode the deploy-time values; the script itself follows as gzip + base64 and
   * is run with `eval` (see `expandEmbeddedScripts` in lib/ros/script-encoding.ts, which the rule pack
   * uses to read it). About a third of the size of PLAIN.
   */
  GZIP_BASE64 = 'gzip-base64',
  /** The whole script in plain text. */
  PLAIN = 'plain',
}

/** Props for {@link DeployScript}. */
export interface DeployScriptProps {
  /** What the script signals its SUCCESS or FAILURE to. */
  readonly signal: IScriptSignal;
  /**
   * A file on the instance that gets the script's own progress lines (never a value of a
   * parameter). With GZIP_BASE64, the script that ran is kept beside it, `.log` replaced by `.sh`.
   * @default '/var/log/deploy-script.log'
   */
  readonly logFile?: string;
  /**
   * Seconds added to the parts' budgets and the signal's delivery time for the script's own work
   * (decoding, checking the required commands).
   * @default 60
   */
  readonly overheadSeconds?: number;
  /**
   * How the script is written into the command content.
   * @default ScriptEncoding.GZIP_BASE64
   */
  readonly encoding?: ScriptEncoding;
}

/** The rendered script. */
export interface RenderedDeployScript {
  /** The Fn::Sub body: bash with `${X}` for template variables and `${!x}` for bash's own. */
  readonly body: string;
  /** The Fn::Sub variable map: every value is a `Fn::Base64Encode` of a parameter or attribute. */
  readonly variables: { [name: string]: any };
  /**
   * The script as bash runs it on the instance, readable: embedded parts unpacked, `${!x}` written
   * `${x}`, and each deploy-time value shown as its template variable (`${PasswordBase64}`).
   */
  readonly readable: string;
  /** The deploy-time values, in the order the script decodes them. */
  readonly values: readonly ScriptValue[];
  /** The most bytes the values can add to the body when ROS substitutes them. */
  readonly reserveBytes: number;
}

const MARK = '\u0000';

/**
 * GNU coreutils programs: every Linux image has them (the script could not run otherwise), so the
 * rendered check of the required commands leaves them out.
 */
const COREUTILS = new Set(['base64', 'cat', 'chgrp', 'chmod', 'cut', 'date', 'dirname', 'id', 'install', 'mkdir', 'mktemp', 'mv', 'rm', 'sleep', 'tail', 'tee', 'tr', 'df']);

/**
 * A bash deploy script built from ordered, typed parts and rendered once, at synth, into ONE
 * `Fn::Sub` whose variable map carries every deploy-time value the parts declared.
 *
 * Rendered order: decoded values -> strict mode -> logging and signal functions -> EXIT trap that
 * sends FAILURE on every error path -> required-command check -> parts by phase -> SUCCESS, sent
 * only after every health check passed.
 */
export class DeployScript {
  /** What the script signals its end to. */
  public readonly signal: IScriptSignal;
  /** Where the script logs on the instance. */
  public readonly logFile: string;
  /** How the script is written into the command content. */
  public readonly encoding: ScriptEncoding;
  private readonly parts: IScriptPart[] = [];
  private readonly overheadSeconds: number;
  private rendered?: RenderedDeployScript;

  constructor(props: DeployScriptProps) {
    this.signal = props.signal;
    this.logFile = props.logFile ?? '/var/log/deploy-script.log';
    this.overheadSeconds = props.overheadSeconds ?? 60;
    this.encoding = props.encoding ?? ScriptEncoding.GZIP_BASE64;
    if (!/^\/[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(this.logFile) || this.logFile.split('/').includes('..')) {
      throw new Error(`DeployScript: logFile '${this.logFile}' is not allowed: give an absolute file path of letters, digits, '_', '.', '-' and '/', such as '/var/log/deploy-script.log'.`);
    }
    if (!Number.isInteger(this.overheadSeconds) || this.overheadSeconds < 0) {
      throw new Error(`DeployScript: overheadSeconds ${this.overheadSeconds} is not allowed: give a whole number of seconds >= 0.`);
    }
    if (!Object.values(ScriptEncoding).includes(this.encoding)) {
      throw new Error(`DeployScript: encoding '${this.encoding}' is not allowed: give ScriptEncoding.GZIP_BASE64 or ScriptEncoding.PLAIN.`);
    }
    this.signal.bindScript(this);
  }

  /** Add parts; they run in phase order, then in the order added. */
  public addParts(...parts: IScriptPart[]): this {
    if (this.rendered) {
      throw new Error('DeployScript: addParts() was called after the script was rendered; add every part before synthesis.');
    }
    this.parts.push(...parts);
    return this;
  }

  /** The most time the script may take, in seconds: the parts' budgets, the signal's delivery and the overhead. */
  public get budgetSeconds(): number {
    return this.parts.reduce((sum, p) => sum + p.budgetSeconds, this.overheadSeconds + (this.signal.deliverySeconds ?? 0));
  }

  /** The parts in the order they run. */
  public get orderedParts(): readonly IScriptPart[] {
    return this.parts
      .map((part, index) => ({ part, index }))
      .sort((a, b) => a.part.phase - b.part.phase || a.index - b.index)
      .map((x) => x.part);
  }

  /** Where the instance keeps the script that ran (GZIP_BASE64 only). */
  public get scriptCopyFile(): string {
    return this.logFile.endsWith('.log') ? `${this.logFile.slice(0, -4)}.sh` : `${this.logFile}.sh`;
  }

  /**
   * Render the body and the variable map; done once, later calls return the same object. An error
   * names the part it comes from and the fix.
   */
  public render(): RenderedDeployScript {
    if (!this.rendered) {
      this.rendered = this.doRender();
    }
    return this.rendered;
  }

  /**
   * True when a value is a Cloud Assistant parameter (`{{oos-secret:NAME}}`): the RunCommand must run
   * with `EnableParameter: true`.
   */
  public get usesCloudAssistantParameters(): boolean {
    return this.render().values.some((v) => v.encoding === ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER);
  }

  /** The script as an `Fn::Sub` token, for a RunCommand's CommandContent. */
  public toFnSub(): string {
    const { body, variables } = this.render();
    return ros.Fn.sub(body, variables);
  }

  private doRender(): RenderedDeployScript {
    if (this.parts.length === 0) {
      throw new Error('DeployScript: the script has no parts; add at least one with addParts().');
    }
    const values = new Map<string, ScriptValue>();
    const shellNames = new Map<string, string>();
    const declare = (v: ScriptValue, where: string) => {
      const seen = values.get(v.name);
      if (seen && seen.token !== v.token) {
        throw new Error(`DeployScript: ${where} declares value '${v.name}' with another token than an earlier part; give each deploy-time value one name.`);
      }
      const owner = shellNames.get(v.shellName);
      if (owner && owner !== v.name) {
        throw new Error(`DeployScript: ${where}: values '${owner}' and '${v.name}' both use the bash variable '${v.shellName}'; set shellName on one of them.`);
      }
      values.set(v.name, v);
      shellNames.set(v.shellName, v.name);
    };
    this.signal.values.forEach((v) => declare(v, 'the signal'));
    for (const part of this.parts) {
      if (!part.description || /[\n'"\\$`]/.test(part.description)) {
        throw new Error(`DeployScript: part description '${part.description}' is not allowed: give a non-empty single line without quotes, '\\', '$' or backticks.`);
      }
      if (!Number.isInteger(part.budgetSeconds) || part.budgetSeconds < 1) {
        throw new Error(`DeployScript: part '${part.description}' has budgetSeconds ${part.budgetSeconds}: give a whole number of seconds >= 1.`);
      }
      part.values.forEach((v) => declare(v, `part '${part.description}'`));
    }

    const required = new Set<string>(['base64', 'date', 'tee', ...this.signal.requiredCommands]);
    for (const p of this.parts) {
      for (const c of p.requiredCommands) {
        if (!/^[a-z0-9][a-z0-9._-]*$/.test(c)) {
          throw new Error(`DeployScript: part '${p.description}' requires command '${c}', which is not allowed: give a bare command name such as 'htpasswd'.`);
        }
        required.add(c);
      }
    }

    const ordered = this.orderedParts;
    const gzip = this.encoding === ScriptEncoding.GZIP_BASE64;
    const valueLines = [...values.values()].map((v) => {
      if (v.encoding === ScriptValueEncoding.BASE64) return `${v.shellName}=$(printf %s '${MARK}${v.subVariable}${MARK}'|base64 -d)`;
      const ifs = v.encoding === ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER ? 'IFS= ' : '';
      return `${ifs}read -r ${v.shellName} <<'DS_EOF'\n${MARK}${v.subVariable}${MARK}\nDS_EOF`;
    });
    const functionBlocks = new Set<string>();
    for (const part of ordered) {
      const text = checkedText(part.renderFunctions?.() ?? '', `part '${part.description}' (its functions)`);
      text.split(/\n\s*\n/).map((b) => b.trim()).filter((b) => b !== '').forEach((b) => functionBlocks.add(b));
    }
    const steps = ordered.map((part, i) => {
      const stage = `${i + 1}/${ordered.length} ${part.description}`;
      return `ds_step ${shellQuote(stage)}\n${checkedText(part.renderCommands(), `part '${part.description}'`).replace(/\n+$/, '')}`;
    });
    const success = `all ${ordered.length} steps and health checks passed`;

    const runtime = [
      [
        'set -euo pipefail',
        'umask 022',
        'export LC_ALL=C PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
        "ds_stage=start ds_reason='' ds_done='' ds_stop='' ds_signal_data=''",
        ...(this.logFile.startsWith('/var/log/') && this.logFile.split('/').length === 4 ? [] : [`mkdir -p ${this.logFile.substring(0, this.logFile.lastIndexOf('/'))} || true`]),
        `ds_log() { printf '%s %s\\n' "$(date -u +%FT%TZ)" "$*" | tee -a ${this.logFile} || true; }`,
        'ds_fail() { ds_reason=$1; exit 1; }',
        'ds_step() { ds_stage=$1; ds_log "step $1"; }',
      ].join('\n'),
      checkedText(this.signal.renderSignalFunction(), 'the signal function'),
      ...functionBlocks,
      [
        'ds_on_exit() {',
        '  local rc=$?',
        '  set +e; trap - EXIT',
        '  if [ -z "$ds_done" ]; then',
        '    [ $rc -ne 0 ] || rc=1',
        '    ds_reason="$ds_stage: ${ds_reason:-step failed with exit code $rc}"',
        '    ds_log "FAILURE at step $ds_reason"',
        '    ds_signal FAILURE "$ds_reason"',
        '    [ -z "$ds_stop" ] || systemctl stop "$ds_stop"',
        '  fi',
        '  exit $rc',
        '}',
        'trap ds_on_exit EXIT',
        'trap \'ds_fail "interrupted by a signal"\' TERM INT HUP',
        ...(gzip ? [`printf '%s\\n' "$ds_script" > ${this.scriptCopyFile} || true`] : []),
        "ds_stage='check required commands'",
        `for ds_c in ${[...required].filter((c) => !COREUTILS.has(c)).sort().join(' ')}; do`,
        '  command -v $ds_c >/dev/null || ds_fail "command not found: $ds_c; install it in the image"',
        'done',
      ].join('\n'),
      ...steps,
      [
        "ds_stage='signal SUCCESS' ds_done=SUCCESS",
        `ds_signal SUCCESS ${shellQuote(success)} || exit 1`,
      ].join('\n'),
    ].join('\n\n') + '\n';

    const intro = '# Rendered by ros-cdk-qwen-chat (lib/script): change the props, not this text.';
    let text: string;
    if (gzip) {
      text = [
        '#!/bin/bash',
        `# unpacked copy: ${this.scriptCopyFile}`,
        ...valueLines,
        embedScript('ds_script', `#!/bin/bash\n${runtime}`),
        '',
      ].join('\n');
    } else {
      text = ['#!/bin/bash', intro, ...valueLines, runtime].join('\n');
    }
    if (ros.Token.isUnresolved(text)) {
      throw new Error('DeployScript: the signal rendered a token into the script body; pass deploy-time values as ScriptValue so they go through the Fn::Sub variable map.');
    }
    // Escape bash's own "${" for Fn::Sub (each part was checked for a nested one above), then turn the
    // markers into the template variables.
    const body = escapeSubText(text).replace(new RegExp(`${MARK}([A-Za-z0-9]+)${MARK}`, 'g'), '${$1}');
    const variables: { [name: string]: any } = {};
    for (const v of values.values()) {
      variables[v.subVariable] = v.encoding === ScriptValueEncoding.BASE64 ? ros.Fn.base64Encode(v.token) : v.token;
    }
    checkSubVariables(body, variables);
    const readable = expandEmbeddedScripts(body.replace(/\$\{!/g, '${'));
    // What ROS substitutes for each `${X}` at most, less the `${X}` it replaces.
    const reserveBytes = [...values.values()].reduce((sum, v) => sum + Math.max(0, v.maxSubstitutedBytes - `\${${v.subVariable}}`.length), 0);
    return { body, variables, readable, values: [...values.values()], reserveBytes };
  }
}

/**
 * The text of one part, checked for what Fn::Sub cannot carry: a token (a deploy-time value must be
 * a ScriptValue) and a `${` nested in another `${...}` (Fn::Sub ends `${!...}` at the first `}`, so
 * `${a:-${b}}` would reach bash as `${a:-${!b}}`, an indirect expansion).
 */
function checkedText(text: string, where: string): string {
  if (text.includes(MARK)) {
    throw new Error(`DeployScript: ${where} has a NUL character; write plain text.`);
  }
  if (ros.Token.isUnresolved(text)) {
    throw new Error(`DeployScript: ${where} rendered a token into the script; pass deploy-time values as ScriptValue so they go through the Fn::Sub variable map, and read them as "$shell_name".`);
  }
  const nested = /\$\{[^}]*\$\{/.exec(text);
  if (nested) {
    throw new Error(`DeployScript: ${where} nests '\${' inside '\${...}' near '${nested[0]}'; Fn::Sub cannot escape that. Use a plain variable or an if instead.`);
  }
  return text;
}

/** Every `${X}` in the body is a declared variable and every variable is used. */
function checkSubVariables(body: string, variables: { [name: string]: any }): void {
  const used = new Set<string>();
  for (const { name } of subVariables(body)) {
    if (!(name in variables)) {
      throw new Error(`DeployScript: the body uses \${${name}} but the variable map has no '${name}'; declare the value as a ScriptValue of the part that reads it.`);
    }
    used.add(name);
  }
  for (const name of Object.keys(variables)) {
    if (!used.has(name)) {
      throw new Error(`DeployScript: the variable map declares '${name}' but the body never uses it.`);
    }
  }
}
