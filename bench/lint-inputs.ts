/**
 * Generated templates at lint's size limit (TEMPLATE_FILE_MAX_BYTES), each built to stress one part of `lint`:
 * the parser on many small nodes, the duplicate-key check on one huge mapping, and the rule pack's shell analysis
 * on scripts with many findings, many placeholders, functions, loops, blank lines or deep nesting. Used by the lint
 * section of `npm run bench`.
 */
import { TEMPLATE_FILE_MAX_BYTES } from '../lib/ros/limits';

/** One generated input: its name, its text and what it stresses. */
export interface LintInput {
  readonly name: string;
  readonly text: string;
}

const HEAD = "ROSTemplateFormatVersion: '2015-09-01'\n";

/** Repeats `line(i)` until the text would pass `budget` bytes. */
function fill(budget: number, line: (i: number) => string): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const l = line(i);
    if (size + Buffer.byteLength(l) > budget) break;
    parts.push(l);
    size += Buffer.byteLength(l);
  }
  return parts.join('');
}

/**
 * A YAML template with a NoEcho parameter, a wait condition handle and a RunCommand whose CommandContent is
 * `Fn::Sub [body, map]`: the body decodes the secret and the handle's CurlCli (so every rule has work), then
 * `line(i)` repeated until the text reaches `max` bytes.
 */
function scriptTemplate(max: number, line: (i: number) => string): string {
  const head = `${HEAD}Parameters:\n  Password:\n    Type: String\n    NoEcho: true\n  User:\n    Type: String\n`
    + 'Resources:\n  Handle:\n    Type: ALIYUN::ROS::WaitConditionHandle\n  Cmd:\n    Type: ALIYUN::ECS::RunCommand\n    Properties:\n'
    + '      Type: RunShellScript\n      InstanceIds: [i-1]\n      CommandContent:\n        Fn::Sub:\n          - |\n'
    + '            set -euo pipefail\n'
    + "            pw=\"$(printf '%s' '${PasswordB64}' | base64 -d)\"\n"
    + "            curl_cli=\"$(printf '%s' '${CurlCliB64}' | base64 -d)\"\n"
    + "            dec() { printf '%s' \"$1\" | base64 -d; }\n"
    + "            trap '[ $? -eq 0 ] || eval \"$curl_cli -d FAILURE\"' EXIT\n";
  const tail = '            eval "$curl_cli -d SUCCESS"\n'
    + '          - PasswordB64: {"Fn::Base64Encode": {Ref: Password}}\n'
    + '            CurlCliB64: {"Fn::Base64Encode": {"Fn::GetAtt": [Handle, CurlCli]}}\n';
  return head + fill(max - head.length - tail.length, (i) => `            ${line(i)}\n`) + tail;
}

/** Every generated input, each at most `max` bytes (default: the lint limit). */
export function lintInputs(max: number = TEMPLATE_FILE_MAX_BYTES): LintInput[] {
  const json = (() => {
    const head = '{"ROSTemplateFormatVersion": "2015-09-01", "Metadata": {';
    const body = fill(max - head.length - 3, (i) => `${i === 0 ? '' : ','}"k${i}": "v"`);
    return `${head}${body}}}\n`;
  })();
  return [
    { name: 'YAML: one mapping of many keys', text: HEAD + 'Metadata:\n' + fill(max - HEAD.length - 10, (i) => `  k${i}: v\n`) },
    { name: 'JSON: one mapping of many keys', text: json },
    { name: 'YAML: a list of many small mappings', text: HEAD + 'Metadata:\n  list:\n' + fill(max - HEAD.length - 20, (i) => `    - {a: ${i}, b: x}\n`) },
    { name: 'script: a finding on every line (curl -k)', text: scriptTemplate(max, (i) => `curl -k https://example.com/${i} -o /tmp/f${i}`) },
    { name: 'script: a parameter unquoted on every line', text: scriptTemplate(max, () => 'echo ${User}') },
    { name: 'script: a secret through variables and a function on every line', text: scriptTemplate(max, (i) => `v${i}="$(dec "$pw")"; printf '%s\\n' "$v${i}" | htpasswd -i -c /etc/h u`) },
    { name: 'script: the secret printed on every line', text: scriptTemplate(max, () => 'echo "$pw"') },
    { name: 'script: blank lines', text: scriptTemplate(max, (i) => (i === 0 ? 'set -euo pipefail' : '')) },
    { name: 'script: functions never closed', text: scriptTemplate(max, (i) => `f${i}() {`) },
    { name: 'script: functions each called with the secret', text: scriptTemplate(max, (i) => (i % 2 === 0 ? `f${i}() { echo "$1" "$g${i}"; }` : `g${i - 1}=$pw; f${i - 1} "$pw"`)) },
    { name: 'script: loops that break', text: scriptTemplate(max, () => 'while true; do break; done') },
    { name: 'script: here-documents', text: scriptTemplate(max, (i) => (i % 2 === 0 ? 'cat <<EOF' : 'EOF')) },
    { name: 'script: one long line of spaces after sh', text: scriptTemplate(max, (i) => (i === 0 ? `sh${' '.repeat(max - 2000)}x` : '')) },
  ];
}
