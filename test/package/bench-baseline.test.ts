import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { BaselineStack } from '../../bench/baseline-stack';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';

/**
 * `npm run bench` times QwenChatStack against an L1 baseline that must render the same template; this keeps the
 * two equal on every `npm test`, so a change to the stack's output updates the baseline with it (re-run
 * `npx ts-node --transpile-only bench/capture-baseline.ts`, then edit bench/baseline-stack.ts).
 */
test('the bench baseline renders the same template as QwenChatStack', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-baseline-'));
  try {
    const app = new ros.App({ outdir, stackTraces: false });
    const library = new QwenChatStack(app, 'QwenChatStack');
    const baseline = new BaselineStack(app, 'BaselineStack');
    const assembly = app.synth();
    expect(assembly.getStackArtifact(baseline.artifactId).template).toEqual(assembly.getStackArtifact(library.artifactId).template);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
