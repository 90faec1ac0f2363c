import { commandShape, locate } from '../analysis/template-scripts';
import { defineScriptRule, ScriptFindingText } from './private/script-rule';

const FETCHERS = new Set(['curl', 'wget']);
const SHELLS = /^(ba|z|da|k|fi)?sh$|^python[0-9.]*$|^perl$|^ruby$|^node$/;

/**
 * `pipe-to-shell`: a script runs what it downloads without checking it: `curl URL | sh`, `wget -O- URL | bash`,
 * `bash <(curl URL)` or `sh -c "$(curl URL)"`.
 */
export const pipeToShell = defineScriptRule({
  id: 'pipe-to-shell',
  summary: 'A downloaded script is run straight from curl / wget',
  checkScript(script) {
    const findings: ScriptFindingText[] = [];
    const cmds = script.shell.commands;
    const src = script.shell.source;
    const flagged = new Set<number>();
    cmds.forEach((cmd, i) => {
      const shape = commandShape(cmd);
      if (!shape.name || !FETCHERS.has(shape.name) || cmd.separator !== '|') return;
      for (let j = i + 1; j < cmds.length; j++) {
        const next = commandShape(cmds[j]);
        if (next.name && SHELLS.test(next.name)) {
          flagged.add(cmd.start);
          findings.push(finding(script.property, `${shape.name} output is piped into ${next.name}`, locate(script, cmd.start, cmds[j].end)));
          return;
        }
        if (cmds[j].separator !== '|') return;
      }
    });
    for (const m of src.matchAll(/\b((?:ba|z|da|k)?sh)\s+(<\(\s*(curl|wget)\b|-c\s+["']?\$\(\s*(curl|wget)\b)/g)) {
      findings.push(finding(script.property, `${m[1]} runs the output of ${m[3] ?? m[4]} directly`, locate(script, m.index ?? 0)));
    }
    return findings;
  },
});

function finding(property: string, what: string, where: string): ScriptFindingText {
  return {
    message: `${property}: ${what}, so whatever the server sends runs as root (${where}).`,
    fix: `download to a file, check its sha256 (echo "<sha256>  file" | sha256sum -c -), then run the file.`,
  };
}
