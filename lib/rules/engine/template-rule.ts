import { Finding } from './finding';
import { TemplateDocument } from '../../ros/template';

/**
 * A check over a whole ROS template. Rules are pure: they read the template and return findings;
 * suppressions are applied by the rule pack, not by the rule.
 */
export interface TemplateRule {
  /** Kebab-case id, used in output and in suppressions. */
  readonly id: string;
  /** One line saying what the rule looks for. */
  readonly summary: string;
  /** Returns every finding in `template` (empty when it complies). */
  check(template: TemplateDocument): Finding[];
}
