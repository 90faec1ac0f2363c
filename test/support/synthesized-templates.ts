import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { addQwenChatStacks } from '../../lib/qwen-chat/presets';
import { readTemplateFile, TemplateDocument } from '../../lib/ros/template';
import { REFERENCE_TEMPLATE } from './reference';

/**
 * Every template the library synthesizes (one per preset stack, lib/qwen-chat/presets.ts) plus the vendored
 * reference template, by name: the set the YAML round trip and similar whole-output checks run over.
 */
export function synthesizedTemplates(): Record<string, TemplateDocument> {
  const app = new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-templates-')), stackTraces: false, treeMetadata: false });
  const stacks = addQwenChatStacks(app);
  const assembly = app.synth();
  const out: Record<string, TemplateDocument> = {};
  for (const stack of stacks) out[stack.stackName] = assembly.getStackArtifact(stack.artifactId).template;
  out['reference fixture'] = readTemplateFile(REFERENCE_TEMPLATE);
  return out;
}
