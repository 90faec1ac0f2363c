import * as fs from 'fs';
import * as path from 'path';

/** One file of a folder to write: its path inside the folder ('/'-separated), what names it, its bytes. */
export interface FolderFile {
  /** Normalized relative path, '/'-separated, no '.' or '..' component. */
  readonly rel: string;
  /** What names this path, for errors (e.g. `TemplateConfigs Url 'templates/template.yaml'`). */
  readonly origin: string;
  /** The content. */
  readonly content: Uint8Array;
}

/**
 * The file-system calls that change the disk, injectable so a test can fail one mid-way (a full disk, an I/O
 * error, a rename refused). Everything else (mkdir, lstat, realpath, rm) uses `fs` directly.
 */
export interface FolderIo {
  /** Creates `file` (never through an existing file or symbolic link), writes all of `content` and fsyncs it. */
  writeFile(file: string, content: Uint8Array): void;
  /** Renames a directory (`rename(2)`). */
  rename(from: string, to: string): void;
  /** Flushes a directory's entries to disk (`fsync(2)` on the directory). */
  syncDir(dir: string): void;
}

/** The real file system. */
export const NODE_FOLDER_IO: FolderIo = {
  writeFile(file, content) {
    // O_EXCL: the file must not exist; O_NOFOLLOW: never open through a symbolic link.
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
    const fd = fs.openSync(file, flags, 0o666);
    try {
      let offset = 0;
      while (offset < content.length) offset += fs.writeSync(fd, content, offset, content.length - offset);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  rename(from, to) {
    fs.renameSync(from, to);
  },
  syncDir(dir) {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** An error of `replaceFolder`: `writeServiceFolder: <what>: <cause>; <state>.` */
function failure(what: string, cause: unknown, state: string): Error {
  const e = cause as NodeJS.ErrnoException;
  const reason = e && typeof e === 'object' && 'message' in e ? e.message : String(cause);
  return new Error(`writeServiceFolder: ${what}: ${reason}; ${state}.`);
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Replaces the folder `target` by a new one holding exactly `files`, whole or not at all:
 * 1. the parent of `target` is created and resolved to its real path; `target`, if it exists, must be a real
 *    directory (not a symbolic link, not a file);
 * 2. every file is written into a new sibling folder (`.<name>.tmp-XXXXXX`, same file system), each created
 *    exclusively and without following links, fsynced, its directory's real path checked to be inside the new
 *    folder; then the new folder's directories are fsynced;
 * 3. the swap: `target` -> `.<name>.old-XXXXXX`, new folder -> `target`, parent fsynced, the old folder removed
 *    (on Linux, rename(2) onto a non-empty directory fails with ENOTEMPTY, hence the two renames). If the second
 *    rename fails, the old folder is renamed back.
 * Any error before the swap removes the new folder and leaves `target` as it was; the error names the file and the
 * cause. Between the two renames (two system calls) `target` is briefly absent; a crash there leaves the previous
 * folder in the `.old-` sibling.
 * @returns the real path of the folder written
 */
export function replaceFolder(target: string, files: readonly FolderFile[], io: FolderIo = NODE_FOLDER_IO): string {
  const given = path.resolve(target);
  const name = path.basename(given);
  if (name === '') throw new Error(`writeServiceFolder: '${target}' is the root folder; pass a folder below it.`);
  const unchanged = `the folder '${target}' is left as it was`;
  let parent: string;
  try {
    fs.mkdirSync(path.dirname(given), { recursive: true });
    parent = fs.realpathSync(path.dirname(given));
  } catch (e) {
    throw failure(`cannot create the parent folder of '${target}'`, e, 'nothing was written');
  }
  const dest = path.join(parent, name);
  const existing = lstatOrUndefined(dest);
  if (existing?.isSymbolicLink()) {
    throw new Error(`writeServiceFolder: '${target}' is a symbolic link (to '${fs.readlinkSync(dest)}'); `
      + `pass the real folder's path, or remove the link; ${unchanged}.`);
  }
  if (existing && !existing.isDirectory()) {
    throw new Error(`writeServiceFolder: '${target}' exists and is not a folder; remove it or pass another path; ${unchanged}.`);
  }

  let tmp: string;
  try {
    tmp = fs.mkdtempSync(path.join(parent, `.${name}.tmp-`));
  } catch (e) {
    throw failure(`cannot create a temporary folder beside '${target}'`, e, unchanged);
  }
  const discardTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    fs.chmodSync(tmp, 0o755);
    const dirs = new Set<string>([tmp]);
    for (const file of files) {
      const abs = path.join(tmp, ...file.rel.split('/'));
      try {
        fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o755 });
        const realDir = fs.realpathSync(path.dirname(abs));
        if (!isInside(tmp, realDir)) {
          throw new Error(`its folder resolves to '${realDir}', outside the service folder`);
        }
        dirs.add(realDir);
        io.writeFile(path.join(realDir, path.basename(abs)), file.content);
      } catch (e) {
        throw failure(`cannot write '${file.rel}' (${file.origin}) in '${target}'`, e, `${unchanged}, nothing of the new one was kept`);
      }
    }
    // Deepest first, so each directory's entry in its parent is flushed after its own entries.
    for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
      try {
        io.syncDir(dir);
      } catch (e) {
        throw failure(`cannot flush the new folder '${path.relative(tmp, dir) || '.'}' of '${target}' to disk`, e,
          `${unchanged}, nothing of the new one was kept`);
      }
    }
  } catch (e) {
    discardTmp();
    throw e;
  }

  let backup: string | undefined;
  if (!existing) {
    try {
      io.rename(tmp, dest);
    } catch (e) {
      discardTmp();
      throw failure(`cannot move the new folder into place at '${target}'`, e, 'nothing was written');
    }
  } else {
    try {
      // A fresh unique name: mkdtemp creates it empty, so the rename below replaces an empty directory.
      backup = fs.mkdtempSync(path.join(parent, `.${name}.old-`));
      io.rename(dest, backup);
    } catch (e) {
      discardTmp();
      // The empty directory mkdtemp made, if the rename was refused.
      if (backup !== undefined) fs.rmSync(backup, { recursive: true, force: true });
      throw failure(`cannot move the previous folder '${target}' aside`, e, unchanged);
    }
    try {
      io.rename(tmp, dest);
    } catch (e) {
      try {
        io.rename(backup!, dest);
      } catch (restoreError) {
        throw failure(`cannot move the new folder into place at '${target}' (${(e as Error).message}), nor the previous `
          + `one back`, restoreError, `the previous folder is at '${backup}' and the new one at '${tmp}'`);
      }
      discardTmp();
      throw failure(`cannot move the new folder into place at '${target}'`, e, unchanged);
    }
  }
  try {
    io.syncDir(parent);
  } catch (e) {
    throw failure(`the folder '${target}' was written but its parent could not be flushed to disk`, e,
      `the new folder is in place${backup === undefined ? '' : ` and the previous one is kept at '${backup}'`}`);
  }
  if (backup !== undefined) fs.rmSync(backup, { recursive: true, force: true });
  return dest;
}
