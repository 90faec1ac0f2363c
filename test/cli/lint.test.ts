import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const fixture = (name: string) => path.join('test', 'fixtures', 'rules', name);

/** Runs the real command line: `npx ts-node --transpile-only lib/cli/main.ts ARGS`. */
function cli(...args: string[]) {
  const r = spawnSync('npx', ['ts-node', '--transpile-only', 'lib/cli/main.ts', ...args], { cwd: root, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ros-cdk-qwen-chat lint', () => {
  test('exit 1 with one line per finding: file, rule id, kind and target, explanation, fix', () => {
    const r = cli('lint', fixture('reference-like-defects.yaml'));
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    const findings = lines.slice(0, -1);
    expect(findings).toHaveLength(7);
    for (const line of findings) {
      expect(line).toMatch(/^test\/fixtures\/rules\/reference-like-defects\.yaml: [a-z-]+ (resource|parameter|output|template) [A-Za-z0-9]+: .+ Fix: .+$/);
    }
    expect(findings).toContainEqual(expect.stringMatching(/: open-ingress resource WebSg: SecurityGroupIngress\[0\] \(tcp 5000\/5000\) accepts .* Fix: set SourceCidrIp to/));
    expect(findings).toContainEqual(expect.stringMatching(/: script-parameter-injection resource Setup: parameter LoginUser .*outside quotes/));
    expect(lines[lines.length - 1]).toBe('test/fixtures/rules/reference-like-defects.yaml: 7 finding(s), 0 suppressed');
  });

  test('exit 0 on a clean template', () => {
    const r = cli('lint', fixture('generated-shape.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('test/fixtures/rules/generated-shape.json: 0 finding(s), 0 suppressed\n');
  });

  test('exit 0 when Metadata suppressions cover every finding; they are listed on stderr', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-'));
    const file = path.join(dir, 'suppressed.json');
    fs.writeFileSync(file, JSON.stringify({
      ROSTemplateFormatVersion: '2015-09-01',
      Resources: { Sg: {
        Type: 'ALIYUN::ECS::SecurityGroup',
        Metadata: { 'ros-cdk-qwen-chat': { suppressions: [{ id: 'open-ingress', reason: 'public demo endpoint by design' }] } },
        Properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '443/443', SourceCidrIp: '0.0.0.0/0' }] },
      } },
    }));
    const r = cli('lint', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}: 0 finding(s), 1 suppressed\n`);
    expect(r.stderr).toContain(`${file}: suppressed open-ingress Sg: public demo endpoint by design`);
  });

  test('exit 2 on unreadable or unparsable input, and on no file; findings of readable files are still printed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-'));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'Resources: [unclosed\n');
    const missing = cli('lint', path.join(dir, 'missing.yaml'), fixture('reference-like-defects.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.yaml: cannot read \(ENOENT\)/);
    expect(missing.stdout).toMatch(/7 finding\(s\)/);
    const unparsable = cli('lint', bad);
    expect(unparsable.code).toBe(2);
    expect(unparsable.stderr).toMatch(/bad\.yaml: not a JSON or YAML template/);
    expect(cli('lint').code).toBe(2);
  });

  test('unknown subcommand exits 2 naming the commands', () => {
    const r = cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'. Choose one of: lint/);
  });
});
