import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { QWEN_CHAT_PRESETS } from '../../lib';

const root = path.resolve(__dirname, '..', '..');

describe('the cdk.json app command, run as the ros-cdk CLI runs it', () => {
  let outdir: string;
  beforeAll(() => {
    // The app command runs the built, bundled app (see cdk.json): build it with `npm run build`.
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-chat-cli-'));
    const { app } = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8'));
    // The CLI runs the `app` string through a shell with CDK_OUTDIR set.
    const run = spawnSync(app, { cwd: root, shell: true, env: { ...process.env, CDK_OUTDIR: outdir }, encoding: 'utf8' });
    if (run.status !== 0) {
      throw new Error(`'${app}' exited ${run.status}: ${run.stderr}`);
    }
  });

  test('writes a manifest that names every preset stack with its template file', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    for (const preset of QWEN_CHAT_PRESETS) {
      expect(manifest.artifacts[preset.stackName]).toMatchObject({
        type: 'aliyun:ros:stack',
        properties: { templateFile: `${preset.stackName}.template.json` },
      });
    }
  });

  test('each template parses and has the service resources', () => {
    for (const preset of QWEN_CHAT_PRESETS) {
      const template = JSON.parse(fs.readFileSync(path.join(outdir, `${preset.stackName}.template.json`), 'utf8'));
      expect(template.ROSTemplateFormatVersion).toBe('2015-09-01');
      expect(Object.keys(template.Resources).sort()).toEqual([
        'EcsInstanceGroup', 'EcsSecurityGroup', 'EcsVSwitch', 'EcsVpc',
        'InstanceRunCommand', 'PasswordSecretParameter', 'SecretReaderPolicy', 'SecretReaderRole', 'WaitCondition', 'WaitConditionHandle',
      ]);
    }
  });
});
