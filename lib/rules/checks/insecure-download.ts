import { commandShape, locate } from '../analysis/template-scripts';
import { defineScriptRule, ScriptFindingText } from './private/script-rule';

/** Why an argument or assignment turns certificate checks off, or undefined. */
function insecureFlag(name: string | undefined, arg: string): string | undefined {
  if (/^--no-check-certificates?$/.test(arg) || /^--check-certificate=false$/i.test(arg)) return arg;
  if (/^--trusted-host(=|$)/.test(arg)) return arg;
  if (/sslverify\s*=\s*(false|0|no)/i.test(arg)) return arg;
  if (name === 'curl' && (arg === '--insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(arg))) return arg;
  return undefined;
}

/**
 * `insecure-download`: a script downloads without certificate checks: `curl -k` / `--insecure`,
 * `wget --no-check-certificate`, `pip --trusted-host`, `git -c http.sslVerify=false`, or environment switches
 * such as `GIT_SSL_NO_VERIFY=1`, `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`.
 */
export const insecureDownload = defineScriptRule({
  id: 'insecure-download',
  summary: 'A download turns TLS certificate checks off',
  checkScript(script) {
    const findings: ScriptFindingText[] = [];
    for (const cmd of script.shell.commands) {
      const shape = commandShape(cmd);
      let flag = shape.args.map((w) => insecureFlag(shape.name, w.text)).find((f) => f !== undefined);
      const envs = [...shape.assignments.map((a) => a.word.text), ...(shape.name === 'export' ? shape.args.map((w) => w.text) : [])];
      flag ??= envs.find((t) => /^(GIT_SSL_NO_VERIFY=(1|true)|PYTHONHTTPSVERIFY=0|NODE_TLS_REJECT_UNAUTHORIZED=0|CURL_INSECURE=)/i.test(t));
      if (!flag) continue;
      findings.push({
        message: `${script.property} turns certificate checks off with ${flag}${shape.name ? ` (${shape.name})` : ''}, so anyone on the path can swap the download (${locate(script, cmd.start, cmd.end)}).`,
        fix: `drop ${flag}; install the CA certificates (ca-certificates) or pin the file's sha256 and check it with sha256sum -c.`,
      });
    }
    return findings;
  },
});
