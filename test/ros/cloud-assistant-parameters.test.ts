import {
  assertOnlyAllowedParameters, findCloudAssistantParameters, substituteCloudAssistantParameters,
} from '../../lib/ros/cloud-assistant-parameters';

describe('Cloud Assistant parameters', () => {
  test.each([
    ['{{oos-secret:ros-1-password}}', 'oos-secret', 'ros-1-password'],
    ['{{ oos-secret:team/pw }}', 'oos-secret', 'team/pw'],
    ['{{\n oos:image-id\n}}', 'oos', 'image-id'],
    ['{{acs::instanceId}}', 'built-in', 'acs::instanceId'],
    ['{{user_name}}', 'custom', 'user_name'],
    ['{{a b}}', 'malformed', 'a b'],
    ['{{}}', 'malformed', ''],
    ['{{ no close', 'malformed', ''],
  ])('%j is %s', (text, kind, name) => {
    expect(findCloudAssistantParameters(`x ${text} y`)).toEqual([expect.objectContaining({ kind, name, start: 2 })]);
  });

  test('assertOnlyAllowedParameters names the first other {{ and its line', () => {
    const ok = '{{oos-secret:a}}';
    expect(() => assertOnlyAllowedParameters('Cmd', `a\n${ok}\n`, [ok])).not.toThrow();
    expect(() => assertOnlyAllowedParameters('Cmd', `a\n${ok}\nb {{x}}\n`, [ok]))
      .toThrow(/^Cmd: '\{\{x\}\}' at line 3 of the command content would be read by Cloud Assistant as a parameter/);
    expect(() => assertOnlyAllowedParameters('Cmd', 'awk "{{print}}"', [])).toThrow(/'\{\{print\}\}' at line 1/);
  });

  test('substitution is one pass, case-insensitive for custom names', () => {
    expect(substituteCloudAssistantParameters('C', '{{oos-secret:a}}/{{NAME}}', { secretParameters: { a: '{{NAME}}' }, parameters: { name: 'n' } }))
      .toBe('{{NAME}}/n');
    expect(() => substituteCloudAssistantParameters('C', '{{acs::regionId}}', { secretParameters: {} })).toThrow(/\(built-in\) the stand-in cannot resolve/);
  });
});
