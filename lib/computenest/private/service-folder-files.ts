import * as path from 'path';
import { FolderFile } from './replace-folder';
import { ComputeNestServicePackage, TemplateSource } from '../compute-nest-service-package';
import { validateServicePackage } from '../validate-service-package';
import { templateToYaml } from '../../ros/yaml';

function templateText(file: string, source: TemplateSource): string {
  if (typeof source === 'string') return source.endsWith('\n') ? source : `${source}\n`;
  return file.endsWith('.json')
    ? `${JSON.stringify(source, undefined, 2)}\n`
    : templateToYaml(source);
}

/** A path of the package as given, with what names it. */
interface NamedPath {
  readonly field: string;
  readonly value: string;
}

/** `TemplateConfigs Url 'x'`; config.yaml, whose path is fixed, is named by its path alone. */
const label = (p: NamedPath) => (p.field === p.value ? `'${p.value}'` : `${p.field} '${p.value}'`);

/**
 * The path inside the folder, normalized ('/'-separated, no '.' or '..'); throws naming the field when the path is
 * empty, absolute, leaves the folder or names a folder rather than a file.
 */
function relativePath(p: NamedPath): string {
  const fix = "use a relative file path such as 'templates/template.yaml', without '..'";
  if (p.value.length === 0 || p.value.includes('\0') || p.value.includes('\\')) {
    throw new Error(`writeServiceFolder: ${label(p)} is not a usable file path (empty, or holds a NUL or a backslash); ${fix}.`);
  }
  if (path.posix.isAbsolute(p.value)) {
    throw new Error(`writeServiceFolder: ${label(p)} is outside the service folder (an absolute path); ${fix}.`);
  }
  const rel = path.posix.normalize(p.value);
  if (rel === '..' || rel.startsWith('../')) {
    throw new Error(`writeServiceFolder: ${label(p)} is outside the service folder; ${fix}.`);
  }
  if (rel === '.' || rel.endsWith('/')) {
    throw new Error(`writeServiceFolder: ${label(p)} names a folder, not a file; ${fix}.`);
  }
  return rel;
}

/**
 * Checks that no two files of the folder share a path and that no file's path is a folder of another file's path
 * (a directory where a file should go); the error names both fields.
 */
function checkCollisions(files: ReadonlyArray<NamedPath & { rel: string }>): void {
  const byRel = new Map<string, NamedPath & { rel: string }>();
  for (const f of files) {
    const other = byRel.get(f.rel);
    if (other) {
      throw new Error(`writeServiceFolder: ${label(f)} is the same file as ${label(other)}; give each file of the service `
        + 'folder its own path.');
    }
    byRel.set(f.rel, f);
  }
  for (const f of files) {
    const parts = f.rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const other = byRel.get(parts.slice(0, i).join('/'));
      if (other) {
        throw new Error(`writeServiceFolder: ${label(f)} needs '${other.rel}' to be a folder, but ${label(other)} is a file `
          + 'there; give the file another path.');
      }
    }
  }
}

/**
 * The files of a service package's folder, checked before anything is written: validateServicePackage, then every
 * output path (inside the folder, no two files at one path, no file where another needs a folder, every path
 * config.yaml names among the files). Throws naming the field, the path and the fix.
 */
export function serviceFolderFiles(pkg: ComputeNestServicePackage): FolderFile[] {
  validateServicePackage(pkg);
  const entries: Array<NamedPath & { content: () => string | Uint8Array }> = [
    { field: 'config.yaml', value: 'config.yaml', content: () => pkg.toYaml() },
  ];
  const urls = new Set<string>();
  for (const t of pkg.service.deployMetadata.props.templateConfigs) {
    // Two TemplateConfigs may name one template file: it is written once.
    if (urls.has(t.url)) continue;
    urls.add(t.url);
    entries.push({ field: 'TemplateConfigs Url', value: t.url, content: () => templateText(t.url, pkg.templates[t.url]) });
  }
  const { serviceDoc, icon } = pkg.props;
  if (serviceDoc) entries.push({ field: 'serviceDoc.path', value: serviceDoc.path, content: () => serviceDoc.content });
  if (icon) entries.push({ field: 'icon.path', value: icon.path, content: () => icon.content });

  const located = entries.map((e) => ({ ...e, rel: relativePath(e) }));
  checkCollisions(located);
  for (const info of pkg.service.props.serviceInfo) {
    if (info.image === undefined) continue;
    const named = { field: 'ServiceInfo Image', value: info.image };
    if (!located.some((f) => f.rel === relativePath(named))) {
      throw new Error(`writeServiceFolder: ${label(named)} is not among the files written; pass it as icon.path.`);
    }
  }

  const files: FolderFile[] = located.map((f) => {
    const content = f.content();
    return { rel: f.rel, origin: f.field, content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content };
  });
  return files;
}
