import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { writeServiceFolder } from '../../lib/computenest/write-service-folder';
import { samplePackage, sampleTemplate } from './fixtures';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cn-folder-'));
}

function listFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]).sort();
}

describe('writeServiceFolder', () => {
  test('writes config.yaml and every file it names; layout matches config.yaml paths', () => {
    const dir = tmp();
    const written = writeServiceFolder(dir, samplePackage());
    expect(written[0]).toBe(path.join(dir, 'config.yaml'));
    expect(listFiles(dir)).toEqual(['config.yaml', 'docs/index.md', 'icons/service_logo.png', 'templates/template.yaml']);
    const cfg = YAML.parse(fs.readFileSync(path.join(dir, 'config.yaml'), 'utf8'));
    for (const t of cfg.Service.DeployMetadata.TemplateConfigs) expect(fs.existsSync(path.join(dir, t.Url))).toBe(true);
    expect(fs.existsSync(path.join(dir, cfg.Service.ServiceInfo.Image))).toBe(true);
    expect(YAML.parse(fs.readFileSync(path.join(dir, 'templates/template.yaml'), 'utf8'))).toEqual(sampleTemplate());
    expect(cfg.ImageBuilder.Image_1.CommandContent).toBe(fs.readFileSync(path.join(__dirname, '../../assets/image-build.sh'), 'utf8'));
  });

  test('two runs give byte-identical output', () => {
    const [a, b] = [tmp(), tmp()];
    writeServiceFolder(a, samplePackage());
    writeServiceFolder(b, samplePackage());
    for (const f of listFiles(a)) {
      expect(fs.readFileSync(path.join(b, f)).equals(fs.readFileSync(path.join(a, f)))).toBe(true);
    }
    expect(listFiles(b)).toEqual(listFiles(a));
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

  test('a failing cross-check writes nothing', () => {
    const dir = tmp();
    expect(() => writeServiceFolder(dir, samplePackage({ template: sampleTemplate('ubuntu') }))).toThrow(/ImageId 'ubuntu' is not a key/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a doc path outside the folder is refused', () => {
    expect(() => writeServiceFolder(tmp(), samplePackage({ serviceDoc: { path: '../x.md', content: 'x' } })))
      .toThrow(/writeServiceFolder: serviceDoc.path '..\/x.md' is outside the service folder/);
  });
});
