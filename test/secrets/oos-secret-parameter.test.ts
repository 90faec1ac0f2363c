import * as ros from '@alicloud/ros-cdk-core';
import { renderRunCommandScript, IntrinsicResolver } from '../../lib/ros/resolver';
import { OosSecretParameter } from '../../lib/secrets/oos-secret-parameter';
import { checkTemplateAgainstSpec } from '../support/ros-spec';
import { newApp, synthTemplate } from '../script/script-test-support';

function stackWithSecret(props: Partial<ConstructorParameters<typeof OosSecretParameter>[2]> = {}) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const password = new ros.RosParameter(stack, 'Password', { type: ros.RosParameterType.STRING, noEcho: true });
  const secret = new OosSecretParameter(stack, 'PasswordSecret', { value: password.valueAsString, nameSuffix: 'password', ...props });
  return { app, stack, password, secret };
}

describe('OosSecretParameter', () => {
  test('renders ALIYUN::OOS::SecretParameter named <prefix>-<stack id>-<suffix>, its value a Ref to the NoEcho parameter', () => {
    const { app, stack, secret } = stackWithSecret({ description: 'chat login', constraints: { minLength: 8, maxLength: 30 } });
    new ros.RosOutput(stack, 'Reference', { value: secret.commandReference });
    new ros.RosOutput(stack, 'Arn', { value: secret.arn });
    const t = synthTemplate(app, stack);
    expect(t.Resources.SecretParameter).toEqual({
      Type: 'ALIYUN::OOS::SecretParameter',
      Properties: {
        SecretParameterName: { 'Fn::Sub': 'ros-${ALIYUN::StackId}-password' },
        Value: { Ref: 'Password' },
        Description: 'chat login',
        Constraints: { MinLength: 8, MaxLength: 30 },
      },
    });
    // The reference reads the attribute, so whatever uses it waits for the parameter to exist.
    expect(t.Outputs.Reference.Value).toEqual({ 'Fn::Join': ['', ['{{oos-secret:', { 'Fn::GetAtt': ['SecretParameter', 'SecretParameterName'] }, '}}']] });
    expect(t.Outputs.Arn.Value).toEqual({ 'Fn::Sub': 'acs:oos:${ALIYUN::Region}:${ALIYUN::AccountId}:secretparameter/ros-${ALIYUN::StackId}-password' });
    expect(checkTemplateAgainstSpec(t)).toEqual([]);
    // As ROS would give them, with the stand-in stack id, region and account.
    const r = new IntrinsicResolver({ template: t, parameters: { Password: 'Xy9-secret' } });
    expect(r.resolve(t.Outputs.Reference.Value)).toBe('{{oos-secret:ros-00000000-0000-0000-0000-000000000000-password}}');
    expect(r.resolve(t.Outputs.Arn.Value)).toBe('acs:oos:cn-hangzhou:1234567890123456:secretparameter/ros-00000000-0000-0000-0000-000000000000-password');
    expect(r.secretParameterStore()).toEqual({ 'ros-00000000-0000-0000-0000-000000000000-password': 'Xy9-secret' });
  });

  test('the name is unique per stack: two stacks (two stack ids) get two names', () => {
    const { app, stack } = stackWithSecret();
    const t = synthTemplate(app, stack);
    const name = (stackId: string) => new IntrinsicResolver({ template: t, pseudoParameters: { 'ALIYUN::StackId': stackId } })
      .resolve(t.Resources.SecretParameter.Properties.SecretParameterName);
    expect(name('11111111-1111-1111-1111-111111111111')).not.toBe(name('22222222-2222-2222-2222-222222222222'));
  });

  test.each([
    [{ nameSuffix: 'pass word' }, /nameSuffix 'pass word' is not allowed/],
    [{ namePrefix: 'oos' }, /namePrefix 'oos' is not allowed: OOS reserves names starting with ALIYUN, ACS/],
    [{ namePrefix: 'AliyunThing' }, /OOS reserves names/],
    [{ namePrefix: '1abc' }, /namePrefix '1abc' is not allowed/],
    [{ nameSuffix: 'x'.repeat(30) }, /would be \d+ characters; a Cloud Assistant parameter name has at most 64/],
    [{ description: 'd'.repeat(201) }, /description is 201 characters/],
    [{ constraints: { maxLength: 5000 } }, /constraints.maxLength 5000 is not allowed/],
    [{ constraints: { minLength: 9, maxLength: 8 } }, /constraints.minLength 9 is not allowed/],
  ])('refuses %j', (props, message) => {
    expect(() => stackWithSecret(props)).toThrow(message);
  });

  test('a literal value is refused: a secret in the template is no secret', () => {
    const stack = new ros.Stack(newApp(), 'S');
    expect(() => new OosSecretParameter(stack, 'X', { value: 'hunter2', nameSuffix: 'pw' }))
      .toThrow(/value is a literal string: a secret written into the template is no secret/);
  });

  test('a second one in the stack needs a logicalIdPrefix', () => {
    const { stack, password } = stackWithSecret();
    expect(() => new OosSecretParameter(stack, 'Another', { value: password.valueAsString, nameSuffix: 'key' }))
      .toThrow(/logical id 'SecretParameter' is already used by 'S\/PasswordSecret\/SecretParameter'.*logicalIdPrefix/);
    const key = new OosSecretParameter(stack, 'ApiKey', { value: password.valueAsString, nameSuffix: 'key', logicalIdPrefix: 'ApiKey' });
    expect(key.resource.logicalId).toBe('ApiKeySecretParameter');
  });

  test('fromSecretParameterName: an existing parameter by name', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const s = OosSecretParameter.fromSecretParameterName(stack, 'Existing', 'team/chat-password');
    expect(s.commandReference).toBe('{{oos-secret:team/chat-password}}');
    new ros.RosOutput(stack, 'Arn', { value: s.arn });
    const t = synthTemplate(app, stack);
    expect(new IntrinsicResolver({ template: t }).resolve(t.Outputs.Arn.Value)).toBe('acs:oos:cn-hangzhou:1234567890123456:secretparameter/team/chat-password');
    expect(() => OosSecretParameter.fromSecretParameterName(stack, 'Bad', 'a b')).toThrow(/name 'a b' is not allowed/);
  });
});

describe('renderRunCommandScript with EnableParameter (stand-in OOS store)', () => {
  function template(body: string, extra: Record<string, unknown> = {}) {
    const { app, stack, secret } = stackWithSecret();
    new ros.RosResource(stack, 'Run', {
      type: 'ALIYUN::ECS::RunCommand',
      properties: { Type: 'RunShellScript', InstanceIds: ['i-1'], EnableParameter: true, CommandContent: ros.Fn.join('', [body.replace('SECRET', ''), secret.commandReference]), ...extra },
    });
    return synthTemplate(app, stack);
  }

  test('{{oos-secret:NAME}} is replaced by the value the template stores, as Cloud Assistant would', () => {
    const t = template("read -r pw <<'EOF'\n");
    expect(renderRunCommandScript({ template: t, parameters: { Password: 'Xy9-secret' } })).toBe("read -r pw <<'EOF'\nXy9-secret");
  });

  test('a given stand-in store wins; a name it lacks is an error naming the stand-in', () => {
    const t = template('x=');
    const name = 'ros-00000000-0000-0000-0000-000000000000-password';
    expect(renderRunCommandScript({ template: t, parameters: { Password: 'Xy9-secret' }, secretParameters: { [name]: 'other' } })).toBe('x=other');
    const t2 = template('y={{oos-secret:elsewhere}} x=');
    expect(() => renderRunCommandScript({ template: t2, parameters: { Password: 'Xy9-secret' } }))
      .toThrow(/\{\{oos-secret:elsewhere\}\} names no secret parameter of the stand-in OOS store; it has: ros-0000/);
  });

  test('any other {{...}} is refused; custom parameters come from Parameters', () => {
    expect(() => renderRunCommandScript({ template: template('echo {{ oos:common }} '), parameters: { Password: 'Xy9-secret' } }))
      .toThrow(/\{\{ oos:common \}\} is a Cloud Assistant parameter \(oos\) the stand-in cannot resolve/);
    expect(() => renderRunCommandScript({ template: template('echo {{a b}} '), parameters: { Password: 'Xy9-secret' } }))
      .toThrow(/\(malformed\)/);
    expect(renderRunCommandScript({ template: template('echo {{ Who }} ', { Parameters: { who: 'world' } }), parameters: { Password: 'Xy9-secret' } }))
      .toBe('echo world Xy9-secret');
  });

  test('values are not read again: a secret holding {{ stays as it is', () => {
    expect(renderRunCommandScript({ template: template('x='), parameters: { Password: '{{oos:evil}}' }, checkConstraints: false })).toBe('x={{oos:evil}}');
  });

  test('without EnableParameter the content is left as written', () => {
    const t = template('x=', { EnableParameter: false });
    expect(renderRunCommandScript({ template: t, parameters: { Password: 'Xy9-secret' } })).toBe('x={{oos-secret:ros-00000000-0000-0000-0000-000000000000-password}}');
  });
});
