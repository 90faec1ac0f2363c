import * as fs from 'fs';
import * as path from 'path';
import { ComputeNestServicePackage, TemplateSource } from './compute-nest-service-package';
import { validateServicePackage } from './validate-service-package';
import { templateToYaml } from '../ros/yaml';

function templateText(file: string, source: TemplateSource): string {
  if (typeof source === 'string') return source.endsWith('\n') ? source : `${source}\n`;
  return file.endsWith('.json')
    ? `${JSON.stringify(source, undefined, 2)}\n`
    : templateToYaml(source);
}

function inside(dir: string, rel: string, field: string): string {
  const abs = path.resolve(dir, rel);
  if (rel.startsWith('/') || !abs.startsWith(path.resolve(dir) + path.sep)) {
    throw new Error(`writeServiceFolder: ${field} '${rel}' is outside the service folder; use a relative path without '..'.`);
  }
  return abs;
}

/**
 * Writes a complete Compute Nest service folder, ready for `computenest-cli import --file_path <dir>/config.yaml`:
 * config.yaml, every template at the path its TemplateConfigs Url names (objects as YAML, or JSON for `.json`
 * paths; strings verbatim), the service doc and the icon if given.
 *
 * Runs validateServicePackage first (nothing is written when it fails) and checks afterwards that every
 * path config.yaml names exists in the folder. Output is deterministic: two runs give byte-identical files.
 * @returns the absolute paths written, config.yaml first
 */
export function writeServiceFolder(dir: string, pkg: ComputeNestServicePackage): string[] {
  validateServicePackage(pkg);
  const files: Array<[string, string | Uint8Array]> = [[path.join(dir, 'config.yaml'), pkg.toYaml()]];
  for (const t of pkg.service.deployMetadata.props.templateConfigs) {
    files.push([inside(dir, t.url, 'TemplateConfigs Url'), templateText(t.url, pkg.templates[t.url])]);
  }
  if (pkg.props.serviceDoc) files.push([inside(dir, pkg.props.serviceDoc.path, 'serviceDoc.path'), pkg.props.serviceDoc.content]);
  if (pkg.props.icon) files.push([inside(dir, pkg.props.icon.path, 'icon.path'), pkg.props.icon.content]);
  for (const [file, content] of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  const named = [
    ...pkg.service.deployMetadata.props.templateConfigs.map((t) => ['TemplateConfigs Url', t.url]),
    ...pkg.service.props.serviceInfo.filter((s) => s.image !== undefined).map((s) => ['ServiceInfo Image', s.image!]),
  ];
  for (const [field, rel] of named) {
    if (!fs.existsSync(path.join(dir, rel))) {
      throw new Error(`writeServiceFolder: ${field} '${rel}' does not exist in ${dir} after writing; supply it in the package.`);
    }
  }
  return files.map(([file]) => file);
}
