/**
 * The network GPU instances are placed in: a VPC, one of its VSwitches (which fixes the zone) and
 * a security group. Satisfied by {@link ServiceNetwork} (new resources) and by
 * `ServiceNetwork.fromExisting` (ids of what exists, from parameters or literals).
 */
export interface INetwork {
  /** The VPC id (a literal or a token). */
  readonly vpcId: string;
  /** The VSwitch id (a literal or a token). */
  readonly vSwitchId: string;
  /** The zone of the VSwitch (a literal or a token). */
  readonly zoneId: string;
  /** The id of the security group the instances join (a literal or a token). */
  readonly securityGroupId: string;
}
