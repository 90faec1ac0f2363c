import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ROOT } from './support/package-copy';

/**
 * The documents' TypeScript examples compile against the library: every ```ts (or ```typescript)
 * block of README.md and docs/extending.md is read at run time and type-checked as its own module,
 * with `ros-cdk-qwen-chat` resolved to lib/index.ts, `ros-cdk-qwen-chat/rules` to lib/rules/index.ts,
 * and the project's strict compiler options.
 */
interface Block { file: string; line: number; code: string }

const DOCUMENTS = ['README.md', path.join('docs', 'extending.md')];

function documentBlocks(file: string): Block[] {
  const document = path.join(ROOT, file);
  if (!fs.existsSync(document)) {
    throw new Error(`${file} is missing; the examples test reads its \`\`\`ts blocks.`);
  }
  const lines = fs.readFileSync(document, 'utf8').split('\n');
  const blocks: Block[] = [];
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (start < 0 && /^```(ts|typescript)\s*$/.test(lines[i])) start = i;
    else if (start >= 0 && /^```\s*$/.test(lines[i])) {
      blocks.push({ file, line: start + 1, code: lines.slice(start + 1, i).join('\n') });
      start = -1;
    }
  }
  return blocks;
}

const key = (b: Block) => `${b.file}:${b.line}`;

function typeCheck(blocks: Block[]): Map<string, string[]> {
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
    paths: { 'ros-cdk-qwen-chat': ['lib/index.ts'], 'ros-cdk-qwen-chat/rules': ['lib/rules/index.ts'] },
  };
  // Virtual files beside the repository, so node_modules resolves as it does for the project.
  const dir = path.join(ROOT, '.readme-examples');
  const virtualName = (b: Block) => path.join(dir, `${b.file.replace(/[^A-Za-z0-9]/g, '-')}-line-${b.line}.ts`);
  const files = new Map(blocks.map((b) => [virtualName(b), `${b.code}\nexport {};\n`]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const result = new Map<string, string[]>(blocks.map((b) => [key(b), []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '';
    const block = blocks.find((b) => file === virtualName(b));
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!block) {
      // A diagnostic outside the snippets (lib/ itself) is reported on every block.
      result.forEach((list) => list.push(`${file}: ${message}`));
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    result.get(key(block))!.push(`${block.file}:${block.line + 1 + line}: TS${d.code}: ${message}`);
  }
  return result;
}

const blocks = DOCUMENTS.flatMap(documentBlocks);
const diagnostics = typeCheck(blocks);
const rows = blocks.map((b) => [key(b), b] as const);

describe('documentation examples', () => {
  test.each(DOCUMENTS)('%s has TypeScript examples', (file) => {
    expect(blocks.filter((b) => b.file === file).length).toBeGreaterThan(0);
  });

  test.each(rows)('the ```ts block at %s compiles', (name, _block) => {
    expect(diagnostics.get(name)).toEqual([]);
  });

  test.each(rows)('the ```ts block at %s imports the package by name, not by path', (_name, block) => {
    const imports = [...block.code.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((m) => m.startsWith('.') || m.includes('/lib'))).toEqual([]);
  });
});
