import * as ros from '@alicloud/ros-cdk-core';
import { snakeCase } from './private/shell';

/** Options for {@link ScriptValue}. */
export interface ScriptValueOptions {
  /**
   * The value is a secret (a NoEcho parameter): script parts must hand it to programs on stdin
   * or in a file with mode 0600, never as an argument, and never log it.
   * @default false (true for a NoEcho parameter in {@link ScriptValue.fromParameter})
   */
  readonly secret?: boolean;
  /**
   * The bash variable that holds the decoded value in the script.
   * @default the name in snake_case (`UserName` -> `user_name`)
   */
  readonly shellName?: string;
}

/**
 * A deploy-time value (a ROS parameter or a resource attribute) that a deploy script needs.
 *
 * It reaches the script through the `Fn::Sub` variable map only, wrapped in `Fn::Base64Encode`,
 * and the script decodes it into a bash variable: its characters never meet the shell parser,
 * whatever the caller typed, because base64 text cannot contain a quote.
 */
export class ScriptValue {
  /** A ROS parameter; secret when the parameter is NoEcho. */
  public static fromParameter(parameter: ros.RosParameter, options: ScriptValueOptions = {}): ScriptValue {
    return new ScriptValue(parameter.logicalId, parameter.valueAsString, {
      secret: options.secret ?? parameter.noEcho,
      shellName: options.shellName,
    });
  }

  /** Any token or string, such as a resource attribute, under a template variable name. */
  public static fromToken(name: string, token: string, options: ScriptValueOptions = {}): ScriptValue {
    return new ScriptValue(name, token, options);
  }

  /** The name of the value; the `Fn::Sub` variable is `<name>Base64`. */
  public readonly name: string;
  /** The token (or literal) the variable map carries. */
  public readonly token: string;
  /** True when the value must never reach argv, logs or outputs. */
  public readonly secret: boolean;
  /** The bash variable holding the decoded value. */
  public readonly shellName: string;

  private constructor(name: string, token: string, options: ScriptValueOptions) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      throw new Error(`ScriptValue: name '${name}' is not allowed: use letters and digits, starting with a letter (it becomes the Fn::Sub variable '${name}Base64').`);
    }
    const shellName = options.shellName ?? snakeCase(name);
    if (!/^[a-z_][a-z0-9_]*$/.test(shellName) || shellName.startsWith('qwen_')) {
      throw new Error(`ScriptValue: shellName '${shellName}' is not allowed: use lower-case letters, digits and '_' (not starting with a digit or 'qwen_', which the script reserves).`);
    }
    this.name = name;
    this.token = token;
    this.secret = options.secret ?? false;
    this.shellName = shellName;
  }

  /** The `Fn::Sub` variable name that carries the base64 of the value. */
  public get subVariable(): string {
    return `${this.name}Base64`;
  }

  /** `"$user_name"`: the quoted bash expansion, for use in rendered lines. */
  public get quoted(): string {
    return `"\${${this.shellName}}"`;
  }
}
