import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT } from './support/package-copy';

/**
 * The README's TypeScript examples compile against the library: every ```ts (or ```typescript)
 * block is read from README.md at run time and type-checked as its own module, with
 * `ros-cdk-qwen-chat` resolved to lib/index.ts and the project's strict compiler options.
 */
interface Block { line: number; code: string }

function readmeBlocks(): Block[] {
  const readme = path.join(ROOT, 'README.md');
  if (!fs.existsSync(readme)) {
    throw new Error('README.md is missing; the README examples test reads its ```ts blocks.');
  }
  const lines = fs.readFileSync(readme, 'utf8').split('\n');
  const blocks: Block[] = [];
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (start < 0 && /^```(ts|typescript)\s*$/.test(lines[i])) start = i;
    else if (start >= 0 && /^```\s*$/.test(lines[i])) {
      blocks.push({ line: start + 1, code: lines.slice(start + 1, i).join('\n') });
      start = -1;
    }
  }
  return blocks;
}

function typeCheck(blocks: Block[]): Map<number, string[]> {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config;
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    types: ['node'],
    // A snippet may declare a value only to show it; unused names are not an error in docs.
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: ROOT,
    paths: { 'ros-cdk-qwen-chat': ['lib/index.ts'] },
  };
  // Virtual files beside the repository, so node_modules resolves as it does for the project.
  const dir = path.join(ROOT, '.readme-examples');
  const files = new Map(blocks.map((b) => [path.join(dir, `readme-line-${b.line}.ts`), `${b.code}\nexport {};\n`]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const result = new Map<number, string[]>(blocks.map((b) => [b.line, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '';
    const block = blocks.find((b) => file.endsWith(`readme-line-${b.line}.ts`));
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!block) {
      // A diagnostic outside the snippets (lib/ itself) is reported on every block.
      result.forEach((list) => list.push(`${file}: ${message}`));
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    result.get(block.line)!.push(`README.md:${block.line + 1 + line}: TS${d.code}: ${message}`);
  }
  return result;
}

const blocks = readmeBlocks();
const diagnostics = typeCheck(blocks);

describe('README examples', () => {
  test('README.md has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  test.each(blocks.map((b) => [b.line, b] as const))('the ```ts block at README.md:%i compiles', (_line, block) => {
    expect(diagnostics.get(block.line)).toEqual([]);
  });

  test.each(blocks.map((b) => [b.line, b] as const))('the ```ts block at README.md:%i imports the package by name, not by path', (_line, block) => {
    const imports = [...block.code.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((m) => m.startsWith('.') || m.includes('/lib'))).toEqual([]);
  });
});
