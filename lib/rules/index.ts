// The template rule pack's entry point, `ros-cdk-qwen-chat/rules`: the engine (findings, rule declaration,
// suppressions), the pack of checks, the synth hook and the template parser `lint` uses.
export * from './engine/finding';
export type { TemplateDocument, TemplateParameter, TemplateResource } from '../ros/template';
export { parseTemplateText, readTemplateFile } from '../ros/template';
export * from './engine/template-rule';
export * from './engine/rule-suppression';
export { SUPPRESSION_RULE_ID, runRules } from './engine/run-rules';
export type { LintResult, SuppressedFinding } from './engine/run-rules';
export * from './rule-pack';
export * from './apply-rule-pack';
export * from './checks/script-parameter-injection';
export * from './checks/no-echo-exposure';
export * from './checks/no-echo-xtrace';
export * from './checks/no-echo-command-parameter';
export * from './checks/secret-in-command-text';
export * from './checks/credentials-over-plain-http';
export * from './checks/wait-condition-always-success';
export * from './checks/open-ingress';
export * from './checks/duplicate-security-group-rule';
export * from './checks/missing-reference-target';
export * from './checks/output-description-mismatch';
export * from './checks/insecure-download';
export * from './checks/unpinned-pip-install';
export * from './checks/pipe-to-shell';
export * from './checks/bash-feature-too-new';
