import { escapeSubText, parseSubBody, splitAttributeName, subArguments, subVariables, unterminatedSubOffset } from '../../lib/ros/sub';

describe('parseSubBody: the one Fn::Sub tokenizer', () => {
  test.each([
    ['plain text', 'echo hi', [{ kind: 'text', text: 'echo hi', offset: 0 }]],
    ['a variable', 'a${X}b', [{ kind: 'text', text: 'a', offset: 0 }, { kind: 'variable', name: 'X', raw: '${X}', offset: 1, wellFormed: true }, { kind: 'text', text: 'b', offset: 5 }]],
    ['an escaped literal becomes ${...} text', 'x=${!HOME}', [{ kind: 'text', text: 'x=${HOME}', offset: 0 }]],
    ['a pseudo parameter', '${ALIYUN::Region}', [{ kind: 'variable', name: 'ALIYUN::Region', raw: '${ALIYUN::Region}', offset: 0, wellFormed: true }]],
    ['Resource.Attribute', '${Handle.CurlCli}', [{ kind: 'variable', name: 'Handle.CurlCli', raw: '${Handle.CurlCli}', offset: 0, wellFormed: true }]],
    ['a shell expansion written unescaped is a malformed variable', '${a:-b}', [{ kind: 'variable', name: 'a:-b', raw: '${a:-b}', offset: 0, wellFormed: false }]],
    ['the variable ends at the first }', '${!a:-${!b}}', [{ kind: 'text', text: '${a:-${!b}}', offset: 0 }]],
    ['an unterminated ${ is text', 'a ${x', [{ kind: 'text', text: 'a ${x', offset: 0 }]],
    ['empty body', '', []],
  ])('%s', (_name, body, parts) => {
    expect(parseSubBody(body)).toEqual(parts);
  });

  test('subVariables lists variables in order, with repeats, never escaped ones', () => {
    expect(subVariables('${A} ${!B} ${A} ${C.D}').map((v) => v.name)).toEqual(['A', 'A', 'C.D']);
  });

  test('unterminatedSubOffset finds a ${ that nothing closes', () => {
    expect(unterminatedSubOffset('ok ${A} ${b')).toBe(8);
    expect(unterminatedSubOffset('ok ${A}')).toBe(-1);
  });

  test('escapeSubText round-trips through the tokenizer; a nested ${ is refused', () => {
    const text = 'echo "${HOME}" ${x:-y} $PATH }';
    const body = escapeSubText(text);
    expect(body).toBe('echo "${!HOME}" ${!x:-y} $PATH }');
    expect(parseSubBody(body)).toEqual([{ kind: 'text', text, offset: 0 }]);
    expect(() => escapeSubText('echo "${a:-${b}}"')).toThrow(/'\$\{' inside '\$\{\.\.\.\}' near '\$\{a:-\$\{'/);
  });

  test('splitAttributeName and subArguments', () => {
    expect(splitAttributeName('Group.PublicIps')).toEqual({ resource: 'Group', attribute: 'PublicIps' });
    expect(splitAttributeName('UserName')).toBeUndefined();
    expect(subArguments('x')).toEqual({ body: 'x', map: {} });
    expect(subArguments(['x', { A: 1 }])).toEqual({ body: 'x', map: { A: 1 } });
    expect(subArguments(['x', ['not', 'a', 'map']])).toBeUndefined();
    expect(subArguments([])).toBeUndefined();
  });
});
