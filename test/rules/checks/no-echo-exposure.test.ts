import { noEchoExposure } from '../../../lib/rules/checks/no-echo-exposure';
import { runCommandTemplate } from '../rule-test-helpers';

const check = noEchoExposure.check.bind(noEchoExposure);
const params = { Password: { Type: 'String', NoEcho: true }, UserName: { Type: 'String' } };
const b64 = { PasswordBase64: { 'Fn::Base64Encode': { Ref: 'Password' } }, UserNameBase64: { 'Fn::Base64Encode': { Ref: 'UserName' } } };

describe('no-echo-exposure', () => {
  test('a NoEcho parameter in a program argv is a finding', () => {
    const f = check(runCommandTemplate("htpasswd -bc /etc/nginx/pw admin '${Password}'\n", {}, params));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'no-echo-exposure', target: 'Deploy' });
    expect(f[0].message).toMatch(/NoEcho parameter Password .*argv of htpasswd.*line 1/);
  });

  test('the secret is followed through shell variables and $(...) decoding', () => {
    const body = "pw_b64='${PasswordBase64}'\npw=\"$(printf '%s' \"$pw_b64\" | base64 -d)\"\nmysql -u root -p\"$pw\" -e 'select 1'\n";
    expect(check(runCommandTemplate(body, b64, params))[0].message).toMatch(/argv of mysql/);
    const echoed = "pw_b64='${PasswordBase64}'\nexport PW=\"$(printf '%s' \"$pw_b64\" | base64 -d)\"\necho \"password is $PW\"\n";
    expect(check(runCommandTemplate(echoed, b64, params))[0].message).toMatch(/echo prints it/);
  });

  test('stdin through printf (a builtin), script functions and non-secret parameters pass', () => {
    const body = [
      "decode() { printf '%s' \"$1\" | base64 -d; }",
      "user=\"$(decode '${UserNameBase64}')\"",
      "password=\"$(decode '${PasswordBase64}')\"",
      "printf '%s\\n' \"$password\" | htpasswd -i -c /etc/nginx/.htpasswd \"$user\"",
      'echo "user ${!user} created"',
      '',
    ].join('\n');
    expect(check(runCommandTemplate(body, b64, params))).toEqual([]);
  });

  test('case and for words are no argv: a secret matched by case passes, a program after it is still judged', () => {
    const body = [
      "password=\"$(printf '%s' '${PasswordBase64}' | base64 -d)\"",
      'case "$password" in',
      "  '') exit 1 ;;",
      'esac',
      'for word in "$password"; do :; done',
      '',
    ].join('\n');
    expect(check(runCommandTemplate(body, b64, params))).toEqual([]);
    const leaky = `${body}curl -u "admin:$password" http://127.0.0.1/\n`;
    expect(check(runCommandTemplate(leaky, b64, params))[0].message).toMatch(/argv of curl/);
  });

  test('a NoEcho parameter in an Output is a finding; other outputs pass', () => {
    const t = runCommandTemplate('true\n', {}, params);
    (t as Record<string, unknown>).Outputs = {
      Login: { Value: { 'Fn::Sub': 'user ${UserName} password ${Password}' } },
      User: { Value: { Ref: 'UserName' } },
    };
    const f = check(t);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ target: 'Login', targetKind: 'output' });
  });
});
