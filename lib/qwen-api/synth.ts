import * as ros from '@alicloud/ros-cdk-core';
import { ServiceStackEntry, SynthesizedServices, synthesizeServices } from '../computenest/synthesize-services';
import { addQwenApiStacks, QWEN_API_PRESETS } from './presets';
import { qwenApiServicePackage } from './service-package';

/** The API presets as entries for {@link synthesizeServices}, their stacks added to `app`. */
export function qwenApiServiceEntries(app: ros.App): ServiceStackEntry[] {
  return addQwenApiStacks(app).map((stack, i) => ({
    stack,
    templateFile: QWEN_API_PRESETS[i].templateFile,
    script: stack.deployment.script,
    runCommand: stack.deployment.runCommand,
    servicePackage: (template: any) => qwenApiServicePackage({ template, fit: stack.fit }),
  }));
}

/** Options for {@link synthesizeQwenApi}. */
export interface SynthesizeQwenApiOptions {
  /** Where the cloud assembly goes. */
  readonly assemblyDir: string;
  /** Where the templates (`templates/`) and service folders (`services/<stack>/`) go. */
  readonly outDir: string;
}

/** Synthesize every API preset: templates, readable deploy scripts and Compute Nest service folders. */
export function synthesizeQwenApi(options: SynthesizeQwenApiOptions): SynthesizedServices {
  const app = new ros.App({ outdir: options.assemblyDir, stackTraces: false, treeMetadata: false });
  return synthesizeServices(app, qwenApiServiceEntries(app), options.outDir);
}
