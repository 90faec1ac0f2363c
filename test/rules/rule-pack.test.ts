import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SUPPRESSION_RULE_ID } from '../../lib/rules/engine/run-rules';
import { lintTemplate, TEMPLATE_RULES } from '../../lib/rules/rule-pack';
import { readTemplateFile, TemplateDocument } from '../../lib/ros/template';
import { synthesizeQwenChat } from '../../lib/qwen-chat/synth';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', 'rules', name);
const openSg = (): TemplateDocument => ({
  Resources: { Sg: { Type: 'ALIYUN::ECS::SecurityGroup', Properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '22/22', SourceCidrIp: '0.0.0.0/0' }] } } },
});

describe('rule pack', () => {
  test('has one rule per file with unique kebab-case ids', () => {
    const ids = TEMPLATE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(fs.existsSync(path.join(__dirname, '..', '..', 'lib', 'rules', 'checks', `${id}.ts`))).toBe(true);
    }
  });

  test('the hand-written reference-like template trips injection, always-success, open-ingress and description rules', () => {
    const { findings } = lintTemplate(readTemplateFile(fixture('reference-like-defects.yaml')));
    const byRule = (id: string) => findings.filter((f) => f.ruleId === id).map((f) => f.target);
    expect(byRule('script-parameter-injection')).toContain('Setup');
    expect(byRule('wait-condition-always-success')).toEqual(['Setup', 'Setup']);
    expect(byRule('open-ingress')).toEqual(['WebSg']);
    expect(byRule('output-description-mismatch')).toEqual(['InternalUrl']);
    expect(byRule('no-echo-exposure')).toEqual(['Setup']);
  });

  test('the generated-stack shape (Base64 map values, stdin secret, checked loop, EXIT trap, Ref CIDR) has no finding', () => {
    expect(lintTemplate(readTemplateFile(fixture('generated-shape.json'))).findings).toEqual([]);
  });

  test('every template QwenChatStack synthesizes passes the pack', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-synth-'));
    const { templates } = synthesizeQwenChat({ assemblyDir: path.join(dir, 'cdk.out'), outDir: path.join(dir, 'out') });
    expect(Object.keys(templates).length).toBeGreaterThan(0);
    for (const [name, template] of Object.entries(templates)) {
      expect({ name, findings: lintTemplate(template).findings }).toEqual({ name, findings: [] });
    }
  });

  test('a code suppression with a reason removes the finding and is reported as suppressed', () => {
    const r = lintTemplate(openSg(), { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: 'bastion port, narrowed by an ACL' }] });
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((s) => [s.finding.ruleId, s.suppression.reason])).toEqual([['open-ingress', 'bastion port, narrowed by an ACL']]);
  });

  test('a resource Metadata suppression works; a template Metadata one reaches outputs', () => {
    const t = openSg() as Record<string, any>;
    t.Resources.Sg.Metadata = { 'ros-cdk-qwen-chat': { suppressions: [{ id: 'open-ingress', reason: 'public demo on purpose' }] } };
    t.Outputs = { Leak: { Value: { Ref: 'Pw' } } };
    t.Parameters = { Pw: { Type: 'String', NoEcho: true } };
    t.Metadata = { 'ros-cdk-qwen-chat': { suppressions: [{ id: 'no-echo-exposure', target: 'Leak', reason: 'test-only stack output' }] } };
    const r = lintTemplate(t);
    expect(r.findings).toEqual([]);
    expect(r.suppressed).toHaveLength(2);
  });

  test('a short reason, an unknown rule and a suppression matching nothing are errors', () => {
    const r = lintTemplate(openSg(), { suppressions: [
      { id: 'open-ingress', target: 'Sg', reason: 'ok' },
      { id: 'no-such-rule', target: 'Sg', reason: 'long enough reason' },
      { id: 'duplicate-security-group-rule', target: 'Sg', reason: 'long enough reason' },
    ] });
    const errors = r.findings.filter((f) => f.ruleId === SUPPRESSION_RULE_ID).map((f) => f.message);
    expect(errors).toEqual([
      expect.stringMatching(/suppressions\[0\] \(code\) for open-ingress has reason "ok": a reason needs at least 10 characters/),
      expect.stringMatching(/suppressions\[1\] \(code\) names rule 'no-such-rule', which is not in the pack/),
      expect.stringMatching(/suppressions\[2\] \(code\) suppresses duplicate-security-group-rule on Sg, but that rule finds nothing there/),
    ]);
    expect(r.findings.map((f) => f.ruleId)).toContain('open-ingress');
  });

  test('a malformed Metadata suppression is an error', () => {
    const t = openSg() as Record<string, any>;
    t.Resources.Sg.Metadata = { 'ros-cdk-qwen-chat': { suppressions: [{ id: 'open-ingress' }] } };
    expect(lintTemplate(t).findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/Resources\.Sg\.Metadata\['ros-cdk-qwen-chat'\]\.suppressions\[0\] must have string id, reason/));
  });

  test('options.rules limits the pack', () => {
    const only = TEMPLATE_RULES.filter((r) => r.id === 'duplicate-security-group-rule');
    expect(lintTemplate(openSg(), { rules: only }).findings).toEqual([]);
  });
});
