import { collectReferences, isNoEcho } from '../../ros/intrinsics';
import { SecretLeak, secretLeaks } from '../analysis/secret-flow';
import { locate, templateScripts, TemplateScript } from '../analysis/template-scripts';
import { defineRule, RuleFinding } from '../engine/template-rule';

/**
 * What Cloud Assistant keeps of a RunCommand: its output (stdout and stderr), shown in the console and returned by
 * DescribeInvocationResults (https://alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinvocationresults).
 */
const RECORDED = 'the command output, which Cloud Assistant records and shows in the console and DescribeInvocationResults';

function describe(leak: SecretLeak): { how: string; fix: string } {
  const via = leak.via ? ` (in shell function ${leak.via}, called here)` : '';
  switch (leak.kind) {
    case 'argv':
      return {
        how: `it is in the argv of ${leak.program}${via}, readable by any user via ps and /proc/PID/cmdline`,
        fix: `pass it on stdin (printf '%s\\n' "$secret" | a program that reads it there, e.g. htpasswd -i) or in a file with mode 0600; never as an argument or in echo.`,
      };
    case 'output':
      return {
        how: `${leak.program} prints it to ${RECORDED}${via}`,
        fix: 'write it only to a program\'s stdin (printf \'%s\\n\' "$secret" | program) or to a file with mode 0600; never to stdout, stderr or a log.',
      };
    case 'log':
      return {
        how: `${leak.program} writes it to the log file ${leak.target}${via}`,
        fix: 'log what the step does, never the value; keep the secret in a variable or a file with mode 0600.',
      };
    default:
      return {
        how: `eval re-parses a string holding it as shell code${via}: the secret becomes part of a command line (argv), and a quote in it runs as code`,
        fix: 'run the program directly and give it the secret on stdin; never eval a string that contains it.',
      };
  }
}

/**
 * `no-echo-exposure`: a `NoEcho` parameter is shown in an Output, lands in the argv of a program (visible to every
 * user through ps and /proc/PID/cmdline), is written to the command output (`echo`, `printf`, a here-document to
 * `cat`, stderr) or a log file, or is `eval`'d. The value is followed through shell variables, `$(...)`, pipes into
 * filters (`base64 -d`, `tr`...), here-documents and shell functions; a script with `ContentEncoding: Base64` is
 * decoded first. Builtins such as printf run inside bash, so `printf '%s\n' "$password" | htpasswd -i ...` passes,
 * and a variable that only holds what a program printed (an HTTP status code from curl) carries no secret.
 */
export const noEchoExposure = defineRule({
  id: 'no-echo-exposure',
  summary: 'A NoEcho parameter is shown in an Output, a command line, the command output, a log or an eval',
  check(template) {
    const findings: RuleFinding[] = [];
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      // A NoEcho output is masked in the console and the API like a NoEcho parameter.
      if (output?.NoEcho === true || output?.NoEcho === 'true') continue;
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
    for (const script of templateScripts(template)) findings.push(...scriptFindings(template, script));
    return findings;
  },
});

function scriptFindings(template: Parameters<typeof secretLeaks>[0], script: TemplateScript): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const leak of secretLeaks(template, script)) {
    if (leak.kind === 'xtrace') continue;
    const where = locate(script, leak.command.start, leak.command.end);
    const key = `${leak.kind}|${leak.secret}|${where}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { how, fix } = describe(leak);
    findings.push({
      target: script.resource,
      targetKind: 'resource',
      message: `NoEcho parameter ${leak.secret} leaks in ${script.property}: ${how} (${where}).`,
      fix,
    });
  }
  return findings;
}
