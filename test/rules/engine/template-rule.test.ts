import { defineRule } from '../../../lib/rules/engine/template-rule';

describe('defineRule', () => {
  const rule = defineRule({
    id: 'no-outputs',
    summary: 'The template declares outputs',
    check: (t) => Object.keys(t.Outputs ?? {}).map((name) => ({ target: name, targetKind: 'output' as const, message: `${name} exists.`, fix: 'remove it.' })),
  });

  test('stamps the rule id on every finding', () => {
    expect(rule.check({ Outputs: { A: {}, B: {} } })).toEqual([
      { ruleId: 'no-outputs', target: 'A', targetKind: 'output', message: 'A exists.', fix: 'remove it.' },
      { ruleId: 'no-outputs', target: 'B', targetKind: 'output', message: 'B exists.', fix: 'remove it.' },
    ]);
    expect(rule.check({})).toEqual([]);
    expect(Object.isFrozen(rule)).toBe(true);
  });

  test.each(['NoOutputs', 'no_outputs', '-x', 'x-', ''])('refuses the id %j', (id) => {
    expect(() => defineRule({ id, summary: 's', check: () => [] })).toThrow(/defineRule: id '.*' is not allowed: give a kebab-case id/);
  });

  test('refuses an empty summary', () => {
    expect(() => defineRule({ id: 'x', summary: ' ', check: () => [] })).toThrow(/rule 'x' has an empty summary/);
  });
});
