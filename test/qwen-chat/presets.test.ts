import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { addQwenChatStacks, checkModelFit, findGpuInstanceType, QWEN_CHAT_PRESETS, QwenModel } from '../../lib';

function synthPresets() {
  const app = new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-presets-')), stackTraces: false });
  const stacks = addQwenChatStacks(app);
  const assembly = app.synth();
  return stacks.map((s) => assembly.getStackArtifact(s.artifactId).template);
}

describe('presets', () => {
  const templates = synthPresets();

  test('the app synthesizes the three required presets, the 14B 16-bit one first', () => {
    expect(QWEN_CHAT_PRESETS.map((p) => p.model)).toEqual([
      QwenModel.QWEN_14B_CHAT, QwenModel.QWEN_7B_CHAT, QwenModel.QWEN_14B_CHAT_INT4,
    ]);
    expect(new Set(QWEN_CHAT_PRESETS.map((p) => p.templateFile)).size).toBe(QWEN_CHAT_PRESETS.length);
  });

  test("every preset's EcsInstanceType list is non-empty and every member fits its model", () => {
    QWEN_CHAT_PRESETS.forEach((p, i) => {
      const allowed: string[] = templates[i].Parameters.EcsInstanceType.AllowedValues;
      expect(allowed.length).toBeGreaterThan(0);
      for (const type of allowed) {
        expect(checkModelFit(p.model, findGpuInstanceType(type)!).fits).toBe(true);
      }
    });
  });

  test('the README table matches what is synthesized', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = readme.split('<!-- presets-table:start -->')[1].split('<!-- presets-table:end -->')[0];
    const rows = table.trim().split('\n').slice(2).map((line) => line.split('|').slice(1, -1).map((c) => c.trim()));
    expect(rows.length).toBe(QWEN_CHAT_PRESETS.length);
    QWEN_CHAT_PRESETS.forEach((p, i) => {
      const [stack, model, need, template, types] = rows[i];
      expect(stack).toBe(p.stackName);
      expect(model).toBe(p.model.displayName);
      expect(need).toBe(`${p.model.gpuMemoryGiB} GiB (${p.model.contextTokens} tokens)`);
      expect(template).toBe(`\`out/templates/${p.templateFile}\``);
      expect(types.split(', ').map((t) => t.replace(/`/g, ''))).toEqual(templates[i].Parameters.EcsInstanceType.AllowedValues);
    });
  });
});
