import * as fs from 'fs';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { qwenChatServicePackage } from './service-package';
import { writeServiceFolder } from '../computenest/write-service-folder';
import { ContentSize } from '../script/deploy-script-run-command';
import { templateToYaml } from '../ros/yaml';
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

/**
 * Synthesize every preset stack into a cloud assembly and write each template as YAML. Two runs
 * give byte-identical files.
 */
export function synthesizeQwenChat(options: SynthesizeQwenChatOptions): SynthesizedQwenChat {
  const app = new ros.App({ outdir: options.assemblyDir, stackTraces: false, treeMetadata: false });
  const stacks = addQwenChatStacks(app);
  const assembly = app.synth();
  const templatesDir = path.join(options.outDir, 'templates');
  fs.mkdirSync(templatesDir, { recursive: true });
  const templates: { [stackName: string]: any } = {};
  const files: string[] = [];
  const scriptSizes: { [stackName: string]: ContentSize } = {};
  stacks.forEach((stack, i) => {
    const template = assembly.getStackArtifact(stack.artifactId).template;
    templates[stack.stackName] = template;
    const file = path.join('templates', QWEN_CHAT_PRESETS[i].templateFile);
    fs.writeFileSync(path.join(options.outDir, file), templateToYaml(template));
    files.push(file);
    // The deploy script as the instance runs it, readable, beside the template.
    const script = path.join('templates', QWEN_CHAT_PRESETS[i].templateFile.replace(/\.template\.yaml$/, '') + '.deploy-script.sh');
    fs.writeFileSync(path.join(options.outDir, script), stack.script.render().readable);
    files.push(script);
    scriptSizes[stack.stackName] = stack.runCommand.contentSize();
  });
  stacks.forEach((stack, i) => {
    const serviceDir = path.join(options.outDir, 'services', stack.stackName);
    // writeServiceFolder replaces the folder whole (a previous run's files are gone), or leaves it as it was.
    const written = writeServiceFolder(serviceDir, qwenChatServicePackage({
      template: templates[stack.stackName],
      model: QWEN_CHAT_PRESETS[i].model,
      osBase: stack.osBase,
    }));
    files.push(...written.map((f) => path.relative(options.outDir, f)));
  });
  return { templates, files, scriptSizes };
}
