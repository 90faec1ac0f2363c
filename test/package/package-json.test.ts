import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './support/package-copy';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ROS_CDK = ['@alicloud/ros-cdk-core', '@alicloud/ros-cdk-ecs', '@alicloud/ros-cdk-ros', 'constructs'];

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

  test.each(ROS_CDK)('%s is a peer dependency with the same version in devDependencies, not a dependency', (name) => {
    expect(pkg.peerDependencies?.[name]).toBeDefined();
    expect(pkg.devDependencies?.[name]).toBe(pkg.peerDependencies[name]);
    expect(pkg.dependencies?.[name]).toBeUndefined();
  });

  test('the installed ROS CDK packages are the pinned peer versions', () => {
    for (const name of ROS_CDK) {
      const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
      const wanted: string = pkg.peerDependencies[name];
      if (/^\d/.test(wanted)) expect(`${name}@${installed}`).toBe(`${name}@${wanted}`);
      else expect(installed.split('.')[0]).toBe(wanted.replace(/^[\^~]/, '').split('.')[0]);
    }
  });

  test('every peer dependency is one of the ROS CDK packages (nothing else is left for the consumer)', () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([...ROS_CDK].sort());
  });

  test('the test command type-checks, lints and runs jest', () => {
    expect(pkg.scripts.test).toMatch(/tsc --noEmit/);
    expect(pkg.scripts.test).toMatch(/eslint \./);
    expect(pkg.scripts.test).toMatch(/jest/);
    expect(fs.existsSync(path.join(ROOT, 'eslint.config.mjs'))).toBe(true);
  });

  test('tsconfig is strict', () => {
    const ts = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
    expect(ts.compilerOptions).toMatchObject({ strict: true, noUnusedLocals: true, noImplicitReturns: true, declaration: true });
  });

  test('LICENSE is the Apache-2.0 text package.json declares', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });
});
