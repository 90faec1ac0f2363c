import { isPseudoParameter, PSEUDO_PARAMETERS, pseudoParameterStandIns } from '../../lib/ros/pseudo-parameters';

describe('pseudo parameters', () => {
  test.each(PSEUDO_PARAMETERS.map((p) => p.name))('%s is a pseudo parameter', (name) => {
    expect(isPseudoParameter(name)).toBe(true);
  });
  test.each(['ALIYUN::Regoin', 'ALIYUN::', 'Region', 'aliyun::Region'])('%s is not', (name) => {
    expect(isPseudoParameter(name)).toBe(false);
  });
  test('stand-ins exist for the string-valued ones only', () => {
    expect(Object.keys(pseudoParameterStandIns()).sort()).toEqual([
      'ALIYUN::AccountId', 'ALIYUN::Region', 'ALIYUN::ResourceGroupId', 'ALIYUN::StackId', 'ALIYUN::StackName', 'ALIYUN::TenantId',
    ]);
  });
});
