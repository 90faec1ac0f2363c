import { allowedAmong, parameterChars } from '../analysis/allowed-chars';
import { parameterDefinition } from '../../ros/intrinsics';
import { QuoteContext } from '../analysis/shell-lexer';
import { locate } from '../analysis/template-scripts';
import { defineScriptRule, ScriptFindingText } from './private/script-rule';

/** Characters that cannot end a word, start a command or expand anything when pasted into bash unquoted. */
const SAFE_UNQUOTED = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,:/@%+=-');

/** Characters that end each quoting context (or start an expansion inside it). */
const BREAKOUT: Record<Exclude<QuoteContext, 'unquoted'>, string> = {
  'single': "'",
  'ansi': "'\\",
  'double': '"$`\\',
  'heredoc': '$`\\\n',
  'heredoc-quoted': '\n',
  'comment': '\n',
};

const CONTEXT_TEXT: Record<QuoteContext, string> = {
  'unquoted': 'outside quotes',
  'single': "inside single quotes",
  'ansi': "inside $'...' quotes",
  'double': 'inside double quotes',
  'heredoc': 'inside an unquoted here-document',
  'heredoc-quoted': 'inside a quoted here-document',
  'comment': 'inside a comment',
};

/**
 * `script-parameter-injection`: a template parameter reaches a RunCommand / UserData script (through Fn::Sub,
 * Fn::Join or Fn::Replace) where bash parses it: outside quotes, or inside quotes whose closing character its
 * AllowedPattern (or the lack of one) lets it contain. A value wrapped in Fn::Base64Encode is safe inside any quotes.
 */
export const scriptParameterInjection = defineScriptRule({
  id: 'script-parameter-injection',
  summary: 'A parameter is pasted into a shell script where its value can break out of the quoting',
  checkScript(script, template) {
    const findings: ScriptFindingText[] = [];
    const seen = new Set<string>();
    for (const use of script.shell.uses) {
      const ph = script.placeholders[use.index];
      if (!ph || ph.parameters.length === 0) continue;
      for (const param of ph.parameters) {
        let problem: string | undefined;
        if (ph.base64) {
          if (use.context === 'unquoted' || use.context === 'comment') {
            problem = `its Fn::Base64Encode text lands ${CONTEXT_TEXT[use.context]}, where the newlines ROS puts every 76 characters split the command`;
          }
        } else if (use.context === 'unquoted') {
          const chars = parameterChars(template, param);
          const bad = chars === 'any' ? ['any character'] : [...chars].filter((c) => !SAFE_UNQUOTED.has(c)).map((c) => (c === '\n' ? '\\n' : c));
          if (bad.length > 0) problem = `it lands outside quotes and may contain ${bad.slice(0, 8).join(' ')}`;
        } else {
          const chars = parameterChars(template, param);
          const bad = allowedAmong(chars, BREAKOUT[use.context]);
          if (bad.length > 0) {
            const def = parameterDefinition(template, param);
            const why = typeof def.AllowedPattern === 'string' ? `its AllowedPattern ${def.AllowedPattern} allows` : 'it has no AllowedPattern, so it may contain';
            problem = `it lands ${CONTEXT_TEXT[use.context]} and ${why} ${bad.join(' ')}`;
          }
        }
        if (!problem) continue;
        const where = locate(script, use.offset);
        const key = `${param}|${use.context}|${where}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push({
          message: `parameter ${param} reaches the ${script.property} script via ${ph.label}: ${problem} (${where}).`,
          fix: `put { "Fn::Base64Encode": { "Ref": "${param}" } } in the Fn::Sub map, assign it inside single quotes (x_b64='\${${param}Base64}') and decode with base64 -d.`,
        });
      }
    }
    return findings;
  },
});
