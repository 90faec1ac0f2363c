import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../../..');

/** Directories never copied: installed or generated trees. */
const SKIP = new Set(['node_modules', 'dist', '.git', 'cdk.out', 'out', 'coverage']);

/**
 * Copies the repository (sources, tests, examples, docs: everything a careless `files` list could
 * ship) into a temporary directory, with the repository's node_modules linked in, so a test can
 * build and pack without touching the working tree's dist/.
 */
export function copyPackage(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => !SKIP.has(path.basename(src)) || path.dirname(src) === ROOT && path.basename(src) === '.gitignore',
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs a command, returning stdout; on failure the error carries stdout and stderr. */
export function run(cmd: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, argv, {
      cwd, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e: any) {
    throw new Error(`${cmd} ${argv.join(' ')} (in ${cwd}) failed with ${e.status}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Compiles the package as `npm run build` does (tsc -p tsconfig.build.json). */
export function build(dir: string): void {
  run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], dir);
}

/** Every file under `dir`, relative, with '/' separators. */
export function listFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : listFiles(full, base);
    return [path.relative(base, full).split(path.sep).join('/')];
  });
}

/** What `npm pack --json` reports of one tarball. */
export interface PackInfo {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number }>;
}

/**
 * Packs a copy of the repository as `npm pack` does for a release (prepack builds it) into `dest`; returns the
 * tarball's path and npm's report of it.
 */
export function packTarball(dest: string): { tarball: string; info: PackInfo } {
  const copy = copyPackage('qwen-pack-src-');
  try {
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dest], copy)) as PackInfo[];
    return { tarball: path.join(dest, info.filename), info };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/**
 * Makes `dir` a scratch app whose package.json depends on `dependencies` (exact versions from the registry) and
 * installs them with the tarball in one `npm install`, as a user would: npm checks the tarball's peer ranges
 * against them (a conflict fails with ERESOLVE). Returns the installed package's folder.
 */
export function installTarball(dir: string, tarball: string, dependencies: Record<string, string>): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'scratch-app', version: '1.0.0', private: true, dependencies }, undefined, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], dir);
  const installed = path.join(dir, 'node_modules', 'ros-cdk-qwen-chat');
  if (fs.lstatSync(installed).isSymbolicLink()) throw new Error('ros-cdk-qwen-chat was linked, not installed from the tarball');
  return installed;
}
