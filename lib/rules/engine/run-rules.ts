// Runs a list of rules over a template and applies suppressions. The engine knows no rule: the pack
// (lib/rules/rule-pack.ts) hands it the list.
import { Finding } from './finding';
import { DeclaredSuppression, MIN_SUPPRESSION_REASON_LENGTH, RuleSuppression, templateSuppressions } from './rule-suppression';
import { TemplateDocument } from '../../ros/template';
import { TemplateRule } from './template-rule';

/** Rule id of the findings the pack itself reports about bad or unused suppressions (these cannot be suppressed). */
export const SUPPRESSION_RULE_ID = 'invalid-suppression';

/** A finding a suppression turned off. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly suppression: RuleSuppression;
}

/** What `lintTemplate` returns. */
export interface LintResult {
  /** Unsuppressed findings, plus `invalid-suppression` findings for bad or unused suppressions. */
  readonly findings: Finding[];
  /** Findings turned off by a suppression. */
  readonly suppressed: SuppressedFinding[];
}

/**
 * Runs `rules` over a template and applies suppressions (`suppressions` given in code and those in the template's
 * Metadata). A suppression with a reason shorter than 10 characters, an unknown rule id, or that matches no finding
 * is reported as an `invalid-suppression` finding.
 */
export function runRules(template: TemplateDocument, rules: readonly TemplateRule[], suppressions: readonly RuleSuppression[] = []): LintResult {
  const ids = new Set(rules.map((r) => r.id));
  const raw: Finding[] = [];
  for (const rule of rules) raw.push(...rule.check(template));

  const fromTemplate = templateSuppressions(template);
  const declared: DeclaredSuppression[] = [
    ...suppressions.map((s, i) => ({ ...s, source: `suppressions[${i}] (code)` })),
    ...fromTemplate.suppressions,
  ];
  const errors: Finding[] = fromTemplate.errors.map((message) => suppressionError('template', message, 'fix the Metadata entry.'));
  const valid: DeclaredSuppression[] = [];
  for (const s of declared) {
    if (!ids.has(s.id)) {
      errors.push(suppressionError(s.target, `${s.source} names rule '${s.id}', which is not in the pack (rules: ${[...ids].join(', ')}).`, 'use one of the listed rule ids.'));
    } else if (s.reason.trim().length < MIN_SUPPRESSION_REASON_LENGTH) {
      errors.push(suppressionError(s.target, `${s.source} for ${s.id} has reason ${JSON.stringify(s.reason)}: a reason needs at least ${MIN_SUPPRESSION_REASON_LENGTH} characters.`, 'say why the finding is acceptable here.'));
    } else {
      valid.push(s);
    }
  }
  const used = new Set<DeclaredSuppression>();
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of raw) {
    const s = valid.find((x) => x.id === f.ruleId && x.target === f.target);
    if (s) {
      used.add(s);
      suppressed.push({ finding: f, suppression: { id: s.id, target: s.target, reason: s.reason } });
    } else {
      findings.push(f);
    }
  }
  for (const s of valid) {
    if (!used.has(s)) {
      errors.push(suppressionError(s.target, `${s.source} suppresses ${s.id} on ${s.target}, but that rule finds nothing there.`, 'remove the stale suppression.'));
    }
  }
  return { findings: [...findings, ...errors], suppressed };
}

function suppressionError(target: string, message: string, fix: string): Finding {
  return { ruleId: SUPPRESSION_RULE_ID, target, targetKind: 'template', message, fix };
}
