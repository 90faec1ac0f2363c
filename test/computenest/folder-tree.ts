import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * A digest of a folder tree: every entry's relative path, type, permission bits, and the SHA-256 of each file's
 * bytes or each link's target. Two trees with equal digests are byte-identical.
 */
export function treeDigest(dir: string): string {
  const lines: string[] = [];
  const walk = (abs: string, rel: string) => {
    const st = fs.lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) lines.push(`${rel} link ${fs.readlinkSync(abs)}`);
    else if (st.isDirectory()) {
      lines.push(`${rel} dir ${mode}`);
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(abs, name), rel === '' ? name : `${rel}/${name}`);
    } else lines.push(`${rel} file ${mode} ${crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`);
  };
  walk(dir, '');
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The entries of `dir` that are not `keep`: leftovers (temporary or backup folders) beside a service folder. */
export function siblingsOf(dir: string, ...keep: string[]): string[] {
  return fs.readdirSync(path.dirname(dir)).filter((n) => n !== path.basename(dir) && !keep.includes(n)).sort();
}

/** Every file under `dir`, relative, sorted (links listed, not followed). */
export function listFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]).sort();
}
