import { Finding } from './finding';
import { TemplateDocument } from '../../ros/template';

/**
 * A check over a whole ROS template. Rules are pure: they read the template and return findings; suppressions are
 * applied by the rule pack, not by the rule. Write one with {@link defineRule}.
 */
export interface TemplateRule {
  /** Kebab-case id, used in output and in suppressions. */
  readonly id: string;
  /** One line saying what the rule looks for. */
  readonly summary: string;
  /** Returns every finding in `template` (empty when it complies). */
  check(template: TemplateDocument): Finding[];
}

/** A finding as a rule's check returns it: {@link defineRule} adds the rule's id. */
export type RuleFinding = Omit<Finding, 'ruleId'>;

/** What {@link defineRule} takes. */
export interface TemplateRuleDefinition {
  /** Kebab-case id, used in output and in suppressions (`open-ingress`). */
  readonly id: string;
  /** One line saying what the rule looks for. */
  readonly summary: string;
  /** Returns every finding in `template`, without the rule id. */
  check(template: TemplateDocument): RuleFinding[];
}

const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares a rule: the id is checked once (kebab-case) and stamped on every finding the check returns, so a check
 * never names its own id.
 */
export function defineRule(definition: TemplateRuleDefinition): TemplateRule {
  const { id, summary } = definition;
  if (!RULE_ID.test(id)) {
    throw new Error(`defineRule: id '${id}' is not allowed: give a kebab-case id such as 'open-ingress'.`);
  }
  if (summary.trim() === '') {
    throw new Error(`defineRule: rule '${id}' has an empty summary: say in one line what the rule looks for.`);
  }
  return Object.freeze({
    id,
    summary,
    check: (template: TemplateDocument): Finding[] => definition.check(template).map((f) => ({ ruleId: id, ...f })),
  });
}
