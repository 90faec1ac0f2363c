import { collectReferences } from '../../ros/intrinsics';
import { isPseudoParameter } from '../../ros/pseudo-parameters';
import { FindingTargetKind } from '../engine/finding';
import { defineRule, RuleFinding } from '../engine/template-rule';

/**
 * `missing-reference-target`: a Ref (also Fn::Sub's `${Name}`), Fn::GetAtt (`${Name.Attr}`), DependsOn, Condition or
 * Fn::FindInMap names a parameter, resource, condition or mapping the template does not declare.
 */
export const missingReferenceTarget = defineRule({
  id: 'missing-reference-target',
  summary: 'A Ref, Fn::GetAtt, DependsOn or condition names something the template does not declare',
  check(template) {
    const findings: RuleFinding[] = [];
    const params = template.Parameters ?? {};
    const resources = template.Resources ?? {};
    const conditions = (template.Conditions ?? {}) as Record<string, unknown>;
    const mappings = (template.Mappings ?? {}) as Record<string, unknown>;
    const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
    const scan = (target: string, kind: FindingTargetKind, value: unknown) => {
      const seen = new Set<string>();
      for (const ref of collectReferences(value)) {
        let problem: string | undefined;
        if (ref.kind === 'Ref' && !has(params, ref.name) && !has(resources, ref.name) && !isPseudoParameter(ref.name)) {
          problem = `Ref ${ref.name} names no parameter, resource or ALIYUN:: pseudo parameter`;
        } else if (ref.kind === 'GetAtt' && !has(resources, ref.name)) {
          problem = `Fn::GetAtt ${ref.name}.${ref.attribute ?? '?'} names no resource`;
        } else if (ref.kind === 'Condition' && !has(conditions, ref.name)) {
          problem = `condition ${ref.name} is not declared in Conditions`;
        } else if (ref.kind === 'Mapping' && !has(mappings, ref.name)) {
          problem = `Fn::FindInMap ${ref.name} is not declared in Mappings`;
        }
        if (!problem || seen.has(problem)) continue;
        seen.add(problem);
        findings.push({
          target,
          targetKind: kind,
          message: `${problem}; ROS rejects the template.`,
          fix: `declare ${ref.name} or correct the name (logical IDs are case-sensitive).`,
        });
      }
    };
    for (const [id, def] of Object.entries(resources)) {
      const r = (def ?? {}) as Record<string, unknown>;
      scan(id, 'resource', [r.Properties, r.Metadata]);
      const deps = typeof r.DependsOn === 'string' ? [r.DependsOn] : Array.isArray(r.DependsOn) ? r.DependsOn : [];
      for (const d of deps) {
        if (typeof d === 'string' && !has(resources, d)) {
          findings.push({ target: id, targetKind: 'resource', message: `DependsOn ${d} names no resource; ROS rejects the template.`, fix: `declare ${d} or correct the name.` });
        }
      }
      if (typeof r.Condition === 'string' && !has(conditions, r.Condition)) {
        findings.push({ target: id, targetKind: 'resource', message: `Condition ${r.Condition} is not declared in Conditions; ROS rejects the template.`, fix: `declare ${r.Condition} in Conditions or correct the name.` });
      }
    }
    for (const [id, def] of Object.entries(template.Outputs ?? {})) scan(id, 'output', def);
    for (const [id, def] of Object.entries(conditions)) scan(id, 'template', def);
    return findings;
  },
});
