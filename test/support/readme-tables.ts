import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { addQwenApiStacks, QWEN_API_PRESETS } from '../../lib/qwen-api/presets';
import { addQwenChatStacks, QWEN_CHAT_PRESETS } from '../../lib/qwen-chat/presets';

/** One generated table of README.md, between `<!-- <marker>:start -->` and `<!-- <marker>:end -->`. */
export interface ReadmeTable {
  /** The marker name. */
  readonly marker: string;
  /** The table's text (header, separator, rows), from the code. */
  render(): string;
}

function synthTemplates(add: (app: ros.App) => ros.Stack[]): any[] {
  const app = new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'readme-tables-')), stackTraces: false });
  const stacks = add(app);
  const assembly = app.synth();
  return stacks.map((s) => assembly.getStackArtifact(s.artifactId).template);
}

const code = (s: string) => `\`${s}\``;

/** The Qwen chat presets: stack, model, GPU need, template file and the synthesized EcsInstanceType list. */
export const CHAT_PRESETS_TABLE: ReadmeTable = {
  marker: 'presets-table',
  render() {
    const templates = synthTemplates((app) => addQwenChatStacks(app));
    return [
      '| stack | model | GPU memory need | template | allowed instance types |',
      '| --- | --- | --- | --- | --- |',
      ...QWEN_CHAT_PRESETS.map((p, i) => `| ${p.stackName} | ${p.model.displayName} | ${p.model.gpuMemoryGiB} GiB (${p.model.contextTokens} tokens) | ${code(`out/templates/${p.templateFile}`)} | ${
        (templates[i].Parameters.EcsInstanceType.AllowedValues as string[]).map(code).join(', ')} |`),
    ].join('\n');
  },
};

/**
 * The API presets: stack, checkpoint, template file, and per allowed type (the synthesized
 * EcsInstanceType list) the TP and context the stack's VllmFlags mapping gives it.
 */
export const API_PRESETS_TABLE: ReadmeTable = {
  marker: 'api-presets-table',
  render() {
    const templates = synthTemplates((app) => addQwenApiStacks(app));
    return [
      '| stack | checkpoint (ModelScope id) | template | allowed instance types (TP, max context) |',
      '| --- | --- | --- | --- |',
      ...QWEN_API_PRESETS.map((p, i) => {
        const t = templates[i];
        const types = (t.Parameters.EcsInstanceType.AllowedValues as string[]).map((type) => {
          const f = t.Mappings.VllmFlags[type];
          return `${code(type)} (TP ${f.TensorParallelSize}, ${f.MaxModelLen})`;
        });
        return `| ${p.stackName} | ${p.checkpoint.displayName} (${code(p.checkpoint.modelScopeId)}) | ${code(`out/templates/${p.templateFile}`)} | ${types.join(', ')} |`;
      }),
    ].join('\n');
  },
};

/** Every generated table of README.md. */
export const README_TABLES: ReadmeTable[] = [CHAT_PRESETS_TABLE, API_PRESETS_TABLE];

/** The text between a table's markers (trimmed). */
export function readmeTable(readme: string, marker: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  if (!readme.includes(start) || !readme.includes(end)) {
    throw new Error(`README.md has no '${start}' ... '${end}' block; add the markers where the table goes.`);
  }
  return readme.split(start)[1].split(end)[0].trim();
}

/** README text with every generated table rewritten. */
export function replaceReadmeTables(readme: string): string {
  let text = readme;
  for (const table of README_TABLES) {
    const start = `<!-- ${table.marker}:start -->`;
    const end = `<!-- ${table.marker}:end -->`;
    readmeTable(text, table.marker); // the markers must be there
    const from = text.indexOf(start) + start.length;
    text = `${text.slice(0, from)}\n${table.render()}\n${text.slice(text.indexOf(end))}`;
  }
  return text;
}
