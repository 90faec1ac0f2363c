import * as ros from '@alicloud/ros-cdk-core';
import { escapeSubText, subVariables } from '../ros/sub';
import { shellQuote } from './private/shell';
import { ScriptValue } from './script-value';

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
  /** The bash lines of the step. `${` is escaped by the builder; write plain bash. */
  renderCommands(): string;
  /**
   * Bash function definitions the step calls, placed once (deduplicated) before any step.
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
   * Bash that defines `qwen_signal STATUS REASON`, where STATUS is SUCCESS or FAILURE and REASON a
   * short, secret-free text.
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
}

/** Props for {@link DeployScript}. */
export interface DeployScriptProps {
  /** What the script signals its SUCCESS or FAILURE to. */
  readonly signal: IScriptSignal;
  /**
   * A file on the instance that gets the script's own progress lines (never a value of a
   * parameter).
   * @default '/var/log/qwen-chat-deploy.log'
   */
  readonly logFile?: string;
  /**
   * Seconds added to the sum of the parts' budgets for the script's own work (decoding, and the
   * signal, whose curl may retry for up to 90 seconds).
   * @default 120
   */
  readonly overheadSeconds?: number;
}

/** The rendered script: the `Fn::Sub` body and its variable map. */
export interface RenderedDeployScript {
  /** The Fn::Sub body: bash with `${X}` for template variables and `${!x}` for bash's own. */
  readonly body: string;
  /** The Fn::Sub variable map: every value is a `Fn::Base64Encode` of a parameter or attribute. */
  readonly variables: { [name: string]: any };
}

const MARK = '\u0000';

/**
 * A bash deploy script built from ordered, typed parts and rendered once, at synth, into ONE
 * `Fn::Sub` whose variable map carries every deploy-time value the parts declared.
 *
 * Rendered order: shebang and strict mode -> logging and signal functions -> EXIT trap that sends
 * FAILURE on every error path -> decoded values -> required-command check -> parts by phase ->
 * SUCCESS, sent only after every health check passed.
 */
export class DeployScript {
  /** What the script signals its end to. */
  public readonly signal: IScriptSignal;
  private readonly parts: IScriptPart[] = [];
  private readonly logFile: string;
  private readonly overheadSeconds: number;
  private rendered?: RenderedDeployScript;

  constructor(props: DeployScriptProps) {
    this.signal = props.signal;
    this.logFile = props.logFile ?? '/var/log/qwen-chat-deploy.log';
    this.overheadSeconds = props.overheadSeconds ?? 120;
    if (!/^\/[A-Za-z0-9_./-]+$/.test(this.logFile)) {
      throw new Error(`DeployScript: logFile '${this.logFile}' is not allowed: give an absolute path of letters, digits, '_', '.', '-' and '/'.`);
    }
    if (!Number.isInteger(this.overheadSeconds) || this.overheadSeconds < 0) {
      throw new Error(`DeployScript: overheadSeconds ${this.overheadSeconds} is not allowed: give a whole number of seconds >= 0.`);
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

  /** The most time the script may take, in seconds: the parts' budgets plus the overhead. */
  public get budgetSeconds(): number {
    return this.parts.reduce((sum, p) => sum + p.budgetSeconds, this.overheadSeconds);
  }

  /** The parts in the order they run. */
  public get orderedParts(): readonly IScriptPart[] {
    return this.parts
      .map((part, index) => ({ part, index }))
      .sort((a, b) => a.part.phase - b.part.phase || a.index - b.index)
      .map((x) => x.part);
  }

  /** Render the body and the variable map; done once, later calls return the same object. */
  public render(): RenderedDeployScript {
    if (!this.rendered) {
      this.rendered = this.doRender();
    }
    return this.rendered;
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
    const declare = (v: ScriptValue) => {
      const seen = values.get(v.name);
      if (seen && seen.token !== v.token) {
        throw new Error(`DeployScript: value '${v.name}' is declared twice with different tokens; give each deploy-time value one name.`);
      }
      const owner = shellNames.get(v.shellName);
      if (owner && owner !== v.name) {
        throw new Error(`DeployScript: values '${owner}' and '${v.name}' both use the bash variable '${v.shellName}'; set shellName on one of them.`);
      }
      values.set(v.name, v);
      shellNames.set(v.shellName, v.name);
    };
    this.signal.values.forEach(declare);
    for (const part of this.parts) {
      if (!part.description || /[\n'"\\$`]/.test(part.description)) {
        throw new Error(`DeployScript: part description '${part.description}' is not allowed: give a non-empty single line without quotes, '\\', '$' or backticks.`);
      }
      if (!Number.isInteger(part.budgetSeconds) || part.budgetSeconds < 1) {
        throw new Error(`DeployScript: part '${part.description}' has budgetSeconds ${part.budgetSeconds}: give a whole number of seconds >= 1.`);
      }
      part.values.forEach(declare);
    }

    const required = new Set<string>(['base64', 'date', 'tee', ...this.signal.requiredCommands]);
    this.parts.forEach((p) => p.requiredCommands.forEach((c) => required.add(c)));
    for (const c of required) {
      if (!/^[a-z0-9][a-z0-9._-]*$/.test(c)) {
        throw new Error(`DeployScript: required command '${c}' is not allowed: give a bare command name such as 'htpasswd'.`);
      }
    }

    const signalValues = this.signal.values;
    const otherValues = [...values.values()].filter((v) => !signalValues.includes(v));
    const decodeLine = (v: ScriptValue) =>
      `${v.shellName}="$(qwen_decode '${MARK}${v.subVariable}${MARK}')"`;

    const ordered = this.orderedParts;
    const sections: string[] = [
      [
        '#!/bin/bash',
        '# Deploy script rendered at synth time by ros-cdk-qwen-chat: change the construct props, not this text.',
        '# Deploy-time values arrive base64-encoded through the Fn::Sub variable map and are decoded into',
        '# variables, so their characters never meet the shell parser. Secrets go to programs on stdin.',
        'set -euo pipefail',
        'umask 022',
        '# A known locale (glob ranges in case patterns) and the system paths, whatever the caller had.',
        'export LC_ALL=C',
        'export PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
        '',
        `qwen_log_file=${shellQuote(this.logFile)}`,
        "qwen_stage='start'",
        "qwen_failure_reason=''",
        "qwen_signalled=''",
        '',
        '# Progress lines of this script only: never a parameter value.',
        'qwen_log() {',
        '  printf \'%s [qwen-chat-deploy] %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" | tee -a "$qwen_log_file" || true',
        '}',
        '',
        '# Stop with a reason; the EXIT trap sends it as the FAILURE signal.',
        'qwen_fail() {',
        '  qwen_failure_reason="$1"',
        '  exit 1',
        '}',
        '',
        'qwen_decode() {',
        '  printf \'%s\' "$1" | base64 -d',
        '}',
      ].join('\n'),
      this.signal.renderSignalFunction(),
      ...[...new Set(ordered.map((p) => p.renderFunctions?.()).filter((f): f is string => !!f))],
      [
        '# Every exit that is not the SUCCESS path sends FAILURE with the failed step.',
        'qwen_on_exit() {',
        '  local rc=$?',
        '  # Nothing in here may stop the FAILURE signal: no errexit from now on.',
        '  set +e',
        '  trap - EXIT',
        '  if [ "$qwen_signalled" != SUCCESS ]; then',
        '    [ "$rc" -ne 0 ] || rc=1',
        '    local reason="$qwen_failure_reason"',
        '    [ -n "$reason" ] || reason="step failed with exit code $rc"',
        '    qwen_log "FAILURE at step: ${qwen_stage}: ${reason}"',
        '    qwen_signal FAILURE "${qwen_stage}: ${reason}" || qwen_log "could not send the FAILURE signal"',
        '  fi',
        '  exit "$rc"',
        '}',
        'trap qwen_on_exit EXIT',
        "trap 'qwen_fail \"interrupted by SIGTERM\"' TERM",
        "trap 'qwen_fail \"interrupted by SIGINT\"' INT",
        "trap 'qwen_fail \"interrupted by SIGHUP\"' HUP",
      ].join('\n'),
      [
        "qwen_stage='decode deploy-time values'",
        ...signalValues.map(decodeLine),
        ...otherValues.map(decodeLine),
      ].join('\n'),
      [
        "qwen_stage='check required commands'",
        `for qwen_command in ${[...required].sort().join(' ')}; do`,
        '  command -v "$qwen_command" >/dev/null 2>&1 || qwen_fail "required command not found: ${qwen_command}"',
        'done',
      ].join('\n'),
      ...ordered.map((part, i) => [
        `# Step ${i + 1}/${ordered.length}: ${part.description}`,
        `qwen_stage=${shellQuote(`${i + 1}/${ordered.length} ${part.description}`)}`,
        `qwen_log "step \${qwen_stage}"`,
        part.renderCommands().replace(/\n+$/, ''),
      ].join('\n')),
      [
        "qwen_stage='signal SUCCESS'",
        `qwen_signal SUCCESS ${shellQuote(`all ${ordered.length} steps and health checks passed`)}`,
        'qwen_signalled=SUCCESS',
        "qwen_log 'SUCCESS signalled'",
      ].join('\n'),
    ];

    const text = sections.join('\n\n') + '\n';
    if (ros.Token.isUnresolved(text)) {
      throw new Error('DeployScript: a part rendered a token into the script body; pass deploy-time values as ScriptValue so they go through the Fn::Sub variable map.');
    }
    // Escape bash's own "${" for Fn::Sub (refused when nested: Fn::Sub would mangle it), then turn the markers
    // into the template variables.
    let escaped: string;
    try {
      escaped = escapeSubText(text);
    } catch (e) {
      throw new Error(`DeployScript: the script nests ${(e as Error).message}`);
    }
    const body = escaped.replace(new RegExp(`${MARK}([A-Za-z0-9]+)${MARK}`, 'g'), '${$1}');

    const variables: { [name: string]: any } = {};
    for (const v of values.values()) {
      variables[v.subVariable] = ros.Fn.base64Encode(v.token);
    }
    checkSubVariables(body, variables);
    return { body, variables };
  }
}

/** Every `${X}` in the body is a declared variable and every variable is used. */
function checkSubVariables(body: string, variables: { [name: string]: any }): void {
  const used = new Set<string>();
  for (const { name } of subVariables(body)) {
    if (!(name in variables)) {
      throw new Error(`DeployScript: the body uses \${${name}} but the variable map has no '${name}'.`);
    }
    used.add(name);
  }
  for (const name of Object.keys(variables)) {
    if (!used.has(name)) {
      throw new Error(`DeployScript: the variable map declares '${name}' but the body never uses it.`);
    }
  }
}
