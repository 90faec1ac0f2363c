import { collectReferences } from '../../ros/intrinsics';
import { describeRule, securityGroupRules } from '../analysis/security-groups';
import { defineRule, RuleFinding } from '../engine/template-rule';

const OPEN = new Set(['0.0.0.0/0', '::/0']);

function containsOpen(value: unknown): boolean {
  if (typeof value === 'string') return OPEN.has(value.trim());
  if (Array.isArray(value)) return value.some(containsOpen);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsOpen);
  return false;
}

/**
 * `open-ingress`: a security group ingress rule accepts traffic from 0.0.0.0/0 (or ::/0) and the template has no
 * parameter to narrow it. A SourceCidrIp that is (or is computed from) a `Ref` to a parameter passes, whatever
 * the parameter's default.
 */
export const openIngress = defineRule({
  id: 'open-ingress',
  summary: 'A security group ingress rule is open to 0.0.0.0/0 with no parameter to narrow it',
  check(template) {
    const findings: RuleFinding[] = [];
    const params = template.Parameters ?? {};
    for (const r of securityGroupRules(template)) {
      if (r.direction !== 'ingress') continue;
      if (typeof r.rule.Policy === 'string' && r.rule.Policy.toLowerCase() === 'drop') continue;
      for (const key of ['SourceCidrIp', 'Ipv6SourceCidrIp']) {
        const value = r.rule[key];
        if (!containsOpen(value)) continue;
        if (collectReferences(value).some((ref) => ref.kind === 'Ref' && ref.name in params)) continue;
        findings.push({
          target: r.resource,
          targetKind: 'resource',
          message: `${r.path ? `${r.path} ` : ''}(${describeRule(r)}) accepts ${key} ${JSON.stringify(value)} from the whole internet and no parameter can narrow it.`,
          fix: `set ${key} to { "Ref": "<a String parameter such as SourceCidrIp>" } so the deployer can restrict it (its Default may stay 0.0.0.0/0).`,
        });
      }
    }
    return findings;
  },
});
