/**
 * Issue 15, secrets out of the command text: with the default SecretDelivery the RunCommand content ROS
 * renders holds the Password in no encoding; the RAM policy names only the stack's parameters; the
 * template passes the spec check. The COMMAND_TEXT control shows the search finds what is there.
 */
import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack, QwenChatStackProps } from '../../lib/qwen-chat/qwen-chat-stack';
import { SecretDelivery } from '../../lib/secrets/secret-delivery';
import { IntrinsicResolver, renderRunCommandScript } from '../../lib/ros/resolver';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';
import { OosSecretParameter } from '../../lib/secrets/oos-secret-parameter';
import { SECRET_READ_ACTIONS } from '../../lib/secrets/secret-reader-role';
import { checkTemplateAgainstSpec } from '../support/ros-spec';
import { newApp, synthTemplate } from '../script/script-test-support';

const PASSWORD = 'Xq7!Secret-Pw-91';
const CURL = "curl -sS -X POST -H 'Content-Type: application/json' http://127.0.0.1:8099/signal";

function stack(props: QwenChatStackProps = {}) {
  const app = newApp();
  const s = new QwenChatStack(app, 'QwenChatStack', props);
  return { stack: s, template: synthTemplate(app, s as ros.Stack) };
}

/** Every way the password could be written: plain, base64 (standard, MIME, URL-safe, with and without padding, of the value and of `user:password`), hex. */
function encodings(secret: string): Record<string, string> {
  const b = Buffer.from(secret, 'utf8');
  const b64 = b.toString('base64');
  const basic = Buffer.from(`admin:${secret}`).toString('base64');
  return {
    plain: secret,
    base64: b64,
    'base64 unpadded': b64.replace(/=+$/, ''),
    'base64url': b.toString('base64url'),
    'base64 of user:password': basic.replace(/=+$/, ''),
    'hex lower': b.toString('hex'),
    'hex upper': b.toString('hex').toUpperCase(),
    'JSON-escaped': JSON.stringify(secret).slice(1, -1),
  };
}

/** What ROS writes into the RunCommand (before Cloud Assistant), with the embedded script unpacked. */
function rosContent(template: any): string {
  const r = new IntrinsicResolver({ template, parameters: { Password: PASSWORD, InstancePassword: 'Instance-Pw-12' }, attributes: { 'WaitConditionHandle.CurlCli': CURL } });
  const content = r.resolveString(r.resolveResourceProperty('InstanceRunCommand', 'CommandContent'));
  return `${content}\n${expandEmbeddedScripts(content)}`;
}

describe('SecretDelivery.OOS_SECRET_PARAMETER (the default)', () => {
  const { stack: s, template: t } = stack();

  test.each(Object.entries(encodings(PASSWORD)))('the content ROS renders holds no %s form of the password', (_form, text) => {
    expect(rosContent(t).includes(text)).toBe(false);
    expect(JSON.stringify(t).includes(text)).toBe(false);
  });

  test('control: with COMMAND_TEXT the same search finds the base64 form', () => {
    const { template } = stack({ secretDelivery: SecretDelivery.COMMAND_TEXT });
    const found = Object.entries(encodings(PASSWORD)).filter(([, text]) => rosContent(template).includes(text)).map(([form]) => form);
    expect(found).toEqual(expect.arrayContaining(['base64', 'base64 unpadded']));
    expect(found).not.toContain('plain');
    expect(template.Resources.InstanceRunCommand.Properties.EnableParameter).toBeUndefined();
    expect(template.Resources.PasswordSecretParameter).toBeUndefined();
    expect(template.Metadata['ros-cdk-qwen-chat'].suppressions).toEqual([expect.objectContaining({ id: 'secret-in-command-text', target: 'Password' })]);
  });

  test('the RunCommand runs with EnableParameter and reads the password from {{oos-secret:NAME}}; Cloud Assistant (stand-in) puts it in', () => {
    expect(t.Resources.InstanceRunCommand.Properties.EnableParameter).toBe(true);
    const content = rosContent(t);
    expect(content).toContain("IFS= read -r password <<'DS_EOF'\n{{oos-secret:qwen-chat-00000000-0000-0000-0000-000000000000-password}}\nDS_EOF\n");
    const onInstance = renderRunCommandScript({ template: t, parameters: { Password: PASSWORD }, attributes: { 'WaitConditionHandle.CurlCli': CURL } });
    expect(onInstance).toContain(`IFS= read -r password <<'DS_EOF'\n${PASSWORD}\nDS_EOF\n`);
    // The only {{ of the content is the reference.
    expect(content.match(/\{\{/g)).toHaveLength(2);
  });

  test('the secret parameter: unique per stack, its value the NoEcho Password, OOS checks the same rule', () => {
    expect(t.Resources.PasswordSecretParameter.Properties).toEqual({
      SecretParameterName: { 'Fn::Sub': 'qwen-chat-${ALIYUN::StackId}-password' },
      Value: { Ref: 'Password' },
      Description: "Login password of the Qwen chat demo (the stack's Password parameter)",
      Constraints: { AllowedPattern: t.Parameters.Password.AllowedPattern, MinLength: 8, MaxLength: 30 },
    });
    expect(t.Parameters.Password.NoEcho).toBe(true);
    expect(s.passwordSecret).toBeInstanceOf(OosSecretParameter);
  });

  test('the RAM policy names only the stack\'s parameter; the instances get the role and wait for the policy', () => {
    const statements = t.Resources.SecretReaderPolicy.Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual([...SECRET_READ_ACTIONS]);
    const r = new IntrinsicResolver({ template: t, pseudoParameters: { 'ALIYUN::StackId': '5e1f0c9e-0000-4000-8000-00000000abcd' } });
    expect(r.resolve(statements[0].Resource)).toEqual(['acs:oos:cn-hangzhou:1234567890123456:secretparameter/qwen-chat-5e1f0c9e-0000-4000-8000-00000000abcd-password']);
    expect(r.resolve(statements[0].Resource)).toEqual([`acs:oos:cn-hangzhou:1234567890123456:secretparameter/${r.resolveString(t.Resources.PasswordSecretParameter.Properties.SecretParameterName)}`]);
    expect(t.Resources.SecretReaderPolicy.Properties.Roles).toEqual([{ 'Fn::GetAtt': ['SecretReaderRole', 'RoleName'] }]);
    expect(t.Resources.EcsInstanceGroup.Properties.RamRoleName).toEqual({ 'Fn::GetAtt': ['SecretReaderRole', 'RoleName'] });
    expect(t.Resources.EcsInstanceGroup.DependsOn).toEqual(expect.arrayContaining(['SecretReaderPolicy']));
  });

  test('the template passes the spec check (ALIYUN::OOS::SecretParameter through its allow-list entry)', () => {
    expect(checkTemplateAgainstSpec(t)).toEqual([]);
  });

  test('a RAM role of the user\'s gets the policy; no role is made', () => {
    const { template } = stack({ instanceOptions: { ramRoleName: 'QwenReadOss' } });
    expect(template.Resources.SecretReaderRole).toBeUndefined();
    expect(template.Resources.SecretReaderPolicy.Properties.Roles).toEqual(['QwenReadOss']);
    expect(template.Resources.EcsInstanceGroup.Properties.RamRoleName).toBe('QwenReadOss');
  });
});
