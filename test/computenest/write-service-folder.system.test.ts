import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { requireTool } from '../support/tools';

/**
 * A full disk, for real: a 64 KiB tmpfs mounted in a private mount namespace (`unshare -m`, as root), on which
 * test/computenest/full-disk-probe.ts writes a service folder (about 24 KiB), rewrites it, then writes a package
 * whose template (about 260 KiB) cannot fit.
 */
interface ProbeResult {
  rewrite: { same: boolean; error: string };
  sizeBytes: number;
  error: string;
  same: boolean;
  usedBefore: number;
  usedAfter: number;
  mountEntries: string[];
  files: string[];
  templateBytes: number;
}

let mountPoint: string;
let result: ProbeResult;

beforeAll(() => {
  const unshare = requireTool('unshare', 'util-linux');
  requireTool('mount', 'mount');
  mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-full-disk-'));
  const tsNode = require.resolve('ts-node/register/transpile-only');
  const probe = path.join(__dirname, 'full-disk-probe.ts');
  const r = spawnSync(unshare, ['-m', '--propagation', 'private', '--', 'sh', '-c',
    'mount -t tmpfs -o size=64k,mode=0755 qwen-full-disk "$1" && exec "$2" -r "$3" "$4" "$1"',
    'sh', mountPoint, process.execPath, tsNode, probe], { encoding: 'utf8', cwd: path.join(__dirname, '../..') });
  if (r.status !== 0) throw new Error(`the full-disk probe failed (${r.status}; it needs root for unshare -m and mount):\n${r.stdout}\n${r.stderr}`);
  result = JSON.parse(r.stdout);
}, 60_000);

afterAll(() => {
  if (mountPoint) fs.rmSync(mountPoint, { recursive: true, force: true });
});

describe('writeServiceFolder on a full disk (64 KiB tmpfs)', () => {
  test('the probe ran on the 64 KiB tmpfs, not on the host folder', () => {
    expect(result.sizeBytes).toBe(64 * 1024);
    expect(fs.readdirSync(mountPoint)).toEqual([]);
  });

  test('rewriting a folder that fits twice succeeds and gives the same bytes', () => {
    expect(result.rewrite).toEqual({ same: true, error: '' });
  });

  test('a template that does not fit: the error names the file and ENOSPC', () => {
    expect(result.error).toBe(`writeServiceFolder: cannot write 'templates/template.yaml' (TemplateConfigs Url) in '${mountPoint}/service': `
      + `ENOSPC: no space left on device, write; the folder '${mountPoint}/service' is left as it was, nothing of the new one was kept.`);
  });

  test('the previous folder is byte-identical, no half-written file anywhere, the space is given back', () => {
    expect(result.same).toBe(true);
    expect(result.files).toEqual(['config.yaml', 'docs/index.md', 'icons/service_logo.png', 'templates/template.yaml']);
    expect(result.templateBytes).toBeLessThan(1024);
    expect(result.mountEntries).toEqual(['service']);
    expect(result.usedAfter).toBe(result.usedBefore);
  });
});
