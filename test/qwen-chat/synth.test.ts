import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { QWEN_CHAT_PRESETS, synthesizeQwenChat, templateToYaml } from '../../lib';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';

function synthOnce() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-chat-synth-'));
  const result = synthesizeQwenChat({ assemblyDir: path.join(dir, 'cdk.out'), outDir: path.join(dir, 'out') });
  return { dir, result };
}

describe('synthesizeQwenChat (npm run synth)', () => {
  const first = synthOnce();
  const second = synthOnce();

  test('writes one YAML template, its readable deploy script and one service folder per preset, at the documented paths', () => {
    expect(first.result.files).toEqual([
      ...QWEN_CHAT_PRESETS.flatMap((p) => [`templates/${p.templateFile}`, `templates/${p.templateFile.replace('.template.yaml', '.deploy-script.sh')}`]),
      ...QWEN_CHAT_PRESETS.flatMap((p) => [`services/${p.stackName}/config.yaml`, `services/${p.stackName}/templates/template.yaml`]),
    ]);
    for (const file of first.result.files) {
      expect(fs.existsSync(path.join(first.dir, 'out', file))).toBe(true);
    }
  });

  test("each service folder's template is the preset's template", () => {
    for (const p of QWEN_CHAT_PRESETS) {
      const text = fs.readFileSync(path.join(first.dir, 'out', 'services', p.stackName, 'templates', 'template.yaml'), 'utf8');
      expect(YAML.parse(text)).toEqual(first.result.templates[p.stackName]);
      const config = YAML.parse(fs.readFileSync(path.join(first.dir, 'out', 'services', p.stackName, 'config.yaml'), 'utf8'));
      expect(config.Service.DeployMetadata.TemplateConfigs[0].Url).toBe('templates/template.yaml');
    }
  });

  test('two runs give byte-identical YAML, service folders and assembly templates', () => {
    expect(second.result.files).toEqual(first.result.files);
    for (const file of first.result.files) {
      const a = fs.readFileSync(path.join(first.dir, 'out', file));
      const b = fs.readFileSync(path.join(second.dir, 'out', file));
      expect(a.equals(b)).toBe(true);
    }
    for (const p of QWEN_CHAT_PRESETS) {
      const name = `${p.stackName}.template.json`;
      const a = fs.readFileSync(path.join(first.dir, 'cdk.out', name));
      const b = fs.readFileSync(path.join(second.dir, 'cdk.out', name));
      expect(a.equals(b)).toBe(true);
    }
  });

  test('the YAML reads back as the assembly template', () => {
    QWEN_CHAT_PRESETS.forEach((p) => {
      const yamlText = fs.readFileSync(path.join(first.dir, 'out', 'templates', p.templateFile), 'utf8');
      const json = JSON.parse(fs.readFileSync(path.join(first.dir, 'cdk.out', `${p.stackName}.template.json`), 'utf8'));
      expect(YAML.parse(yamlText)).toEqual(json);
    });
  });

  test('templateToYaml keeps long script lines whole and writes no YAML aliases', () => {
    const shared = { a: 1 };
    const text = templateToYaml({ x: shared, y: shared, s: 'x'.repeat(300) });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text).toContain('x'.repeat(300));
  });

  test('each preset stack serves its own model', () => {
    QWEN_CHAT_PRESETS.forEach((p) => {
      const t = first.result.templates[p.stackName];
      expect(t.Description.en).toContain(p.model.displayName);
      const [body] = t.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'];
      expect(expandEmbeddedScripts(body.replace(/\$\{!/g, '${'))).toContain(`WorkingDirectory=${p.model.app.directory}`);
      // the readable script beside the template is the one the instance runs
      const readable = fs.readFileSync(path.join(first.dir, 'out', 'templates', p.templateFile.replace('.template.yaml', '.deploy-script.sh')), 'utf8');
      expect(readable).toBe(expandEmbeddedScripts(body.replace(/\$\{!/g, '${')));
      // and its size is reported
      // the bound of test/script/deploy-script-size.test.ts
      expect(first.result.scriptSizes[p.stackName].leftBytes).toBeGreaterThanOrEqual(5120);
    });
  });
});
