import { PASSWORD_ALLOWED_PATTERN } from '../../lib/secrets/password-pattern';
import { requireTool, run } from '../script/script-test-support';
import { PASSWORD_TABLE } from './password-table';

// ROS's AllowedPattern engine is not documented; ROS descends from OpenStack Heat (Python). The pattern
// must give the same verdicts in Python's `re` as in JavaScript, whether the engine matches the whole
// value (fullmatch) or from the start (match, as Heat's AllowedPattern does).
describe('the password AllowedPattern in Python re', () => {
  requireTool('python3', 'python3');
  const program = [
    'import json, re, sys',
    'pattern, values = json.load(sys.stdin)',
    'p = re.compile(pattern)',
    'print(json.dumps([[bool(p.fullmatch(v)), bool(p.match(v)) and p.match(v).end() == len(v)] for v in values]))',
  ].join('\n');
  const r = run('python3', ['-c', program], JSON.stringify([PASSWORD_ALLOWED_PATTERN, PASSWORD_TABLE.map(([v]) => v)]));
  const verdicts: [boolean, boolean][] = JSON.parse(r.stdout || 'null') ?? [];

  test('python3 ran', () => {
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
  test.each(PASSWORD_TABLE.map((row, i) => [...row, i] as const))('%j accepted=%s (%s)', (_value, accepted, _why, i) => {
    expect(verdicts[i]).toEqual([accepted, accepted]);
  });
});
