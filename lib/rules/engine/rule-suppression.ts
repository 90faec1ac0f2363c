import { TemplateDocument } from '../../ros/template';

/** The Metadata key under which templates carry suppressions: `{ 'ros-cdk-qwen-chat': { suppressions: [...] } }`. */
export const SUPPRESSION_METADATA_KEY = 'ros-cdk-qwen-chat';

/** Shortest accepted suppression reason, in characters (after trimming). */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

/**
 * Turns one rule off for one resource, parameter or output, with a reason.
 *
 * In code, pass it to `lintTemplate` / `applyRulePack`. In a template, put `{ id, reason }` in the resource's
 * `Metadata['ros-cdk-qwen-chat'].suppressions`, or `{ id, target, reason }` in the template's top-level
 * `Metadata['ros-cdk-qwen-chat'].suppressions` (the way to reach parameters and outputs).
 */
export interface RuleSuppression {
  /** The rule id, e.g. `open-ingress`. */
  readonly id: string;
  /** Logical ID of the resource, parameter or output the suppression covers. */
  readonly target: string;
  /** Why the finding is acceptable: at least 10 characters. */
  readonly reason: string;
}

/** A suppression together with where it was declared (for error messages). */
export interface DeclaredSuppression extends RuleSuppression {
  /** `code`, `Resources.X.Metadata` or `Metadata`. */
  readonly source: string;
}

/** Reads the suppressions a template declares in its Metadata; malformed entries are returned as errors. */
export function templateSuppressions(template: TemplateDocument): { suppressions: DeclaredSuppression[]; errors: string[] } {
  const suppressions: DeclaredSuppression[] = [];
  const errors: string[] = [];
  const read = (metadata: unknown, source: string, impliedTarget?: string) => {
    if (typeof metadata !== 'object' || metadata === null) return;
    const ours = (metadata as Record<string, unknown>)[SUPPRESSION_METADATA_KEY];
    if (ours === undefined) return;
    const list = typeof ours === 'object' && ours !== null ? (ours as Record<string, unknown>).suppressions : undefined;
    if (!Array.isArray(list)) {
      errors.push(`${source}['${SUPPRESSION_METADATA_KEY}'] must be { suppressions: [{ id, reason }] }, got ${JSON.stringify(ours)}`);
      return;
    }
    list.forEach((entry, i) => {
      const e = (entry ?? {}) as Record<string, unknown>;
      const target = impliedTarget ?? e.target;
      if (typeof e.id !== 'string' || typeof e.reason !== 'string' || typeof target !== 'string') {
        errors.push(`${source}['${SUPPRESSION_METADATA_KEY}'].suppressions[${i}] must have string id, reason${impliedTarget ? '' : ' and target'}, got ${JSON.stringify(entry)}`);
        return;
      }
      suppressions.push({ id: e.id, reason: e.reason, target, source: `${source}['${SUPPRESSION_METADATA_KEY}'].suppressions[${i}]` });
    });
  };
  read(template.Metadata, 'Metadata');
  for (const [id, def] of Object.entries(template.Resources ?? {})) read(def?.Metadata, `Resources.${id}.Metadata`, id);
  return { suppressions, errors };
}
