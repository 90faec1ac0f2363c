// A small bash lexer for the rule pack: enough of bash's quoting rules (POSIX "Token Recognition" plus bash's
// $'...' and here-documents) to know, for every deploy-time placeholder in a script, which quoting context it lands
// in, and to split the script into simple commands with their words. It is not a full parser: compound commands
// are flattened into their simple commands (keywords stay as leading words).

/** First code point used to mark placeholder i in a rendered script: marker(i) = U+E000 + i. */
export const MARKER_BASE = 0xe000;

/** Returns the marker character for placeholder `index`. */
export function marker(index: number): string {
  return String.fromCharCode(MARKER_BASE + index);
}

/** The placeholder index of a marker character, or -1. */
export function markerIndex(ch: string): number {
  const code = ch.charCodeAt(0);
  return code >= MARKER_BASE && code < MARKER_BASE + 0x1900 ? code - MARKER_BASE : -1;
}

/** Where a placeholder's text lands once ROS substitutes it. */
export type QuoteContext = 'unquoted' | 'single' | 'double' | 'ansi' | 'heredoc' | 'heredoc-quoted' | 'comment';

/** One occurrence of a placeholder in the script. */
export interface PlaceholderUse {
  readonly index: number;
  readonly context: QuoteContext;
  readonly offset: number;
}

/** One shell word after quote removal (markers kept in `text`). */
export interface ShellWord {
  text: string;
  /** Placeholders in the word, including those inside command substitutions. */
  readonly placeholders: number[];
  /** Shell variables the word expands, including those inside command substitutions. */
  readonly vars: string[];
  /** Shell variables the word expands outside any command substitution (its own text). */
  readonly directVars: string[];
  /** Placeholders of the word outside any command substitution. */
  readonly directPlaceholders: number[];
  /** Ids of the command substitutions (`$(...)`, backquotes) written directly in the word. */
  readonly substitutions: number[];
  /** The text inside each `${...}` the word expands (unquoted or in double quotes), outside command substitutions. */
  readonly expansions: string[];
  /** The word is a redirection target or fd number, not an argument. */
  redirect: boolean;
  /**
   * For a redirection target: the operator with its fd, as written (`>`, `>>`, `2>`, `>&`, `2>&`, `&>`, `<`, `<<<`).
   */
  redirectOp?: string;
}

/** A here-document read by a command. */
export interface ShellHeredoc {
  /** The delimiter was quoted (`<<'EOF'`): the shell expands nothing in the body. */
  readonly quoted: boolean;
  /** Placeholders in the body (ROS substitutes them whatever the quoting). */
  readonly placeholders: number[];
  /** Shell variables an unquoted body expands. */
  readonly vars: string[];
  /** The text inside each `${...}` an unquoted body expands. */
  readonly expansions: string[];
}

/** One simple command. */
export interface ShellCommand {
  readonly words: ShellWord[];
  readonly start: number;
  end: number;
  /** What ended the command: `\n`, `;`, `|`, `||`, `&&`, `&`, `(`, `)`, `` ` `` or `eof`. */
  separator: string;
  /** Placeholders inside here-documents read by this command. */
  readonly heredocPlaceholders: number[];
  /** The here-documents the command reads. */
  readonly heredocs: ShellHeredoc[];
  /** Id of the command substitution the command runs in (its output is captured), or -1 at the top level. */
  readonly substitution: number;
}

/** The lexer's result. */
export interface ParsedShell {
  readonly source: string;
  readonly commands: ShellCommand[];
  readonly uses: PlaceholderUse[];
  /** Offset of the first character of each line (line 1 starts at 0). */
  readonly lineStarts: number[];
}

/** Deepest nesting of command substitutions (`$(...)`, backquotes) the lexer follows. */
export const MAX_SUBSTITUTION_DEPTH = 64;

const SPECIAL_PARAMS = '?#@*$!-0123456789';

/** Splits `src` (a bash script with placeholder markers) into commands and placeholder uses. */
export function parseShell(src: string): ParsedShell {
  const commands: ShellCommand[] = [];
  const uses: PlaceholderUse[] = [];
  const pending: Array<{ delim: string; quoted: boolean; strip: boolean; cmd: ShellCommand }> = [];
  let pos = 0;
  let substitutions = 0;
  let depth = 0;
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);

  const addChar = (word: ShellWord, ctx: QuoteContext, ch: string = src[pos]) => {
    const idx = markerIndex(ch);
    if (idx >= 0) {
      word.placeholders.push(idx);
      word.directPlaceholders.push(idx);
      uses.push({ index: idx, context: ctx, offset: pos });
    }
    word.text += ch;
  };
  const addVar = (word: ShellWord, name: string) => {
    word.vars.push(name);
    word.directVars.push(name);
  };
  /** Reads a command substitution's list up to `terminator` and merges what it holds into `word`. */
  const substitute = (word: ShellWord, terminator: ')' | '`') => {
    if (depth >= MAX_SUBSTITUTION_DEPTH) {
      throw new Error(`the script nests command substitutions more than ${MAX_SUBSTITUTION_DEPTH} levels deep at line ${lineOf(parsed, pos)}; the rule pack cannot check it`);
    }
    const id = substitutions++;
    word.substitutions.push(id);
    depth++;
    const inner = parseList(terminator, id);
    depth--;
    word.placeholders.push(...inner.placeholders);
    word.vars.push(...inner.vars);
  };
  const parsed: ParsedShell = { source: src, commands, uses, lineStarts };

  const readHeredocs = () => {
    while (pending.length > 0) {
      const h = pending.shift()!;
      const ctx: QuoteContext = h.quoted ? 'heredoc-quoted' : 'heredoc';
      const doc: ShellHeredoc = { quoted: h.quoted, placeholders: [], vars: [], expansions: [] };
      h.cmd.heredocs.push(doc);
      while (pos < src.length) {
        let end = src.indexOf('\n', pos);
        if (end < 0) end = src.length;
        const line = src.slice(pos, end);
        if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) {
          pos = end + 1;
          break;
        }
        for (let i = pos; i < end; i++) {
          const idx = markerIndex(src[i]);
          if (idx >= 0) {
            uses.push({ index: idx, context: ctx, offset: i });
            h.cmd.heredocPlaceholders.push(idx);
            doc.placeholders.push(idx);
          }
        }
        if (!h.quoted) {
          for (const m of line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) doc.vars.push(m[1]);
          for (const m of line.matchAll(/\$\{([^}]*)\}/g)) doc.expansions.push(m[1]);
        }
        pos = end + 1;
      }
    }
  };

  const parseDollar = (word: ShellWord, ctx: QuoteContext) => {
    const next = src[pos + 1];
    if (next === '(' && src[pos + 2] === '(') {
      pos += 3;
      let depth = 0;
      word.text += '$((';
      while (pos < src.length && !(depth === 0 && src.startsWith('))', pos))) {
        if (src[pos] === '(') depth++;
        if (src[pos] === ')') depth--;
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(pos, pos + 64));
        if (m) {
          addVar(word, m[0]);
          word.text += m[0];
          pos += m[0].length;
          continue;
        }
        addChar(word, 'unquoted');
        pos++;
      }
      pos += 2;
      word.text += '))';
      return;
    }
    if (next === '(') {
      pos += 2;
      word.text += '$(';
      substitute(word, ')');
      word.text += ')';
      return;
    }
    if (next === '{') {
      pos += 2;
      let depth = 1;
      const start = pos;
      while (pos < src.length && depth > 0) {
        if (src[pos] === '{') depth++;
        else if (src[pos] === '}') depth--;
        if (depth > 0) {
          if (src[pos] === '\\') pos++;
          const idx = markerIndex(src[pos] ?? '');
          if (idx >= 0) {
            word.placeholders.push(idx);
            word.directPlaceholders.push(idx);
            uses.push({ index: idx, context: ctx, offset: pos });
          }
        }
        pos++;
      }
      const inner = src.slice(start, pos - 1);
      const m = /^[!#]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#@*$!-])/.exec(inner);
      if (m) addVar(word, m[1]);
      word.expansions.push(inner);
      word.text += '${' + inner + '}';
      return;
    }
    if (next === "'" && ctx === 'unquoted') {
      pos += 2;
      while (pos < src.length && src[pos] !== "'") {
        if (src[pos] === '\\') {
          addChar(word, 'ansi');
          pos++;
        }
        if (pos < src.length) addChar(word, 'ansi');
        pos++;
      }
      pos++;
      return;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(pos + 1, pos + 65));
    if (m) {
      addVar(word, m[0]);
      word.text += '$' + m[0];
      pos += 1 + m[0].length;
      return;
    }
    if (next !== undefined && SPECIAL_PARAMS.includes(next)) {
      addVar(word, next);
      word.text += '$' + next;
      pos += 2;
      return;
    }
    word.text += '$';
    pos++;
  };

  const parseDouble = (word: ShellWord) => {
    pos++;
    while (pos < src.length && src[pos] !== '"') {
      const c = src[pos];
      if (c === '\\') {
        const n = src[pos + 1];
        if (n !== undefined && '$`"\\\n'.includes(n)) {
          pos++;
          if (n !== '\n') addChar(word, 'double');
          pos++;
          continue;
        }
        addChar(word, 'double');
        pos++;
        continue;
      }
      if (c === '$') {
        parseDollar(word, 'double');
        continue;
      }
      if (c === '`') {
        pos++;
        substitute(word, '`');
        continue;
      }
      addChar(word, 'double');
      pos++;
    }
    pos++;
  };

  function parseList(terminator: ')' | '`' | null, substitution: number): { placeholders: number[]; vars: string[] } {
    const agg = { placeholders: [] as number[], vars: [] as string[] };
    const newCmd = (): ShellCommand => ({ words: [], start: pos, end: pos, separator: '', heredocPlaceholders: [], heredocs: [], substitution });
    let cmd = newCmd();
    let word: ShellWord | undefined;
    let redirectNext: string | undefined;
    let depth = 0;
    const endWord = () => {
      if (word) {
        cmd.words.push(word);
        agg.placeholders.push(...word.placeholders);
        agg.vars.push(...word.vars);
        word = undefined;
      }
    };
    const endCmd = (sep: string) => {
      endWord();
      cmd.end = pos;
      cmd.separator = sep;
      if (cmd.words.length > 0) commands.push(cmd);
      else if (pending.some((h) => h.cmd === cmd)) commands.push(cmd);
      redirectNext = undefined;
      cmd = newCmd();
    };
    const ensureWord = (): ShellWord => {
      if (!word) {
        word = { text: '', placeholders: [], vars: [], directVars: [], directPlaceholders: [], substitutions: [], expansions: [], redirect: redirectNext !== undefined };
        if (redirectNext !== undefined) word.redirectOp = redirectNext;
        redirectNext = undefined;
      }
      return word;
    };
    while (pos < src.length) {
      const c = src[pos];
      if (terminator === '`' && c === '`') {
        endCmd('`');
        pos++;
        return agg;
      }
      if (terminator === ')' && c === ')' && depth === 0) {
        endCmd(')');
        pos++;
        return agg;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        endWord();
        pos++;
        continue;
      }
      if (c === '\n') {
        endCmd('\n');
        pos++;
        readHeredocs();
        cmd = newCmd();
        continue;
      }
      if (c === ';') {
        endCmd(';');
        pos += src[pos + 1] === ';' ? 2 : 1;
        continue;
      }
      if (c === '&' && src[pos + 1] === '&') {
        endCmd('&&');
        pos += 2;
        continue;
      }
      if (c === '|') {
        const two = src[pos + 1] === '|';
        endCmd(two ? '||' : '|');
        pos += two ? 2 : 1;
        continue;
      }
      if (c === '&' && src[pos + 1] !== '>') {
        endCmd('&');
        pos++;
        continue;
      }
      if (c === '(') {
        depth++;
        endCmd('(');
        pos++;
        continue;
      }
      if (c === ')') {
        depth--;
        endCmd(')');
        pos++;
        continue;
      }
      if (c === '#' && !word) {
        while (pos < src.length && src[pos] !== '\n') {
          const idx = markerIndex(src[pos]);
          if (idx >= 0) uses.push({ index: idx, context: 'comment', offset: pos });
          pos++;
        }
        continue;
      }
      if (c === '\\' && src[pos + 1] === '\n') {
        pos += 2;
        continue;
      }
      if (c === '<' && src.startsWith('<<<', pos)) {
        endWord();
        pos += 3;
        redirectNext = '<<<';
        continue;
      }
      if (c === '<' && src[pos + 1] === '<') {
        endWord();
        pos += 2;
        const strip = src[pos] === '-';
        if (strip) pos++;
        while (src[pos] === ' ' || src[pos] === '\t') pos++;
        let delim = '';
        let quoted = false;
        while (pos < src.length && !' \t\n;&|<>()'.includes(src[pos])) {
          const ch = src[pos];
          if (ch === "'" || ch === '"') {
            quoted = true;
            const close = src.indexOf(ch, pos + 1);
            const end = close < 0 ? src.length : close;
            delim += src.slice(pos + 1, end);
            pos = end + 1;
            continue;
          }
          if (ch === '\\') {
            quoted = true;
            pos++;
          }
          delim += src[pos];
          pos++;
        }
        pending.push({ delim, quoted, strip, cmd });
        continue;
      }
      if (c === '<' || c === '>' || (c === '&' && src[pos + 1] === '>')) {
        let fd = '';
        if (word && /^\d+$/.test(word.text)) {
          word.redirect = true;
          fd = word.text;
        }
        endWord();
        const opStart = pos;
        pos++;
        while (src[pos] === '>' || src[pos] === '&' || src[pos] === '|') pos++;
        redirectNext = fd + src.slice(opStart, pos);
        continue;
      }
      const w = ensureWord();
      if (c === "'") {
        pos++;
        while (pos < src.length && src[pos] !== "'") {
          addChar(w, 'single');
          pos++;
        }
        pos++;
        continue;
      }
      if (c === '"') {
        parseDouble(w);
        continue;
      }
      if (c === '\\') {
        pos++;
        if (pos < src.length) addChar(w, 'unquoted');
        pos++;
        continue;
      }
      if (c === '`') {
        pos++;
        substitute(w, '`');
        continue;
      }
      if (c === '$') {
        parseDollar(w, 'unquoted');
        continue;
      }
      addChar(w, 'unquoted');
      pos++;
    }
    endCmd('eof');
    return agg;
  }

  parseList(null, -1);
  return parsed;
}

/** 1-based line number of `offset` in a parsed script (a binary search over its line starts). */
export function lineOf(shell: Pick<ParsedShell, 'lineStarts'>, offset: number): number {
  const starts = shell.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
