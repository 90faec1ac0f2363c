import * as path from 'path';
import { ComputeNestServicePackage } from './compute-nest-service-package';
import { replaceFolder } from './private/replace-folder';
import { serviceFolderFiles } from './private/service-folder-files';

/**
 * Writes a complete Compute Nest service folder, ready for `computenest-cli import --file_path <dir>/config.yaml`:
 * config.yaml, every template at the path its TemplateConfigs Url names (objects as YAML, or JSON for `.json`
 * paths; strings verbatim), the service doc and the icon if given.
 *
 * The folder is written whole or not at all, and replaced whole (files of a previous folder that the package does
 * not name are gone afterwards):
 * - first validateServicePackage, then every output path: inside the folder (relative, no `..`), no two files at
 *   one path (config.yaml, templates, doc, icon), no file where another needs a folder, and every path config.yaml
 *   names (TemplateConfigs Url, ServiceInfo Image) among the files written;
 * - then everything is written and fsynced into a temporary sibling folder, never through a symbolic link (each
 *   file's folder is checked on its real path), and renamed into place; the previous folder is replaced only after
 *   that.
 * Any error leaves the previous folder as it was, removes the temporary one, and names the file and the cause.
 * `dir` itself may not be a symbolic link or a file. Output is deterministic: two runs give byte-identical files.
 * @returns the absolute paths written, config.yaml first
 */
export function writeServiceFolder(dir: string, pkg: ComputeNestServicePackage): string[] {
  const files = serviceFolderFiles(pkg);
  replaceFolder(dir, files);
  return files.map((f) => path.resolve(dir, ...f.rel.split('/')));
}
