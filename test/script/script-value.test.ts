import * as ros from '@alicloud/ros-cdk-core';
import { ScriptValue, ScriptValueEncoding } from '../../lib/script/script-value';
import { newApp } from './script-test-support';

describe('ScriptValue', () => {
  test('fromToken: snake_case shell name, <name>Base64 variable, quoted expansion, not secret by default', () => {
    const v = ScriptValue.fromToken('UserName', 'admin');
    expect(v.name).toBe('UserName');
    expect(v.token).toBe('admin');
    expect(v.shellName).toBe('user_name');
    expect(v.subVariable).toBe('UserNameBase64');
    expect(v.quoted).toBe('"${user_name}"');
    expect(v.secret).toBe(false);
    expect(v.encoding).toBe(ScriptValueEncoding.BASE64);
    expect(v.maxBytes).toBe(1024);
    expect(ScriptValue.fromToken('CurlCli', 'x').shellName).toBe('curl_cli');
    expect(ScriptValue.fromToken('HTTPPort', 'x').shellName).toBe('http_port');
  });

  test('options override the shell name and the secret flag', () => {
    const v = ScriptValue.fromToken('Token', 'x', { shellName: 'api_token', secret: true });
    expect(v.shellName).toBe('api_token');
    expect(v.secret).toBe(true);
  });

  test('fromParameter: the logical id names it, the token is the parameter, NoEcho makes it secret', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const user = new ros.RosParameter(stack, 'UserName', { type: ros.RosParameterType.STRING });
    const pass = new ros.RosParameter(stack, 'Password', { type: ros.RosParameterType.STRING, noEcho: true });
    const u = ScriptValue.fromParameter(user);
    const p = ScriptValue.fromParameter(pass);
    expect(u.name).toBe('UserName');
    expect(u.secret).toBe(false);
    expect(stack.resolve(u.token)).toEqual({ Ref: 'UserName' });
    expect(p.secret).toBe(true);
    expect(stack.resolve(p.token)).toEqual({ Ref: 'Password' });
    // An explicit option wins over NoEcho.
    expect(ScriptValue.fromParameter(user, { secret: true }).secret).toBe(true);
  });

  test.each([
    ['1abc'], ['user-name'], ['user_name'], [''], ['a b'], ['a$b'],
  ])('name %p is refused, naming the value', (name) => {
    expect(() => ScriptValue.fromToken(name, 'x')).toThrow(new RegExp(`ScriptValue: name '${name.replace(/\$/g, '\\$')}' is not allowed`));
  });

  test.each([
    ['UserName', 'User'], ['X', '1x'], ['X', 'a-b'], ['X', 'ds_stage'], ['X', 'a b'],
  ])('shellName %p / %p is refused, naming the value', (name, shellName) => {
    expect(() => ScriptValue.fromToken(name, 'x', { shellName })).toThrow(new RegExp(`ScriptValue: shellName '${shellName}' is not allowed`));
  });

  test('a default shell name in the runtime\'s reserved ds_ namespace is refused', () => {
    expect(() => ScriptValue.fromToken('DsStage', 'x')).toThrow(/ScriptValue: shellName 'ds_stage' is not allowed.*'ds_', which the script's runtime reserves/);
    expect(ScriptValue.fromToken('QwenStage', 'x').shellName).toBe('qwen_stage');
  });

  test('ROS_GENERATED_LINE: the Fn::Sub variable is the name; the substituted size is maxBytes', () => {
    const v = ScriptValue.fromToken('CurlCli', 'x', { encoding: ScriptValueEncoding.ROS_GENERATED_LINE, maxBytes: 700 });
    expect(v.subVariable).toBe('CurlCli');
    expect(v.maxSubstitutedBytes).toBe(700);
  });

  test.each([[1, 5], [3, 5], [30, 41], [57, 77], [58, 82], [1024, 1386]])('BASE64 of %p bytes substitutes at most %p bytes (MIME lines of 76)', (maxBytes, expected) => {
    expect(ScriptValue.fromToken('X', 'x', { maxBytes }).maxSubstitutedBytes).toBe(expected);
  });

  test('maxBytes, encoding and secret ROS_GENERATED_LINE values are checked', () => {
    expect(() => ScriptValue.fromToken('X', 'x', { maxBytes: 0 })).toThrow(/ScriptValue: maxBytes 0 of 'X' is not allowed/);
    expect(() => ScriptValue.fromToken('X', 'x', { encoding: 'hex' as ScriptValueEncoding })).toThrow(/ScriptValue: encoding 'hex' of 'X' is not allowed/);
    expect(() => ScriptValue.fromToken('X', 'x', { encoding: ScriptValueEncoding.ROS_GENERATED_LINE, secret: true })).toThrow(/ScriptValue: 'X' is secret and cannot use ScriptValueEncoding.ROS_GENERATED_LINE/);
  });

  test('a parameter cannot use ROS_GENERATED_LINE (its value could end the here-document)', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const p = new ros.RosParameter(stack, 'Name', { type: ros.RosParameterType.STRING });
    expect(() => ScriptValue.fromParameter(p, { encoding: ScriptValueEncoding.ROS_GENERATED_LINE })).toThrow(/ScriptValue: parameter 'Name' cannot use ScriptValueEncoding.ROS_GENERATED_LINE/);
    expect(ScriptValue.fromParameter(p, { maxBytes: 32 }).maxBytes).toBe(32);
  });
});
