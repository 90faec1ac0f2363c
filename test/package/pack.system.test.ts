import { builtinModules } from 'module';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { installTarball, listFiles, PackInfo, packTarball, ROOT, run } from './support/package-copy';

/**
 * What ships: `npm pack` on a clean copy (prepack builds it, as a release would), then the tarball installed into
 * a scratch app next to the ROS CDK versions this repository develops against, as a user installs it.
 */
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
let work: string;
let info: PackInfo;
let packed: string[];
let app: string;
let installed: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-pack-'));
  const packedTarball = packTarball(work);
  info = packedTarball.info;
  packed = info.files.map((f) => f.path).sort();
  app = path.join(work, 'app');
  const peers = ['@alicloud/ros-cdk-core', '@alicloud/ros-cdk-ecs', '@alicloud/ros-cdk-ram', '@alicloud/ros-cdk-ros', 'constructs'];
  installed = installTarball(app, packedTarball.tarball, Object.fromEntries(peers.map((p) => [p, pkg.devDependencies[p]])));
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs node in the scratch app, where `ros-cdk-qwen-chat` resolves as it does for a user. */
const nodeInApp = (code: string) => run(process.execPath, ['-e', code], app);

describe('npm pack: what ships', () => {
  test('the installed package holds exactly the files npm packed', () => {
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(installed, path.join(dir, e.name))]));
    expect(walk(installed).sort()).toEqual(packed);
  });

  test('ships the compiled JS and type declarations of every lib/ module', () => {
    const modules = listFiles(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(modules.length).toBeGreaterThan(10);
    const missing = modules.flatMap((m) => {
      const base = `dist/lib/${m.replace(/\.ts$/, '')}`;
      return [`${base}.js`, `${base}.d.ts`].filter((f) => !packed.includes(f));
    });
    expect(missing).toEqual([]);
  });

  test('ships assets/, README.md, LICENSE, package.json and the documents README links to (docs/*.md)', () => {
    const assets = listFiles(path.join(ROOT, 'assets')).map((f) => `assets/${f}`);
    const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
    expect(assets.length).toBeGreaterThan(0);
    expect(docs.length).toBeGreaterThan(0);
    expect(packed).toEqual(expect.arrayContaining([...assets, ...docs, 'README.md', 'LICENSE', 'package.json']));
  });

  test.each([
    ['the rehearsal harness', /(^|\/)rehearsal\//],
    ['stand-ins', /stand-?ins?/i],
    ['tests', /(^|\/)test\/|\.test\.|\.spec\./],
    ['TypeScript sources', /(?<!\.d)\.ts$/],
    ['the app and its bundle (bin/, dist/bin, dist/qwen-chat-app.js, bin/rehearse)', /(^|\/)bin\/|qwen-chat-app|rehearse/],
    ['the generated API reference (docs/api/)', /^docs\/api\//],
    ['bench, examples, scripts, CI', /^(bench|examples|scripts|\.ci)\//],
    ['build and tool configuration', /^(tsconfig.*|jest\.config\.js|eslint\.config\.mjs|typedoc\.json|cdk\.json|package-lock\.json|\.gitignore)$/],
    ['installed or generated trees', /(^|\/)(node_modules|cdk\.out|out|coverage)\//],
  ])('ships no %s', (_what, pattern) => {
    expect(packed.filter((f) => pattern.test(f))).toEqual([]);
  });

  test('every packed file is compiled lib output, an asset, a document, or package metadata', () => {
    const unexpected = packed.filter((f) => !/^dist\/lib\/.+\.(js|d\.ts)$/.test(f) && !f.startsWith('assets/')
      && !/^docs\/[^/]+\.md$/.test(f) && !['README.md', 'LICENSE', 'package.json'].includes(f));
    expect(unexpected).toEqual([]);
  });

  test('every main, types, bin, exports and typesVersions target is in the tarball', () => {
    const targets: string[] = [pkg.main, pkg.types, ...Object.values<string>(pkg.bin ?? {})];
    const walk = (v: unknown) => {
      if (typeof v === 'string') targets.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(pkg.exports);
    walk(pkg.typesVersions);
    const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !packed.includes(t));
    expect(targets.length).toBeGreaterThan(6);
    expect(missing).toEqual([]);
  });

  test('every require() in the shipped JS resolves inside the tarball, to a dependency, or to a Node.js builtin', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const problems: string[] = [];
    for (const file of packed.filter((f) => f.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(installed, file), 'utf8');
      for (const [, spec] of text.matchAll(/\brequire\(["']([^"']+)["']\)/g)) {
        if (spec.startsWith('.')) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
          if (![target, `${target}.js`, `${target}/index.js`].some((t) => packed.includes(t))) problems.push(`${file}: ${spec}`);
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (!allowed.has(name) && !builtinModules.includes(name.replace(/^node:/, ''))) problems.push(`${file}: ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('every relative link in README.md and the shipped documents resolves to a file in the tarball', () => {
    const checked: string[] = [];
    const broken: string[] = [];
    for (const doc of packed.filter((f) => f.endsWith('.md'))) {
      const text = fs.readFileSync(path.join(installed, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
        const rel = path.posix.normalize(path.posix.join(path.posix.dirname(doc), decodeURI(target.replace(/#.*$/, ''))));
        checked.push(`${doc} -> ${target}`);
        if (!packed.includes(rel) && !packed.some((f) => f.startsWith(`${rel.replace(/\/$/, '')}/`))) broken.push(`${doc} -> ${target}`);
      }
    }
    expect(checked.length).toBeGreaterThan(5);
    expect(broken).toEqual([]);
  });
});

describe('the installed tarball', () => {
  test("require('ros-cdk-qwen-chat') gives the constructs", () => {
    const names = JSON.parse(nodeInApp("process.stdout.write(JSON.stringify(Object.keys(require('ros-cdk-qwen-chat'))))"));
    expect(names).toEqual(expect.arrayContaining(['QwenChatStack', 'QwenGpuInstance', 'QwenModel', 'ServiceNetwork', 'DeployScript',
      'DeployScriptRunCommand', 'HealthCheck', 'NginxBasicAuth', 'SystemdService', 'WaitConditionCallback', 'ScriptValue', 'writeServiceFolder']));
  });

  test("require('ros-cdk-qwen-chat/rules') gives the rule pack, and it lints", () => {
    const out = JSON.parse(nodeInApp(`
      const rules = require('ros-cdk-qwen-chat/rules');
      const template = { ROSTemplateFormatVersion: '2015-09-01', Resources: { Sg: { Type: 'ALIYUN::ECS::SecurityGroup',
        Properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '22/22', SourceCidrIp: '0.0.0.0/0' }] } } } };
      const result = rules.lintTemplate(rules.parseTemplateText(JSON.stringify(template), 'probe.json'));
      process.stdout.write(JSON.stringify({ names: Object.keys(rules), rules: result.findings.map((f) => f.ruleId) }));`));
    expect(out.names).toEqual(expect.arrayContaining(['lintTemplate', 'applyRulePack', 'parseTemplateText']));
    expect(out.rules).toContain('open-ingress');
  });

  test('the package.json subpath is exported; files outside the exports map are not reachable', () => {
    expect(nodeInApp("process.stdout.write(require('ros-cdk-qwen-chat/package.json').name)")).toBe('ros-cdk-qwen-chat');
    expect(() => nodeInApp("require('ros-cdk-qwen-chat/dist/lib/computenest/private/replace-folder')"))
      .toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  test('the bin runs: `ros-cdk-qwen-chat lint` on a template', () => {
    const template = path.join(app, 'probe.json');
    fs.writeFileSync(template, JSON.stringify({ ROSTemplateFormatVersion: '2015-09-01', Resources: {} }));
    expect(run(path.join(app, 'node_modules/.bin/ros-cdk-qwen-chat'), ['--help'], app)).toMatch(/^usage: ros-cdk-qwen-chat COMMAND/);
    run(path.join(app, 'node_modules/.bin/ros-cdk-qwen-chat'), ['lint', template], app);
  });

  test.each([['node10 (typesVersions)', ts.ModuleResolutionKind.Node10, ts.ModuleKind.CommonJS],
    ['node16 (exports)', ts.ModuleResolutionKind.Node16, ts.ModuleKind.Node16]])(
    'TypeScript with moduleResolution %s finds the types of both entry points', (_name, moduleResolution, module) => {
      const file = path.join(app, 'types-probe.ts');
      fs.writeFileSync(file, [
        "import { QwenChatStack } from 'ros-cdk-qwen-chat';",
        "import { lintTemplate, TemplateDocument } from 'ros-cdk-qwen-chat/rules';",
        'export const probe: [typeof QwenChatStack, typeof lintTemplate, TemplateDocument | undefined] = [QwenChatStack, lintTemplate, undefined];',
        '',
      ].join('\n'));
      const program = ts.createProgram([file], { strict: true, noEmit: true, module, moduleResolution, types: [], skipLibCheck: true, target: ts.ScriptTarget.ES2020 });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    });
});
