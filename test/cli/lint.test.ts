import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { CliIo, LINT_USAGE, readBounded, runLint } from '../../lib/cli/lint';
import { runCli } from '../../lib/cli/main';
import { TEMPLATE_FILE_MAX_BYTES, TEMPLATE_MAX_NESTING_DEPTH } from '../../lib/ros/limits';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'rules');
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-cli-'));

/** Writes a file into the test folder; returns its path. */
function file(name: string, text: string | Buffer): string {
  const p = path.join(DIR, name);
  fs.writeFileSync(p, text);
  return p;
}

/** An in-process io: lines captured, stdin from `stdin` (a string, or a stream). */
function io(stdin: string | Readable = '') {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readStdin: (max) => readBounded(typeof stdin === 'string' ? Readable.from([Buffer.from(stdin)]) : stdin, max),
  };
  return { cli, out, err, all: () => [...out, ...err].join('\n') };
}

/** An endless stdin, like `< /dev/zero`: yields zero bytes until the reader stops. */
function endless(): Readable {
  const chunk = Buffer.alloc(64 * 1024);
  let pulled = 0;
  return new Readable({ read() { pulled++; this.push(pulled < 10000 ? chunk : null); } });
}

const CLEAN = file('clean.yaml', "ROSTemplateFormatVersion: '2015-09-01'\nParameters:\n  P:\n    Type: String\n");
const SG = (cidr: string) => `{ "Type": "ALIYUN::ECS::SecurityGroup", "Properties": { "SecurityGroupIngress": [ { "IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "${cidr}" } ] } }`;
const DUP_JSON = file('dup.json', `{\n  "ROSTemplateFormatVersion": "2015-09-01",\n  "Resources": {\n    "Sg": ${SG('0.0.0.0/0')},\n    "Sg": ${SG('10.0.0.0/8')}\n  }\n}\n`);
const DUP_YAML = file('dup.yaml', "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Sg:\n    Type: ALIYUN::ECS::SecurityGroup\n  Sg:\n    Type: ALIYUN::ECS::SecurityGroup\n");
const OVER = file('over.json', `{"ROSTemplateFormatVersion": "2015-09-01", "Metadata": {"x": "${'x'.repeat(TEMPLATE_FILE_MAX_BYTES)}"}}`);
const DEEP = file('deep.json', `{"ROSTemplateFormatVersion": "2015-09-01", "Metadata": ${'['.repeat(100000)}${']'.repeat(100000)}}`);
const BOMB = file('bomb.yaml', "ROSTemplateFormatVersion: '2015-09-01'\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n");
const DEEP_SCRIPT = file('deep-script.yaml', `ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Cmd:\n    Type: ALIYUN::ECS::RunCommand\n    Properties:\n      CommandContent: 'echo ${'$('.repeat(200)}x${')'.repeat(200)}'\n`);
const BASE64 = file('b64.yaml', `ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  Cmd:\n    Type: ALIYUN::ECS::RunCommand\n    Properties:\n      ContentEncoding: Base64\n      CommandContent: ${Buffer.from('curl -k https://example.com/x -o /tmp/x\n').toString('base64')}\n`);
const BINARY = file('binary.bin', Buffer.from([0, 1, 2, 255, 254, 0, 10]));
const EMPTY = file('empty.yaml', '');

/** Rows: what `lint` is given, the exit code, and a line of its output. */
const ROWS: Array<[string, string[], string | (() => Readable), number, RegExp]> = [
  ['a clean template', [CLEAN], '', 0, /clean\.yaml: 0 finding\(s\), 0 suppressed/],
  ['a template with findings', [path.join(FIXTURES, 'reference-like-defects.yaml')], '', 1, /: 8 finding\(s\), 0 suppressed/],
  ['JSON with a duplicate key (the second would hide the open ingress)', [DUP_JSON], '', 2, /dup\.json: duplicate key 'Sg' at line 5: a reader keeps only one of the two/],
  ['YAML with a duplicate key', [DUP_YAML], '', 2, /dup\.yaml: duplicate key 'Sg' at line 5/],
  ['a file over the size limit', [OVER], '', 2, new RegExp(`over\\.json: ${fs.statSync(OVER).size} bytes is over the ${TEMPLATE_FILE_MAX_BYTES}-byte limit`)],
  ['/dev/zero', ['/dev/zero'], '', 2, /\/dev\/zero: not a regular file \(a character device\); give a template file/],
  ['a directory', [DIR], '', 2, /not a regular file \(a directory\)/],
  ['a missing file', [path.join(DIR, 'nope.yaml')], '', 2, /nope\.yaml: cannot read \(ENOENT\)/],
  ['an empty file', [EMPTY], '', 2, /empty\.yaml: a ROS template must be a mapping, got null/],
  ['binary junk', [BINARY], '', 2, /binary\.bin: a ROS template must be a mapping/],
  [`JSON nested 100,000 deep (over ${TEMPLATE_MAX_NESTING_DEPTH})`, [DEEP], '', 2, /deep\.json: nested more than 256 levels deep/],
  ['a YAML alias bomb', [BOMB], '', 2, /bomb\.yaml: not a JSON or YAML template \(Excessive alias count/],
  ['a script nesting $( 200 deep', [DEEP_SCRIPT], '', 2, /nests command substitutions more than 64 levels deep at line 1/],
  ['a Base64 script (ContentEncoding) with curl -k', [BASE64], '', 1, /b64\.yaml: insecure-download resource Cmd: .*line 1 of the Base64-decoded script/],
  ['-h as the sole argument', ['-h'], '', 0, /^usage: ros-cdk-qwen-chat lint \[--\] FILE\.\.\./],
  ['--help as the sole argument', ['--help'], '', 0, /^usage: ros-cdk-qwen-chat lint/],
  ['-h among files is no help: it is refused as an unknown option (no such file)', [CLEAN, '-h'], '', 2, /lint: unknown option -h: lint takes no options/],
  ['an unknown option', ['--json', CLEAN], '', 2, /lint: unknown option --json/],
  ['-- ends options', ['--', CLEAN], '', 0, /clean\.yaml: 0 finding\(s\)/],
  ['no file', [], '', 2, /lint: no template given/],
  ['- reads standard input', ['-'], fs.readFileSync(CLEAN, 'utf8'), 0, /<stdin>: 0 finding\(s\), 0 suppressed/],
  ['- with duplicate JSON keys on standard input', ['-'], fs.readFileSync(DUP_JSON, 'utf8'), 2, /<stdin>: duplicate key 'Sg' at line 5/],
  ['- with an endless standard input (< /dev/zero)', ['-'], endless, 2, new RegExp(`<stdin>: over the ${TEMPLATE_FILE_MAX_BYTES}-byte limit for a template .*stopped reading`)],
  ['- given twice', ['-', '-'], '', 2, /- \(standard input\) given more than once/],
  ['an unreadable file among good ones: the good one is still linted', [path.join(DIR, 'nope.yaml'), CLEAN], '', 2, /clean\.yaml: 0 finding\(s\)/],
];

const HOSTILE = ROWS.map(([name, args, stdin, code, message]) => ({ name, args, stdin, code, message }));

describe('ros-cdk-qwen-chat lint, in process', () => {
  test.each(HOSTILE)('$name -> exit $code', async ({ args, stdin, code, message }) => {
    const run = io(typeof stdin === 'function' ? stdin() : stdin);
    await expect(runLint(args, run.cli)).resolves.toBe(code);
    expect(run.all()).toMatch(message);
  });

  test('one line per finding: file, rule id, kind and target, explanation, fix', async () => {
    const run = io();
    const fixture = path.join(FIXTURES, 'reference-like-defects.yaml');
    expect(await runLint([fixture], run.cli)).toBe(1);
    const findings = run.out.slice(0, -1);
    expect(findings).toHaveLength(8);
    for (const line of findings) {
      expect(line.startsWith(`${fixture}: `)).toBe(true);
      expect(line.slice(fixture.length + 2)).toMatch(/^[a-z-]+ (resource|parameter|output|template) [A-Za-z0-9]+: .+ Fix: .+$/);
    }
    expect(findings).toContainEqual(expect.stringMatching(/: open-ingress resource WebSg: SecurityGroupIngress\[0\] \(tcp 5000\/5000\) accepts .* Fix: set SourceCidrIp to/));
  });

  test('Metadata suppressions covering every finding: exit 0, listed on stderr', async () => {
    const suppressed = file('suppressed.json', JSON.stringify({
      ROSTemplateFormatVersion: '2015-09-01',
      Resources: { Sg: {
        Type: 'ALIYUN::ECS::SecurityGroup',
        Metadata: { 'ros-cdk-qwen-chat': { suppressions: [{ id: 'open-ingress', reason: 'public demo endpoint by design' }] } },
        Properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '443/443', SourceCidrIp: '0.0.0.0/0' }] },
      } },
    }));
    const run = io();
    expect(await runLint([suppressed], run.cli)).toBe(0);
    expect(run.out).toEqual([`${suppressed}: 0 finding(s), 1 suppressed`]);
    expect(run.err).toEqual([`${suppressed}: suppressed open-ingress Sg: public demo endpoint by design`]);
  });

  test('the usage names the limit, stdin and --', () => {
    expect(LINT_USAGE).toContain(`at most ${TEMPLATE_FILE_MAX_BYTES} bytes`);
    expect(LINT_USAGE).toMatch(/FILE - reads standard input/);
  });

  test('runCli dispatches lint, and names the commands for an unknown one', async () => {
    const a = io();
    expect(await runCli(['lint', CLEAN], a.cli)).toBe(0);
    const b = io();
    expect(await runCli(['frobnicate'], b.cli)).toBe(2);
    expect(b.err.join('\n')).toMatch(/unknown command 'frobnicate'. Choose one of: lint/);
  });
});
