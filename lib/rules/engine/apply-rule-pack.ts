import * as ros from '@alicloud/ros-cdk-core';
import { formatFinding } from './finding';
import { lintTemplate } from './rule-pack';
import { RuleSuppression } from './rule-suppression';
import { asTemplate } from '../../ros/template';
import { TemplateRule } from './template-rule';

/** Options of `applyRulePack`. */
export interface ApplyRulePackOptions {
  /**
   * Suppressions set in code (each with a reason of at least 10 characters).
   * @default - none (template Metadata suppressions still apply)
   */
  readonly suppressions?: readonly RuleSuppression[];
  /**
   * The rules to run.
   * @default TEMPLATE_RULES
   */
  readonly rules?: readonly TemplateRule[];
}

/** Construct id of the validator `applyRulePack` adds to a stack. */
export const RULE_PACK_VALIDATOR_ID = 'RosCdkQwenChatRulePack';

/** The internal Stack method that renders the template Stack.synthesize writes (ros-cdk-core lib/stack.js). */
interface RenderingStack {
  _toRosTemplate(): unknown;
}

/**
 * A construct whose validation renders its stack's template and runs the rule pack on it.
 * ros-cdk-core's synth validates by calling each construct's `validate()` (constructs' `Node.addValidation`
 * hooks are not run by ros-cdk-core 1.12's `synthesize`), hence a child construct rather than `addValidation`.
 *
 * Synthesis runs validation, then writes the template; nothing changes in between, so the template rendered here
 * is handed to the stack's next render once instead of being rendered a second time.
 */
class RulePackValidator extends ros.Construct {
  constructor(scope: ros.Stack, id: string, private readonly options: ApplyRulePackOptions) {
    super(scope, id);
  }

  protected override validate(): string[] {
    const stack = ros.Stack.of(this) as unknown as RenderingStack;
    const render = stack._toRosTemplate;
    const rendered = render.call(stack);
    stack._toRosTemplate = function reuseValidatedTemplate() {
      stack._toRosTemplate = render;
      return rendered;
    };
    const result = lintTemplate(asTemplate(rendered, ros.Stack.of(this).stackName), this.options);
    return result.findings.map((f) => `rule pack: ${formatFinding(f)}`);
  }
}

/**
 * Makes `app.synth()` fail when the stack's template has any unsuppressed finding of the rule pack: the error lists
 * one finding per line (`rule pack: <rule-id> <kind> <target>: <message> Fix: <fix>`). Call once per stack.
 */
export function applyRulePack(stack: ros.Stack, options: ApplyRulePackOptions = {}): void {
  if (stack.node.tryFindChild(RULE_PACK_VALIDATOR_ID)) {
    throw new Error(`applyRulePack: stack '${stack.node.path}' already has the rule pack; call applyRulePack once per stack.`);
  }
  new RulePackValidator(stack, RULE_PACK_VALIDATOR_ID, options);
}
