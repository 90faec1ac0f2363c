import * as ros from '@alicloud/ros-cdk-core';
import { assertLogicalIdFree } from '../ros/logical-id';

// ALIYUN::OOS::SecretParameter is not in @alicloud/ros-cdk-spec 1.0.13 and no @alicloud/ros-cdk-oos
// package can be installed here, so the resource is a generic RosResource with the property names of
// the ROS reference: https://help.aliyun.com/zh/ros/developer-reference/aliyun-oos-secretparameter
// (SecretParameterName: letters, digits, '-', '_', at most 180 characters, not starting with ALIYUN,
// ACS, ALIBABA, ALICLOUD or OOS; Value at most 4096 characters; KeyId; Description at most 200
// characters; Constraints; Tags; attribute SecretParameterName).
// Cloud Assistant reads such a parameter in a command as `{{oos-secret:NAME}}` when the command is
// run with EnableParameter=true: https://www.alibabacloud.com/help/doc-detail/213542.htm

/** The resource type. */
export const OOS_SECRET_PARAMETER_TYPE = 'ALIYUN::OOS::SecretParameter';
/** Longest OOS secret parameter name (ROS reference above). */
export const SECRET_PARAMETER_NAME_MAX_LENGTH = 180;
/** Longest name a Cloud Assistant command parameter may have (ECS "custom parameters" page). */
export const CLOUD_ASSISTANT_PARAMETER_NAME_MAX_BYTES = 64;
const RESERVED_PREFIX = /^(aliyun|acs|alibaba|alicloud|oos)/i;
/** Length of `${ALIYUN::StackId}` once ROS substitutes it (a UUID). */
const STACK_ID_LENGTH = 36;

/** An OOS secret parameter a command can read as `{{oos-secret:NAME}}`. */
export interface ISecretParameter {
  /** The parameter's name (a token for one made in the stack). */
  readonly secretParameterName: string;
  /** `acs:oos:<region>:<account>:secretparameter/<name>`, what a RAM policy names to allow reading it. */
  readonly arn: string;
  /**
   * `{{oos-secret:<name>}}`: what Cloud Assistant replaces with the decrypted value in a command run
   * with `EnableParameter: true`. Put it in a RunCommand's content only through the deploy script's
   * values (never inside shell quotes: Cloud Assistant pastes the value as it is).
   */
  readonly commandReference: string;
}

/** Constraints OOS checks the value against (the resource's `Constraints`). */
export interface SecretParameterConstraints {
  /**
   * A regular expression the value must match.
   * @default - none
   */
  readonly allowedPattern?: string;
  /**
   * Shortest value.
   * @default - none
   */
  readonly minLength?: number;
  /**
   * Longest value (at most 4096).
   * @default - none
   */
  readonly maxLength?: number;
}

/** Props for {@link OosSecretParameter}. */
export interface OosSecretParameterProps {
  /** The secret: a NoEcho parameter's value (`param.valueAsString`), never a literal. */
  readonly value: string;
  /**
   * Ends the name, which is `<namePrefix>-<stack id>-<nameSuffix>` so it is unique per stack (and per
   * re-creation of a stack of the same name): letters, digits, '-' and '_', e.g. `password`.
   */
  readonly nameSuffix: string;
  /**
   * Starts the name: a letter, then letters, digits, '-' and '_'; not ALIYUN, ACS, ALIBABA,
   * ALICLOUD or OOS (OOS reserves them).
   * @default 'ros'
   */
  readonly namePrefix?: string;
  /**
   * Shown in the OOS console, at most 200 characters.
   * @default - none
   */
  readonly description?: string;
  /**
   * The KMS key that encrypts the value.
   * @default - OOS's default key for secret parameters
   */
  readonly kmsKeyId?: string;
  /**
   * Constraints OOS checks the value against.
   * @default - none
   */
  readonly constraints?: SecretParameterConstraints;
  /**
   * Prepended to the logical id `SecretParameter`; a second secret in one stack needs one.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * An `ALIYUN::OOS::SecretParameter` holding one secret (a password, an API key) encrypted by KMS,
 * named uniquely per stack. A RunCommand run with `EnableParameter: true` refers to it as
 * {@link commandReference}; Cloud Assistant puts in the value on the instance, so the command's
 * content (and its invocation records) never holds the secret. Read access is granted with
 * `SecretReaderRole`.
 */
export class OosSecretParameter extends ros.Construct implements ISecretParameter {
  /**
   * An OOS secret parameter that already exists, by name.
   * @param name its name: letters, digits, '-', '_' (and '/' for a path), at most 180 characters
   */
  public static fromSecretParameterName(scope: ros.Construct, id: string, name: string): ISecretParameter {
    if (!ros.Token.isUnresolved(name)) checkName(`OosSecretParameter.fromSecretParameterName '${scope.node.path}/${id}'`, 'name', name, /^[A-Za-z0-9_/-]+$/);
    const arn = ros.Fn.join('', ['acs:oos:', ros.RosPseudo.region, ':', ros.RosPseudo.accountId, ':secretparameter/', name]);
    return { secretParameterName: name, arn, commandReference: commandReference(name) };
  }

  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;
  /** The name: `<namePrefix>-<stack id>-<nameSuffix>` (read from the resource, so users depend on it). */
  public readonly secretParameterName: string;
  /** The ARN RAM policies name. */
  public readonly arn: string;
  /** `{{oos-secret:<name>}}`. */
  public readonly commandReference: string;
  /** The name as an `Fn::Sub` body over `${ALIYUN::StackId}`. */
  public readonly nameTemplate: string;

  constructor(scope: ros.Construct, id: string, props: OosSecretParameterProps) {
    super(scope, id);
    const where = `OosSecretParameter '${this.node.path}'`;
    const prefix = props.namePrefix ?? 'ros';
    checkName(where, 'namePrefix', prefix, /^[A-Za-z][A-Za-z0-9_-]*$/);
    checkName(where, 'nameSuffix', props.nameSuffix, /^[A-Za-z0-9_-]+$/);
    const length = prefix.length + 1 + STACK_ID_LENGTH + 1 + props.nameSuffix.length;
    if (length > CLOUD_ASSISTANT_PARAMETER_NAME_MAX_BYTES) {
      throw new Error(`${where}: the name '${prefix}-<stack id>-${props.nameSuffix}' would be ${length} characters; a Cloud Assistant parameter name has at most ${CLOUD_ASSISTANT_PARAMETER_NAME_MAX_BYTES}: shorten namePrefix or nameSuffix.`);
    }
    if (!ros.Token.isUnresolved(props.value)) {
      throw new Error(`${where}: value is a literal string: a secret written into the template is no secret. Give a NoEcho parameter's value (param.valueAsString).`);
    }
    if (props.description !== undefined && props.description.length > 200) {
      throw new Error(`${where}: description is ${props.description.length} characters: give at most 200.`);
    }
    const c = props.constraints;
    if (c?.maxLength !== undefined && (!Number.isInteger(c.maxLength) || c.maxLength < 1 || c.maxLength > 4096)) {
      throw new Error(`${where}: constraints.maxLength ${c.maxLength} is not allowed: give a whole number from 1 to 4096.`);
    }
    if (c?.minLength !== undefined && (!Number.isInteger(c.minLength) || c.minLength < 0 || c.minLength > (c.maxLength ?? 4096))) {
      throw new Error(`${where}: constraints.minLength ${c.minLength} is not allowed: give a whole number from 0 to maxLength.`);
    }
    const logicalId = `${props.logicalIdPrefix ?? ''}SecretParameter`;
    assertLogicalIdFree(this, logicalId, 'OosSecretParameter', 'logicalIdPrefix');

    this.nameTemplate = `${prefix}-\${ALIYUN::StackId}-${props.nameSuffix}`;
    const constraints = c === undefined ? undefined : {
      ...(c.allowedPattern !== undefined ? { AllowedPattern: c.allowedPattern } : {}),
      ...(c.minLength !== undefined ? { MinLength: c.minLength } : {}),
      ...(c.maxLength !== undefined ? { MaxLength: c.maxLength } : {}),
    };
    this.resource = new ros.RosResource(this, logicalId, {
      type: OOS_SECRET_PARAMETER_TYPE,
      properties: {
        SecretParameterName: ros.Fn.sub(this.nameTemplate),
        Value: props.value,
        ...(props.description !== undefined ? { Description: props.description } : {}),
        ...(props.kmsKeyId !== undefined ? { KeyId: props.kmsKeyId } : {}),
        ...(constraints !== undefined ? { Constraints: constraints } : {}),
      },
    });
    this.secretParameterName = ros.Token.asString(this.resource.getAtt('SecretParameterName'));
    this.arn = ros.Fn.sub(`acs:oos:\${ALIYUN::Region}:\${ALIYUN::AccountId}:secretparameter/${this.nameTemplate}`);
    this.commandReference = commandReference(this.secretParameterName);
  }
}

function commandReference(name: string): string {
  return ros.Token.isUnresolved(name) ? ros.Fn.join('', ['{{oos-secret:', name, '}}']) : `{{oos-secret:${name}}}`;
}

function checkName(where: string, prop: string, value: string, pattern: RegExp): void {
  if (!pattern.test(value) || value.length > SECRET_PARAMETER_NAME_MAX_LENGTH) {
    throw new Error(`${where}: ${prop} '${value}' is not allowed: give letters, digits, '-' and '_' (at most ${SECRET_PARAMETER_NAME_MAX_LENGTH} characters in all), such as 'password'.`);
  }
  if (RESERVED_PREFIX.test(value) && prop !== 'nameSuffix') {
    throw new Error(`${where}: ${prop} '${value}' is not allowed: OOS reserves names starting with ALIYUN, ACS, ALIBABA, ALICLOUD or OOS; give another, such as 'ros'.`);
  }
}
