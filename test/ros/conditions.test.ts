import { applyConditions, ConditionEvaluator } from '../../lib/ros/conditions';
import { TemplateDocument } from '../../lib/ros/template';

const TEMPLATE: TemplateDocument = {
  ROSTemplateFormatVersion: '2015-09-01',
  Parameters: {
    VpcOption: { Type: 'String', Default: 'NewVPC', AllowedValues: ['NewVPC', 'ExistingVPC'] },
    Public: { Type: 'Boolean', Default: true },
    Count: { Type: 'Number', Default: 1 },
    VpcId: { Type: 'String', Default: '' },
  },
  Conditions: {
    CreateVpc: { 'Fn::Equals': [{ Ref: 'VpcOption' }, 'NewVPC'] },
    IsPublic: { 'Fn::Equals': [true, { Ref: 'Public' }] },
    IsPrivate: { 'Fn::Not': [{ Condition: 'IsPublic' }] },
    PrivateNew: { 'Fn::And': [{ Condition: 'IsPrivate' }, { Condition: 'CreateVpc' }] },
    NewOrPublic: { 'Fn::Or': [{ Condition: 'CreateVpc' }, { Condition: 'IsPublic' }] },
    Single: { 'Fn::Equals': [1, { Ref: 'Count' }] },
  },
  Resources: {
    Vpc: { Type: 'ALIYUN::ECS::VPC', Condition: 'CreateVpc', Properties: { CidrBlock: '192.168.0.0/16' } },
    Group: {
      Type: 'ALIYUN::ECS::SecurityGroup',
      Properties: {
        VpcId: { 'Fn::If': ['CreateVpc', { Ref: 'Vpc' }, { Ref: 'VpcId' }] },
        Description: { 'Fn::If': ['IsPublic', 'public', { Ref: 'ALIYUN::NoValue' }] },
        SecurityGroupIngress: [
          { PortRange: '5000/5000', SourceCidrIp: { 'Fn::If': ['PrivateNew', '192.168.0.0/16', '0.0.0.0/0'] } },
          { 'Fn::If': ['IsPublic', { PortRange: '22/22' }, { Ref: 'ALIYUN::NoValue' }] },
        ],
      },
    },
  },
  Outputs: {
    Public: { Condition: 'IsPublic', Value: 'p' },
    Private: { Value: { 'Fn::If': ['IsPrivate', 'private', 'both'] } },
  },
};

describe('ConditionEvaluator', () => {
  test.each([
    ['defaults', {}, { CreateVpc: true, IsPublic: true, IsPrivate: false, PrivateNew: false, NewOrPublic: true, Single: true }],
    ['existing VPC', { VpcOption: 'ExistingVPC' }, { CreateVpc: false, IsPublic: true, IsPrivate: false, PrivateNew: false, NewOrPublic: true, Single: true }],
    ['private, new VPC', { Public: false }, { CreateVpc: true, IsPublic: false, IsPrivate: true, PrivateNew: true, NewOrPublic: true, Single: true }],
    ['private, existing VPC, 3 instances', { Public: 'false', VpcOption: 'ExistingVPC', Count: 3 },
      { CreateVpc: false, IsPublic: false, IsPrivate: true, PrivateNew: false, NewOrPublic: false, Single: false }],
  ] as const)('%s', (_name, parameters, expected) => {
    const e = new ConditionEvaluator(TEMPLATE, parameters);
    expect(Object.fromEntries(Object.keys(expected).map((c) => [c, e.evaluate(c)]))).toEqual(expected);
  });

  test('apply(): conditioned-out resources and outputs are gone, Fn::If takes its branch, ALIYUN::NoValue removes properties and list items', () => {
    expect(applyConditions(TEMPLATE, { VpcOption: 'ExistingVPC', Public: false })).toEqual({
      ...TEMPLATE,
      Resources: {
        Group: {
          Type: 'ALIYUN::ECS::SecurityGroup',
          Properties: { VpcId: { Ref: 'VpcId' }, SecurityGroupIngress: [{ PortRange: '5000/5000', SourceCidrIp: '0.0.0.0/0' }] },
        },
      },
      Outputs: { Private: { Value: 'private' } },
    });
    const created = applyConditions(TEMPLATE);
    expect(created.Resources!.Vpc).toEqual({ Type: 'ALIYUN::ECS::VPC', Properties: { CidrBlock: '192.168.0.0/16' } });
    expect(created.Resources!.Group.Properties).toEqual({
      VpcId: { Ref: 'Vpc' }, Description: 'public',
      SecurityGroupIngress: [{ PortRange: '5000/5000', SourceCidrIp: '0.0.0.0/0' }, { PortRange: '22/22' }],
    });
    expect(created.Outputs).toEqual({ Public: { Value: 'p' }, Private: { Value: 'both' } });
  });

  test('the template given is not changed', () => {
    const before = JSON.stringify(TEMPLATE);
    applyConditions(TEMPLATE, { VpcOption: 'ExistingVPC' });
    expect(JSON.stringify(TEMPLATE)).toBe(before);
  });

  test.each([
    ['an undeclared parameter', () => new ConditionEvaluator(TEMPLATE, { Nope: 1 }), /parameter 'Nope' is not declared in the template; declared: VpcOption, Public, Count, VpcId/],
    ['an undeclared condition', () => new ConditionEvaluator(TEMPLATE).evaluate('Nope'), /condition 'Nope' is not declared; declared: CreateVpc/],
    ['a cycle', () => new ConditionEvaluator({ Conditions: { A: { Condition: 'B' }, B: { 'Fn::Not': [{ Condition: 'A' }] } } }).evaluate('A'), /condition 'A' refers to itself through A -> B -> A/],
    ['a Ref to a resource in Fn::Equals', () => new ConditionEvaluator({ Conditions: { A: { 'Fn::Equals': [{ Ref: 'Vpc' }, 'x'] } } }).evaluate('A'), /Conditions\.A\[0\]: Ref 'Vpc' is not a parameter with a value/],
    ['a malformed Fn::If', () => applyConditions({ Resources: { R: { Type: 'T', Properties: { P: { 'Fn::If': ['CreateVpc', 1] } } } } }), /Resources\.R\.Properties\.P: Fn::If takes \[ConditionName, ValueIfTrue, ValueIfFalse\]/],
  ] as const)('%s is an error naming the place', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
