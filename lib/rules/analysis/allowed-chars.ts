// Which characters a ROS parameter can hold, from its Type, AllowedValues and AllowedPattern. The pattern analysis
// over-approximates: every character any atom of the pattern can match counts as allowed, and a pattern that is not
// anchored with ^...$ (or cannot be read) allows anything.
import { TemplateDocument } from '../../ros/template';
import { parameterDefinition } from '../../ros/intrinsics';

/** Characters to probe: printable ASCII plus tab, CR and newline. */
const PROBES: string[] = ['\n', '\t', '\r'];
for (let c = 0x20; c < 0x7f; c++) PROBES.push(String.fromCharCode(c));

/** A set of characters, or 'any'. */
export type AllowedChars = Set<string> | 'any';

function classChars(source: string): AllowedChars {
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`);
  } catch {
    return 'any';
  }
  return new Set(PROBES.filter((p) => re.test(p)));
}

function union(into: Set<string>, add: AllowedChars): AllowedChars {
  if (add === 'any') return 'any';
  for (const c of add) into.add(c);
  return into;
}

/** The index just past the `)` closing the group that opens at `open` (escapes and classes skipped). */
function endOfGroup(pattern: string, open: number): number {
  let depth = 0;
  for (let j = open; j < pattern.length; j++) {
    const c = pattern[j];
    if (c === '\\') {
      j++;
    } else if (c === '[') {
      j++;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return pattern.length;
}

/** Characters `pattern` can match anywhere (over-approximation), or 'any'. */
export function patternChars(pattern: string): AllowedChars {
  try {
    new RegExp(pattern);
  } catch {
    return 'any';
  }
  if (!pattern.startsWith('^') || !/(^|[^\\])\$$/.test(pattern)) return 'any';
  let out: AllowedChars = new Set<string>();
  let i = 0;
  while (i < pattern.length && out !== 'any') {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if ('bB'.includes(e)) {
        i += 2;
        continue;
      }
      let len = 2;
      if (e === 'x') len = 4;
      else if (e === 'u') len = 6;
      out = union(out, classChars(pattern.slice(i, i + len)));
      i += len;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      out = union(out, classChars(pattern.slice(i, j + 1)));
      i = j + 1;
      continue;
    }
    if (c === '.') {
      out = union(out, new Set(PROBES.filter((p) => p !== '\n' && p !== '\r')));
      i++;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const m = /^\(\?(<[A-Za-z_][A-Za-z0-9_]*>|<=|<!|[:=!])/.exec(pattern.slice(i, i + 40));
      if (m && ['=', '!', '<=', '<!'].includes(m[1])) {
        // A lookaround consumes nothing: the characters of the value are those the rest of the pattern matches.
        i = endOfGroup(pattern, i);
        continue;
      }
      i += m ? m[0].length : 2;
      continue;
    }
    if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (m) {
        i += m[0].length;
        continue;
      }
    }
    if ('()|*+?^$'.includes(c)) {
      i++;
      continue;
    }
    out = union(out, new Set([c]));
    i++;
  }
  return out;
}

/** Characters parameter `name` may contain according to its definition. */
export function parameterChars(template: TemplateDocument, name: string): AllowedChars {
  const def = parameterDefinition(template, name);
  const candidates: Array<Set<string>> = [];
  if (def.Type === 'Number') candidates.push(new Set('0123456789.-+eE'));
  if (def.Type === 'Boolean') candidates.push(new Set('truefalsTRUEFALS'));
  if (Array.isArray(def.AllowedValues) && def.AllowedValues.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    candidates.push(new Set(def.AllowedValues.map(String).join('')));
  }
  if (typeof def.AllowedPattern === 'string') {
    const p = patternChars(def.AllowedPattern);
    if (p !== 'any') candidates.push(p);
  }
  if (candidates.length === 0) return 'any';
  return candidates.reduce((a, b) => new Set([...a].filter((c) => b.has(c))));
}

/** The characters of `wanted` that `allowed` contains, shown printable (`'`, `\n`...). */
export function allowedAmong(allowed: AllowedChars, wanted: string): string[] {
  const found = [...wanted].filter((c) => allowed === 'any' || allowed.has(c));
  return found.map((c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c));
}
