import { isSafeAbsolutePath, renderWriteFunction, writeFileCommands } from './private/shell';
import { IScriptPart, ScriptPhase } from './deploy-script';
import { ScriptValue } from './script-value';

/** Props for {@link ScriptFile}. */
export interface ScriptFileProps {
  /** Absolute path of the file on the instance. */
  readonly path: string;
  /** The file's content, known at synth time (no tokens: deploy-time values go through ScriptValue). */
  readonly content: string;
  /**
   * Octal file mode.
   * @default '0644'
   */
  readonly mode?: string;
}

/** A file written by the deploy script, atomically (temporary file, then rename). */
export class ScriptFile implements IScriptPart {
  public readonly phase = ScriptPhase.FILES;
  public readonly budgetSeconds = 10;
  public readonly values: readonly ScriptValue[] = [];
  public readonly requiredCommands: readonly string[] = ['install', 'dirname', 'cat', 'chmod', 'mv'];
  public readonly description: string;
  public readonly path: string;
  public readonly content: string;
  public readonly mode: string;

  constructor(props: ScriptFileProps) {
    if (!isSafeAbsolutePath(props.path)) {
      throw new Error(`ScriptFile: path '${props.path}' is not allowed: give an absolute path of letters, digits and '_@+=:,./-', without '..'.`);
    }
    this.mode = props.mode ?? '0644';
    if (!/^0?[0-7]{3}$/.test(this.mode)) {
      throw new Error(`ScriptFile: mode '${this.mode}' for ${props.path} is not allowed: give an octal mode such as '0644'.`);
    }
    this.path = props.path;
    this.content = props.content;
    this.description = `write ${props.path}`;
  }

  public renderFunctions(): string {
    return renderWriteFunction();
  }

  public renderCommands(): string {
    return writeFileCommands(this.path, this.content, this.mode);
  }
}

/** Props for {@link ScriptCommands}. */
export interface ScriptCommandsProps {
  /** A short, secret-free name of the step (the FAILURE reason names it). */
  readonly description: string;
  /** Bash lines, known at synth time. */
  readonly commands: readonly string[];
  /**
   * When the commands run.
   * @default ScriptPhase.COMMANDS
   */
  readonly phase?: ScriptPhase;
  /**
   * The most time the commands may take, in seconds.
   * @default 60
   */
  readonly budgetSeconds?: number;
  /**
   * Deploy-time values the commands read, as `"${shellName}"`.
   * @default - none
   */
  readonly values?: readonly ScriptValue[];
  /**
   * Commands that must exist on the instance.
   * @default - none
   */
  readonly requiredCommands?: readonly string[];
}

/** Plain bash lines as a step of the deploy script. */
export class ScriptCommands implements IScriptPart {
  public readonly phase: ScriptPhase;
  public readonly budgetSeconds: number;
  public readonly values: readonly ScriptValue[];
  public readonly requiredCommands: readonly string[];
  public readonly description: string;
  private readonly commands: readonly string[];

  constructor(props: ScriptCommandsProps) {
    if (props.commands.length === 0) {
      throw new Error(`ScriptCommands '${props.description}': commands is empty; give at least one bash line.`);
    }
    this.description = props.description;
    this.commands = props.commands;
    this.phase = props.phase ?? ScriptPhase.COMMANDS;
    this.budgetSeconds = props.budgetSeconds ?? 60;
    this.values = props.values ?? [];
    this.requiredCommands = props.requiredCommands ?? [];
  }

  public renderCommands(): string {
    return this.commands.join('\n');
  }
}
