import { lineOf, marker, markerIndex, MAX_SUBSTITUTION_DEPTH, parseShell, QuoteContext } from '../../../lib/rules/analysis/shell-lexer';

const M0 = marker(0);

/** The commands of a script as arrays of word texts (redirection targets written `op>target`). */
function commands(src: string): string[][] {
  return parseShell(src).commands.map((c) => c.words.map((w) => (w.redirectOp !== undefined ? `${w.redirectOp}>${w.text}` : w.redirect ? `fd:${w.text}` : w.text)));
}

describe('parseShell: words and commands', () => {
  test.each<[string, string, string[][]]>([
    ['simple command', 'echo a b\n', [['echo', 'a', 'b']]],
    ['single quotes keep everything', "echo 'a b $x'\n", [['echo', 'a b $x']]],
    ['double quotes join words', 'echo "a b" c\n', [['echo', 'a b', 'c']]],
    ['backslash escapes a space', 'echo a\\ b\n', [['echo', 'a b']]],
    ['line continuation', 'echo a \\\nb\n', [['echo', 'a', 'b']]],
    ['; && || | & separate commands', 'a; b && c || d | e & f\n', [['a'], ['b'], ['c'], ['d'], ['e'], ['f']]],
    ['a comment is no word', 'echo a # b c\n', [['echo', 'a']]],
    ['# inside a word is text', 'echo a#b\n', [['echo', 'a#b']]],
    ['redirections are targets, not arguments', 'cmd >out 2>&1 <in >>log\n', [['cmd', '>>out', 'fd:2', '2>&>1', '<>in', '>>>log']]],
    ['&> and >&2', 'cmd &>all; cmd2 >&2\n', [['cmd', '&>>all'], ['cmd2', '>&>2']]],
    ['here-string', 'cat <<< "$x"\n', [['cat', '<<<>$x']]],
    ['$(...) is read as its own commands first', 'x="$(a | b)"\n', [['a'], ['b'], ['x=$()']]],
    ['backquotes likewise', 'x=`a`\n', [['a'], ['x=']]],
    ['${...} and $((...)) stay in the word', 'echo "${a:-b}" $((c + 1))\n', [['echo', '${a:-b}', '$((c + 1))']]],
    ["$'...' ANSI quotes", "echo $'a\\'b'\n", [['echo', "a\\'b"]]],
    ['a here-document body is no command', 'cat <<EOF\nline $x\nEOF\necho done\n', [['cat'], ['echo', 'done']]],
    ['<<- strips tabs before the delimiter', 'cat <<-EOF\n\tbody\n\tEOF\necho after\n', [['cat'], ['echo', 'after']]],
    ['subshell parentheses', '(cd /tmp; ls)\n', [['cd', '/tmp'], ['ls']]],
    ['function definition', 'f() { echo "$1"; }\n', [['f'], ['{', 'echo', '$1'], ['}']]],
  ])('%s', (_name, src, expected) => {
    expect(commands(src)).toEqual(expected);
  });
});

describe('parseShell: the quoting context of each placeholder', () => {
  test.each<[string, string, QuoteContext]>([
    ['unquoted', `echo ${M0}\n`, 'unquoted'],
    ['single quotes', `echo '${M0}'\n`, 'single'],
    ['double quotes', `echo "${M0}"\n`, 'double'],
    ["$'...'", `echo $'${M0}'\n`, 'ansi'],
    ['unquoted here-document', `cat <<EOF\n${M0}\nEOF\n`, 'heredoc'],
    ['quoted here-document', `cat <<'EOF'\n${M0}\nEOF\n`, 'heredoc-quoted'],
    ['backslash-quoted delimiter', `cat <<\\EOF\n${M0}\nEOF\n`, 'heredoc-quoted'],
    ['comment', `echo a # ${M0}\n`, 'comment'],
    ['inside ${...} in double quotes', `echo "\${x:-${M0}}"\n`, 'double'],
    ['inside $(...) in double quotes: unquoted again', `echo "$(echo ${M0})"\n`, 'unquoted'],
    ['arithmetic', `echo $((${M0} + 1))\n`, 'unquoted'],
  ])('%s', (_name, src, context) => {
    const shell = parseShell(src);
    expect(shell.uses.map((u) => u.context)).toEqual([context]);
    expect(shell.uses[0].offset).toBe(src.indexOf(M0));
  });
});

describe('parseShell: variables, substitutions, here-documents', () => {
  test('direct variables and placeholders are told apart from those inside $(...)', () => {
    const [inner, outer] = parseShell(`x="$a$(echo $b ${M0})"\n`).commands;
    expect(inner.words.map((w) => w.text)).toEqual(['echo', '$b', M0]);
    const w = outer.words[0];
    expect(w.vars).toEqual(['a', 'b']);
    expect(w.directVars).toEqual(['a']);
    expect(w.placeholders).toEqual([0]);
    expect(w.directPlaceholders).toEqual([]);
    expect(w.substitutions).toEqual([inner.substitution]);
    expect(outer.substitution).toBe(-1);
    expect(inner.substitution).toBe(0);
  });

  test('a word records the ${...} it expands, unquoted or in double quotes; single quotes and $\'...\' expand none', () => {
    const [cmd] = parseShell(`echo "\${a@Q}" '\${b@Q}' \${c:-x} $'\${d}' x\${e[-1]}y\n`).commands;
    expect(cmd.words.map((w) => w.expansions)).toEqual([[], ['a@Q'], [], ['c:-x'], [], ['e[-1]']]);
  });

  test('an unquoted here-document records the variables it expands; a quoted one none', () => {
    const [a, , b] = parseShell(`cat <<EOF\n$pw \${user} ${M0}\nEOF\necho\ncat <<'EOF'\n$pw\nEOF\n`).commands;
    expect(a.heredocs).toEqual([{ quoted: false, placeholders: [0], vars: ['pw', 'user'], expansions: ['user'] }]);
    expect(a.heredocPlaceholders).toEqual([0]);
    expect(b.heredocs).toEqual([{ quoted: true, placeholders: [], vars: [], expansions: [] }]);
  });

  test('separators are recorded', () => {
    expect(parseShell('a | b && c\n').commands.map((c) => c.separator)).toEqual(['|', '&&', '\n']);
  });

  test(`command substitutions nested more than ${MAX_SUBSTITUTION_DEPTH} deep are refused, naming the line`, () => {
    const deep = '\necho ' + '$('.repeat(MAX_SUBSTITUTION_DEPTH + 1) + 'x' + ')'.repeat(MAX_SUBSTITUTION_DEPTH + 1) + '\n';
    expect(() => parseShell(deep)).toThrow(/nests command substitutions more than 64 levels deep at line 2/);
    const ok = 'echo ' + '$('.repeat(MAX_SUBSTITUTION_DEPTH) + 'x' + ')'.repeat(MAX_SUBSTITUTION_DEPTH) + '\n';
    expect(() => parseShell(ok)).not.toThrow();
  });
});

describe('markers and lines', () => {
  test.each([0, 1, 6399])('marker(%i) maps back', (i) => {
    expect(markerIndex(marker(i))).toBe(i);
  });
  test.each(['a', '\uDFFF', '\uF900'])('%j is no marker', (c) => {
    expect(markerIndex(c)).toBe(-1);
  });
  test.each([[0, 1], [1, 1], [2, 2], [3, 2], [4, 3], [99, 3]])('offset %i is on line %i', (offset, line) => {
    expect(lineOf(parseShell('a\nb\nc'), offset)).toBe(line);
  });
});
