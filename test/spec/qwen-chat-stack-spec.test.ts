import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { QWEN_CHAT_PRESETS } from '../../lib/qwen-chat/presets';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { checkTemplateAgainstSpec, SPEC_ALLOW_LIST } from '../support/ros-spec';

function newApp(): ros.App {
  return new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-spec-')), stackTraces: false });
}

describe('QwenChatStack against the ROS resource specification', () => {
  test('the synthesized template has zero findings', () => {
    const app = newApp();
    const stack = new QwenChatStack(app, 'QwenChatStack');
    const template = app.synth().getStackArtifact(stack.artifactId).template;
    // Not vacuous: the template has the resources and references the checker walks.
    expect(Object.keys(template.Resources).sort()).toEqual([
      'EcsInstanceGroup',
      'EcsSecurityGroup',
      'EcsVSwitch',
      'EcsVpc',
      'InstanceRunCommand',
      'PasswordSecretParameter',
      'SecretReaderPolicy',
      'SecretReaderRole',
      'WaitCondition',
      'WaitConditionHandle',
    ]);
    expect(JSON.stringify(template)).toMatch(/"Fn::Sub"/);
    expect(checkTemplateAgainstSpec(template)).toEqual([]);
  });

  test('it relies on one SPEC_ALLOW_LIST entry: ALIYUN::OOS::SecretParameter (issue 15), with its documented properties', () => {
    // If this fails after a change that uses a property/attribute ROS documents but the spec lacks,
    // add a SPEC_ALLOW_LIST entry with its citation and name the entry here.
    const app = newApp();
    const stack = new QwenChatStack(app, 'QwenChatStack');
    const template = app.synth().getStackArtifact(stack.artifactId).template;
    const needed = SPEC_ALLOW_LIST.filter((a) => a.kind === 'resourceType' && a.resourceType === 'ALIYUN::OOS::SecretParameter');
    expect(needed).toHaveLength(1);
    expect(checkTemplateAgainstSpec(template, { allowList: needed })).toEqual([]);
    expect(checkTemplateAgainstSpec(template, { allowList: [] }).map((f) => f.path)).toEqual([
      'Resources.PasswordSecretParameter.Type',
    ]);
  });

  test.each(QWEN_CHAT_PRESETS.map((p) => [p.stackName, p] as const))('preset %s has zero findings', (_name, preset) => {
    const app = newApp();
    const stack = new QwenChatStack(app, preset.stackName, { model: preset.model });
    const template = app.synth().getStackArtifact(stack.artifactId).template;
    expect(checkTemplateAgainstSpec(template)).toEqual([]);
  });
});
