import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack } from '../../lib/qwen-chat/qwen-chat-stack';
import { checkParameterValue } from '../../lib/ros/resolver';
import { PASSWORD_ALLOWED_PATTERN, passwordRuleViolation } from '../../lib/secrets/password-pattern';
import { newApp, synthTemplate } from '../script/script-test-support';
import { PASSWORD_TABLE } from './password-table';

describe('the password rule as an AllowedPattern (lookaheads)', () => {
  const app = newApp();
  const stack = new QwenChatStack(app, 'S');
  const params = synthTemplate(app, stack as ros.Stack).Parameters;

  test('Password and InstancePassword carry it, with the lengths', () => {
    for (const name of ['Password', 'InstancePassword']) {
      expect(params[name]).toMatchObject({ AllowedPattern: PASSWORD_ALLOWED_PATTERN, MinLength: 8, MaxLength: 30, NoEcho: true });
    }
  });

  test.each(PASSWORD_TABLE)('%j accepted=%s (%s)', (value, accepted) => {
    for (const name of ['Password', 'InstancePassword']) {
      expect({ name, reason: checkParameterValue(name, params[name], value) === undefined }).toEqual({ name, reason: accepted });
    }
    // The words the pre-flight check uses say the same.
    expect(passwordRuleViolation(value) === undefined).toBe(accepted);
  });
});
