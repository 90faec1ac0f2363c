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
