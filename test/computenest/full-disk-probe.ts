/**
 * Run by write-service-folder.system.test.ts inside a private mount namespace, with argv[2] a fresh 64 KiB tmpfs:
 * writes a service folder, rewrites it (two copies fit), then writes a package whose template does not fit, and
 * prints what it saw as JSON on stdout.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeServiceFolder } from '../../lib/computenest/write-service-folder';
import { samplePackage, sampleTemplate } from './fixtures';
import { listFiles, treeDigest } from './folder-tree';

const mount = process.argv[2];
const dir = path.join(mount, 'service');
const usedBytes = () => {
  const s = fs.statfsSync(mount);
  return (s.blocks - s.bfree) * s.bsize;
};

writeServiceFolder(dir, samplePackage());
const first = treeDigest(dir);
const rewrite = { same: false, error: '' };
try {
  writeServiceFolder(dir, samplePackage());
} catch (e) {
  rewrite.error = (e as Error).message;
}
rewrite.same = treeDigest(dir) === first;
const before = treeDigest(dir);
const usedBefore = usedBytes();
let error = '';
try {
  writeServiceFolder(dir, samplePackage({ template: { ...sampleTemplate(), Description: 'x'.repeat(256 * 1024) } }));
} catch (e) {
  error = (e as Error).message;
}
process.stdout.write(JSON.stringify({
  rewrite,
  sizeBytes: fs.statfsSync(mount).blocks * fs.statfsSync(mount).bsize,
  error,
  same: treeDigest(dir) === before,
  usedBefore,
  usedAfter: usedBytes(),
  mountEntries: fs.readdirSync(mount).sort(),
  files: listFiles(dir),
  templateBytes: fs.statSync(path.join(dir, 'templates/template.yaml')).size,
}));
