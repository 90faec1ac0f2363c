// ROS pseudo parameters: names ROS resolves itself, valid wherever a parameter name is (Ref, Fn::Sub).
// Source: ROS user guide, "Pseudo parameters", https://help.aliyun.com/en/ros/user-guide/pseudo-parameters

/** One pseudo parameter and the stand-in value tools use where no stack exists. */
export interface PseudoParameter {
  /** The name, e.g. `ALIYUN::Region`. */
  readonly name: string;
  /** What ROS gives for it. */
  readonly description: string;
  /**
   * A stand-in value of the right shape, used by the resolver and the rehearsal (never a real
   * account's value); undefined where the parameter has no string value outside ROS.
   */
  readonly standIn?: string;
}

/** Every ROS pseudo parameter, with stand-ins for those that have a string value. */
export const PSEUDO_PARAMETERS: readonly PseudoParameter[] = [
  { name: 'ALIYUN::StackName', description: 'the stack name', standIn: 'rehearsal-stack' },
  { name: 'ALIYUN::StackId', description: 'the stack ID', standIn: '00000000-0000-0000-0000-000000000000' },
  { name: 'ALIYUN::Region', description: 'the region the stack is created in', standIn: 'cn-hangzhou' },
  { name: 'ALIYUN::AccountId', description: 'the Alibaba Cloud account ID', standIn: '1234567890123456' },
  { name: 'ALIYUN::TenantId', description: 'the tenant (account) ID', standIn: '1234567890123456' },
  { name: 'ALIYUN::ResourceGroupId', description: 'the resource group of the stack', standIn: 'rg-rehearsal00000000' },
  // Removes the property it is the value of (in Fn::If): no value of its own.
  { name: 'ALIYUN::NoValue', description: 'removes the property (used in Fn::If)' },
  // Only meaningful inside a resource's Count: the index of the copy.
  { name: 'ALIYUN::Index', description: 'the index of a resource copy made by Count' },
];

const BY_NAME: ReadonlyMap<string, PseudoParameter> = new Map(PSEUDO_PARAMETERS.map((p) => [p.name, p]));

/** True for a ROS pseudo parameter name such as `ALIYUN::StackName` (unknown `ALIYUN::` names are false). */
export function isPseudoParameter(name: string): boolean {
  return BY_NAME.has(name);
}

/** Stand-in values of the pseudo parameters that have one, by name. */
export function pseudoParameterStandIns(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of PSEUDO_PARAMETERS) if (p.standIn !== undefined) out[p.name] = p.standIn;
  return out;
}
