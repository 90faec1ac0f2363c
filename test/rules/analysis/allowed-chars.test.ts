import { allowedAmong, AllowedChars, parameterChars, patternChars } from '../../../lib/rules/analysis/allowed-chars';
import { TemplateDocument } from '../../../lib/ros/template';

/** The allowed set shown as a sorted string ('any' stays 'any'). */
const show = (c: AllowedChars) => (c === 'any' ? 'any' : [...c].sort().join(''));

describe('patternChars: every character an AllowedPattern can match (over-approximated)', () => {
  test.each<[string, string]>([
    ['^[a-c]+$', 'abc'],
    ['^[A-Za-z0-9]{1,3}$', show(new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'))],
    ['^\\d+$', '0123456789'],
    ['^[0-9]+(\\.[0-9]+)?$', '.0123456789'],
    ['^(yes|no)$', 'enosy'],
    ['^[^a-z]$', 'any-but-lowercase'],
    ['^a.b$', 'dot'],
    ["^[A-Za-z' -]*$", show(new Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' -"))],
    ['^\\x41\\u0042$', 'AB'],
    ['^(?=.*[0-9])[a-z0-9]+$', 'lookahead'],
    ['^a\\bb$', 'ab'],
    ['[a-z]+', 'any'], // not anchored: matches inside anything
    ['^[a-z]+', 'any'], // no $
    ['^[a-z$', 'any'], // not a valid pattern
    ['^x\\$$', '$x'],
    ['^(?=.*[A-Z])(?!.*\\s)(?<=^)[a-z!]{8,30}$', show(new Set('abcdefghijklmnopqrstuvwxyz!'))],
    ['^(?:ab|c)d$', 'abcd'],
  ])('%s', (pattern, expected) => {
    const chars = patternChars(pattern);
    if (expected === 'any-but-lowercase') {
      expect(chars).not.toBe('any');
      expect((chars as Set<string>).has('a')).toBe(false);
      expect((chars as Set<string>).has("'")).toBe(true);
    } else if (expected === 'dot') {
      expect((chars as Set<string>).has('$')).toBe(true);
      expect((chars as Set<string>).has('\n')).toBe(false);
    } else if (expected === 'lookahead') {
      // A lookahead consumes nothing: only [a-z0-9] counts, not what `.*` inside it could match.
      expect(show(chars)).toBe(show(new Set('abcdefghijklmnopqrstuvwxyz0123456789')));
    } else {
      expect(show(chars)).toBe(expected);
    }
  });
});

describe('parameterChars: from Type, AllowedValues and AllowedPattern (their intersection)', () => {
  const t = (def: Record<string, unknown>): TemplateDocument => ({ Parameters: { P: def } });
  test.each<[string, Record<string, unknown>, string]>([
    ['no constraint', { Type: 'String' }, 'any'],
    ['Number', { Type: 'Number' }, show(new Set('0123456789.-+eE'))],
    ['AllowedValues', { Type: 'String', AllowedValues: ['ab', 'c'] }, 'abc'],
    ['AllowedValues and a pattern intersect', { Type: 'String', AllowedValues: ['ab', "c'd"], AllowedPattern: '^[a-c]*$' }, 'abc'],
    ['an unanchored pattern alone constrains nothing', { Type: 'String', AllowedPattern: '[a-z]' }, 'any'],
    ['AllowedValues with an object value constrains nothing', { Type: 'String', AllowedValues: [{ a: 1 }] }, 'any'],
  ])('%s', (_name, def, expected) => {
    expect(show(parameterChars(t(def), 'P'))).toBe(expected);
  });

  test('an undeclared parameter may hold anything', () => {
    expect(parameterChars({}, 'Nope')).toBe('any');
  });
});

describe('allowedAmong', () => {
  test.each<[AllowedChars, string, string[]]>([
    ['any', "'\\", ["'", '\\']],
    [new Set('abc'), "'$", []],
    [new Set("a'\n"), "'\n", ["'", '\\n']],
    [new Set('\t'), '\t', ['\\t']],
  ])('%#', (allowed, wanted, expected) => {
    expect(allowedAmong(allowed, wanted)).toEqual(expected);
  });
});
