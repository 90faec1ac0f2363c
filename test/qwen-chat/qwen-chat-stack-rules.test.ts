import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack, ServiceNetwork } from '../../lib';
import { lintTemplate } from '../../lib/rules';

const newApp = () => new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-rules-')), stackTraces: false });

describe('QwenChatStack runs the template rule pack during synth', () => {
  test('the synthesized template has zero findings', () => {
    const app = newApp();
    const stack = new QwenChatStack(app, 'QwenChatStack');
    const template = app.synth().getStackArtifact(stack.artifactId).template;
    expect(lintTemplate(template).findings).toEqual([]);
  });

  test('a finding introduced through the escape hatch fails synth with the rule id', () => {
    const app = newApp();
    const stack = new QwenChatStack(app, 'QwenChatStack');
    // Open the group to the whole internet with no parameter to narrow it.
    (stack.network as ServiceNetwork).securityGroup.securityGroupIngress = [
      { portRange: '22/22', sourceCidrIp: '0.0.0.0/0', ipProtocol: 'tcp', nicType: 'intranet', priority: 1 },
    ];
    expect(() => app.synth()).toThrow(/open-ingress/);
  });

  test('a suppression that matches nothing fails synth', () => {
    const app = newApp();
    new QwenChatStack(app, 'QwenChatStack', {
      ruleSuppressions: [{ id: 'open-ingress', target: 'EcsSecurityGroup', reason: 'the demo is meant to be public' }],
    });
    expect(() => app.synth()).toThrow(/invalid-suppression/);
  });
});
