import { secretLeaks } from '../../../lib/rules/analysis/secret-flow';
import { templateScripts } from '../../../lib/rules/analysis/template-scripts';
import { runCommandTemplate } from '../rule-test-helpers';

const params = { Password: { Type: 'String', NoEcho: true }, UserName: { Type: 'String' } };
const map = { PasswordBase64: { 'Fn::Base64Encode': { Ref: 'Password' } }, UserNameBase64: { 'Fn::Base64Encode': { Ref: 'UserName' } } };
const DECODE = "pw=\"$(printf '%s' '${PasswordBase64}' | base64 -d)\"\n";

/** The leaks of a script that starts by decoding the password into $pw: `kind program [via]`. */
function leaks(body: string, withDecode = true): string[] {
  const t = runCommandTemplate((withDecode ? DECODE : '') + body, map, params);
  return secretLeaks(t, templateScripts(t)[0]).map((l) => [l.kind, l.program, l.via ? `via ${l.via}` : '', l.target ?? ''].filter(Boolean).join(' '));
}

describe('secretLeaks', () => {
  test.each<[string, string, string[]]>([
    ['printf to stdout', 'printf "%s" "$pw"\n', ['output printf']],
    ['echo piped to a program is stdin, no leak', 'echo "$pw" | htpasswd -i -c f u\n', []],
    ['through base64 to stdout', 'printf %s "$pw" | base64\n', ['output base64']],
    ['to /dev/null', 'echo "$pw" >/dev/null\n', []],
    ['to a file that is no log', 'printf "%s" "$pw" > /etc/app/secret\n', []],
    ['to a log file', 'echo "$pw" >> /var/log/app.log\n', ['log echo /var/log/app.log']],
    ['to a log through a variable name', 'echo "$pw" >> "$log_file"\n', ['log echo $log_file']],
    ['tee into a log', 'printf "%s" "$pw" | tee -a /var/log/x.log >/dev/null\n', ['log tee /var/log/x.log']],
    ['tee into another file', 'printf "%s" "$pw" | tee /etc/app/secret >/dev/null\n', []],
    ['stderr', 'echo "$pw" >&2\n', ['output echo']],
    ['argv', 'mysql -p"$pw"\n', ['argv mysql']],
    ['argv behind sudo and env', 'sudo env A=1 mysql -p"$pw"\n', ['argv mysql']],
    ['a variable reassigned to a clean value carries nothing', 'pw=x\nmysql -p"$pw"\n', []],
    ['unset clears', 'unset pw\nmysql -p"$pw"\n', []],
    ['read from a here-string', 'read -r copy <<< "$pw"\nmysql -p"$copy"\n', ['argv mysql']],
    ['printf -v assigns without output', 'printf -v copy "%s" "$pw"\nmysql -p"$copy"\n', ['argv mysql']],
    ['for loop variable', 'for p in "$pw"; do mysql -p"$p"; done\n', ['argv mysql']],
    ['eval', 'eval "mysql -p$pw"\n', ['eval eval']],
    ['set -o xtrace', 'set -o xtrace\nmysql_config_editor <<< "$pw"\n', ['xtrace set -x']],
    ['set +x before the secret', 'set -x\nset +x\nprintf "%s" "$pw" | htpasswd -i -c f u\n', []],
    ['function printing its argument, called with the secret', 'show() { echo "$1"; }\nshow "$pw"\n', ['output shell function show']],
    ['function printing its argument into a capture', 'show() { echo "$1"; }\nx="$(show "$pw")"\nmysql -p"$x"\n', ['argv mysql']],
    ['function reading a global', 'show() { echo "$pw"; }\nshow\n', ['output shell function show']],
    ['function calling a function that logs', 'log() { echo "$*" >> /var/log/a.log; }\nstep() { log "$@"; }\nstep "$pw"\n', ['log echo via step -> log /var/log/a.log']],
    ['recursive function terminates', 'f() { f "$1"; echo "$1" >&2; }\nf "$pw"\n', ['output echo via f']],
    ['a status code from curl carries nothing', 'code="$(printf "%s" "$pw" | curl -K - -w "%{http_code}" http://x/)"\necho "$code"\n', []],
    ['a hash from openssl carries nothing (a program, not a filter)', 'h="$(printf "%s\\n" "$pw" | openssl passwd -6 -stdin)"\necho "$h"\n', []],
  ])('%s', (_name, body, expected) => {
    expect(leaks(body)).toEqual(expected);
  });

  test('a -x in the shebang traces from the start', () => {
    expect([...new Set(leaks(`#!/bin/bash -ex\n${DECODE}`, false))]).toEqual(['xtrace set -x']);
  });

  test('a script without NoEcho placeholders has nothing to leak', () => {
    expect(leaks("u=\"$(printf '%s' '${UserNameBase64}' | base64 -d)\"\necho \"$u\"\n", false)).toEqual([]);
  });

  test('functions calling each other deeper than 32 are refused', () => {
    const fns = Array.from({ length: 40 }, (_, i) => `f${i}() { f${i + 1} "$1"; }`).join('\n');
    expect(() => leaks(`${fns}\nf0 "$pw"\n`)).toThrow(/call each other more than 32 deep; the rule pack cannot check it/);
  });
});
