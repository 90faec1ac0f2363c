import { describeRule, securityGroupRules, SecurityGroupRule } from '../analysis/security-groups';
import { defineRule, RuleFinding } from '../engine/template-rule';

const PEERS = ['SourceCidrIp', 'Ipv6SourceCidrIp', 'SourceGroupId', 'SourcePrefixListId', 'SourceGroupOwnerId', 'DestCidrIp', 'Ipv6DestCidrIp', 'DestGroupId', 'DestPrefixListId', 'SourcePortRange', 'DestGroupOwnerId'];

function fingerprint(r: SecurityGroupRule): string {
  const rule = r.rule;
  const lower = (v: unknown, dflt: string) => (typeof v === 'string' ? v.toLowerCase() : v === undefined ? dflt : JSON.stringify(v));
  const protocol = lower(rule.IpProtocol, 'all');
  const port = protocol === 'all' || protocol === 'icmp' ? '-1/-1' : JSON.stringify(rule.PortRange ?? '-1/-1');
  const peers = PEERS.map((k) => JSON.stringify(rule[k] ?? null)).join(',');
  return [r.group, r.direction, protocol, port, peers, lower(rule.NicType, 'intranet'), lower(rule.Policy, 'accept')].join('|');
}

/**
 * `duplicate-security-group-rule`: two rules of the same security group have the same direction, protocol, port
 * range, peer, NIC type and policy (priority and description are ignored): ECS rejects or merges the second one.
 */
export const duplicateSecurityGroupRule = defineRule({
  id: 'duplicate-security-group-rule',
  summary: 'Two rules of one security group are identical',
  check(template) {
    const findings: RuleFinding[] = [];
    const first = new Map<string, SecurityGroupRule>();
    for (const r of securityGroupRules(template)) {
      const key = fingerprint(r);
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, r);
        continue;
      }
      const where = (x: SecurityGroupRule) => `${x.resource}${x.path ? `.${x.path}` : ''}`;
      findings.push({
                target: r.resource,
        targetKind: 'resource',
        message: `${r.direction} rule ${where(r)} (${describeRule(r)}) duplicates ${where(earlier)} of security group ${r.group}.`,
        fix: `delete one of the two rules (they differ at most in Priority or Description).`,
      });
    }
    return findings;
  },
});
