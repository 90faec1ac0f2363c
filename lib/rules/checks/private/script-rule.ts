// The shape most checks share: look at each shell script of the template and report findings on its resource.
import { TemplateDocument } from '../../../ros/template';
import { templateScripts, TemplateScript } from '../../analysis/template-scripts';
import { defineRule, TemplateRule } from '../../engine/template-rule';

/** What a script check says about one problem; the finding's target is the script's resource. */
export interface ScriptFindingText {
  /** One sentence: what is wrong and where. */
  readonly message: string;
  /** One sentence: how to fix it. */
  readonly fix: string;
}

/** What {@link defineScriptRule} takes. */
export interface ScriptRuleDefinition {
  /** Kebab-case id. */
  readonly id: string;
  /** One line saying what the rule looks for. */
  readonly summary: string;
  /** The problems in one script. */
  checkScript(script: TemplateScript, template: TemplateDocument): ScriptFindingText[];
}

/** Declares a rule over each shell script of a template (RunCommand / Command CommandContent, UserData). */
export function defineScriptRule(definition: ScriptRuleDefinition): TemplateRule {
  return defineRule({
    id: definition.id,
    summary: definition.summary,
    check: (template) => templateScripts(template).flatMap((script) => definition.checkScript(script, template)
      .map((f) => ({ target: script.resource, targetKind: 'resource' as const, message: f.message, fix: f.fix }))),
  });
}
