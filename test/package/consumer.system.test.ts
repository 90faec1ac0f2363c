import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packTarball, ROOT, run } from './support/package-copy';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';

/**
 * examples/chatglm3-service installs the packed tarball (as a user would, not a path import),
 * compiles with its own strict tsconfig, and synthesizes a different service from the exported
 * constructs. The ROS CDK peers come from the registry (the npm cache makes it fast).
 */
const EXAMPLE = path.join(ROOT, 'examples/chatglm3-service');
let work: string;
let template: any;
let installedFiles: string[];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-consumer-'));
  // Pack a copy: `npm pack` runs prepack (npm run build), so this also checks that a clean tree packs.
  const { tarball } = packTarball(work);

  const project = path.join(work, 'chatglm3-service');
  fs.cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !/(^|\/)(node_modules|dist|cdk\.out)$/.test(src) });
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
  const installed = path.join(project, 'node_modules/ros-cdk-qwen-chat');
  if (fs.lstatSync(installed).isSymbolicLink()) throw new Error('ros-cdk-qwen-chat was linked, not installed from the tarball');
  installedFiles = fs.readdirSync(installed);
  run(process.execPath, [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  run(process.execPath, ['dist/app.js'], project, { CDK_OUTDIR: path.join(project, 'cdk.out') });
  template = JSON.parse(fs.readFileSync(path.join(project, 'cdk.out/ChatGlm3Service.template.json'), 'utf8'));
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const resources = () => Object.values<any>(template.Resources);
const ofType = (type: string) => resources().filter((r) => r.Type === type);

describe('consumer example: chatglm3-service', () => {
  test('installs the tarball: compiled package, no sources or tests', () => {
    expect(installedFiles).toEqual(expect.arrayContaining(['dist', 'package.json', 'README.md', 'LICENSE', 'assets']));
    expect(installedFiles).not.toContain('lib');
    expect(installedFiles).not.toContain('test');
  });

  test('the template has the network, one GPU instance group, the wait and the RunCommand', () => {
    const types = resources().map((r) => r.Type).sort();
    expect(types).toEqual([
      'ALIYUN::ECS::InstanceGroup', 'ALIYUN::ECS::RunCommand', 'ALIYUN::ECS::SecurityGroup', 'ALIYUN::ECS::VPC',
      'ALIYUN::ECS::VSwitch', 'ALIYUN::ROS::WaitCondition', 'ALIYUN::ROS::WaitConditionHandle',
    ]);
  });

  test('the security group lets port 8000 in, and only it', () => {
    const [sg] = ofType('ALIYUN::ECS::SecurityGroup');
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => r.PortRange)).toEqual(['8000/8000']);
  });

  test('the instance types offered are the ones that hold ChatGLM3-6B (16 GiB GPUs fit)', () => {
    const allowed: string[] = template.Parameters.InstanceType.AllowedValues;
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed).toContain('ecs.gn6i-c4g1.xlarge');
    const [group] = ofType('ALIYUN::ECS::InstanceGroup');
    expect(group.Properties.InstanceType).toEqual({ Ref: 'InstanceType' });
    expect(group.Properties.SystemDiskSize).toBe(100);
  });

  test('the deploy script runs the app on 7861 behind nginx on 8000, with values through a Base64 map', () => {
    const [cmd] = ofType('ALIYUN::ECS::RunCommand');
    const [body, variables] = cmd.Properties.CommandContent['Fn::Sub'];
    // The script is gzip+base64 behind the header that decodes the values: read it unpacked.
    const script = expandEmbeddedScripts(body.replace(/\$\{!/g, '${'));
    expect(script).toMatch(/GRADIO_SERVER_PORT=7861/);
    expect(script).toMatch(/proxy_pass http:\/\/127\.0\.0\.1:7861;/);
    expect(script).toMatch(/listen 8000 ssl;/);
    expect(script).toMatch(/ds_tls_gen \/etc\/nginx\/tls\/8000 825/);
    expect(script).toMatch(/chatglm3\.service/);
    expect(Object.keys(variables).sort()).toEqual(['CurlCli', 'PasswordBase64', 'UserNameBase64']);
    expect(variables.UserNameBase64).toEqual({ 'Fn::Base64Encode': { Ref: 'UserName' } });
    expect(variables.PasswordBase64).toEqual({ 'Fn::Base64Encode': { Ref: 'Password' } });
    expect(variables.CurlCli).toEqual({ 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] });
    expect(cmd.Properties.InstanceIds).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
  });

  test('the wait starts after the instance and covers the script', () => {
    const [wait] = ofType('ALIYUN::ROS::WaitCondition');
    const [cmd] = ofType('ALIYUN::ECS::RunCommand');
    expect(wait.DependsOn).toEqual(['EcsInstanceGroup']);
    expect(wait.Properties.Timeout).toBeGreaterThan(cmd.Properties.Timeout);
    expect(cmd.Properties.Timeout).toBeGreaterThan(1200);
  });

  test('the passwords are NoEcho parameters, referenced only by the Base64 map and the instance', () => {
    expect(template.Parameters.Password.NoEcho).toBe(true);
    expect(template.Parameters.InstancePassword.NoEcho).toBe(true);
    const refs: string[] = [];
    const walk = (node: any, where: string) => {
      if (node && typeof node === 'object') {
        if (node.Ref === 'Password' || node.Ref === 'InstancePassword') refs.push(`${where} -> ${node.Ref}`);
        for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`);
      }
    };
    walk(template.Resources, 'Resources');
    walk(template.Outputs, 'Outputs');
    expect(refs.sort()).toEqual([
      'Resources/EcsInstanceGroup/Properties/Password -> InstancePassword',
      'Resources/InstanceRunCommand/Properties/CommandContent/Fn::Sub/1/PasswordBase64/Fn::Base64Encode -> Password',
    ]);
  });
});
