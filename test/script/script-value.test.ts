import * as ros from '@alicloud/ros-cdk-core';
import { ScriptValue } from '../../lib/script/script-value';
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
    ['UserName', 'User'], ['X', '1x'], ['X', 'a-b'], ['X', 'qwen_stage'], ['X', 'a b'],
  ])('shellName %p / %p is refused, naming the value', (name, shellName) => {
    expect(() => ScriptValue.fromToken(name, 'x', { shellName })).toThrow(new RegExp(`ScriptValue: shellName '${shellName}' is not allowed`));
  });

  test('a default shell name in the reserved qwen_ namespace is refused', () => {
    expect(() => ScriptValue.fromToken('QwenStage', 'x')).toThrow(/ScriptValue: shellName 'qwen_stage' is not allowed.*'qwen_'/);
  });
});
