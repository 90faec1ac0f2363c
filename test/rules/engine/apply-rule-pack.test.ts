import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { applyRulePack } from '../../../lib/rules/engine/apply-rule-pack';

function smallStack(open: boolean) {
  const app = new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rulepack-')), stackTraces: false });
  const stack = new ros.Stack(app, 'RulePackProbe');
  const cidr = new ros.RosParameter(stack, 'SourceCidr', { type: ros.RosParameterType.STRING, defaultValue: '0.0.0.0/0' });
  const sg = new ros.RosResource(stack, 'Sg', {
    type: 'ALIYUN::ECS::SecurityGroup',
    properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: open ? '0.0.0.0/0' : cidr.valueAsString }] },
  });
  return { app, stack, sg };
}

describe('applyRulePack', () => {
  test('synth throws listing each unsuppressed finding', () => {
    const { app, stack } = smallStack(true);
    applyRulePack(stack);
    expect(() => app.synth()).toThrow(/Validation failed[\s\S]*rule pack: open-ingress resource Sg: SecurityGroupIngress\[0\] \(tcp 5000\/5000\) accepts SourceCidrIp "0\.0\.0\.0\/0"/);
  });

  test('synth passes a clean stack and writes the template unchanged', () => {
    const { app, stack } = smallStack(false);
    applyRulePack(stack);
    const template = app.synth().getStackArtifact(stack.artifactId).template;
    expect(template.Resources.Sg.Properties.SecurityGroupIngress[0].SourceCidrIp).toEqual({ Ref: 'SourceCidr' });
    expect(Object.keys(template.Resources)).toEqual(['Sg']);
  });

  test('code suppressions and resource Metadata suppressions (addMetaData) both apply', () => {
    const a = smallStack(true);
    applyRulePack(a.stack, { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: 'public demo endpoint by design' }] });
    expect(() => a.app.synth()).not.toThrow();
    const b = smallStack(true);
    b.sg.addMetaData('ros-cdk-qwen-chat', { suppressions: [{ id: 'open-ingress', reason: 'public demo endpoint by design' }] });
    applyRulePack(b.stack);
    expect(() => b.app.synth()).not.toThrow();
  });

  test('a stale suppression fails synth; applying twice throws', () => {
    const { app, stack } = smallStack(false);
    applyRulePack(stack, { suppressions: [{ id: 'open-ingress', target: 'Sg', reason: 'public demo endpoint by design' }] });
    expect(() => applyRulePack(stack)).toThrow(/already has the rule pack; call applyRulePack once per stack/);
    expect(() => app.synth()).toThrow(/invalid-suppression template Sg: suppressions\[0\] \(code\) suppresses open-ingress on Sg, but that rule finds nothing there/);
  });
});
