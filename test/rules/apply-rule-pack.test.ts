import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { ServiceNetwork } from '../../lib/network/service-network';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { readTemplateFile } from '../../lib/ros/template';
import { applyRulePack } from '../../lib/rules/apply-rule-pack';
import { lintTemplate } from '../../lib/rules/rule-pack';

const OPEN_INGRESS_REASON = 'public demo endpoint by design';

function smallStack(open: boolean) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rulepack-'));
  const app = new ros.App({ outdir, stackTraces: false });
  const stack = new ros.Stack(app, 'RulePackProbe');
  const cidr = new ros.RosParameter(stack, 'SourceCidr', { type: ros.RosParameterType.STRING, defaultValue: '0.0.0.0/0' });
  const sg = new ros.RosResource(stack, 'Sg', {
    type: 'ALIYUN::ECS::SecurityGroup',
    properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: open ? '0.0.0.0/0' : cidr.valueAsString }] },
  });
  const file = path.join(outdir, stack.templateFile);
  return { app, stack, sg, file };
}

/** What `lint FILE` decides for the file synth wrote: the number of unsuppressed findings. */
const lintFindings = (file: string) => lintTemplate(readTemplateFile(file)).findings;

describe('applyRulePack', () => {
  test('synth throws listing each unsuppressed finding, and leaves no template with a finding behind', () => {
    const { app, stack, file } = smallStack(true);
    applyRulePack(stack);
    expect(() => app.synth()).toThrow(/Rule pack: stack 'RulePackProbe' has 1 unsuppressed finding\(s\); its template was not written:\n {2}rule pack: open-ingress resource Sg: SecurityGroupIngress\[0\] \(tcp 5000\/5000\) accepts SourceCidrIp "0\.0\.0\.0\/0"/);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('a clean stack is written byte for byte as without the pack', () => {
    const a = smallStack(false);
    applyRulePack(a.stack);
    a.app.synth();
    const b = smallStack(false);
    b.app.synth();
    expect(fs.readFileSync(a.file, 'utf8')).toBe(fs.readFileSync(b.file, 'utf8'));
    expect(lintFindings(a.file)).toEqual([]);
  });

  test('code suppressions are written into the template Metadata, so lint on the written file passes as synth did', () => {
    const { app, stack, file } = smallStack(true);
    applyRulePack(stack, { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: OPEN_INGRESS_REASON }] });
    // Set after applyRulePack, the way QwenChatStack sets ALIYUN::ROS::Interface: both end up in the template.
    stack.templateOptions.metadata = { 'ALIYUN::ROS::Interface': { TemplateTags: ['x'] } };
    expect(() => app.synth()).not.toThrow();
    const written = readTemplateFile(file);
    expect(written.Metadata).toEqual({
      'ALIYUN::ROS::Interface': { TemplateTags: ['x'] },
      'ros-cdk-qwen-chat': { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: OPEN_INGRESS_REASON }] },
    });
    expect(lintFindings(file)).toEqual([]);
    expect(lintTemplate(written).suppressed.map((s) => s.finding.ruleId)).toEqual(['open-ingress']);
    // The stack's own options are as the user left them.
    expect(stack.templateOptions.metadata).toEqual({ 'ALIYUN::ROS::Interface': { TemplateTags: ['x'] } });
  });

  test('code suppressions are added after those the stack Metadata already has; a malformed entry is an error', () => {
    const a = smallStack(true);
    a.stack.templateOptions.metadata = { 'ros-cdk-qwen-chat': { suppressions: [{ id: 'duplicate-security-group-rule', target: 'Sg', reason: 'kept on purpose here' }] } };
    applyRulePack(a.stack, { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: OPEN_INGRESS_REASON }] });
    // The stale duplicate-security-group-rule suppression fails synth, and lint on the template agrees.
    expect(() => a.app.synth()).toThrow(/invalid-suppression template Sg: Metadata\['ros-cdk-qwen-chat'\]\.suppressions\[0\] suppresses duplicate-security-group-rule on Sg, but that rule finds nothing there/);
    const b = smallStack(true);
    b.stack.templateOptions.metadata = { 'ros-cdk-qwen-chat': 'all' };
    applyRulePack(b.stack, { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: OPEN_INGRESS_REASON }] });
    expect(() => b.app.synth()).toThrow(/applyRulePack: stack 'RulePackProbe' has templateOptions\.metadata\['ros-cdk-qwen-chat'\] = "all", not \{ suppressions: \[\.\.\.\] \}/);
  });

  test('resource Metadata suppressions (addMetaData) apply', () => {
    const { app, stack, sg, file } = smallStack(true);
    sg.addMetaData('ros-cdk-qwen-chat', { suppressions: [{ id: 'open-ingress', reason: OPEN_INGRESS_REASON }] });
    applyRulePack(stack);
    expect(() => app.synth()).not.toThrow();
    expect(lintFindings(file)).toEqual([]);
  });

  test('a stale suppression fails synth naming where it is written; applying twice throws', () => {
    const { app, stack } = smallStack(false);
    applyRulePack(stack, { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: OPEN_INGRESS_REASON }] });
    expect(() => applyRulePack(stack)).toThrow(/already has the rule pack; call applyRulePack once per stack/);
    expect(() => app.synth()).toThrow(/invalid-suppression template Sg: Metadata\['ros-cdk-qwen-chat'\]\.suppressions\[0\] suppresses open-ingress on Sg, but that rule finds nothing there/);
  });

  test('options.rules limits the pack at synth', () => {
    const { app, stack } = smallStack(true);
    applyRulePack(stack, { rules: [] });
    expect(() => app.synth()).not.toThrow();
  });

  test('QwenChatStack with ruleSuppressions: synth passes and lint on the written template passes too', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rulepack-qwen-'));
    const app = new ros.App({ outdir, stackTraces: false });
    const stack = new QwenChatStack(app, 'QwenChatStack', {
      ruleSuppressions: [{ id: 'open-ingress', target: 'EcsSecurityGroup', reason: 'the demo is meant to be public' }],
    });
    (stack.network as ServiceNetwork).securityGroup.securityGroupIngress = [
      { portRange: '22/22', sourceCidrIp: '0.0.0.0/0', ipProtocol: 'tcp', nicType: 'intranet', priority: 1 },
    ];
    expect(() => app.synth()).not.toThrow();
    expect(lintFindings(path.join(outdir, stack.templateFile))).toEqual([]);
  });

  test('uses no private member of ros-cdk-core', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'rules', 'apply-rule-pack.ts'), 'utf8');
    expect(source).not.toMatch(/\._[a-zA-Z]/);
  });
});
