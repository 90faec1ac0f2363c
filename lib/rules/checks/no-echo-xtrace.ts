import { secretLeaks } from '../analysis/secret-flow';
import { locate } from '../analysis/template-scripts';
import { defineScriptRule, ScriptFindingText } from './private/script-rule';

/**
 * `no-echo-xtrace`: a script traces its commands (`set -x`, `set -o xtrace`, a `-x` in the shebang, `bash -x`) while
 * the value of a `NoEcho` parameter is in its words or in its variables: bash prints every traced command with its
 * values expanded to stderr, which Cloud Assistant records as the command output.
 */
export const noEchoXtrace = defineScriptRule({
  id: 'no-echo-xtrace',
  summary: 'A script traces its commands (set -x, bash -x) while a NoEcho value is in scope',
  checkScript(script, template) {
    const findings: ScriptFindingText[] = [];
    const seen = new Set<string>();
    for (const leak of secretLeaks(template, script)) {
      if (leak.kind !== 'xtrace' || seen.has(leak.secret)) continue;
      seen.add(leak.secret);
      findings.push({
        message: `NoEcho parameter ${leak.secret} is traced by ${leak.program}${leak.via ? ` in shell function ${leak.via}` : ''} in ${script.property}: bash prints each traced command with its values to stderr, which Cloud Assistant records (${locate(script, leak.command.start, leak.command.end)}).`,
        fix: 'remove set -x / bash -x, or turn tracing off (set +x) before the secret is decoded and keep it off while it is in a variable.',
      });
    }
    return findings;
  },
});
