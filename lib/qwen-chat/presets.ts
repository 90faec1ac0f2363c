import * as ros from '@alicloud/ros-cdk-core';
import { QwenModel } from '../compute/models';
import { QwenChatStack, QwenChatStackProps } from './qwen-chat-stack';

/** A stack the app synthesizes: one per supported model. */
export interface QwenChatPreset {
  /** The stack name (and cloud assembly artifact id). */
  readonly stackName: string;
  /** The model the stack serves. */
  readonly model: QwenModel;
  /** The YAML template's file name, written by `npm run synth` under `out/templates/`. */
  readonly templateFile: string;
}

/** The presets the app synthesizes; the first is the default service (the reference's model). */
export const QWEN_CHAT_PRESETS: readonly QwenChatPreset[] = [
  { stackName: 'QwenChatStack', model: QwenModel.QWEN_14B_CHAT, templateFile: 'qwen-14b-chat-bf16.template.yaml' },
  { stackName: 'QwenChat7BStack', model: QwenModel.QWEN_7B_CHAT, templateFile: 'qwen-7b-chat-bf16.template.yaml' },
  { stackName: 'QwenChat14BInt4Stack', model: QwenModel.QWEN_14B_CHAT_INT4, templateFile: 'qwen-14b-chat-int4.template.yaml' },
];

/** Add one {@link QwenChatStack} per preset to the app. */
export function addQwenChatStacks(app: ros.App, props: Omit<QwenChatStackProps, 'model'> = {}): QwenChatStack[] {
  return QWEN_CHAT_PRESETS.map((p) => new QwenChatStack(app, p.stackName, { ...props, model: p.model }));
}
