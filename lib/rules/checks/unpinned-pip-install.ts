import { commandShape, locate } from '../analysis/template-scripts';
import { markerIndex } from '../analysis/shell-lexer';
import { defineScriptRule, ScriptFindingText } from './private/script-rule';

/** pip install options that take a value (the value is not a requirement). */
const VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '-t', '--target', '--trusted-host', '--prefix', '--root', '--src', '-e', '--editable', '--platform',
  '--python-version', '--implementation', '--abi', '--cache-dir', '--log', '--proxy', '--retries', '--timeout',
  '--progress-bar', '--upgrade-strategy', '--only-binary', '--no-binary', '--config-settings', '-C', '--report',
]);

/** The unpinned requirements of `pip install` arguments. */
function unpinned(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    if ([...a].some((c) => markerIndex(c) >= 0) || a.includes('$')) continue;
    if (/^[./~]/.test(a) || /:\/\//.test(a) || /\.(whl|tar\.gz|zip)$/.test(a)) continue;
    if (/===?\s*[^=*\s]+$/.test(a) && !/\*/.test(a)) continue;
    if (/ @ /.test(a) || /@[0-9a-f]{7,40}$/.test(a)) continue;
    out.push(a);
  }
  return out;
}

/**
 * `unpinned-pip-install`: `pip install NAME` (or `python3 -m pip install`) without `==VERSION`: the instance gets
 * whatever is newest on deploy day, so two deployments of one template differ. Requirement files (`-r`), local
 * paths and URLs are not judged.
 */
export const unpinnedPipInstall = defineScriptRule({
  id: 'unpinned-pip-install',
  summary: 'pip installs a package without an exact version',
  checkScript(script) {
    const findings: ScriptFindingText[] = [];
    for (const cmd of script.shell.commands) {
      const shape = commandShape(cmd);
      let args = shape.args.map((w) => w.text);
      if (shape.name && /^python[0-9.]*$/.test(shape.name)) {
        const m = args.indexOf('-m');
        if (m < 0 || args[m + 1] !== 'pip') continue;
        args = args.slice(m + 2);
      } else if (!shape.name || !/^pip[0-9.]*$/.test(shape.name)) {
        continue;
      }
      const install = args.indexOf('install');
      if (install < 0) continue;
      const loose = unpinned(args.slice(install + 1));
      if (loose.length === 0) continue;
      findings.push({
        message: `${script.property} runs pip install with unpinned ${loose.join(', ')} (${locate(script, cmd.start, cmd.end)}).`,
        fix: `pin every package to an exact version (${loose[0].replace(/[<>=!~].*$/, '')}==X.Y.Z), or install from a requirements file with --require-hashes.`,
      });
    }
    return findings;
  },
});
