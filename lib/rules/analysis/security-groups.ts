// Security group rules of a template, from ALIYUN::ECS::SecurityGroup (SecurityGroupIngress / SecurityGroupEgress
// lists), ALIYUN::ECS::SecurityGroupIngress / SecurityGroupEgress (one rule each) and
// ALIYUN::ECS::SecurityGroupIngresses / SecurityGroupEgresses (Permissions list).
import { TemplateDocument } from '../../ros/template';

/** One security group rule and where it is declared. */
export interface SecurityGroupRule {
  readonly resource: string;
  /** `SecurityGroupIngress[0]`, `Permissions[1]` or `` for a one-rule resource. */
  readonly path: string;
  readonly direction: 'ingress' | 'egress';
  /** The group the rule belongs to (its logical ID, or the JSON of its SecurityGroupId). */
  readonly group: string;
  readonly rule: Record<string, unknown>;
}

function groupKey(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'Ref' in value) return String((value as { Ref: unknown }).Ref);
  return JSON.stringify(value);
}

/** Every security group rule in the template. */
export function securityGroupRules(template: TemplateDocument): SecurityGroupRule[] {
  const out: SecurityGroupRule[] = [];
  for (const [resource, def] of Object.entries(template.Resources ?? {})) {
    const props = (def?.Properties ?? {}) as Record<string, unknown>;
    const list = (key: string, direction: 'ingress' | 'egress', group: string) => {
      const items = props[key];
      if (!Array.isArray(items)) return;
      items.forEach((rule, i) => {
        if (typeof rule === 'object' && rule !== null) out.push({ resource, path: `${key}[${i}]`, direction, group, rule: rule as Record<string, unknown> });
      });
    };
    switch (def?.Type) {
      case 'ALIYUN::ECS::SecurityGroup':
        list('SecurityGroupIngress', 'ingress', resource);
        list('SecurityGroupEgress', 'egress', resource);
        break;
      case 'ALIYUN::ECS::SecurityGroupIngress':
        out.push({ resource, path: '', direction: 'ingress', group: groupKey(props.SecurityGroupId), rule: props });
        break;
      case 'ALIYUN::ECS::SecurityGroupEgress':
        out.push({ resource, path: '', direction: 'egress', group: groupKey(props.SecurityGroupId), rule: props });
        break;
      case 'ALIYUN::ECS::SecurityGroupIngresses':
        list('Permissions', 'ingress', groupKey(props.SecurityGroupId));
        break;
      case 'ALIYUN::ECS::SecurityGroupEgresses':
        list('Permissions', 'egress', groupKey(props.SecurityGroupId));
        break;
      default:
        break;
    }
  }
  return out;
}

/** `PortRange` (or `*`) and protocol of a rule, for messages. */
export function describeRule(r: SecurityGroupRule): string {
  const port = typeof r.rule.PortRange === 'string' ? r.rule.PortRange : JSON.stringify(r.rule.PortRange ?? '-1/-1');
  return `${String(r.rule.IpProtocol ?? 'all')} ${port}`;
}
