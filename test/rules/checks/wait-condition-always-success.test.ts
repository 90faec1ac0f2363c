import { waitConditionAlwaysSuccess } from '../../../lib/rules/checks/wait-condition-always-success';
import { runCommandTemplate } from '../rule-test-helpers';

const check = waitConditionAlwaysSuccess.check.bind(waitConditionAlwaysSuccess);
const handle = { Handle: { Type: 'ALIYUN::ROS::WaitConditionHandle' } };
const map = { CurlCliBase64: { 'Fn::Base64Encode': { 'Fn::GetAtt': ['Handle', 'CurlCli'] } } };
const header = [
  '#!/bin/bash',
  'set -euo pipefail',
  "curl_cli=\"$(printf '%s' '${CurlCliBase64}' | base64 -d)\"",
  'signal() { printf \'{"status": "%s"}\' "$1" | eval "${!curl_cli} -d @-"; }',
  'on_exit() { rc=$?; [ "$rc" -eq 0 ] || signal FAILURE; }',
  'trap on_exit EXIT',
].join('\n');
const tmpl = (body: string) => runCommandTemplate(body, map, {}, handle);

describe('wait-condition-always-success', () => {
  test('a health loop that falls through to SUCCESS (reference shape) is a finding', () => {
    const body = `${header}\nfor ((i=0;i<100;i++)); do\n  if curl -fsS http://127.0.0.1:7860/; then break; fi\n  sleep 10\ndone\nsignal SUCCESS\n`;
    const f = check(tmpl(body));
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/loop at line 7: `for \(\(i=0;i<100;i\+\+\)\); do` can run out .*SUCCESS signal of Handle/);
  });

  test('a script with no FAILURE signal, or without set -e, is a finding', () => {
    expect(check(tmpl("curl_cli='${CurlCliBase64}'\nsystemctl start app\n$curl_cli -d '{\"status\": \"SUCCESS\"}'\n"))[0].message).toMatch(/never sends FAILURE/);
    expect(check(tmpl(header.replace('set -euo pipefail', 'set -u') + '\nsystemctl start app\nsignal SUCCESS\n'))[0].message).toMatch(/without set -e/);
  });

  test('bounded loops that exit, or are checked afterwards, and break-only loops pass', () => {
    const exitsInside = `${header}\nfor i in $(seq 1 60); do\n  curl -fsS http://127.0.0.1:7860/ && break\n  [ "$i" -lt 60 ] || exit 1\n  sleep 5\ndone\nsignal SUCCESS\n`;
    const checkedAfter = `${header}\nok=0\nfor i in $(seq 1 60); do\n  if curl -fsS http://127.0.0.1:7860/; then ok=1; break; fi\n  sleep 5\ndone\n[ "$ok" = 1 ] || exit 1\nsignal SUCCESS\n`;
    const deadline = `${header}\nfail() { exit 1; }\nwhile :; do\n  curl -fsS http://x/ && break\n  [ "$SECONDS" -lt 600 ] || fail\n  sleep 5\ndone\nsignal SUCCESS\n`;
    for (const body of [exitsInside, checkedAfter, deadline]) expect(check(tmpl(body))).toEqual([]);
  });

  test('scripts that do not use a wait handle are not judged', () => {
    expect(check(runCommandTemplate('for i in 1 2; do break; done\n'))).toEqual([]);
  });
});
