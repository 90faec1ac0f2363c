#!/usr/bin/env node
/**
 * `npm run synth`: what `ros-cdk synth` does, without the CLI, plus YAML templates.
 * Writes the cloud assembly to cdk.out/, the templates of both products to out/templates/ and their
 * Compute Nest service folders to out/services/.
 */
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { synthesizeServices } from '../lib/computenest/synthesize-services';
import { qwenApiServiceEntries } from '../lib/qwen-api/synth';
import { qwenChatServiceEntries } from '../lib/qwen-chat/synth';

const assemblyDir = process.env.CDK_OUTDIR ?? path.join(process.cwd(), 'cdk.out');
const outDir = path.join(process.cwd(), 'out');
// Both products in one cloud assembly: the chat demo presets and the OpenAI-compatible API presets.
const app = new ros.App({ outdir: assemblyDir, stackTraces: false, treeMetadata: false });
const result = synthesizeServices(app, [...qwenChatServiceEntries(app), ...qwenApiServiceEntries(app)], outDir);
for (const file of result.files) {
  console.log(`wrote ${path.relative(process.cwd(), path.join(outDir, file))}`);
}
for (const [stack, size] of Object.entries(result.scriptSizes)) {
  console.log(`${stack} deploy script: ${size.usedBytes} of ${size.limitBytes} bytes of RunCommand content used (base64, ${size.reserveBytes} kept for substituted values), ${size.leftBytes} left`);
}
console.log(`cloud assembly: ${path.relative(process.cwd(), assemblyDir) || '.'}`);
