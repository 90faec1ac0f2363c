import { noEchoExposure } from '../../../lib/rules/checks/no-echo-exposure';

const template = (noEcho: boolean): any => ({
  Parameters: { Key: { Type: 'String', NoEcho: true } },
  Resources: {},
  Outputs: { ApiKey: { Value: { Ref: 'Key' }, ...(noEcho ? { NoEcho: true } : {}) } },
});

describe('no-echo-exposure and NoEcho outputs', () => {
  test('an Output showing a NoEcho parameter is a finding', () => {
    expect(noEchoExposure.check(template(false)).map((f) => f.target)).toEqual(['ApiKey']);
  });
  test('a NoEcho Output (masked like the parameter) is not', () => {
    expect(noEchoExposure.check(template(true))).toEqual([]);
  });
});
