/** What a finding is about: a logical ID in one of the template's sections. */
export type FindingTargetKind = 'resource' | 'parameter' | 'output' | 'template';

/** One problem a rule found in a template. */
export interface Finding {
  /** The rule's id, e.g. `open-ingress`. */
  readonly ruleId: string;
  /** Logical ID of the resource, parameter or output the finding is about (the template's name for `template`). */
  readonly target: string;
  /** Which section `target` lives in. */
  readonly targetKind: FindingTargetKind;
  /** One sentence: what is wrong and where. */
  readonly message: string;
  /** One sentence: how to fix it. */
  readonly fix: string;
}

/** Renders a finding as one line: `<rule-id> <kind> <target>: <message> Fix: <fix>`. */
export function formatFinding(finding: Finding): string {
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');
  return `${finding.ruleId} ${finding.targetKind} ${finding.target}: ${oneLine(finding.message)} Fix: ${oneLine(finding.fix)}`;
}
