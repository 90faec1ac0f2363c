/**
 * Bash functions of the deploy script runtime that several parts share. Internal: not exported
 * from the package.
 */

/**
 * `ds_clean TEXT MAX`: TEXT made safe to log and to send as a FAILURE reason: printable ASCII, its
 * lines redacted one by one and joined with `|` (`{}` become `()`: sed marks candidate words with braces), anything that looks like a secret
 * replaced by `<redacted>`, at most MAX characters (the end
 * kept, where the error usually is). Redacted: the value after a word such as password, passwd,
 * secret, token, key (api_key, access_key...), auth... (Authorization...), credential(s) in
 * `word=value`, `word: value`, `"word": "value"`; the user and password of a URL (`//user:pw@`); a run of
 * 32 or more lower-case hex digits (hashes, hex API keys); and any run of 20 or more characters of
 * `A-Za-z0-9+=_-` that holds a digit, an upper-case and a lower-case letter (random tokens, base64;
 * identifiers such as `rehearsal_missing_module_42` or `Qwen-14B-Chat-Int4` are kept). `sed -r` (extended regular expressions) and the `I` flag are in GNU sed 4.2 (CentOS 7).
 */
export function renderCleanFunction(): string {
  return [
    'ds_clean() {',
    '  local o',
    '  o=$(printf %s "$1" | tr -c \' -~\\n\' \' \' | tr \'{}\' \'()\' | sed -r -e \'s#//[^/@ ]+@#//<redacted>@#g\' \\',
    '    -e \'s/((pass|secret|token|key|auth|cred)[a-z_]*[^:= ]{0,2} *[:=] *)[^ ,;&]+/\\1<redacted>/Ig\' \\',
    '    -e \'s/[0-9a-f]{32,}/<redacted>/g; s/[A-Za-z0-9+=_-]{20,}/{&}/g; s/[{]([^0-9}]*|[^A-Z}]*|[^a-z}]*)[}]/\\1/g; s/[{][^}]*[}]/<redacted>/g\' | tr \'\\n\' \'|\')',
    '  [ "${#o}" -le "$2" ] || o=...${o: -$2}',
    '  printf %s "$o"',
    '}',
  ].join('\n');
}
