// Finds the shell scripts of a ROS template (RunCommand/Command CommandContent, UserData) and renders each to text in
// which every deploy-time value (a Ref, GetAtt, Fn::Sub variable, Fn::Replace key...) is one marker character, then
// lexes it with rules-shell-lexer. Fn::Sub semantics ("${Var}" substituted, "${!Literal}" written as "${Literal}")
// follow the ROS Fn::Sub reference.
import { TemplateDocument } from '../../ros/template';
import { collectReferences, intrinsicName, referencedParameters } from '../../ros/intrinsics';
import { parseSubBody, splitAttributeName, subArguments } from '../../ros/sub';
import { marker, markerIndex, parseShell, ParsedShell, ShellCommand, ShellWord, lineOf } from './shell-lexer';

/** A deploy-time value inside a script. */
export interface ScriptPlaceholder {
  /** The ROS expression ROS substitutes here. */
  readonly expr: unknown;
  /** How the script names it (`${UserName}`, `{"Ref":"X"}`...). */
  readonly label: string;
  /** Template parameters the value is computed from. */
  readonly parameters: string[];
  /** Resources the value refers to (Ref or GetAtt). */
  readonly resources: string[];
  /** The value is wrapped in Fn::Base64Encode (its text is [A-Za-z0-9+/=] and newlines only). */
  readonly base64: boolean;
}

/** One script found in the template. */
export interface TemplateScript {
  readonly resource: string;
  readonly property: string;
  readonly placeholders: ScriptPlaceholder[];
  readonly shell: ParsedShell;
}

const SCRIPT_PROPERTIES = ['CommandContent', 'UserData'];
const cache = new WeakMap<object, TemplateScript[]>();

/** Every shell script in the template (cached per template object). */
export function templateScripts(template: TemplateDocument): TemplateScript[] {
  const cached = cache.get(template);
  if (cached) return cached;
  const scripts: TemplateScript[] = [];
  for (const [resource, def] of Object.entries(template.Resources ?? {})) {
    const props = def?.Properties ?? {};
    if (typeof props.Type === 'string' && /powershell|bat/i.test(props.Type)) continue;
    if (typeof props.ContentEncoding === 'string' && /base64/i.test(props.ContentEncoding)) continue;
    for (const property of SCRIPT_PROPERTIES) {
      if (props[property] === undefined) continue;
      const placeholders: ScriptPlaceholder[] = [];
      const text = renderScript(template, props[property], placeholders, true);
      scripts.push({ resource, property, placeholders, shell: parseShell(text) });
    }
  }
  cache.set(template, scripts);
  return scripts;
}

function addPlaceholder(template: TemplateDocument, expr: unknown, label: string, out: ScriptPlaceholder[]): string {
  const refs = collectReferences(expr);
  const resources = template.Resources ?? {};
  out.push({
    expr,
    label,
    parameters: referencedParameters(template, expr),
    resources: [...new Set(refs.filter((r) => (r.kind === 'Ref' || r.kind === 'GetAtt') && r.name in resources).map((r) => r.name))],
    base64: intrinsicName(expr) === 'Fn::Base64Encode',
  });
  return marker(out.length - 1);
}

function renderScript(template: TemplateDocument, value: unknown, out: ScriptPlaceholder[], top: boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const fn = intrinsicName(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Fn::Base64Encode' && top) return renderScript(template, arg, out, true);
  if (fn === 'Fn::Sub') {
    const sub = subArguments(arg);
    if (!sub || typeof sub.body !== 'string') return addPlaceholder(template, value, JSON.stringify(value), out);
    const map = sub.map;
    return parseSubBody(sub.body).map((part) => {
      if (part.kind === 'text') return part.text;
      let expr: unknown;
      const attr = splitAttributeName(part.name);
      if (Object.prototype.hasOwnProperty.call(map, part.name)) expr = map[part.name];
      else if (attr) expr = { 'Fn::GetAtt': [attr.resource, attr.attribute] };
      else expr = { Ref: part.name };
      return addPlaceholder(template, expr, part.raw, out);
    }).join('');
  }
  if (fn === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
    const delim = renderScript(template, arg[0], out, false);
    return (arg[1] as unknown[]).map((part) => renderScript(template, part, out, false)).join(delim);
  }
  if (fn === 'Fn::Replace' && Array.isArray(arg) && typeof arg[0] === 'object' && arg[0] !== null) {
    let text = renderScript(template, arg[1], out, false);
    for (const [key, replacement] of Object.entries(arg[0] as Record<string, unknown>)) {
      if (key === '') continue;
      text = text.split(key).join(addPlaceholder(template, replacement, key, out));
    }
    return text;
  }
  return addPlaceholder(template, value, JSON.stringify(value), out);
}

/** Script text with markers shown as their labels. */
export function displayText(script: TemplateScript, text: string): string {
  let s = '';
  for (const ch of text) {
    const idx = markerIndex(ch);
    s += idx >= 0 ? (script.placeholders[idx]?.label ?? '?') : ch;
  }
  return s;
}

/** `line N: <command text>` for a command or offset, shortened to one line. */
export function locate(script: TemplateScript, start: number, end?: number): string {
  const src = script.shell.source;
  const lineStart = src.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = src.indexOf('\n', end ?? start);
  if (lineEnd < 0) lineEnd = src.length;
  let snippet = displayText(script, src.slice(lineStart, lineEnd)).trim().replace(/\s+/g, ' ');
  if (snippet.length > 100) snippet = `${snippet.slice(0, 97)}...`;
  return `line ${lineOf(src, start)}: \`${snippet}\``;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'case', 'esac', '!', '{', '}', 'time', 'in', 'function']);
const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'command', 'exec', 'nice', 'stdbuf']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/** A command split into its parts. */
export interface CommandShape {
  /** `NAME=value` words before the command name (name -> word). */
  readonly assignments: Array<{ name: string; word: ShellWord }>;
  /** The program or builtin run (after keywords, assignments and wrappers such as sudo/env), or undefined. */
  readonly name?: string;
  /** The argument words after the name (redirections excluded). */
  readonly args: ShellWord[];
  /** First keyword word, if the command starts with one (`if`, `do`, `done`...). */
  readonly keyword?: string;
}

/** Splits a simple command into keyword, assignments, name and arguments. */
export function commandShape(cmd: ShellCommand): CommandShape {
  const words = cmd.words.filter((w) => !w.redirect);
  let i = 0;
  let keyword: string | undefined;
  while (i < words.length && RESERVED.has(words[i].text)) {
    keyword ??= words[i].text;
    i++;
  }
  // `case WORD in` and `for NAME in WORDS` run no program: their words are no one's argv.
  if (keyword === 'case' || keyword === 'for') {
    return { assignments: [], name: undefined, args: [], keyword };
  }
  const assignments: Array<{ name: string; word: ShellWord }> = [];
  while (i < words.length && ASSIGNMENT.test(words[i].text)) {
    assignments.push({ name: /^[A-Za-z_][A-Za-z0-9_]*/.exec(words[i].text)![0], word: words[i] });
    i++;
  }
  while (i < words.length && WRAPPERS.has(words[i].text)) {
    i++;
    while (i < words.length && (words[i].text.startsWith('-') || ASSIGNMENT.test(words[i].text))) i++;
  }
  if (i < words.length && words[i].text === 'timeout') {
    i++;
    while (i < words.length && (words[i].text.startsWith('-') || /^\d/.test(words[i].text))) i++;
  }
  const name = i < words.length ? words[i].text.replace(/^.*\//, '') : undefined;
  return { assignments, name, args: words.slice(i + 1), keyword };
}

/** Shell functions the script defines (`name() {` or `function name {`), name -> body text up to the closing `}`. */
export function scriptFunctions(script: TemplateScript): Map<string, string> {
  const src = script.shell.source;
  const out = new Map<string, string>();
  for (const m of src.matchAll(/(?:^|\n)[ \t]*(?:function[ \t]+([A-Za-z_][\w-]*)[ \t]*(?:\(\))?|([A-Za-z_][\w-]*)[ \t]*\(\))[ \t]*\{?/g)) {
    const name = m[1] ?? m[2];
    const start = (m.index ?? 0) + m[0].length;
    const close = /\n[ \t]*\}/.exec(src.slice(start));
    const oneLine = /^[^\n]*\}/.exec(src.slice(start));
    out.set(name, oneLine ? oneLine[0] : src.slice(start, close ? start + close.index : src.length));
  }
  return out;
}
