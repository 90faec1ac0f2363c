import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './support/package-copy';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ROS_CDK = ['@alicloud/ros-cdk-core', '@alicloud/ros-cdk-ecs', '@alicloud/ros-cdk-ram', '@alicloud/ros-cdk-ros', 'constructs'];

/** Whether `version` (x.y.z) is in the caret range `^a.b.c` with a >= 1 (same major, not below a.b.c), as npm reads it. */
function satisfiesCaret(version: string, range: string): boolean {
  const [x, y, z] = version.split('.').map(Number);
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m) throw new Error(`not a caret range: ${range}`);
  const [a, b, c] = m.slice(1).map(Number);
  if (a === 0) throw new Error(`caret ranges below 1.0.0 are not handled here: ${range}`);
  return x === a && (y > b || (y === b && z >= c));
}

describe('package.json', () => {
  test('main and types point at the compiled output of lib/index.ts', () => {
    expect(pkg.main).toBe('dist/lib/index.js');
    expect(pkg.types).toBe('dist/lib/index.d.ts');
    const build = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8'));
    expect(build.compilerOptions.outDir).toBe('dist');
    expect(build.include).toContain('lib/**/*.ts');
    expect(pkg.scripts.build).toMatch(/^tsc -p tsconfig\.build\.json && /);
  });

  test("cdk.json's app runs the bundle that npm run build writes from the compiled app", () => {
    const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
    expect(app).toBe('node dist/qwen-chat-app.js');
    expect(pkg.scripts.build).toContain('esbuild dist/bin/qwen-chat.js --bundle --platform=node');
    expect(pkg.scripts.build).toContain('--outfile=dist/qwen-chat-app.js');
    // The bundle is the CLI's app, not part of the library: the package ships dist/lib only.
    expect(pkg.files.some((f: string) => f.includes('qwen-chat-app'))).toBe(false);
  });

  test.each(ROS_CDK)('%s is a peer dependency (a caret range), not a dependency; devDependencies pin a version inside it', (name) => {
    const range: string = pkg.peerDependencies?.[name];
    expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies?.[name]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(satisfiesCaret(pkg.devDependencies[name], range)).toBe(true);
    expect(pkg.dependencies?.[name]).toBeUndefined();
  });

  test.each([
    ['@alicloud/ros-cdk-core', ['1.11.0', '1.12.0'], ['1.6.0', '2.0.0']],
    ['@alicloud/ros-cdk-ecs', ['1.11.0'], ['1.6.0', '2.0.0']],
    ['@alicloud/ros-cdk-ros', ['1.11.0'], ['1.4.0', '2.0.0']],
    ['@alicloud/ros-cdk-ram', ['1.11.0', '1.12.0'], ['1.6.0', '2.0.0']],
  ])('the %s range takes the published 1.11 and 1.12 lines (%j), not %j', (name, takes, refuses) => {
    // The registry has core 1.2.0-1.12.0, ecs 1.6.0/1.11.0, ros 1.4.0/1.11.0, ram 1.4.0/1.6.0/1.11.0/1.12.0 (`npm view <name> versions`);
    // test/package/consumer-ros-cdk-1.11.system.test.ts installs and synthesizes on 1.11.0.
    for (const v of takes) expect(`${v}: ${satisfiesCaret(v, pkg.peerDependencies[name])}`).toBe(`${v}: true`);
    for (const v of refuses) expect(`${v}: ${satisfiesCaret(v, pkg.peerDependencies[name])}`).toBe(`${v}: false`);
  });

  test('the installed ROS CDK packages are the versions devDependencies pin', () => {
    for (const name of ROS_CDK) {
      const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
      const wanted: string = pkg.devDependencies[name];
      if (/^\d/.test(wanted)) expect(`${name}@${installed}`).toBe(`${name}@${wanted}`);
      else expect(satisfiesCaret(installed, wanted)).toBe(true);
    }
  });

  test('every peer dependency is one of the ROS CDK packages (nothing else is left for the consumer)', () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([...ROS_CDK].sort());
  });

  test('tsconfig is strict', () => {
    const ts = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
    expect(ts.compilerOptions).toMatchObject({ strict: true, noUnusedLocals: true, noImplicitReturns: true, declaration: true });
  });

  test('keywords, engines, and the documents shipped (README links are relative: no repository URL is recorded)', () => {
    expect(pkg.keywords).toEqual(expect.arrayContaining(['ros-cdk', 'alibaba-cloud', 'compute-nest', 'qwen']));
    expect(pkg.engines).toEqual({ node: '>=18' });
    expect(pkg.files).toContain('docs/*.md');
    // test/package/pack.system.test.ts checks every relative link of README.md resolves inside the tarball.
  });

  test('npm test runs tsc, eslint and both jest projects; test:unit and test:system run one each', () => {
    expect(pkg.scripts.test).toBe('tsc --noEmit && eslint . && jest');
    expect(fs.existsSync(path.join(ROOT, 'eslint.config.mjs'))).toBe(true);
    expect(pkg.scripts['test:unit']).toBe('jest --selectProjects unit');
    expect(pkg.scripts['test:system']).toBe('jest --selectProjects system');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jestConfig = require(path.join(ROOT, 'jest.config.js'));
    const projects = jestConfig.projects.map((p: { displayName: string; testMatch: string[] }) => [p.displayName, p.testMatch]);
    expect(projects).toEqual([['unit', ['**/*.test.ts']], ['system', ['**/*.system.test.ts']]]);
    expect(jestConfig.projects[0].testPathIgnorePatterns).toEqual(['\\.system\\.test\\.ts$']);
  });

  test("the README's test command and .ci/run run npm test (both projects); the README names npm run test:unit", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('bash scripts/install-system-deps.sh && npm ci && npm test\n');
    expect(readme).toMatch(/`npm run test:unit`/);
    const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ci.slice(-3)).toEqual(['bash scripts/install-system-deps.sh', 'npm ci --no-audit --no-fund', 'npm test']);
  });

  test('LICENSE is the Apache-2.0 text package.json declares', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });
});
