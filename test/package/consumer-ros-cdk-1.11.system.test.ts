import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { installTarball, packTarball, ROOT, run } from './support/package-copy';

/**
 * An app on the oldest ROS CDK line the peer ranges take: the packed library installed (plain `npm install`, no
 * --legacy-peer-deps) next to @alicloud/ros-cdk-core, -ecs and -ros 1.11.0 and constructs v3 from the registry,
 * compiled with the project's TypeScript against 1.11.0's declarations, and synthesized.
 */
const ROS_CDK_1_11 = { '@alicloud/ros-cdk-core': '1.11.0', '@alicloud/ros-cdk-ecs': '1.11.0', '@alicloud/ros-cdk-ram': '1.11.0', '@alicloud/ros-cdk-ros': '1.11.0' };
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

const APP = `import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack } from 'ros-cdk-qwen-chat';
import { applyRulePack } from 'ros-cdk-qwen-chat/rules';

const app = new ros.App({ outdir: process.argv[2], stackTraces: false, treeMetadata: false });
new QwenChatStack(app, 'QwenChatStack');
app.synth();

// The rule pack's synth-time check, on a stack with a finding: synth must fail naming it.
const probe = new ros.App({ outdir: process.argv[3], stackTraces: false });
const stack = new ros.Stack(probe, 'RulePackProbe');
new ros.RosResource(stack, 'Sg', {
  type: 'ALIYUN::ECS::SecurityGroup',
  properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: '0.0.0.0/0' }] },
});
applyRulePack(stack);
try {
  probe.synth();
  console.log('rule pack probe: synth passed');
} catch (e) {
  console.log((e as Error).message);
}
`;

let work: string;
let app: string;
let installed: Record<string, string[]>;
let template: any;
let probeOutput: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-ros-cdk-1.11-'));
  const { tarball } = packTarball(work);
  app = path.join(work, 'app');
  installTarball(app, tarball, { ...ROS_CDK_1_11, 'constructs': '^3.0.4', '@types/node': pkg.devDependencies['@types/node'] });
  // Every copy of each ROS CDK package in the tree, by version (a nested 1.12 would mean npm worked around the range).
  installed = {};
  const walk = (node: any) => {
    for (const [name, dep] of Object.entries<any>(node.dependencies ?? {})) {
      if (name.startsWith('@alicloud/ros-cdk-') || name === 'constructs') (installed[name] ??= []).push(dep.version);
      walk(dep);
    }
  };
  walk(JSON.parse(run('npm', ['ls', '--all', '--json'], app)));
  for (const name of Object.keys(installed)) installed[name] = [...new Set(installed[name])].sort();

  fs.writeFileSync(path.join(app, 'app.ts'), APP);
  run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--strict', '--target', 'ES2020', '--module', 'commonjs',
    '--moduleResolution', 'node', '--esModuleInterop', '--types', 'node', '--outDir', 'dist', 'app.ts'], app);
  probeOutput = run(process.execPath, ['dist/app.js', path.join(app, 'cdk.out'), path.join(app, 'probe.out')], app);
  template = JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'QwenChatStack.template.json'), 'utf8'));
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('a consumer on @alicloud/ros-cdk-* 1.11.0', () => {
  test('the registry has both lines the peer ranges take', () => {
    for (const name of Object.keys(ROS_CDK_1_11)) {
      const versions = [JSON.parse(run('npm', ['view', `${name}@${pkg.peerDependencies[name]}`, 'version', '--json'], work))].flat();
      expect(versions).toContain('1.11.0');
      if (name === '@alicloud/ros-cdk-core') expect(versions).toContain('1.12.0');
    }
  });

  test('npm installs the tarball beside 1.11.0 without ERESOLVE, and no other ROS CDK version comes with it', () => {
    expect(installed).toEqual({
      '@alicloud/ros-cdk-core': ['1.11.0'],
      '@alicloud/ros-cdk-ecs': ['1.11.0'],
      '@alicloud/ros-cdk-ram': ['1.11.0'],
      '@alicloud/ros-cdk-ros': ['1.11.0'],
      '@alicloud/ros-cdk-assembly-schema': expect.any(Array),
      '@alicloud/ros-cdk-cxapi': expect.any(Array),
      'constructs': [expect.stringMatching(/^3\./)],
    });
  });

  test('a TypeScript app compiles against 1.11.0 and synthesizes the QwenChatStack', () => {
    expect(Object.keys(template.Resources).sort()).toEqual(['EcsInstanceGroup', 'EcsSecurityGroup', 'EcsVSwitch', 'EcsVpc',
      'InstanceRunCommand', 'PasswordSecretParameter', 'SecretReaderPolicy', 'SecretReaderRole', 'WaitCondition', 'WaitConditionHandle']);
    // The secret reader role comes from @alicloud/ros-cdk-ram 1.11.0 here.
    expect(template.Resources.SecretReaderRole.Type).toBe('ALIYUN::RAM::Role');
  });

  test('the template is the one this repository synthesizes on 1.12.0', () => {
    const outdir = fs.mkdtempSync(path.join(work, 'ros-cdk-1.12-'));
    const rosApp = new ros.App({ outdir, stackTraces: false, treeMetadata: false });
    const stack = new QwenChatStack(rosApp, 'QwenChatStack');
    const reference = rosApp.synth().getStackArtifact(stack.artifactId).template;
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@alicloud/ros-cdk-core/package.json'), 'utf8')).version).toBe('1.12.0');
    expect(template).toEqual(reference);
  });

  test("the rule pack's synth-time check works on 1.11.0", () => {
    expect(probeOutput).toMatch(/rule pack: open-ingress resource Sg: SecurityGroupIngress\[0\] \(tcp 5000\/5000\) accepts SourceCidrIp "0\.0\.0\.0\/0"/);
    expect(probeOutput).not.toMatch(/synth passed/);
  });
});
