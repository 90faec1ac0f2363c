import { commandShape, displayText, locate, scriptFunctions, TemplateScript } from '../analysis/template-scripts';
import { TemplateDocument } from '../../ros/template';
import { ShellCommand } from '../analysis/shell-lexer';
import { defineScriptRule, ScriptFindingText } from './private/script-rule';

const HANDLE_TYPE = 'ALIYUN::ROS::WaitConditionHandle';

interface Loop {
  readonly header: ShellCommand;
  readonly unbounded: boolean;
  hasBreak: boolean;
  hasExit: boolean;
}

const handlesCache = new WeakMap<TemplateDocument, Set<string>>();

/** Logical IDs of the template's WaitConditionHandles (once per template). */
function waitHandles(template: TemplateDocument): Set<string> {
  let handles = handlesCache.get(template);
  if (!handles) {
    handles = new Set(Object.entries(template.Resources ?? {}).filter(([, r]) => r?.Type === HANDLE_TYPE).map(([id]) => id));
    handlesCache.set(template, handles);
  }
  return handles;
}

/** The first line from `from` on that is neither blank nor a comment, trimmed ('' at the end of the text). */
function nextCodeLine(text: string, from: number): string {
  for (let at = from; at < text.length;) {
    let eol = text.indexOf('\n', at);
    if (eol < 0) eol = text.length;
    const line = text.slice(at, eol).trim();
    if (line !== '' && !line.startsWith('#')) return line;
    at = eol + 1;
  }
  return '';
}

/** The loops of a script that can run out and fall through to the next command after `done`. */
function fallThroughLoops(script: TemplateScript): Array<{ header: ShellCommand; done: ShellCommand }> {
  const text = script.shell.source;
  const stack: Loop[] = [];
  const exiting = new Set([...scriptFunctions(script)].filter(([, body]) => /\b(exit|FAILURE)\b/.test(body)).map(([name]) => name));
  const result: Array<{ header: ShellCommand; done: ShellCommand }> = [];
  for (const cmd of script.shell.commands) {
    const first = cmd.words[0]?.text;
    const shape = commandShape(cmd);
    if (first === 'for' || first === 'while' || first === 'until') {
      const header = text.slice(cmd.start, cmd.end).trim();
      stack.push({ header: cmd, unbounded: /^(while\s+(true|:)|until\s+false)(?=[\s;]|$)/.test(header), hasBreak: false, hasExit: false });
      continue;
    }
    if (stack.length > 0) {
      if (shape.name === 'break') stack[stack.length - 1].hasBreak = true;
      if (shape.name === 'exit' || shape.name === 'return' || (shape.name !== undefined && exiting.has(shape.name)) || /\bFAILURE\b/.test(text.slice(cmd.start, cmd.end))) {
        for (const l of stack) l.hasExit = true;
      }
    }
    if (first === 'done' || shape.keyword === 'done') {
      const loop = stack.pop();
      if (!loop || !loop.hasBreak || loop.hasExit || loop.unbounded) continue;
      if (cmd.separator === '||' || cmd.separator === '&&') continue;
      let at = cmd.end;
      while (at < text.length && ' \t;'.includes(text[at])) at++;
      if (text.startsWith('||', at) || text.startsWith('&&', at)) continue;
      const next = nextCodeLine(text, at);
      if (/^(if|\[\[?|test|\(\(|!)(\s|\(|$)/.test(next) || next.includes('||') || /\bexit\b/.test(next)) continue;
      result.push({ header: loop.header, done: cmd });
    }
  }
  return result;
}

/**
 * `wait-condition-always-success`: a script signals a WaitConditionHandle SUCCESS on a path with no FAILURE
 * branch: the script never sends FAILURE, runs without `set -e` (so a failed step is ignored), or a bounded retry
 * loop (e.g. a health check) can run out and fall through to the SUCCESS signal. Accepted shapes: `set -e` (or
 * `set -euo pipefail`) with a FAILURE signal (an EXIT/ERR trap); loops that `exit` when they run out, or are followed
 * by a check (`[ "$ok" = 1 ] || exit 1`, `if ...`, `done || exit 1`), or only end by `break` (`while true`).
 */
export const waitConditionAlwaysSuccess = defineScriptRule({
  id: 'wait-condition-always-success',
  summary: 'A WaitCondition handle is signalled SUCCESS on a path with no FAILURE branch',
  checkScript(script, template) {
    const findings: ScriptFindingText[] = [];
    const handles = waitHandles(template);
    const used = [...new Set(script.placeholders.flatMap((p) => p.resources.filter((r) => handles.has(r))))];
    if (used.length === 0) return findings;
    const handle = used.join(', ');
    const text = displayText(script, script.shell.source);
    const push = (message: string, fix: string) => findings.push({ message, fix });
    if (!/\bFAILURE\b/.test(text)) {
      push(
        `${script.property} signals ${handle} but never sends FAILURE, so a failed deployment reports SUCCESS or waits for the full timeout.`,
        `add trap 'rc=$?; [ "$rc" -eq 0 ] || <signal> FAILURE' EXIT after set -euo pipefail, and send SUCCESS only as the last command.`,
      );
    }
    const errexit = /(^|\n)[ \t]*set[ \t]+(-[a-zA-Z]*e[a-zA-Z]*\b|-o[ \t]+errexit)/.test(text) || /^#![^\n]*\s-[a-zA-Z]*e/.test(text);
    if (!errexit && /\bFAILURE\b/.test(text)) {
      push(
        `${script.property} signals ${handle} but runs without set -e, so a failing step is ignored and the script still reaches SUCCESS.`,
        `start the script with set -euo pipefail and an EXIT trap that sends FAILURE on a non-zero status.`,
      );
    }
    let lastSuccess = -1;
    for (const m of script.shell.source.matchAll(/\bSUCCESS\b/g)) lastSuccess = m.index ?? -1;
    for (const loop of fallThroughLoops(script)) {
      if (lastSuccess >= 0 && loop.done.end > lastSuccess) continue;
      push(
        `in ${script.property} the loop at ${locate(script, loop.header.start, loop.header.end)} can run out without success and fall through to the SUCCESS signal of ${handle}.`,
        `after the loop check the result ([ "$healthy" = 1 ] || exit 1) or exit 1 inside the loop on its last try, so the EXIT trap sends FAILURE.`,
      );
    }
    return findings;
  },
});
