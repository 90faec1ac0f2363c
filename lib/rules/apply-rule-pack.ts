import * as fs from 'fs';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { formatFinding } from './engine/finding';
import { RuleSuppression, SUPPRESSION_METADATA_KEY } from './engine/rule-suppression';
import { TemplateRule } from './engine/template-rule';
import { lintTemplate } from './rule-pack';
import { asTemplate } from '../ros/template';

/** Options of `applyRulePack`. */
export interface ApplyRulePackOptions {
  /**
   * Suppressions set in code (each with a reason of at least 10 characters). They are written into the template's
   * `Metadata['ros-cdk-qwen-chat'].suppressions`, where `lint` reads them, so `lint` on the written template gives
   * the verdict synth gave.
   * @default - none (suppressions already in the template's Metadata still apply)
   */
  readonly suppressions?: readonly RuleSuppression[];
  /**
   * The rules to run.
   * @default TEMPLATE_RULES
   */
  readonly rules?: readonly TemplateRule[];
}

/** Construct id of the marker `applyRulePack` adds to a stack (a second call finds it and refuses). */
export const RULE_PACK_CONSTRUCT_ID = 'RosCdkQwenChatRulePack';

/**
 * Makes `app.synth()` fail when the stack's template has any unsuppressed finding of the rule pack: the error lists
 * one finding per line (`rule pack: <rule-id> <kind> <target>: <message> Fix: <fix>`) and the stack's template file
 * is removed, so no template with a finding is left in the cloud assembly. Call once per stack.
 *
 * How: through ros-cdk-core's public API only (1.11 and 1.12). `Stack.synthesize(session)` is the public method that
 * renders the stack's template and writes it to `session.assembly.outdir`/`stack.templateFile`; the rule pack wraps
 * it on this stack: the code suppressions are added to `stack.templateOptions.metadata` for the render, then the
 * written file is read back and linted exactly as `lint` lints it. The template is rendered once, as without the
 * pack. The stack's synthesizer must write through `Stack.synthesize` (ros-cdk-core's default one does).
 */
export function applyRulePack(stack: ros.Stack, options: ApplyRulePackOptions = {}): void {
  if (stack.node.tryFindChild(RULE_PACK_CONSTRUCT_ID)) {
    throw new Error(`applyRulePack: stack '${stack.node.path}' already has the rule pack; call applyRulePack once per stack.`);
  }
  // Marks the stack (and shows the pack in the construct tree); the work is done by the wrapped synthesize.
  new ros.Construct(stack, RULE_PACK_CONSTRUCT_ID);
  const suppressions = [...(options.suppressions ?? [])];
  const rules = options.rules;
  const write = stack.synthesize;
  stack.synthesize = function synthesizeAndLint(session: ros.ISynthesisSession): void {
    const restore = addSuppressionMetadata(stack, suppressions);
    try {
      write.call(stack, session);
    } finally {
      restore();
    }
    const file = path.join(session.assembly.outdir, stack.templateFile);
    const template = asTemplate(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    const { findings } = lintTemplate(template, { rules });
    if (findings.length > 0) {
      fs.rmSync(file, { force: true });
      throw new Error(`Rule pack: stack '${stack.node.path}' has ${findings.length} unsuppressed finding(s); its template was not written:\n  `
        + findings.map((f) => `rule pack: ${formatFinding(f)}`).join('\n  '));
    }
  };
}

/**
 * Adds `suppressions` to the stack's template Metadata (after any the stack already declares there) for one render;
 * returns what restores the Metadata the stack had.
 */
function addSuppressionMetadata(stack: ros.Stack, suppressions: readonly RuleSuppression[]): () => void {
  const options = stack.templateOptions;
  const before = options.metadata;
  if (suppressions.length === 0) return () => undefined;
  const existing: unknown = before?.[SUPPRESSION_METADATA_KEY];
  const written = suppressions.map((s) => ({ id: s.id, target: s.target, reason: s.reason }));
  let ours: Record<string, unknown>;
  if (existing === undefined) {
    ours = { suppressions: written };
  } else if (typeof existing === 'object' && existing !== null && Array.isArray((existing as Record<string, unknown>).suppressions)) {
    ours = { ...existing, suppressions: [...(existing as { suppressions: unknown[] }).suppressions, ...written] };
  } else {
    throw new Error(`applyRulePack: stack '${stack.node.path}' has templateOptions.metadata['${SUPPRESSION_METADATA_KEY}'] = ${JSON.stringify(existing)}, `
      + `not { suppressions: [...] }: fix it, or give every suppression to applyRulePack.`);
  }
  options.metadata = { ...(before ?? {}), [SUPPRESSION_METADATA_KEY]: ours };
  return () => {
    options.metadata = before;
  };
}
