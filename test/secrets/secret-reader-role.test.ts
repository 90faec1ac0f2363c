import * as ros from '@alicloud/ros-cdk-core';
import { IntrinsicResolver } from '../../lib/ros/resolver';
import { OosSecretParameter } from '../../lib/secrets/oos-secret-parameter';
import { SECRET_READ_ACTIONS, SecretReaderRole } from '../../lib/secrets/secret-reader-role';
import { checkTemplateAgainstSpec } from '../support/ros-spec';
import { newApp, synthTemplate } from '../script/script-test-support';

function setup() {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const param = (name: string) => new ros.RosParameter(stack, name, { type: ros.RosParameterType.STRING, noEcho: true }).valueAsString;
  const password = new OosSecretParameter(stack, 'PasswordSecret', { value: param('Password'), nameSuffix: 'password', logicalIdPrefix: 'Password' });
  const apiKey = new OosSecretParameter(stack, 'ApiKeySecret', { value: param('ApiKey'), nameSuffix: 'api-key', logicalIdPrefix: 'ApiKey' });
  const group = new ros.RosResource(stack, 'EcsInstanceGroup', { type: 'ALIYUN::ECS::InstanceGroup', properties: { ImageId: 'm', InstanceType: 't', MaxAmount: 1 } });
  return { app, stack, password, apiKey, group };
}

describe('SecretReaderRole', () => {
  test('a role ECS instances assume, with a policy that reads only the given secret parameters', () => {
    const { app, stack, password, apiKey, group } = setup();
    const reader = new SecretReaderRole(stack, 'Reader', { secrets: [password] });
    reader.addSecret(apiKey);
    group.addPropertyOverride('RamRoleName', reader.roleName);
    reader.requiredBy(group);
    const t = synthTemplate(app, stack);
    expect(t.Resources.SecretReaderRole.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '1',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com'] } }],
    });
    expect(t.Resources.SecretReaderRole.Properties.RoleName).toEqual({ 'Fn::Sub': 'secret-reader-${ALIYUN::StackId}' });
    expect(t.Resources.SecretReaderRole.Properties.Policies).toBeUndefined();
    const policy = t.Resources.SecretReaderPolicy.Properties;
    expect(policy.Roles).toEqual([{ 'Fn::GetAtt': ['SecretReaderRole', 'RoleName'] }]);
    expect(policy.PolicyDocument.Statement).toHaveLength(1);
    expect(policy.PolicyDocument.Statement[0].Effect).toBe('Allow');
    expect(policy.PolicyDocument.Statement[0].Action).toEqual([...SECRET_READ_ACTIONS]);
    // Resolved as ROS would: exactly the two parameters of this stack, in this region and account; no wildcard.
    const r = new IntrinsicResolver({ template: t, pseudoParameters: { 'ALIYUN::StackId': 'a1b2c3d4-0000-4000-8000-000000000001', 'ALIYUN::Region': 'cn-beijing' } });
    expect(r.resolve(policy.PolicyDocument.Statement[0].Resource)).toEqual([
      'acs:oos:cn-beijing:1234567890123456:secretparameter/ros-a1b2c3d4-0000-4000-8000-000000000001-password',
      'acs:oos:cn-beijing:1234567890123456:secretparameter/ros-a1b2c3d4-0000-4000-8000-000000000001-api-key',
    ]);
    expect(JSON.stringify(policy)).not.toContain('*');
    expect(r.resolve(t.Resources.SecretReaderRole.Properties.RoleName)).toHaveLength(50);
    // The instances get the role and wait for the policy.
    expect(t.Resources.EcsInstanceGroup.Properties.RamRoleName).toEqual({ 'Fn::GetAtt': ['SecretReaderRole', 'RoleName'] });
    expect(t.Resources.EcsInstanceGroup.DependsOn).toEqual(['SecretReaderPolicy']);
    expect(checkTemplateAgainstSpec(t)).toEqual([]);
  });

  test('an existing role gets the policy; no role is made', () => {
    const { app, stack, password } = setup();
    const reader = new SecretReaderRole(stack, 'Reader', { secrets: [password], existingRoleName: 'QwenReadOss' });
    expect(reader.role).toBeUndefined();
    expect(reader.roleName).toBe('QwenReadOss');
    const t = synthTemplate(app, stack);
    expect(t.Resources.SecretReaderRole).toBeUndefined();
    expect(t.Resources.SecretReaderPolicy.Properties.Roles).toEqual(['QwenReadOss']);
  });

  test.each([
    [{ namePrefix: 'bad_prefix' }, /namePrefix 'bad_prefix' is not allowed/],
    [{ namePrefix: 'p'.repeat(28) }, /at most 27 characters/],
    [{ existingRoleName: 'has space' }, /existingRoleName 'has space' is not allowed/],
    [{ secrets: [] }, /secrets is empty/],
  ])('refuses %j', (props, message) => {
    const { stack, password } = setup();
    expect(() => new SecretReaderRole(stack, 'Reader', { secrets: [password], ...props })).toThrow(message);
  });
});
