import * as ros from '@alicloud/ros-cdk-core';
import { LlmCheckpoint } from '../models/llm-checkpoint';
import { QwenApiStack, QwenApiStackProps } from './qwen-api-stack';

/** A Qwen API stack the app synthesizes. */
export interface QwenApiPreset {
  /** The stack name (and cloud assembly artifact id). */
  readonly stackName: string;
  /** The checkpoint served. */
  readonly checkpoint: LlmCheckpoint;
  /** The YAML template's file name under `out/templates/`. */
  readonly templateFile: string;
}

/** The API presets; the first (Qwen3-8B, 16-bit) is the default. */
export const QWEN_API_PRESETS: readonly QwenApiPreset[] = [
  { stackName: 'QwenApiStack', checkpoint: LlmCheckpoint.QWEN3_8B, templateFile: 'qwen-api-qwen3-8b.template.yaml' },
  { stackName: 'QwenApi8BAwqStack', checkpoint: LlmCheckpoint.QWEN3_8B_AWQ, templateFile: 'qwen-api-qwen3-8b-awq.template.yaml' },
  { stackName: 'QwenApi32BAwqStack', checkpoint: LlmCheckpoint.QWEN3_32B_AWQ, templateFile: 'qwen-api-qwen3-32b-awq.template.yaml' },
  { stackName: 'QwenApi30BA3BFp8Stack', checkpoint: LlmCheckpoint.QWEN3_30B_A3B_FP8, templateFile: 'qwen-api-qwen3-30b-a3b-fp8.template.yaml' },
];

/** Add one {@link QwenApiStack} per preset to the app. */
export function addQwenApiStacks(app: ros.App, props: Omit<QwenApiStackProps, 'checkpoint'> = {}): QwenApiStack[] {
  return QWEN_API_PRESETS.map((p) => new QwenApiStack(app, p.stackName, { ...props, checkpoint: p.checkpoint }));
}
