import { collectReferences, isNoEcho } from '../../ros/intrinsics';
import { commandShape, locate, scriptFunctions, templateScripts } from '../analysis/template-scripts';
import { ShellWord } from '../analysis/shell-lexer';
import { defineRule, RuleFinding } from '../engine/template-rule';

/** Bash builtins that take a secret without exposing it in a process's argv (printf/read/test run in-process). */
const SAFE_BUILTINS = new Set([
  'printf', 'read', 'test', '[', '[[', 'local', 'export', 'declare', 'typeset', 'readonly', 'unset', 'set', 'shift',
  'return', 'exit', 'true', 'false', ':', 'let', 'cd', 'eval', 'trap',
]);

/**
 * `no-echo-exposure`: a `NoEcho` parameter appears in an Output, on a command line (the argv of a program, visible
 * to every user through ps and /proc/PID/cmdline and in RunCommand's recorded output), or in an `echo`. Shell
 * variables assigned from the parameter (also through `$(...)`) carry the secret on. Builtins such as printf and
 * the script's own shell functions run inside bash, so their arguments are not a process's argv.
 */
export const noEchoExposure = defineRule({
  id: 'no-echo-exposure',
  summary: 'A NoEcho parameter is shown in an Output, a command line or an echo',
  check(template) {
    const findings: RuleFinding[] = [];
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      const secrets = [...new Set(collectReferences(output?.Value).filter((r) => r.kind === 'Ref' && isNoEcho(template, r.name)).map((r) => r.name))];
      for (const secret of secrets) {
        findings.push({
          target: name,
          targetKind: 'output',
          message: `Output ${name} shows NoEcho parameter ${secret} in its Value, so the console and the API print the secret.`,
          fix: `remove ${secret} from the Output; tell the user where the secret is set instead.`,
        });
      }
    }
    for (const script of templateScripts(template)) {
      const secretPlaceholders = new Set<number>();
      script.placeholders.forEach((ph, i) => {
        if (ph.parameters.some((p) => isNoEcho(template, p))) secretPlaceholders.add(i);
      });
      if (secretPlaceholders.size === 0) continue;
      const secretOf = (ph: number) => script.placeholders[ph].parameters.find((p) => isNoEcho(template, p))!;
      const functions = scriptFunctions(script);
      const taintedVars = new Map<string, string>();
      const secretIn = (w: ShellWord): string | undefined => {
        const ph = w.placeholders.find((p) => secretPlaceholders.has(p));
        if (ph !== undefined) return secretOf(ph);
        const v = w.vars.find((x) => taintedVars.has(x));
        return v === undefined ? undefined : taintedVars.get(v);
      };
      for (const cmd of script.shell.commands) {
        const shape = commandShape(cmd);
        const declares = shape.name !== undefined && ['export', 'local', 'declare', 'typeset', 'readonly'].includes(shape.name);
        const assigned = [...shape.assignments];
        if (declares) {
          for (const w of shape.args) {
            const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.text);
            if (m) assigned.push({ name: m[1], word: w });
          }
        }
        for (const a of assigned) {
          const secret = secretIn(a.word);
          if (secret) taintedVars.set(a.name, secret);
        }
        if (shape.name === undefined || (declares)) continue;
        const words = cmd.words.filter((w) => !w.redirect);
        const nameWord = words[words.length - shape.args.length - 1];
        for (const w of [nameWord, ...shape.args]) {
          const secret = w && secretIn(w);
          if (!secret) continue;
          if (shape.name !== 'echo' && (SAFE_BUILTINS.has(shape.name) || functions.has(shape.name))) continue;
          const how = shape.name === 'echo' ? 'echo prints it to the command output that RunCommand records' : `it is in the argv of ${shape.name}, readable by any user via ps and /proc/PID/cmdline`;
          findings.push({
              target: script.resource,
            targetKind: 'resource',
            message: `NoEcho parameter ${secret} reaches a command line in ${script.property}: ${how} (${locate(script, cmd.start, cmd.end)}).`,
            fix: `pass it on stdin (printf '%s\\n' "$secret" | a program that reads it there, e.g. htpasswd -i) or in a file with mode 0600; never as an argument or in echo.`,
          });
          break;
        }
      }
    }
    return findings;
  },
});
