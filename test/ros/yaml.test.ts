import * as YAML from 'yaml';
import { isAmbiguousPlainScalar, templateToYaml } from '../../lib/ros/yaml';
import { synthesizedTemplates } from '../support/synthesized-templates';

/** Strings a YAML 1.1 reader loads as another type when they are written unquoted. */
const AMBIGUOUS = [
  '2015-09-01', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2002-1-2',
  'yes', 'Yes', 'YES', 'yEs', 'no', 'NO', 'on', 'On', 'OFF', 'off', 'y', 'Y', 'n', 'N', 'true', 'False', 'TRUE',
  '~', 'null', 'Null', 'NULL', '',
  '0777', '0o7', '-0o17', '0b1010', '0x1F', '0X1f', '+12', '-0', '1_000', '12',
  '1:20', '190:20:30', '1:20.5',
  '1.5', '.5', '1.', '-.5', '1e3', '1E+3', '6.8523015e+5', '685.230_15e+03', '.inf', '-.Inf', '+.INF', '.nan', '.NaN',
  '<<', '=',
];
/** Strings every reader keeps as strings unquoted (ROS values that must not change shape needlessly). */
const PLAIN = ['5000/5000', '192.168.0.0/16', 'ALIYUN::ECS::RunCommand', 'ecs.gn6i-c4g1.xlarge', 'cn-hangzhou', 'v1.2', '1.2.3', 'yesterday', 'nope', '0x', '2015-09', 'e3', 'infinity'];

describe('templateToYaml', () => {
  test.each(AMBIGUOUS)('%j is quoted and reads back as that string (YAML 1.1 and 1.2)', (s) => {
    expect(isAmbiguousPlainScalar(s)).toBe(true);
    const text = templateToYaml({ k: s, [s]: 'key' });
    expect(text).toContain(`k: '${s}'`);
    for (const version of ['1.1', '1.2'] as const) expect(YAML.parse(text, { version })).toEqual({ k: s, [s]: 'key' });
  });

  test.each(PLAIN)('%j stays plain', (s) => {
    expect(isAmbiguousPlainScalar(s)).toBe(false);
    expect(templateToYaml({ k: s })).toBe(`k: ${s}\n`);
  });

  test('ROSTemplateFormatVersion is written quoted, as every ROS document and public template writes it', () => {
    expect(templateToYaml({ ROSTemplateFormatVersion: '2015-09-01' })).toBe("ROSTemplateFormatVersion: '2015-09-01'\n");
  });

  test('numbers, booleans and null stay typed; long lines stay whole; no aliases', () => {
    const shared = { a: 1 };
    const text = templateToYaml({ n: 1, b: true, z: null, x: shared, y: shared, s: 'x'.repeat(300) });
    expect(YAML.parse(text, { version: '1.1' })).toEqual({ n: 1, b: true, z: null, x: { a: 1 }, y: { a: 1 }, s: 'x'.repeat(300) });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text).toContain('x'.repeat(300));
  });

  describe('every synthesized template and the reference fixture read back equal to the JSON template', () => {
    const templates = synthesizedTemplates();
    test.each(Object.keys(templates))('%s with a YAML 1.1 reader (yaml, version 1.1) and a YAML 1.2 reader', (name) => {
      const text = templateToYaml(templates[name]);
      expect(YAML.parse(text, { version: '1.1' })).toEqual(templates[name]);
      expect(YAML.parse(text, { version: '1.2' })).toEqual(templates[name]);
    });
  });
});
