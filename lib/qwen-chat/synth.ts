import * as ros from '@alicloud/ros-cdk-core';
import { qwenChatServicePackage } from './service-package';
import { ServiceStackEntry, synthesizeServices } from '../computenest/synthesize-services';
import { ContentSize } from '../script/deploy-script-run-command';
import { addQwenChatStacks, QWEN_CHAT_PRESETS } from './presets';

/** Options for {@link synthesizeQwenChat}. */
export interface SynthesizeQwenChatOptions {
  /** Where the cloud assembly goes (as `ros-cdk synth` would write it). */
  readonly assemblyDir: string;
  /**
   * Where the output goes: the YAML templates to `<outDir>/templates/<preset>.template.yaml`, and
   * one Compute Nest service folder per preset to `<outDir>/services/<stack name>/`.
   */
  readonly outDir: string;
}

/** What {@link synthesizeQwenChat} produced. */
export interface SynthesizedQwenChat {
  /** Stack name -> rendered template object. */
  readonly templates: { readonly [stackName: string]: any };
  /** Files written (YAML templates, readable deploy scripts, service folders), relative to outDir. */
  readonly files: readonly string[];
  /** Stack name -> how much of the RunCommand content limit its deploy script takes. */
  readonly scriptSizes: { readonly [stackName: string]: ContentSize };
}

/** The chat presets as entries for {@link synthesizeServices}, their stacks added to `app`. */
export function qwenChatServiceEntries(app: ros.App): ServiceStackEntry[] {
  return addQwenChatStacks(app).map((stack, i) => ({
    stack,
    templateFile: QWEN_CHAT_PRESETS[i].templateFile,
    script: stack.script,
    runCommand: stack.runCommand,
    servicePackage: (template: any) => qwenChatServicePackage({ template, model: QWEN_CHAT_PRESETS[i].model, osBase: stack.osBase }),
  }));
}

/**
 * Synthesize every chat preset stack into a cloud assembly and write each template as YAML, its
 * deploy script and its service folder. Two runs give byte-identical files.
 */
export function synthesizeQwenChat(options: SynthesizeQwenChatOptions): SynthesizedQwenChat {
  const app = new ros.App({ outdir: options.assemblyDir, stackTraces: false, treeMetadata: false });
  return synthesizeServices(app, qwenChatServiceEntries(app), options.outDir);
}
