import * as fs from 'fs';
import * as path from 'path';
import { LlmCheckpoint } from '../../lib/models/llm-checkpoint';
import { QWEN_API_PRESETS } from '../../lib/qwen-api/presets';
import { API_PRESETS_TABLE, readmeTable } from '../support/readme-tables';

describe('API presets', () => {
  test('Qwen3-8B (16-bit) is the default, then catalog checkpoints; template files unique', () => {
    expect(QWEN_API_PRESETS.map((p) => p.checkpoint)).toEqual([
      LlmCheckpoint.QWEN3_8B, LlmCheckpoint.QWEN3_8B_AWQ, LlmCheckpoint.QWEN3_32B_AWQ, LlmCheckpoint.QWEN3_30B_A3B_FP8,
    ]);
    expect(new Set(QWEN_API_PRESETS.map((p) => p.templateFile)).size).toBe(QWEN_API_PRESETS.length);
  });

  test('the README table is what is synthesized (npm run readme-tables rewrites it)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readmeTable(readme, 'api-presets-table')).toBe(API_PRESETS_TABLE.render());
  });
});
