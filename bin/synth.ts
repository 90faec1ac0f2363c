#!/usr/bin/env node
/**
 * `npm run synth`: what `ros-cdk synth` does, without the CLI, plus YAML templates.
 * Writes the cloud assembly to cdk.out/ and the templates to out/templates/.
 */
import * as path from 'path';
import { synthesizeQwenChat } from '../lib/qwen-chat/synth';

const assemblyDir = process.env.CDK_OUTDIR ?? path.join(process.cwd(), 'cdk.out');
const outDir = path.join(process.cwd(), 'out');
const result = synthesizeQwenChat({ assemblyDir, outDir });
for (const file of result.files) {
  console.log(`wrote ${path.relative(process.cwd(), path.join(outDir, file))}`);
}
for (const [stack, size] of Object.entries(result.scriptSizes)) {
  console.log(`${stack} deploy script: ${size.usedBytes} of ${size.limitBytes} bytes of RunCommand content used (base64, ${size.reserveBytes} kept for substituted values), ${size.leftBytes} left`);
}
console.log(`cloud assembly: ${path.relative(process.cwd(), assemblyDir) || '.'}`);
