import { scriptParameterInjection } from '../../../lib/rules/checks/script-parameter-injection';
import { runCommandTemplate } from '../rule-test-helpers';

const check = scriptParameterInjection.check.bind(scriptParameterInjection);
const userName = { UserName: { Type: 'String' } };

describe('script-parameter-injection', () => {
  test('a raw Ref outside quotes in an Fn::Sub body is a finding naming the parameter and the line', () => {
    const findings = check(runCommandTemplate('#!/bin/bash\nhtpasswd -c /etc/nginx/pw ${UserName}\n', {}, userName));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'script-parameter-injection', target: 'Deploy', targetKind: 'resource' });
    expect(findings[0].message).toMatch(/parameter UserName .*outside quotes.*line 2: `htpasswd -c \/etc\/nginx\/pw \$\{UserName\}`/);
    expect(findings[0].fix).toMatch(/Fn::Base64Encode/);
  });

  test('inside single quotes with no AllowedPattern is a finding; with a pattern that excludes the quote it passes', () => {
    const body = "#!/bin/bash\nuser='${UserName}'\n";
    expect(check(runCommandTemplate(body, {}, userName))[0].message).toMatch(/single quotes and it has no AllowedPattern, so it may contain '/);
    const strict = { UserName: { Type: 'String', AllowedPattern: '^[A-Za-z0-9_.-]{1,32}$' } };
    expect(check(runCommandTemplate(body, {}, strict))).toEqual([]);
    const loose = { UserName: { Type: 'String', AllowedPattern: "^[A-Za-z0-9_.' -]*$" } };
    expect(check(runCommandTemplate(body, {}, loose))[0].message).toMatch(/its AllowedPattern .* allows '/);
    const unanchored = { UserName: { Type: 'String', AllowedPattern: '[A-Za-z0-9]+' } };
    expect(check(runCommandTemplate(body, {}, unanchored))).toHaveLength(1);
  });

  test('inside double quotes, $ and backquote break out', () => {
    const dollar = { UserName: { Type: 'String', AllowedPattern: '^[A-Za-z$()]*$' } };
    expect(check(runCommandTemplate('user="${UserName}"\n', {}, dollar))[0].message).toMatch(/double quotes .*allows \$/);
    const safe = { UserName: { Type: 'String', AllowedPattern: "^[A-Za-z' ]*$" } };
    expect(check(runCommandTemplate('user="${UserName}"\n', {}, safe))).toEqual([]);
  });

  test('a Base64Encode-wrapped map value inside single quotes is safe (the generated-stack shape)', () => {
    const body = "#!/bin/bash\nset -euo pipefail\nuser_name_b64='${UserNameBase64}'\nuser_name=\"$(printf '%s' \"$user_name_b64\" | base64 -d)\"\necho \"${!user_name}\" >/dev/null\n";
    const map = { UserNameBase64: { 'Fn::Base64Encode': { Ref: 'UserName' } } };
    expect(check(runCommandTemplate(body, map, userName))).toEqual([]);
    // the same value outside quotes: MIME base64 has newlines
    expect(check(runCommandTemplate('x=${UserNameBase64}\n', map, userName))[0].message).toMatch(/Base64Encode text lands outside quotes/);
  });

  test('a raw Ref in the map is followed to the parameter; Fn::Join and Fn::Replace are covered', () => {
    expect(check(runCommandTemplate('x=${U}\n', { U: { Ref: 'UserName' } }, userName))).toHaveLength(1);
    const join = runCommandTemplate('', {}, userName);
    (join.Resources!.Deploy.Properties as Record<string, unknown>).CommandContent = { 'Fn::Join': ['', ['#!/bin/bash\nuseradd ', { Ref: 'UserName' }, '\n']] };
    expect(check(join)[0].message).toMatch(/UserName .*outside quotes/);
    const replace = runCommandTemplate('', {}, userName);
    (replace.Resources!.Deploy.Properties as Record<string, unknown>).CommandContent = { 'Fn::Replace': [{ '$USER_NAME': { Ref: 'UserName' } }, "#!/bin/bash\nu='$USER_NAME'\n"] };
    expect(check(replace)[0].message).toMatch(/single quotes/);
    const quotedJoin = runCommandTemplate('', { }, userName);
    (quotedJoin.Resources!.Deploy.Properties as Record<string, unknown>).CommandContent = { 'Fn::Join': ['', ["u='", { 'Fn::Base64Encode': { Ref: 'UserName' } }, "'\n"]] };
    expect(check(quotedJoin)).toEqual([]);
  });

  test('a quoted here-document only breaks on a newline; a Number parameter may stay unquoted; ${!x} is bash, not ROS', () => {
    const pattern = { Port: { Type: 'String', AllowedPattern: '^[0-9]{1,5}$' } };
    expect(check(runCommandTemplate("cat > /etc/x <<'EOF'\nlisten ${Port};\nEOF\n", {}, pattern))).toEqual([]);
    expect(check(runCommandTemplate("cat > /etc/x <<'EOF'\nuser ${UserName};\nEOF\n", {}, userName))[0].message).toMatch(/quoted here-document .*\\n/);
    expect(check(runCommandTemplate('sleep ${Delay}\n', {}, { Delay: { Type: 'Number' } }))).toEqual([]);
    expect(check(runCommandTemplate('echo ${!UserName}\n', {}, userName))).toEqual([]);
  });
});
