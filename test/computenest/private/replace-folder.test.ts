import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FolderIo, NODE_FOLDER_IO, replaceFolder } from '../../../lib/computenest/private/replace-folder';
import { serviceFolderFiles } from '../../../lib/computenest/private/service-folder-files';
import { writeServiceFolder } from '../../../lib/computenest/write-service-folder';
import { samplePackage, sampleTemplate } from '../fixtures';
import { listFiles, siblingsOf, treeDigest } from '../folder-tree';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function tmpRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-replace-'));
  roots.push(dir);
  return dir;
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** The files of a package with a template large enough to be written in several chunks. */
const files = () => serviceFolderFiles(samplePackage({ template: { ...sampleTemplate(), Description: 'x'.repeat(256 * 1024) } }));

/**
 * A writer that runs out of space in the middle of the template: it writes the first half of the file's bytes
 * (really, to disk), then fails as write(2) does on a full disk.
 */
function fullDiskIo(failOn: string, written: string[]): FolderIo {
  return {
    ...NODE_FOLDER_IO,
    writeFile(file, content) {
      if (file.endsWith(failOn)) {
        NODE_FOLDER_IO.writeFile(file, content.subarray(0, content.length >> 1));
        written.push(file);
        throw errno('ENOSPC', 'no space left on device, write');
      }
      NODE_FOLDER_IO.writeFile(file, content);
      written.push(file);
    },
  };
}

describe('replaceFolder: a failure mid-way leaves the previous folder and no half-written file', () => {
  test('full disk while writing the template (after config.yaml was written): previous folder byte-identical', () => {
    const root = tmpRoot();
    const dir = path.join(root, 'service');
    writeServiceFolder(dir, samplePackage());
    const digest = treeDigest(dir);
    const written: string[] = [];
    expect(() => replaceFolder(dir, files(), fullDiskIo('templates/template.yaml', written)))
      .toThrow(`writeServiceFolder: cannot write 'templates/template.yaml' (TemplateConfigs Url) in '${dir}': `
        + `ENOSPC: no space left on device, write; the folder '${dir}' is left as it was, nothing of the new one was kept.`);
    // config.yaml and half the template were really written, into the temporary folder, which is gone.
    expect(written.map((f) => path.relative(root, f).replace(/^\.service\.tmp-[^/]+/, '<tmp>'))).toEqual(['<tmp>/config.yaml', '<tmp>/templates/template.yaml']);
    expect(written.every((f) => !fs.existsSync(f))).toBe(true);
    expect(treeDigest(dir)).toBe(digest);
    expect(siblingsOf(dir)).toEqual([]);
  });

  test('full disk where there was no folder: no folder and nothing beside it afterwards', () => {
    const root = tmpRoot();
    const dir = path.join(root, 'service');
    expect(() => replaceFolder(dir, files(), fullDiskIo('config.yaml', [])))
      .toThrow(/^writeServiceFolder: cannot write 'config\.yaml' \(config\.yaml\) in '.*': ENOSPC: no space left on device, write; /);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test.each([
    ['the first directory flush (templates/)', 1, 'templates'],
    ['the last directory flush (the new folder itself)', 4, '.'],
  ])('an I/O error at %s: previous folder byte-identical, the new one removed', (_name, failAt, named) => {
    const root = tmpRoot();
    const dir = path.join(root, 'service');
    writeServiceFolder(dir, samplePackage());
    const digest = treeDigest(dir);
    let calls = 0;
    const io: FolderIo = {
      ...NODE_FOLDER_IO,
      syncDir(d) {
        if (++calls === failAt) throw errno('EIO', 'i/o error, fsync');
        NODE_FOLDER_IO.syncDir(d);
      },
    };
    expect(() => replaceFolder(dir, files(), io)).toThrow(`writeServiceFolder: cannot flush the new folder '${named}' of '${dir}' to disk: `
      + `EIO: i/o error, fsync; the folder '${dir}' is left as it was, nothing of the new one was kept.`);
    expect(treeDigest(dir)).toBe(digest);
    expect(siblingsOf(dir)).toEqual([]);
  });

  test('moving the previous folder aside refused: previous folder byte-identical, nothing beside it', () => {
    const root = tmpRoot();
    const dir = path.join(root, 'service');
    writeServiceFolder(dir, samplePackage());
    const digest = treeDigest(dir);
    const io: FolderIo = {
      ...NODE_FOLDER_IO,
      rename(from, to) {
        if (from === dir) throw errno('EBUSY', `resource busy or locked, rename '${from}' -> '${to}'`);
        NODE_FOLDER_IO.rename(from, to);
      },
    };
    expect(() => replaceFolder(dir, files(), io))
      .toThrow(new RegExp(`^writeServiceFolder: cannot move the previous folder '${dir}' aside: EBUSY: .*; the folder '${dir}' is left as it was\\.$`));
    expect(treeDigest(dir)).toBe(digest);
    expect(siblingsOf(dir)).toEqual([]);
  });

  test('moving the new folder into place refused: the previous folder moved back, byte-identical', () => {
    const root = tmpRoot();
    const dir = path.join(root, 'service');
    writeServiceFolder(dir, samplePackage());
    const digest = treeDigest(dir);
    const renames: string[] = [];
    const io: FolderIo = {
      ...NODE_FOLDER_IO,
      rename(from, to) {
        renames.push(`${path.basename(from).replace(/-.*/, '-*')} -> ${path.basename(to).replace(/-.*/, '-*')}`);
        if (path.basename(from).startsWith('.service.tmp-')) throw errno('EXDEV', 'cross-device link not permitted');
        NODE_FOLDER_IO.rename(from, to);
      },
    };
    expect(() => replaceFolder(dir, files(), io))
      .toThrow(`writeServiceFolder: cannot move the new folder into place at '${dir}': EXDEV: cross-device link not permitted; `
        + `the folder '${dir}' is left as it was.`);
    expect(renames).toEqual(['service -> .service.old-*', '.service.tmp-* -> service', '.service.old-* -> service']);
    expect(treeDigest(dir)).toBe(digest);
    expect(siblingsOf(dir)).toEqual([]);
  });

  test('on success the swap is: previous aside, new into place, parent flushed, previous removed', () => {
    const root = tmpRoot();
    const dir = path.join(root, 'service');
    writeServiceFolder(dir, samplePackage());
    fs.writeFileSync(path.join(dir, 'stale.txt'), 'from an older package\n');
    const steps: string[] = [];
    const name = (p: string) => (p === root ? '<parent>' : path.basename(p).replace(/-.*/, '-*'));
    const io: FolderIo = {
      writeFile(file, content) { steps.push(`write ${path.basename(file)}`); NODE_FOLDER_IO.writeFile(file, content); },
      rename(from, to) { steps.push(`rename ${name(from)} -> ${name(to)}`); NODE_FOLDER_IO.rename(from, to); },
      syncDir(d) { steps.push(`sync ${name(d)}`); NODE_FOLDER_IO.syncDir(d); },
    };
    expect(replaceFolder(dir, files(), io)).toBe(fs.realpathSync(dir));
    expect(steps).toEqual([
      'write config.yaml', 'write template.yaml', 'write index.md', 'write service_logo.png',
      'sync templates', 'sync icons', 'sync docs', 'sync .service.tmp-*',
      'rename service -> .service.old-*', 'rename .service.tmp-* -> service', 'sync <parent>',
    ]);
    expect(listFiles(dir)).toEqual(['config.yaml', 'docs/index.md', 'icons/service_logo.png', 'templates/template.yaml']);
    expect(siblingsOf(dir)).toEqual([]);
  });
});
