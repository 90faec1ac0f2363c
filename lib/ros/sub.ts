// The one Fn::Sub tokenizer. ROS's Fn::Sub substitutes `${Name}` (a key of the variable map, a parameter, a
// pseudo parameter such as `${ALIYUN::Region}`, a resource's Ref, or `${Resource.Attribute}`) and writes
// `${!Literal}` as the literal text `${Literal}`; a variable ends at the first `}`.
// https://www.alibabacloud.com/help/en/ros/user-guide/function-sub

/** Literal text of an Fn::Sub body, as ROS writes it (`${!X}` already turned into `${X}`). */
export interface SubText {
  readonly kind: 'text';
  /** The text ROS writes. */
  readonly text: string;
  /** Offset of the part in the body. */
  readonly offset: number;
}

/** A `${Name}` variable of an Fn::Sub body. */
export interface SubVariable {
  readonly kind: 'variable';
  /** What is between `${` and `}`, verbatim. */
  readonly name: string;
  /** The variable as written, `${Name}`. */
  readonly raw: string;
  /** Offset of `${` in the body. */
  readonly offset: number;
  /**
   * True when the name has the shape ROS can resolve: `Name`, `ALIYUN::Name` or `Resource.Attribute`
   * (letters, digits, `_`, `::` and `.`). Anything else is meant for the shell and needs `${!...}`.
   */
  readonly wellFormed: boolean;
}

/** One part of an Fn::Sub body. */
export type SubPart = SubText | SubVariable;

/** A name ROS can resolve in `${...}`: `Name`, `ALIYUN::StackName`, `Resource.Attribute` or `Resource.A.B`. */
const VARIABLE_NAME = /^[A-Za-z0-9_]+(::[A-Za-z0-9_]+)*(\.[A-Za-z0-9_.]+)?$/;

/**
 * Splits an Fn::Sub body into literal text and `${Name}` variables. A `${` with no `}` after it is
 * literal text (ROS has nothing to substitute there); {@link unterminatedSubOffset} finds it.
 */
export function parseSubBody(body: string): SubPart[] {
  const parts: SubPart[] = [];
  let text = '';
  let textStart = 0;
  let i = 0;
  const flush = (next: number) => {
    if (text !== '') parts.push({ kind: 'text', text, offset: textStart });
    text = '';
    textStart = next;
  };
  while (i < body.length) {
    const start = body.indexOf('${', i);
    const end = start < 0 ? -1 : body.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      text += body.slice(i);
      break;
    }
    text += body.slice(i, start);
    const inner = body.slice(start + 2, end);
    if (inner.startsWith('!')) {
      text += '${' + inner.slice(1) + '}';
    } else {
      flush(start);
      parts.push({ kind: 'variable', name: inner, raw: body.slice(start, end + 1), offset: start, wellFormed: VARIABLE_NAME.test(inner) });
      textStart = end + 1;
    }
    i = end + 1;
  }
  flush(body.length);
  return parts;
}

/** Offset of a `${` that no `}` closes, or -1. */
export function unterminatedSubOffset(body: string): number {
  const last = body.lastIndexOf('${');
  return last >= 0 && body.indexOf('}', last + 2) < 0 ? last : -1;
}

/** The `${Name}` variables of an Fn::Sub body (escaped `${!...}` excluded), in order, with repeats. */
export function subVariables(body: string): SubVariable[] {
  return parseSubBody(body).filter((p): p is SubVariable => p.kind === 'variable');
}

/** The parts of a `Resource.Attribute` variable name, or undefined for a plain name. */
export function splitAttributeName(name: string): { readonly resource: string; readonly attribute: string } | undefined {
  const dot = name.indexOf('.');
  return dot < 0 ? undefined : { resource: name.slice(0, dot), attribute: name.slice(dot + 1) };
}

/**
 * The Fn::Sub body that ROS renders to exactly `text`: every `${` written as `${!`. Throws when
 * `text` has a `${` inside a `${...}` (such as bash's `${a:-${b}}`): Fn::Sub ends the escaped
 * `${!...}` at the first `}`, so the inner `${` would reach the text mangled (`${a:-${!b}}`).
 */
export function escapeSubText(text: string): string {
  const nested = /\$\{[^}]*\$\{/.exec(text);
  if (nested) {
    throw new Error(`'\${' inside '\${...}' near '${nested[0]}': Fn::Sub cannot escape that; use a plain variable or an if instead.`);
  }
  return text.replace(/\$\{/g, '${!');
}

/** The `{ 'Fn::Sub': ... }` argument split into its body and variable map (undefined when malformed). */
export function subArguments(arg: unknown): { readonly body: unknown; readonly map: Readonly<Record<string, unknown>> } | undefined {
  if (typeof arg === 'string') return { body: arg, map: {} };
  if (!Array.isArray(arg) || arg.length < 1 || arg.length > 2) return undefined;
  if (arg.length === 1) return { body: arg[0], map: {} };
  const map = arg[1];
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return undefined;
  return { body: arg[0], map: map as Record<string, unknown> };
}
