import * as fs from 'fs';
import * as path from 'path';

/**
 * Absolute path of a file under the package's `assets/` folder, found by walking up from this file
 * (works from lib/private when run with ts-node/jest and from dist/lib/private when compiled).
 */
export function assetPath(name: string): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'assets', name);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`assets/${name} not found above ${__dirname}; the package's assets/ folder is missing.`);
}
