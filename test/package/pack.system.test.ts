import * as fs from 'fs';
import * as path from 'path';
import { build, copyPackage, listFiles, run } from './support/package-copy';

/** The files `npm pack` would put in the tarball, from `npm pack --dry-run --json` on a built copy. */
let packed: string[];
let copy: string;

beforeAll(() => {
  copy = copyPackage('qwen-pack-');
  build(copy);
  const out = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], copy);
  const [info] = JSON.parse(out);
  packed = info.files.map((f: { path: string }) => f.path).sort();
}, 120_000);

afterAll(() => {
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('ships the compiled JS and type declarations of every lib/ module', () => {
    const modules = listFiles(path.join(copy, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(modules.length).toBeGreaterThan(10);
    const missing = modules.flatMap((m) => {
      const base = `dist/lib/${m.replace(/\.ts$/, '')}`;
      return [`${base}.js`, `${base}.d.ts`].filter((f) => !packed.includes(f));
    });
    expect(missing).toEqual([]);
    expect(packed).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/lib/index.d.ts']));
  });

  test('ships assets/, README.md, LICENSE and package.json', () => {
    const assets = listFiles(path.join(copy, 'assets')).map((f) => `assets/${f}`);
    expect(assets.length).toBeGreaterThan(0);
    expect(packed).toEqual(expect.arrayContaining([...assets, 'README.md', 'LICENSE', 'package.json']));
  });

  test('the bin entry is in the tarball', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8'));
    for (const target of Object.values<string>(pkg.bin ?? {})) {
      expect(packed).toContain(target.replace(/^\.\//, ''));
    }
  });

  test('ships no tests, TypeScript sources, bench, examples or build config', () => {
    const unwanted = packed.filter((f) =>
      /^(test|bench|examples|docs|scripts|\.ci|bin)\//.test(f)
      || /\.test\.|\.spec\./.test(f)
      || (f.endsWith('.ts') && !f.endsWith('.d.ts'))
      || /^(tsconfig.*|jest\.config\.js|eslint\.config\.mjs|typedoc\.json|cdk\.json|package-lock\.json)$/.test(f)
      || f.includes('node_modules/'));
    expect(unwanted).toEqual([]);
  });

  test('every packed file is either compiled lib output, an asset, or a top-level doc', () => {
    const unexpected = packed.filter((f) => !/^dist\/lib\/.+\.(js|d\.ts)$/.test(f) && !f.startsWith('assets/')
      && !['README.md', 'LICENSE', 'package.json'].includes(f));
    expect(unexpected).toEqual([]);
  });

  test('the compiled entry point loads and exports the constructs', async () => {
    const lib = await import(path.join(copy, 'dist/lib/index.js'));
    for (const name of ['QwenChatStack', 'QwenGpuInstance', 'QwenModel', 'ServiceNetwork', 'DeployScript',
      'DeployScriptRunCommand', 'HealthCheck', 'NginxBasicAuth', 'SystemdService', 'WaitConditionCallback', 'ScriptValue']) {
      expect(typeof lib[name]).toBe('function');
    }
  });
});
