// The rule pack: every rule of lib/rules/checks, in output order, bound to the engine.
import { bashFeatureTooNew } from './checks/bash-feature-too-new';
import { credentialsOverPlainHttp } from './checks/credentials-over-plain-http';
import { duplicateSecurityGroupRule } from './checks/duplicate-security-group-rule';
import { insecureDownload } from './checks/insecure-download';
import { missingReferenceTarget } from './checks/missing-reference-target';
import { noEchoCommandParameter } from './checks/no-echo-command-parameter';
import { noEchoExposure } from './checks/no-echo-exposure';
import { noEchoXtrace } from './checks/no-echo-xtrace';
import { openIngress } from './checks/open-ingress';
import { outputDescriptionMismatch } from './checks/output-description-mismatch';
import { pipeToShell } from './checks/pipe-to-shell';
import { scriptParameterInjection } from './checks/script-parameter-injection';
import { secretInCommandText } from './checks/secret-in-command-text';
import { unpinnedPipInstall } from './checks/unpinned-pip-install';
import { waitConditionAlwaysSuccess } from './checks/wait-condition-always-success';
import { RuleSuppression } from './engine/rule-suppression';
import { LintResult, runRules } from './engine/run-rules';
import { TemplateRule } from './engine/template-rule';
import { TemplateDocument } from '../ros/template';

/** Every rule of the pack, in output order. */
export const TEMPLATE_RULES: readonly TemplateRule[] = [
  scriptParameterInjection,
  noEchoExposure,
  noEchoXtrace,
  noEchoCommandParameter,
  secretInCommandText,
  credentialsOverPlainHttp,
  waitConditionAlwaysSuccess,
  openIngress,
  duplicateSecurityGroupRule,
  missingReferenceTarget,
  outputDescriptionMismatch,
  insecureDownload,
  unpinnedPipInstall,
  pipeToShell,
  bashFeatureTooNew,
];

/** Options of `lintTemplate`. */
export interface LintOptions {
  /**
   * Suppressions set in code, in addition to those in the template's Metadata.
   * @default - none
   */
  readonly suppressions?: readonly RuleSuppression[];
  /**
   * The rules to run.
   * @default TEMPLATE_RULES
   */
  readonly rules?: readonly TemplateRule[];
}

/**
 * Runs the rule pack over a template and applies suppressions (from `options.suppressions` and the template's
 * Metadata). A suppression with a reason shorter than 10 characters, an unknown rule id, or that matches no finding
 * is reported as an `invalid-suppression` finding.
 */
export function lintTemplate(template: TemplateDocument, options: LintOptions = {}): LintResult {
  return runRules(template, options.rules ?? TEMPLATE_RULES, options.suppressions ?? []);
}
