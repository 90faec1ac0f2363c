import { IntrinsicResolver } from '../../lib/ros/resolver';

const template: any = {
  Parameters: { Type: { Type: 'String', AllowedValues: ['a', 'b'] }, Key: { Type: 'String', Default: '' } },
  Mappings: { Flags: { a: { Tp: '1' }, b: { Tp: '2' } } },
  Conditions: { KeyGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Key' }, ''] }] } },
  Resources: {},
};

describe('IntrinsicResolver: Fn::FindInMap and Fn::If on conditions', () => {
  test.each([
    [{ Type: 'a' }, '1', 'generated'],
    [{ Type: 'b', Key: 'mine' }, '2', 'mine'],
  ])('%j', (parameters, tp, key) => {
    const r = new IntrinsicResolver({ template, parameters, attributes: { 'Gen.Value': 'generated' } });
    expect(r.resolve({ 'Fn::FindInMap': ['Flags', { Ref: 'Type' }, 'Tp'] })).toBe(tp);
    expect(r.resolve({ 'Fn::If': ['KeyGiven', { Ref: 'Key' }, 'generated'] })).toBe(key);
  });

  test('a missing map key or condition is an error naming it', () => {
    const r = new IntrinsicResolver({ template, parameters: { Type: 'a' } });
    expect(() => r.resolve({ 'Fn::FindInMap': ['Flags', 'c', 'Tp'] })).toThrow(/mapping 'Flags' has no key 'c'; it has: a, b/);
    expect(() => r.resolve({ 'Fn::If': ['Nope', 1, 2] })).toThrow(/no condition 'Nope'/);
  });
});
