// Finds the shell scripts of a ROS template (RunCommand/Command CommandContent, UserData) and renders each to text in
// which every deploy-time value (a Ref, GetAtt, Fn::Sub variable, Fn::Replace key...) is one marker character, then
// lexes it with rules-shell-lexer. Fn::Sub semantics ("${Var}" substituted, "${!Literal}" written as "${Literal}")
// follow the ROS Fn::Sub reference.
import { TemplateDocument } from '../../ros/template';
import { collectReferences, intrinsicName, referencedParameters } from '../../ros/intrinsics';
import { parseSubBody, splitAttributeName, subArguments } from '../../ros/sub';
import { expandEmbeddedScripts } from '../../ros/script-encoding';
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

/** A Cloud Assistant `{{name}}` parameter of a RunCommand / Command with `EnableParameter: true`. */
export interface CommandParameter {
  /** The name as written between the braces. */
  readonly name: string;
  /** The value from the resource's `Parameters` map, or undefined (given at invocation, or built in: `ACS::...`). */
  readonly expr: unknown;
}

/** How the script text was obtained from the property. */
export type ScriptEncoding = 'plain' | 'base64-decoded';

/** One script found in the template. */
export interface TemplateScript {
  readonly resource: string;
  readonly property: string;
  readonly placeholders: ScriptPlaceholder[];
  readonly shell: ParsedShell;
  /** `base64-decoded` when the property held Base64 (`ContentEncoding: Base64`, `Fn::Base64Decode`) that was decoded. */
  readonly encoding: ScriptEncoding;
  /** The Cloud Assistant `{{name}}` parameters the script uses (EnableParameter: true). */
  readonly commandParameters: CommandParameter[];
}

const SCRIPT_PROPERTIES = ['CommandContent', 'UserData'];
const cache = new WeakMap<object, TemplateScript[]>();

/** Most distinct deploy-time values one script may hold (the marker characters available, U+E000..U+F8FF). */
export const MAX_SCRIPT_PLACEHOLDERS = 0x1900;

/** Characters of the marker range in a literal: shown as U+FFFD so they cannot pass for a placeholder. */
const MARKER_RANGE = /[\uE000-\uF8FF]/g;

/** Base64 text (whitespace allowed), as ROS and Cloud Assistant take it. */
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** Decodes Base64 text, or returns undefined when it is not Base64. */
function decodeBase64(text: string): string | undefined {
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
}

interface RenderContext {
  readonly template: TemplateDocument;
  readonly placeholders: ScriptPlaceholder[];
  /** Placeholder index by expression and label: one marker per distinct value. */
  readonly index: Map<string, number>;
  readonly resource: string;
  /** Set when a Fn::Base64Decode literal was decoded. */
  decoded: boolean;
}

/**
 * Every shell script in the template (cached per template object). A script with `ContentEncoding: Base64` is
 * decoded first (a literal), or read through its `Fn::Base64Encode`; `Fn::Base64Decode` of a literal is decoded; with
 * `EnableParameter: true`, each Cloud Assistant `{{name}}` is a deploy-time value from the `Parameters` map. Throws when
 * a script holds more than MAX_SCRIPT_PLACEHOLDERS distinct deploy-time values (the rule pack cannot check it).
 */
export function templateScripts(template: TemplateDocument): TemplateScript[] {
  const cached = cache.get(template);
  if (cached) return cached;
  const scripts: TemplateScript[] = [];
  for (const [resource, def] of Object.entries(template.Resources ?? {})) {
    const props = def?.Properties ?? {};
    if (typeof props.Type === 'string' && /powershell|bat/i.test(props.Type)) continue;
    const base64Content = typeof props.ContentEncoding === 'string' && /base64/i.test(props.ContentEncoding);
    for (const property of SCRIPT_PROPERTIES) {
      let value = props[property];
      if (value === undefined) continue;
      let encoding: ScriptEncoding = 'plain';
      if (property === 'CommandContent' && base64Content) {
        // Cloud Assistant decodes the content: a literal is decoded here, Fn::Base64Encode(X) is the script X.
        if (typeof value === 'string') {
          const decoded = decodeBase64(value);
          if (decoded !== undefined) {
            value = decoded;
            encoding = 'base64-decoded';
          }
        } else if (intrinsicName(value) === 'Fn::Base64Encode') {
          value = (value as Record<string, unknown>)['Fn::Base64Encode'];
          encoding = 'base64-decoded';
        }
      }
      const ctx: RenderContext = { template, placeholders: [], index: new Map(), resource, decoded: false };
      // A script embedded as gzip + base64 (DeployScript's default, lib/ros/script-encoding.ts) is checked
      // as the text bash runs.
      let text = expandEmbeddedScripts(renderScript(ctx, value, true));
      if (ctx.decoded) encoding = 'base64-decoded';
      const commandParameters: CommandParameter[] = [];
      if (property === 'CommandContent' && isTrue(props.EnableParameter)) {
        text = commandParameterMarkers(ctx, text, props.Parameters, commandParameters);
      }
      scripts.push({ resource, property, placeholders: ctx.placeholders, shell: parseShell(text), encoding, commandParameters });
    }
  }
  cache.set(template, scripts);
  return scripts;
}

/**
 * Replaces each Cloud Assistant `{{ name }}` with a marker for the value in `parameters` (names are
 * case-insensitive; spaces and line feeds around the name are ignored: ROS resource reference,
 * ALIYUN::ECS::Command, https://www.alibabacloud.com/help/en/resource-orchestration-service/latest/aliyun-ecs-command).
 */
function commandParameterMarkers(ctx: RenderContext, text: string, parameters: unknown, out: CommandParameter[]): string {
  const map = typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? (parameters as Record<string, unknown>) : {};
  const byName = new Map(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]));
  return text.replace(/\{\{\s*([A-Za-z0-9_:-]+)\s*\}\}/g, (whole, name: string) => {
    const expr = byName.get(name.toLowerCase());
    if (!out.some((p) => p.name === name)) out.push({ name, expr });
    return addPlaceholder(ctx, expr ?? { 'Cloud Assistant parameter': name }, whole);
  });
}

function addPlaceholder(ctx: RenderContext, expr: unknown, label: string): string {
  const key = `${label}\u0000${JSON.stringify(expr)}`;
  const known = ctx.index.get(key);
  if (known !== undefined) return marker(known);
  if (ctx.placeholders.length >= MAX_SCRIPT_PLACEHOLDERS) {
    throw new Error(`resource ${ctx.resource}: a script with more than ${MAX_SCRIPT_PLACEHOLDERS} distinct deploy-time values; the rule pack cannot check it`);
  }
  const template = ctx.template;
  const refs = collectReferences(expr);
  const resources = template.Resources ?? {};
  ctx.placeholders.push({
    expr,
    label,
    parameters: referencedParameters(template, expr),
    resources: [...new Set(refs.filter((r) => (r.kind === 'Ref' || r.kind === 'GetAtt') && r.name in resources).map((r) => r.name))],
    base64: intrinsicName(expr) === 'Fn::Base64Encode',
  });
  ctx.index.set(key, ctx.placeholders.length - 1);
  return marker(ctx.placeholders.length - 1);
}

function renderScript(ctx: RenderContext, value: unknown, top: boolean): string {
  if (typeof value === 'string') return value.replace(MARKER_RANGE, '\uFFFD');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const fn = intrinsicName(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Fn::Base64Encode' && top) return renderScript(ctx, arg, true);
  if (fn === 'Fn::Base64Decode' && typeof arg === 'string') {
    const decoded = decodeBase64(arg);
    if (decoded !== undefined) {
      ctx.decoded = true;
      return renderScript(ctx, decoded, false);
    }
  }
  if (fn === 'Fn::Sub') {
    const sub = subArguments(arg);
    if (!sub || typeof sub.body !== 'string') return addPlaceholder(ctx, value, JSON.stringify(value));
    const map = sub.map;
    return parseSubBody(sub.body).map((part) => {
      if (part.kind === 'text') return part.text.replace(MARKER_RANGE, '\uFFFD');
      let expr: unknown;
      const attr = splitAttributeName(part.name);
      if (Object.prototype.hasOwnProperty.call(map, part.name)) expr = map[part.name];
      else if (attr) expr = { 'Fn::GetAtt': [attr.resource, attr.attribute] };
      else expr = { Ref: part.name };
      return addPlaceholder(ctx, expr, part.raw);
    }).join('');
  }
  if (fn === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
    const delim = renderScript(ctx, arg[0], false);
    return (arg[1] as unknown[]).map((part) => renderScript(ctx, part, false)).join(delim);
  }
  if (fn === 'Fn::Replace' && Array.isArray(arg) && typeof arg[0] === 'object' && arg[0] !== null) {
    let text = renderScript(ctx, arg[1], false);
    for (const [key, replacement] of Object.entries(arg[0] as Record<string, unknown>)) {
      if (key === '') continue;
      text = text.split(key).join(addPlaceholder(ctx, replacement, key));
    }
    return text;
  }
  return addPlaceholder(ctx, value, JSON.stringify(value));
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
  const decoded = script.encoding === 'base64-decoded' ? ' of the Base64-decoded script' : '';
  return `line ${lineOf(script.shell, start)}${decoded}: \`${snippet}\``;
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
  // `case WORD in` and `for NAME in WORDS` run no program: their words are no one's argv. Nor do function
  // definitions: `function name {`, and `name` before the `(` of `name() {`.
  if (keyword === 'case' || keyword === 'for' || keyword === 'function') {
    return { assignments: [], name: undefined, args: [], keyword };
  }
  if (cmd.separator === '(' && words.length === 1 && !ASSIGNMENT.test(words[0].text)) {
    return { assignments: [], name: undefined, args: [], keyword: 'function' };
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

/** A shell function the script defines: its body's text and where the definition is in the source. */
export interface ScriptFunction {
  /** The body text, up to the closing `}`. */
  readonly body: string;
  /** Offset of the definition's start (its name) in the script source. */
  readonly start: number;
  /** Offset just past the body's end. */
  readonly end: number;
}

const functionsCache = new WeakMap<TemplateScript, Map<string, ScriptFunction>>();

/**
 * Shell functions the script defines (`name() {` or `function name {`), by name, with the body up to the closing
 * `}` (a line starting with `}`, or the last `}` of a one-line body), and never past the next definition (so no two
 * bodies overlap: a definition nested in another ends the outer one). Linear in the script's length.
 */
export function scriptFunctionBodies(script: TemplateScript): Map<string, ScriptFunction> {
  const cached = functionsCache.get(script);
  if (cached) return cached;
  const src = script.shell.source;
  const out = new Map<string, ScriptFunction>();
  const closes: number[] = [];
  for (const m of src.matchAll(/\n[ \t]*\}/g)) closes.push(m.index ?? 0);
  const headers = [...src.matchAll(/(?:^|\n)[ \t]*(?:function[ \t]+([A-Za-z_][\w-]*)[ \t]*(?:\(\))?|([A-Za-z_][\w-]*)[ \t]*\(\))[ \t]*\{?/g)];
  headers.forEach((m, i) => {
    const name = m[1] ?? m[2];
    const defStart = (m.index ?? 0) + (m[0].startsWith('\n') ? 1 : 0);
    const bodyStart = (m.index ?? 0) + m[0].length;
    const limit = i + 1 < headers.length ? (headers[i + 1].index ?? src.length) : src.length;
    let eol = src.indexOf('\n', bodyStart);
    if (eol < 0) eol = src.length;
    const lastBrace = src.slice(bodyStart, eol).lastIndexOf('}');
    let end: number;
    if (lastBrace >= 0) {
      end = bodyStart + lastBrace + 1;
    } else {
      let lo = 0;
      let hi = closes.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (closes[mid] < bodyStart) lo = mid + 1;
        else hi = mid;
      }
      end = lo < closes.length ? closes[lo] + src.slice(closes[lo], closes[lo] + 64).indexOf('}') + 1 : src.length;
    }
    end = Math.min(end, limit);
    out.set(name, { body: src.slice(bodyStart, end), start: defStart, end });
  });
  functionsCache.set(script, out);
  return out;
}

/** Shell functions the script defines, name -> body text (see {@link scriptFunctionBodies}). */
export function scriptFunctions(script: TemplateScript): Map<string, string> {
  return new Map([...scriptFunctionBodies(script)].map(([name, f]) => [name, f.body]));
}
