import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ComputeNestServicePackage } from '../../lib/computenest/compute-nest-service-package';
import { writeServiceFolder } from '../../lib/computenest/write-service-folder';
import { renderImageBuildScript } from '../../lib/qwen-chat/image-build-script';
import { samplePackage, sampleTemplate } from './fixtures';
import { listFiles, siblingsOf, treeDigest } from './folder-tree';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-folder-'));
  roots.push(dir);
  return dir;
}

/** A folder written by a previous run, plus a file of the user's, inside a fresh parent. */
function previousFolder(): { root: string; dir: string; digest: string } {
  const root = tmp();
  const dir = path.join(root, 'service');
  writeServiceFolder(dir, samplePackage());
  fs.writeFileSync(path.join(dir, 'docs', 'notes.txt'), 'kept by the user\n');
  return { root, dir, digest: treeDigest(dir) };
}

describe('writeServiceFolder', () => {
  test('writes config.yaml and every file it names; layout matches config.yaml paths', () => {
    const dir = tmp();
    const written = writeServiceFolder(dir, samplePackage());
    expect(written[0]).toBe(path.join(dir, 'config.yaml'));
    expect(listFiles(dir)).toEqual(['config.yaml', 'docs/index.md', 'icons/service_logo.png', 'templates/template.yaml']);
    expect(written.map((f) => path.relative(dir, f)).sort()).toEqual(listFiles(dir));
    const cfg = YAML.parse(fs.readFileSync(path.join(dir, 'config.yaml'), 'utf8'));
    for (const t of cfg.Service.DeployMetadata.TemplateConfigs) expect(fs.existsSync(path.join(dir, t.Url))).toBe(true);
    expect(fs.existsSync(path.join(dir, cfg.Service.ServiceInfo.Image))).toBe(true);
    expect(YAML.parse(fs.readFileSync(path.join(dir, 'templates/template.yaml'), 'utf8'))).toEqual(sampleTemplate());
    expect(cfg.ImageBuilder.Image_1.CommandContent).toBe(renderImageBuildScript());
  });

  test('two runs give byte-identical output', () => {
    const [a, b] = [tmp(), tmp()];
    writeServiceFolder(a, samplePackage());
    writeServiceFolder(b, samplePackage());
    expect(treeDigest(b)).toBe(treeDigest(a));
  });

  test('YAML-string and .json templates are written as given', () => {
    const dir = tmp();
    const text = 'ROSTemplateFormatVersion: "2015-09-01"\nResources:\n  EcsInstanceGroup:\n    Type: ALIYUN::ECS::InstanceGroup\n    Properties:\n      ImageId: centos_7\n';
    writeServiceFolder(dir, samplePackage({ template: text }));
    expect(fs.readFileSync(path.join(dir, 'templates/template.yaml'), 'utf8')).toBe(text);
    const dir2 = tmp();
    writeServiceFolder(dir2, samplePackage({ templatePath: 'ros/template.json' }));
    expect(JSON.parse(fs.readFileSync(path.join(dir2, 'ros/template.json'), 'utf8'))).toEqual(sampleTemplate());
  });

  test('creates missing parent folders; the folder is mode 0755 and nothing is left beside it', () => {
    const root = tmp();
    const dir = path.join(root, 'out', 'services', 'Svc');
    writeServiceFolder(dir, samplePackage());
    expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
    expect(siblingsOf(dir)).toEqual([]);
  });

  test('replaces a previous folder whole: its files not in the package are gone, nothing is left beside it', () => {
    const { dir } = previousFolder();
    writeServiceFolder(dir, samplePackage({ templatePath: 'ros/template.json' }));
    expect(listFiles(dir)).toEqual(['config.yaml', 'docs/index.md', 'icons/service_logo.png', 'ros/template.json']);
    expect(siblingsOf(dir)).toEqual([]);
  });

  test('a folder where a file goes in the previous folder is replaced, not an EISDIR half-way', () => {
    const root = tmp();
    const dir = path.join(root, 'service');
    fs.mkdirSync(path.join(dir, 'templates', 'template.yaml', 'deep'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'config.yaml'));
    writeServiceFolder(dir, samplePackage());
    expect(listFiles(dir)).toEqual(['config.yaml', 'docs/index.md', 'icons/service_logo.png', 'templates/template.yaml']);
  });

  describe('symbolic links', () => {
    test.each([
      ['templates', 'a folder of a template'],
      ['config.yaml', 'config.yaml'],
      ['docs', 'the doc folder'],
    ])('a link at %s in the previous folder (%s) is replaced, never written through', (linkAt) => {
      const { root, dir } = previousFolder();
      const outside = path.join(root, 'outside');
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(outside, 'victim'), 'outside the folder\n');
      const before = treeDigest(outside);
      fs.rmSync(path.join(dir, linkAt), { recursive: true });
      fs.symlinkSync(linkAt === 'config.yaml' ? path.join(outside, 'victim') : outside, path.join(dir, linkAt));
      writeServiceFolder(dir, samplePackage());
      expect(treeDigest(outside)).toBe(before);
      expect(fs.lstatSync(path.join(dir, linkAt)).isSymbolicLink()).toBe(false);
      expect(listFiles(dir)).toEqual(['config.yaml', 'docs/index.md', 'icons/service_logo.png', 'templates/template.yaml']);
    });

    test('the service folder itself a link: refused, the link and the folder it points to as they were', () => {
      const { root, dir, digest } = previousFolder();
      const link = path.join(root, 'link');
      fs.symlinkSync(dir, link);
      expect(() => writeServiceFolder(link, samplePackage({ templatePath: 'ros/template.json' })))
        .toThrow(`writeServiceFolder: '${link}' is a symbolic link (to '${dir}'); pass the real folder's path, or remove the link; `
          + `the folder '${link}' is left as it was.`);
      expect(fs.readlinkSync(link)).toBe(dir);
      expect(treeDigest(dir)).toBe(digest);
      expect(siblingsOf(dir, 'link')).toEqual([]);
    });

    test('a parent folder that is a link is followed (the folder is written where it points)', () => {
      const root = tmp();
      fs.mkdirSync(path.join(root, 'real'));
      fs.symlinkSync(path.join(root, 'real'), path.join(root, 'out'));
      writeServiceFolder(path.join(root, 'out', 'service'), samplePackage());
      expect(listFiles(path.join(root, 'real', 'service'))).toContain('config.yaml');
      expect(fs.readdirSync(path.join(root, 'real'))).toEqual(['service']);
    });
  });

  /** Each row: a package whose paths cannot make a folder, and the error naming the path. */
  const refused: Array<[string, () => ComputeNestServicePackage, string]> = [
    ['template at config.yaml', () => samplePackage({ templatePath: 'config.yaml' }),
      "writeServiceFolder: TemplateConfigs Url 'config.yaml' is the same file as 'config.yaml'; give each file of the service folder its own path."],
    ['template at ./config.yaml', () => samplePackage({ templatePath: './config.yaml' }),
      "writeServiceFolder: TemplateConfigs Url './config.yaml' is the same file as 'config.yaml'; give each file of the service folder its own path."],
    ['doc at the template path', () => samplePackage({ serviceDoc: { path: 'templates/template.yaml', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path 'templates/template.yaml' is the same file as TemplateConfigs Url 'templates/template.yaml'; give each file of the service folder its own path."],
    ['doc at config.yaml', () => samplePackage({ serviceDoc: { path: 'config.yaml', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path 'config.yaml' is the same file as 'config.yaml'; give each file of the service folder its own path."],
    ['icon at config.yaml', () => samplePackage({ icon: { path: 'config.yaml', content: Buffer.from('x') } }),
      "writeServiceFolder: icon.path 'config.yaml' is the same file as 'config.yaml'; give each file of the service folder its own path."],
    ['icon at the template path', () => samplePackage({ icon: { path: 'templates/template.yaml', content: Buffer.from('x') } }),
      "writeServiceFolder: icon.path 'templates/template.yaml' is the same file as TemplateConfigs Url 'templates/template.yaml'; give each file of the service folder its own path."],
    ['doc and icon at one path', () => samplePackage({ serviceDoc: { path: 'icons/logo.png', content: 'x' }, icon: { path: 'icons/logo.png', content: Buffer.from('x') } }),
      "writeServiceFolder: icon.path 'icons/logo.png' is the same file as serviceDoc.path 'icons/logo.png'; give each file of the service folder its own path."],
    ['doc where the templates folder goes', () => samplePackage({ serviceDoc: { path: 'templates', content: 'x' } }),
      "writeServiceFolder: TemplateConfigs Url 'templates/template.yaml' needs 'templates' to be a folder, but serviceDoc.path 'templates' is a file there; give the file another path."],
    ['doc below the template file', () => samplePackage({ serviceDoc: { path: 'templates/template.yaml/index.md', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path 'templates/template.yaml/index.md' needs 'templates/template.yaml' to be a folder, but TemplateConfigs Url 'templates/template.yaml' is a file there; give the file another path."],
    ['template below config.yaml', () => samplePackage({ templatePath: 'config.yaml/template.yaml' }),
      "writeServiceFolder: TemplateConfigs Url 'config.yaml/template.yaml' needs 'config.yaml' to be a folder, but 'config.yaml' is a file there; give the file another path."],
    ['doc outside (..)', () => samplePackage({ serviceDoc: { path: '../x.md', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path '../x.md' is outside the service folder; use a relative file path such as 'templates/template.yaml', without '..'."],
    ['doc outside (docs/../../x.md)', () => samplePackage({ serviceDoc: { path: 'docs/../../x.md', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path 'docs/../../x.md' is outside the service folder; use a relative file path such as 'templates/template.yaml', without '..'."],
    ['doc at an absolute path', () => samplePackage({ serviceDoc: { path: '/etc/cron.d/x', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path '/etc/cron.d/x' is outside the service folder (an absolute path); use a relative file path such as 'templates/template.yaml', without '..'."],
    ['icon at an empty path', () => samplePackage({ icon: { path: '', content: Buffer.from('x') } }),
      "writeServiceFolder: icon.path '' is not a usable file path (empty, or holds a NUL or a backslash); use a relative file path such as 'templates/template.yaml', without '..'."],
    ['doc at a folder path', () => samplePackage({ serviceDoc: { path: 'docs/', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path 'docs/' names a folder, not a file; use a relative file path such as 'templates/template.yaml', without '..'."],
    ['doc at .', () => samplePackage({ serviceDoc: { path: '.', content: 'x' } }),
      "writeServiceFolder: serviceDoc.path '.' names a folder, not a file; use a relative file path such as 'templates/template.yaml', without '..'."],
    ['a failing cross-check (ImageId not an ArtifactRelation key)', () => samplePackage({ template: sampleTemplate('ubuntu') }),
      "ImageId 'ubuntu' is not a key"],
  ];

  test.each(refused)('%s: refused naming the path; the previous folder byte-identical, nothing beside it', (_name, pkg, message) => {
    const { dir, digest } = previousFolder();
    expect(() => writeServiceFolder(dir, pkg())).toThrow(message);
    expect(treeDigest(dir)).toBe(digest);
    expect(siblingsOf(dir)).toEqual([]);
  });

  test.each(refused)('%s: refused before anything is created where there was no folder', (_name, pkg, message) => {
    const root = tmp();
    expect(() => writeServiceFolder(path.join(root, 'service'), pkg())).toThrow(message);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  test('a file where the folder goes: refused naming it, the file as it was', () => {
    const root = tmp();
    const dir = path.join(root, 'service');
    fs.writeFileSync(dir, 'a file\n');
    expect(() => writeServiceFolder(dir, samplePackage()))
      .toThrow(`writeServiceFolder: '${dir}' exists and is not a folder; remove it or pass another path; the folder '${dir}' is left as it was.`);
    expect(fs.readFileSync(dir, 'utf8')).toBe('a file\n');
    expect(fs.readdirSync(root)).toEqual(['service']);
  });

  test('a file where a parent folder goes: refused naming the folder and the cause', () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, 'out'), 'a file\n');
    const dir = path.join(root, 'out', 'service');
    expect(() => writeServiceFolder(dir, samplePackage()))
      .toThrow(new RegExp(`^writeServiceFolder: cannot create the parent folder of '${dir}': EEXIST: file already exists, mkdir '${root}/out'; nothing was written\\.$`));
    expect(fs.readFileSync(path.join(root, 'out'), 'utf8')).toBe('a file\n');
  });
});
