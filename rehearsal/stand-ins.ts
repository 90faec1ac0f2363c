import * as fs from 'fs';
import * as path from 'path';

/**
 * Where the rehearsal's stand-ins live (upstream, live client, systemctl, signal receiver, apps).
 * They are development fixtures, not part of the published package.
 */
export const DEFAULT_STAND_INS_DIR = path.resolve(__dirname, 'stand-ins');

/** The absolute path of one stand-in file; throws when it is missing. */
export function standInPath(name: string, dir: string = DEFAULT_STAND_INS_DIR): string {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    throw new Error(`stand-in '${name}' not found in ${dir}: the rehearsal runs from a source checkout (rehearsal/stand-ins)`);
  }
  return file;
}
