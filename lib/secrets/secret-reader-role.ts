import * as ros from '@alicloud/ros-cdk-core';
import * as ram from '@alicloud/ros-cdk-ram';
import { assertLogicalIdFree } from '../ros/logical-id';
import { ISecretParameter } from './oos-secret-parameter';

// Sources:
// - Role and policy names: RAM CreateRole ("1 to 64 characters ... letters, digits, periods (.), and
//   hyphens (-)", https://www.alibabacloud.com/help/doc-detail/159988.htm); ROS ALIYUN::RAM::Role and
//   ALIYUN::RAM::ManagedPolicy (@alicloud/ros-cdk-spec 1.0.13: PolicyName up to 128 characters).
// - Trust policy of a role ECS instances assume: aliyun/ros-templates examples/security/ecs-ram-role.yml
//   (Principal Service ecs.aliyuncs.com, Action sts:AssumeRole).
// - Reading a secret parameter: action oos:GetSecretParameter on
//   acs:oos:{#regionId}:{#accountId}:secretparameter/{#secretparameterName}
//   (https://help.aliyun.com/zh/oos/developer-reference/api-oos-2019-06-01-getsecretparameter; the plural
//   GetSecretParameters likewise), and "you must specify Key Management Service (KMS) permissions for
//   encryption parameters": the OOS sample policy puts oos:GetSecretParameter and kms:GetSecretValue in one
//   statement on the parameters' resources (https://www.alibabacloud.com/help/doc-detail/200116.htm).

/** The actions the policy allows on the secret parameters, and only on them. */
export const SECRET_READ_ACTIONS: readonly string[] = ['oos:GetSecretParameter', 'oos:GetSecretParameters', 'kms:GetSecretValue'];

/** Props for {@link SecretReaderRole}. */
export interface SecretReaderRoleProps {
  /** The secret parameters the instances may read (more with `addSecret` until synthesis). */
  readonly secrets: readonly ISecretParameter[];
  /**
   * Give the read policy to this existing role instead of making one (an instance has one RAM role).
   * @default - a new role ECS instances assume, named `<namePrefix>-<stack id>`
   */
  readonly existingRoleName?: string;
  /**
   * Starts the names of the role and the policy (both unique per account, so the stack id follows): a
   * letter, then letters, digits and '-', at most 27 characters.
   * @default 'secret-reader'
   */
  readonly namePrefix?: string;
  /**
   * Prepended to the logical ids `SecretReaderRole` and `SecretReaderPolicy`.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * A RAM role for ECS instances (`RamRoleName` of the instance group) with a policy allowing only
 * to read, and decrypt, the given OOS secret parameters: `oos:GetSecretParameter(s)` and
 * `kms:GetSecretValue` on their ARNs and nothing else.
 */
export class SecretReaderRole extends ros.Construct {
  /** The role (absent with `existingRoleName`). */
  public readonly role?: ram.RosRole;
  /** The policy attached to the role (escape hatch). */
  public readonly policy: ram.RosManagedPolicy;
  /** The role's name, for the instance group's `RamRoleName`. */
  public readonly roleName: string;
  private readonly secrets: ISecretParameter[];

  constructor(scope: ros.Construct, id: string, props: SecretReaderRoleProps) {
    super(scope, id);
    const where = `SecretReaderRole '${this.node.path}'`;
    const prefix = props.namePrefix ?? 'secret-reader';
    // 27 + '-' + 36 (the stack id) = 64, RAM's longest role name.
    if (!/^[A-Za-z][A-Za-z0-9-]{0,26}$/.test(prefix)) {
      throw new Error(`${where}: namePrefix '${prefix}' is not allowed: give a letter, then letters, digits and '-', at most 27 characters (a RAM role name has at most 64 with the stack id).`);
    }
    if (props.secrets.length === 0) {
      throw new Error(`${where}: secrets is empty: give at least one secret parameter the instances must read.`);
    }
    const existing = props.existingRoleName;
    if (existing !== undefined && !ros.Token.isUnresolved(existing) && !/^[A-Za-z0-9.-]{1,64}$/.test(existing)) {
      throw new Error(`${where}: existingRoleName '${existing}' is not allowed: a RAM role name is 1 to 64 letters, digits, '.' and '-'.`);
    }
    const logicalIdPrefix = props.logicalIdPrefix ?? '';
    for (const logicalId of ['SecretReaderRole', 'SecretReaderPolicy']) {
      assertLogicalIdFree(this, `${logicalIdPrefix}${logicalId}`, 'SecretReaderRole', 'logicalIdPrefix');
    }
    this.secrets = [...props.secrets];
    if (existing === undefined) {
      this.role = new ram.RosRole(this, `${logicalIdPrefix}SecretReaderRole`, {
        roleName: ros.Fn.sub(`${prefix}-\${ALIYUN::StackId}`),
        description: 'Lets the instances of this stack read their OOS secret parameters',
        assumeRolePolicyDocument: {
          version: '1',
          statement: [{ action: 'sts:AssumeRole', effect: 'Allow', principal: { service: ['ecs.aliyuncs.com'] } }],
        },
      }, true);
      this.roleName = ros.Token.asString(this.role.attrRoleName);
    } else {
      this.roleName = existing;
    }
    this.policy = new ram.RosManagedPolicy(this, `${logicalIdPrefix}SecretReaderPolicy`, {
      policyName: ros.Fn.sub(`${prefix}-\${ALIYUN::StackId}`),
      description: 'Read and decrypt only the OOS secret parameters of this stack',
      policyDocument: {
        version: '1',
        statement: [{
          effect: 'Allow',
          action: [...SECRET_READ_ACTIONS],
          resource: ros.Lazy.listValue({ produce: () => this.secrets.map((s) => s.arn) }),
        }],
      },
      roles: [this.roleName],
    }, true);
  }

  /** Allow reading one more secret parameter. */
  public addSecret(secret: ISecretParameter): this {
    this.secrets.push(secret);
    return this;
  }

  /**
   * Makes `resource` (the instance group whose `RamRoleName` is {@link roleName}) wait for the
   * policy, so no command runs on the instances before they may read their secrets.
   */
  public requiredBy(resource: ros.RosResource): void {
    resource.addRosDependency(this.policy.logicalId);
  }
}
