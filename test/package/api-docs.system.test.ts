import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, run } from './support/package-copy';

/** `npm run docs` (TypeDoc, typedoc.json) generates the API reference from the doc comments. */
let out: string;
let log: string;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-api-docs-'));
  log = run(process.execPath, [path.join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Warn'], ROOT);
}, 120_000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

describe('API reference (npm run docs)', () => {
  test('typedoc.json generates docs/api/ from lib/index.ts, and docs/api/ is not committed', () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'typedoc.json'), 'utf8'));
    expect(config.entryPoints).toEqual(['lib/index.ts']);
    expect(config.out).toBe('docs/api');
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^docs\/api\/?$/m);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.docs).toBe('typedoc');
  });

  test('it reports no errors', () => {
    expect(log).not.toMatch(/\[error\]/);
    expect(fs.existsSync(path.join(out, 'index.html'))).toBe(true);
  });

  test('every exported construct has a page that documents its props with their defaults', () => {
    const page = (kind: string, name: string) => fs.readFileSync(path.join(out, kind, `${name}.html`), 'utf8');
    for (const name of ['QwenChatStack', 'QwenGpuInstance', 'ServiceNetwork', 'WaitConditionCallback', 'DeployScriptRunCommand',
      'DeployScript', 'NginxBasicAuth', 'SystemdService', 'HealthCheck', 'QwenModel', 'ScriptValue']) {
      expect(page('classes', name)).toContain(name);
    }
    const props = page('interfaces', 'NginxBasicAuthProps');
    expect(props).toMatch(/listenPort/);
    expect(props).toMatch(/Default/i);
    expect(props).toMatch(/5000/);
  });
});
