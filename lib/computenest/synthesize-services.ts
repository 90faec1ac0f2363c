import * as fs from 'fs';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { templateToYaml } from '../ros/yaml';
import { DeployScript } from '../script/deploy-script';
import { ContentSize, DeployScriptRunCommand } from '../script/deploy-script-run-command';
import { ComputeNestServicePackage } from './compute-nest-service-package';
import { writeServiceFolder } from './write-service-folder';

/** One stack to synthesize into a template and a Compute Nest service folder. */
export interface ServiceStackEntry {
  /** The stack (already added to the app). */
  readonly stack: ros.Stack;
  /** The YAML template's file name under `<outDir>/templates/`. */
  readonly templateFile: string;
  /** Its deploy script, written readable beside the template. */
  readonly script: DeployScript;
  /** The RunCommand running it (for the content size). */
  readonly runCommand: DeployScriptRunCommand;
  /** The service package made from the synthesized template. */
  servicePackage(template: any): ComputeNestServicePackage;
}

/** What {@link synthesizeServices} produced. */
export interface SynthesizedServices {
  /** Stack name -> rendered template object. */
  readonly templates: { readonly [stackName: string]: any };
  /** Files written (YAML templates, readable deploy scripts, service folders), relative to outDir. */
  readonly files: readonly string[];
  /** Stack name -> how much of the RunCommand content limit its deploy script takes. */
  readonly scriptSizes: { readonly [stackName: string]: ContentSize };
}

/**
 * Synthesizes the app (its cloud assembly to the app's outdir) and writes, per entry, the template as
 * YAML and its readable deploy script to `<outDir>/templates/`, and its Compute Nest service folder to
 * `<outDir>/services/<stack name>/` (replaced whole). Two runs give byte-identical files.
 */
export function synthesizeServices(app: ros.App, entries: readonly ServiceStackEntry[], outDir: string): SynthesizedServices {
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.templateFile)) throw new Error(`synthesizeServices: templateFile '${e.templateFile}' is given twice; give each stack its own file.`);
    names.add(e.templateFile);
  }
  const assembly = app.synth();
  fs.mkdirSync(path.join(outDir, 'templates'), { recursive: true });
  const templates: { [stackName: string]: any } = {};
  const files: string[] = [];
  const scriptSizes: { [stackName: string]: ContentSize } = {};
  for (const e of entries) {
    const template = assembly.getStackArtifact(e.stack.artifactId).template;
    templates[e.stack.stackName] = template;
    const file = path.join('templates', e.templateFile);
    fs.writeFileSync(path.join(outDir, file), templateToYaml(template));
    files.push(file);
    // The deploy script as the instance runs it, readable, beside the template.
    const script = path.join('templates', e.templateFile.replace(/\.template\.yaml$/, '') + '.deploy-script.sh');
    fs.writeFileSync(path.join(outDir, script), e.script.render().readable);
    files.push(script);
    scriptSizes[e.stack.stackName] = e.runCommand.contentSize();
  }
  for (const e of entries) {
    const serviceDir = path.join(outDir, 'services', e.stack.stackName);
    // writeServiceFolder replaces the folder whole (a previous run's files are gone), or leaves it as it was.
    const written = writeServiceFolder(serviceDir, e.servicePackage(templates[e.stack.stackName]));
    files.push(...written.map((f) => path.relative(outDir, f)));
  }
  return { templates, files, scriptSizes };
}
