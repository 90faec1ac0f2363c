import { applyConditions } from '../../lib/ros/conditions';
import { lintTemplate } from '../../lib/rules/rule-pack';
import { checkTemplateAgainstSpec } from './ros-spec';

/**
 * The console choices issue 16's combination tables run each product through (test/qwen-chat/network-modes.test.ts,
 * test/qwen-api/network-modes.test.ts), and the check both make of every row.
 */
export const NETWORKS: Record<string, Record<string, string>> = {
  'new VPC': { VpcOption: 'NewVPC' },
  'existing VPC': { VpcOption: 'ExistingVPC', VpcId: 'vpc-123', VSwitchId: 'vsw-123' },
};

export const ACCESS: Record<string, Record<string, boolean>> = {
  public: { EnablePublicAccess: true },
  private: { EnablePublicAccess: false },
};

/**
 * Zero rule findings and zero spec findings for the template as written (the rule pack already ran at synth: it
 * throws on a finding) and as ROS creates it with `parameters` (Conditions applied); returns the created template.
 */
export function expectCleanAsWrittenAndCreated(template: any, parameters: Readonly<Record<string, string | number | boolean>>): any {
  expect(lintTemplate(template).findings).toEqual([]);
  expect(checkTemplateAgainstSpec(template)).toEqual([]);
  const created: any = applyConditions(template, parameters);
  expect(lintTemplate(created).findings).toEqual([]);
  expect(checkTemplateAgainstSpec(created)).toEqual([]);
  return created;
}
