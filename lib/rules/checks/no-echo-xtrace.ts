import { secretLeaks } from '../analysis/secret-flow';
import { locate, templateScripts } from '../analysis/template-scripts';
import { defineRule, RuleFinding } from '../engine/template-rule';

/**
 * `no-echo-xtrace`: a script traces its commands (`set -x`, `set -o xtrace`, a `-x` in the shebang, `bash -x`) while
 * the value of a `NoEcho` parameter is in its words or in its variables: bash prints every traced command with its
 * values expanded to stderr, which Cloud Assistant records as the command output.
 */
export const noEchoXtrace = defineRule({
  id: 'no-echo-xtrace',
  summary: 'A script traces its commands (set -x, bash -x) while a NoEcho value is in scope',
  check(template) {
    const findings: RuleFinding[] = [];
    for (const script of templateScripts(template)) {
      const seen = new Set<string>();
      for (const leak of secretLeaks(template, script)) {
        if (leak.kind !== 'xtrace' || seen.has(leak.secret)) continue;
        seen.add(leak.secret);
        findings.push({
          target: script.resource,
          targetKind: 'resource',
          message: `NoEcho parameter ${leak.secret} is traced by ${leak.program}${leak.via ? ` in shell function ${leak.via}` : ''} in ${script.property}: bash prints each traced command with its values to stderr, which Cloud Assistant records (${locate(script, leak.command.start, leak.command.end)}).`,
          fix: 'remove set -x / bash -x, or turn tracing off (set +x) before the secret is decoded and keep it off while it is in a variable.',
        });
      }
    }
    return findings;
  },
});
