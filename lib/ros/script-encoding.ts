/**
 * The compressed form of a shell script inside a RunCommand's CommandContent, and its decoder.
 *
 * ALIYUN::ECS::RunCommand allows 16 KB of content "after the custom parameters and the original command
 * content are encoded in Base64" (https://www.alibabacloud.com/help/doc-detail/173041.htm). A deploy script
 * keeps a few plain lines (the ones that carry deploy-time values) and embeds the rest as gzip + base64,
 * in exactly this shape, on two lines of its own:
 *
 *     NAME=$(printf %s 'BASE64 OF GZIP'|base64 -d|gzip -dc)
 *     eval "${NAME:-exit 1}"
 *
 * `expandEmbeddedScripts` replaces the base64 with a placeholder and the `eval` line with the script
 * itself, so whoever reads the template (the rule pack, `lint`, the rehearsal's static checks) sees the
 * text bash runs.
 */
import * as zlib from 'zlib';

/** The two lines of an embedded script (NAME, base64). */
const EMBEDDED = /^([A-Za-z_][A-Za-z0-9_]*)=\$\(printf %s '([A-Za-z0-9+/=]+)'\|base64 -d\|gzip -dc\)\neval "\$\{\1:-exit 1\}"$/gm;

/**
 * gzip (level 9) of the UTF-8 text, in standard base64 on one line. The gzip header is made the same on
 * every platform (mtime 0; OS byte 3, Unix, as zlib writes it on Linux), so two synths give the same text.
 */
export function gzipBase64(text: string): string {
  const gz = zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 9, memLevel: 9 });
  gz.writeUInt32LE(0, 4);
  gz[9] = 3;
  return gz.toString('base64');
}

/**
 * The two lines that unpack `text` into the bash variable `name` and run it (see the module comment);
 * when it cannot be unpacked (no gzip), `exit 1`.
 */
export function embedScript(name: string, text: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`embedScript: name '${name}' is not allowed: give a bash variable name.`);
  }
  return `${name}=$(printf %s '${gzipBase64(text)}'|base64 -d|gzip -dc)\neval "\${${name}:-exit 1}"`;
}

/**
 * The text with every embedded script (see the module comment) unpacked in place of its `eval` line,
 * the variable's assignment kept with `<the script below, gzip+base64>` for the base64.
 * Text without one is returned unchanged. An embedded script that does not unpack throws, naming the variable.
 */
export function expandEmbeddedScripts(text: string): string {
  return text.replace(EMBEDDED, (_whole, name: string, base64: string) => {
    let script: string;
    try {
      script = zlib.gunzipSync(Buffer.from(base64, 'base64')).toString('utf8');
    } catch (e) {
      throw new Error(`the embedded script in '${name}' is not gzip + base64 (${(e as Error).message}); re-synthesize the template.`);
    }
    return `${name}=$(printf %s '<the script below, gzip+base64>'|base64 -d|gzip -dc)\n${script.replace(/\n$/, '')}`;
  });
}
