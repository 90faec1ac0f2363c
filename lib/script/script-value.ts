import * as ros from '@alicloud/ros-cdk-core';
import { RUNTIME_PREFIX, snakeCase } from './private/shell';

/** How a {@link ScriptValue} travels into the script. */
export enum ScriptValueEncoding {
  /**
   * Wrapped in `Fn::Base64Encode` and decoded with `base64 -d`: its characters never meet the shell
   * parser, whatever the caller typed, because base64 text cannot contain a quote. For any value.
   */
  BASE64 = 'base64',
  /**
   * Substituted as is into a quoted here-document and read with `read -r`: a third smaller than
   * BASE64. Only for one line of text that ROS itself generates, such as a WaitConditionHandle's
   * CurlCli; never for a parameter, whose value could end the here-document.
   */
  ROS_GENERATED_LINE = 'ros-generated-line',
  /**
   * A Cloud Assistant parameter reference such as `{{oos-secret:NAME}}` (an OOS secret parameter's
   * `commandReference`): Cloud Assistant puts in the decrypted value on the instance when the
   * RunCommand runs with `EnableParameter: true` (which DeployScriptRunCommand then sets), so the
   * command's content and its records never hold the secret. Read from a quoted here-document with
   * `IFS= read -r`: only for one line without line breaks (an OOS parameter whose constraints say so).
   * `maxBytes` is then the longest the reference can be once ROS wrote it (the RunCommand's limit applies
   * to that content, before Cloud Assistant puts the value in).
   */
  CLOUD_ASSISTANT_PARAMETER = 'cloud-assistant-parameter',
}

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
  /**
   * The most bytes the value can have (UTF-8), for the RunCommand size check: pass the parameter's
   * MaxLength when its pattern allows ASCII only (4 x MaxLength otherwise).
   * @default 1024
   */
  readonly maxBytes?: number;
  /**
   * How the value travels into the script.
   * @default ScriptValueEncoding.BASE64
   */
  readonly encoding?: ScriptValueEncoding;
}

/**
 * A deploy-time value (a ROS parameter or a resource attribute) that a deploy script needs.
 *
 * It reaches the script through the `Fn::Sub` variable map only, wrapped in `Fn::Base64Encode`
 * (see {@link ScriptValueEncoding}), and the script decodes it into a bash variable in its first
 * lines, before anything else runs.
 */
export class ScriptValue {
  /** A ROS parameter; secret when the parameter is NoEcho. */
  public static fromParameter(parameter: ros.RosParameter, options: ScriptValueOptions = {}): ScriptValue {
    if (options.encoding === ScriptValueEncoding.ROS_GENERATED_LINE || options.encoding === ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER) {
      throw new Error(`ScriptValue: parameter '${parameter.logicalId}' cannot use ScriptValueEncoding.${options.encoding === ScriptValueEncoding.ROS_GENERATED_LINE ? 'ROS_GENERATED_LINE: a user\'s value could end the here-document' : 'CLOUD_ASSISTANT_PARAMETER: its value is no {{...}} reference (use ScriptValue.fromCloudAssistantParameter with an OOS secret parameter)'}; use BASE64.`);
    }
    return new ScriptValue(parameter.logicalId, parameter.valueAsString, {
      ...options,
      secret: options.secret ?? parameter.noEcho,
    });
  }

  /**
   * An OOS secret parameter (`OosSecretParameter`), put in by Cloud Assistant on the instance: secret,
   * never in the command's content. Its value must be one line (give the parameter a pattern that
   * allows no line break, as the password rule does).
   * @param name the value's name (the `Fn::Sub` variable is `<name>Reference`)
   * @param reference the parameter's `commandReference` (`{{oos-secret:NAME}}`)
   */
  public static fromCloudAssistantParameter(name: string, reference: string, options: Omit<ScriptValueOptions, 'encoding'> = {}): ScriptValue {
    return new ScriptValue(name, reference, { ...options, secret: options.secret ?? true, encoding: ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER });
  }

  /** Any token or string, such as a resource attribute, under a template variable name. */
  public static fromToken(name: string, token: string, options: ScriptValueOptions = {}): ScriptValue {
    return new ScriptValue(name, token, options);
  }

  /** The name of the value; the `Fn::Sub` variable is `<name>Base64` (`<name>` for ROS_GENERATED_LINE). */
  public readonly name: string;
  /** The token (or literal) the variable map carries. */
  public readonly token: string;
  /** True when the value must never reach argv, logs or outputs. */
  public readonly secret: boolean;
  /** The bash variable holding the decoded value. */
  public readonly shellName: string;
  /** The most bytes the value can have. */
  public readonly maxBytes: number;
  /** How the value travels into the script. */
  public readonly encoding: ScriptValueEncoding;

  private constructor(name: string, token: string, options: ScriptValueOptions) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      throw new Error(`ScriptValue: name '${name}' is not allowed: use letters and digits, starting with a letter (it becomes the Fn::Sub variable '${name}Base64').`);
    }
    const shellName = options.shellName ?? snakeCase(name);
    if (!/^[a-z_][a-z0-9_]*$/.test(shellName) || shellName.startsWith(RUNTIME_PREFIX)) {
      throw new Error(`ScriptValue: shellName '${shellName}' is not allowed: use lower-case letters, digits and '_' (not starting with a digit or '${RUNTIME_PREFIX}', which the script's runtime reserves).`);
    }
    const maxBytes = options.maxBytes ?? 1024;
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 16384) {
      throw new Error(`ScriptValue: maxBytes ${maxBytes} of '${name}' is not allowed: give a whole number of bytes from 1 to 16384.`);
    }
    const encoding = options.encoding ?? ScriptValueEncoding.BASE64;
    if (!Object.values(ScriptValueEncoding).includes(encoding)) {
      throw new Error(`ScriptValue: encoding '${encoding}' of '${name}' is not allowed: give a ScriptValueEncoding.`);
    }
    if (encoding === ScriptValueEncoding.ROS_GENERATED_LINE && options.secret) {
      throw new Error(`ScriptValue: '${name}' is secret and cannot use ScriptValueEncoding.ROS_GENERATED_LINE (a here-document may be written to a temporary file); use BASE64.`);
    }
    this.name = name;
    this.token = token;
    this.secret = options.secret ?? false;
    this.shellName = shellName;
    this.maxBytes = maxBytes;
    this.encoding = encoding;
  }

  /** The `Fn::Sub` variable name that carries the value. */
  public get subVariable(): string {
    if (this.encoding === ScriptValueEncoding.BASE64) return `${this.name}Base64`;
    return this.encoding === ScriptValueEncoding.CLOUD_ASSISTANT_PARAMETER ? `${this.name}Reference` : this.name;
  }

  /** `"${user_name}"`: the quoted bash expansion, for use in rendered lines. */
  public get quoted(): string {
    return `"\${${this.shellName}}"`;
  }

  /**
   * The most bytes ROS may substitute for the variable: `maxBytes`, or for BASE64 its MIME base64
   * (a line break after every 76 characters and at the end, as ROS's Fn::Base64Encode writes it).
   */
  public get maxSubstitutedBytes(): number {
    if (this.encoding !== ScriptValueEncoding.BASE64) {
      return this.maxBytes;
    }
    const chars = 4 * Math.ceil(this.maxBytes / 3);
    return chars + Math.ceil(chars / 76);
  }
}
