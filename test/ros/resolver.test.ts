import {
  DEFAULT_PSEUDO_PARAMETERS,
  IntrinsicResolver,
  checkParameterValue,
  renderRunCommandScript,
  rosBase64Encode,
} from '../../lib/ros/resolver';
import { readTemplateFile, TemplateDocument } from '../../lib/ros/template';
import { REFERENCE_TEMPLATE } from '../support/reference';

const REFERENCE = REFERENCE_TEMPLATE;
const CURL = "curl -sS -X POST -H 'Content-Type: application/json' http://127.0.0.1:8099/signal";

describe('rosBase64Encode (ROS Fn::Base64Encode, MIME style)', () => {
  test('doc example gets a trailing newline', () => {
    expect(rosBase64Encode('ALIYUN ROS')).toBe('QUxJWVVOIFJPUw==\n');
  });
  test('breaks lines every 76 characters with a trailing newline', () => {
    const text = 'x'.repeat(200) + '\u00e9\n$(id)';
    const out = rosBase64Encode(text);
    expect(out.split('\n').slice(0, -2).every((l) => l.length === 76)).toBe(true);
    expect(out.endsWith('\n')).toBe(true);
    expect(Buffer.from(out.replace(/\n/g, ''), 'base64').toString('utf8')).toBe(text);
    expect(rosBase64Encode('')).toBe('');
  });
});

describe('IntrinsicResolver on hand-made templates', () => {
  const template: TemplateDocument = {
    Parameters: {
      UserName: { Type: 'String', Default: 'admin' },
      Password: { Type: 'String', NoEcho: true, MinLength: 8, MaxLength: 30, AllowedPattern: '[a-zA-Z0-9]*' },
      Count: { Type: 'Number', Default: 2 },
    },
    Resources: {
      Handle: { Type: 'ALIYUN::ROS::WaitConditionHandle' },
      Group: { Type: 'ALIYUN::ECS::InstanceGroup', Properties: {} },
      Cmd: {
        Type: 'ALIYUN::ECS::RunCommand',
        Properties: {
          CommandContent: {
            'Fn::Sub': [
              'u=${U} s=${ALIYUN::StackName} r=${ALIYUN::Region} lit=${!HOME} n=${Count} g=${Group} c=${Handle.CurlCli}',
              { U: { 'Fn::Base64Encode': { Ref: 'UserName' } } },
            ],
          },
        },
      },
    },
  };
  const resolver = new IntrinsicResolver({
    template,
    parameters: { Password: 'Secret123' },
    attributes: { 'Handle.CurlCli': CURL, 'Group.PublicIps': ['1.2.3.4', '5.6.7.8'] },
    resourceIds: { Group: 'ig-123' },
    pseudoParameters: { 'ALIYUN::StackName': 'my-stack' },
  });

  test('Fn::Sub with a map, pseudo parameters, ${!X} literal, Ref resource, attribute', () => {
    expect(renderRunCommandScript({
      template,
      logicalId: 'Cmd',
      parameters: { Password: 'Secret123' },
      attributes: { 'Handle.CurlCli': CURL },
      resourceIds: { Group: 'ig-123' },
    })).toBe(`u=YWRtaW4=\n s=rehearsal-stack r=cn-hangzhou lit=\${HOME} n=2 g=ig-123 c=${CURL}`);
  });
  test('Fn::Sub without a map, Ref, Join, Select, GetAtt', () => {
    expect(resolver.resolve({ 'Fn::Sub': '${UserName}:${Password}@${ALIYUN::StackName}' })).toBe('admin:Secret123@my-stack');
    expect(resolver.resolve({ 'Fn::Join': ['-', [{ Ref: 'ALIYUN::StackName' }, '[1,4]']] })).toBe('my-stack-[1,4]');
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::GetAtt': ['Group', 'PublicIps'] }] })).toBe('5.6.7.8');
    expect(resolver.resolve({ 'Fn::Sub': ['http://${A}:5000', { A: { 'Fn::Select': [0, { 'Fn::GetAtt': ['Group', 'PublicIps'] }] } }] }))
      .toBe('http://1.2.3.4:5000');
    expect(resolver.resolve({ a: [{ Ref: 'Count' }, 'x'] })).toEqual({ a: ['2', 'x'] });
  });
  test('unknown functions and references are errors, not empty strings', () => {
    expect(() => resolver.resolve({ 'Fn::GetAZs': 'cn-hangzhou' })).toThrow(/unsupported function 'Fn::GetAZs'/);
    expect(() => resolver.resolve({ 'Fn::If': ['C', 'a', 'b'] })).toThrow(/no condition 'C' in the template/);
    expect(() => resolver.resolve({ Ref: 'Nope' })).toThrow(/unknown reference 'Nope'/);
    expect(() => resolver.resolve({ 'Fn::Sub': 'a ${Nope} b' })).toThrow(/unknown reference 'Nope'/);
    expect(() => resolver.resolve({ 'Fn::Sub': 'a ${constructor} b' })).toThrow(/unknown reference 'constructor'/);
    expect(() => resolver.resolve({ 'Fn::Sub': 'a ${x:-y} b' })).toThrow(/is not a variable name; write '\$\{!x:-y\}'/);
    expect(() => resolver.resolve({ 'Fn::Sub': 'a ${x' })).toThrow(/unterminated/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Handle', 'Id'] })).toThrow(/no stand-in value for attribute 'Handle.Id'/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Ghost', 'Id'] })).toThrow(/unknown resource 'Ghost'/);
    expect(() => resolver.resolve({ Ref: 'Handle' })).toThrow(/needs a stand-in in resourceIds/);
    expect(() => resolver.resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/out of range/);
    expect(() => new IntrinsicResolver({ template }).resolve({ Ref: 'Password' })).toThrow(/'Password' has no Default/);
    expect(() => new IntrinsicResolver({ template, parameters: { Ghost: 'x' } })).toThrow(/parameters.Ghost is not declared/);
    expect(() => new IntrinsicResolver({ template, parameters: { Password: 'short' } })).toThrow(/below MinLength 8/);
    expect(() => new IntrinsicResolver({ template, parameters: { Password: 'has space 123' } })).toThrow(/does not match AllowedPattern/);
  });
  test('pseudo parameters have the stand-ins of lib/ros/pseudo-parameters.ts; NoValue and Index have none', () => {
    expect(DEFAULT_PSEUDO_PARAMETERS['ALIYUN::Region']).toBe('cn-hangzhou');
    expect(DEFAULT_PSEUDO_PARAMETERS['ALIYUN::ResourceGroupId']).toMatch(/^rg-/);
    expect(Object.keys(DEFAULT_PSEUDO_PARAMETERS)).not.toContain('ALIYUN::NoValue');
    expect(() => resolver.resolve({ Ref: 'ALIYUN::Index' })).toThrow(/unknown reference 'ALIYUN::Index'/);
  });
  test('checkParameterValue anchors the pattern and checks AllowedValues', () => {
    expect(checkParameterValue('P', { AllowedPattern: '[a-z]+' }, 'abc')).toBeUndefined();
    expect(checkParameterValue('P', { AllowedPattern: '[a-z]+' }, 'abc;id')).toMatch(/does not match/);
    expect(checkParameterValue('P', { AllowedValues: ['a', 1] }, '1')).toBeUndefined();
    expect(checkParameterValue('P', { AllowedValues: ['a'] }, 'b')).toMatch(/AllowedValues/);
  });
});

describe('IntrinsicResolver on the reference template', () => {
  const template = readTemplateFile(REFERENCE);
  test('renders the exact RunCommand script', () => {
    const script = renderRunCommandScript({
      template,
      parameters: { Password: 'Abc123!@#', UserName: 'alice' },
      attributes: { 'WaitConditionHandle.CurlCli': CURL },
    });
    expect(script.startsWith('#!/bin/bash\nsource /root/.bashrc\n')).toBe(true);
    expect(script).toContain("htpasswd -bc /etc/nginx/password alice 'Abc123!@#'\n");
    expect(script).toContain(`${CURL} -d "{\\"Data\\" : \\"Success\\", \\"status\\" : \\"SUCCESS\\"}"`);
    expect(script).not.toContain('${');
    // the reference puts the password in argv: exactly what our stack must not do
    expect(script).toMatch(/htpasswd -bc .* 'Abc123!@#'/);
  });
  test('outputs resolve with stand-in attributes', () => {
    const r = new IntrinsicResolver({ template, parameters: { Password: 'Abc123!@#' }, attributes: { 'EcsInstanceGroup.PublicIps': ['8.8.4.4'] } });
    expect(r.resolve(template.Outputs!.Endpoint.Value)).toBe('http://8.8.4.4:5000');
  });
});

describe('Fn::Jq (issue 15: the fingerprint output over the WaitCondition\'s Data)', () => {
  const template: TemplateDocument = { Resources: { W: { Type: 'ALIYUN::ROS::WaitCondition' } } };
  const r = new IntrinsicResolver({ template, attributes: { 'W.Data': '{"1": "AB:CD", "2": "EF:01"}' } });
  test.each([
    [['First', '.[]', { 'Fn::GetAtt': ['W', 'Data'] }], 'AB:CD'],
    [['All', '.[]', { 'Fn::GetAtt': ['W', 'Data'] }], ['AB:CD', 'EF:01']],
    [['First', '.test', '{"test":"test"}'], 'test'],
    [['First', '.a | .[1]', { a: [1, 2] }], 2],
    [['First', '.', '"x"'], 'x'],
  ])('%j -> %j', (arg, expected) => {
    expect(r.resolve({ 'Fn::Jq': arg })).toEqual(expected);
  });
  test('filters the resolver does not know, and bad methods, are errors', () => {
    expect(() => r.resolve({ 'Fn::Jq': ['First', '.[] | fromjson', '{}'] })).toThrow(/the jq filter 'fromjson' is not one the resolver knows/);
    expect(() => r.resolve({ 'Fn::Jq': ['Any', '.', '{}'] })).toThrow(/method 'Any' is not First or All/);
    expect(() => r.resolve({ 'Fn::Jq': ['First', '.', 'not json'] })).toThrow(/is not JSON/);
  });
});
