import * as fs from 'fs';
import { parse } from 'yaml';
import { QwenModel } from '../../lib/compute/models';
import { QwenGpuInstance } from '../../lib/compute/qwen-gpu-instance';
import { CIDR_PATTERN, QwenChatStack, QwenChatStackProps, USER_NAME_PATTERN } from '../../lib/qwen-chat/qwen-chat-stack';
import { NginxBasicAuth } from '../../lib/script/nginx-basic-auth';
import { ImageLayout } from '../../lib/image/image-layout';
import { qwenChatImageLayout } from '../../lib/qwen-chat/image-layout';
import { imageBuildScriptParameters } from '../../lib/qwen-chat/image-build-script';
import { contentSize, RUN_COMMAND_CONTENT_LIMIT_BYTES } from '../../lib/script/deploy-script-run-command';
import { newApp, substituteBody, synthTemplate } from '../script/script-test-support';
import { REFERENCE_TEMPLATE } from '../support/reference';
import { applyConditions } from '../../lib/ros/conditions';
import { PASSWORD_ALLOWED_PATTERN } from '../../lib/secrets/password-pattern';

const REFERENCE = parse(fs.readFileSync(REFERENCE_TEMPLATE, 'utf8'));

function build(props: QwenChatStackProps = {}) {
  const app = newApp();
  const stack = new QwenChatStack(app, 'QwenChat', props);
  return { app, stack, template: synthTemplate(app, stack) };
}

const { stack: STACK, template: T } = build();
/** The default template as ROS creates it with the parameters' defaults (a new VPC, public access). */
const CREATED = applyConditions(T) as any;
/** Parameters the console network choices add to the reference's (issue 16). */
const NETWORK_CHOICES = ['VpcOption', 'VpcId', 'VSwitchId', 'EnablePublicAccess'];
const SUB = T.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'];
const BODY: string = SUB[0];
const MAP: { [k: string]: any } = SUB[1];
/** The script as bash runs it (the header's values as their ${X}, the gzip+base64 part unpacked). */
const SCRIPT = STACK.script.render().readable;
const LINES = SCRIPT.split('\n');

const PASSWORD_RULE = {
  en: "Length 8-30, must contain three(Capital letters, lowercase letters, numbers, ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ Special symbol in)",
  'zh-cn': "长度8-30，必须包含三项（大写字母、小写字母、数字、 ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ 中的特殊符号）",
};

/**
 * Where the parameters deliberately differ from the reference template; everything else is kept
 * verbatim (names, types, defaults, allowed values, patterns, lengths, NoEcho, labels, association
 * properties), so a stack made from the reference updates in place.
 */
const DELIBERATE_PARAMETER_CHANGES: { [name: string]: { [key: string]: unknown } } = {
  // Only zones with stock of the chosen type, charge type and disk category.
  ZoneId: { AssociationPropertyMetadata: { InstanceType: '${EcsInstanceType}', InstanceChargeType: '${PayType}', SystemDiskCategory: 'cloud_essd' } },
  // Only types that can hold the model (from the GPU catalog); not filtered by ZoneId, since ZoneId is
  // filtered by the type and the two must not depend on each other.
  EcsInstanceType: {
    AllowedValues: QwenGpuInstance.allowedInstanceTypesFor(QwenModel.QWEN_14B_CHAT),
  },
  // Shown in the console only when VpcOption is NewVPC (issue 16).
  VpcCidrBlock: { AssociationPropertyMetadata: { Visible: { Condition: { 'Fn::Equals': ['${VpcOption}', 'NewVPC'] } } } },
  VSwitchCidrBlock: { AssociationPropertyMetadata: { VpcCidrBlock: 'VpcCidrBlock', Visible: { Condition: { 'Fn::Equals': ['${VpcOption}', 'NewVPC'] } } } },
  // Fixed defect: the user name had no pattern and no length, and went into htpasswd's argv.
  UserName: {
    AllowedPattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$',
    MinLength: 1,
    MaxLength: 32,
    Description: {
      en: "User name for the chat demo's login: 1-32 letters, digits and _.@-, starting with a letter or digit.",
      'zh-cn': '对话演示的登录名：1-32 位字母、数字及 _.@-，以字母或数字开头。',
    },
    ConstraintDescription: { en: '1-32 letters, digits and _.@-, starting with a letter or digit.', 'zh-cn': '1-32 位字母、数字及 _.@-，以字母或数字开头。' },
  },
  // The Chinese description now states the rule too, as the English one did; the pattern enforces the
  // rule both descriptions state (three kinds of character; lib/secrets/password-pattern.ts), which the
  // reference's pattern did not (it accepted `password` and `12345678`).
  Password: {
    Description: { en: `Software login password, ${PASSWORD_RULE.en}`, 'zh-cn': `软件登录密码，${PASSWORD_RULE['zh-cn']}` },
    AllowedPattern: PASSWORD_ALLOWED_PATTERN,
  },
  InstancePassword: { AllowedPattern: PASSWORD_ALLOWED_PATTERN },
};

describe('QwenChatStack: parameters', () => {
  test('the reference parameters plus SourceCidrIp and the network choices, nothing else', () => {
    expect(Object.keys(T.Parameters).sort()).toEqual([...Object.keys(REFERENCE.Parameters), 'SourceCidrIp', ...NETWORK_CHOICES].sort());
  });

  test('the network choices default to what the reference does: a new VPC, public access', () => {
    expect(T.Parameters.VpcOption).toMatchObject({ Type: 'String', Default: 'NewVPC', AllowedValues: ['NewVPC', 'ExistingVPC'] });
    expect(T.Parameters.EnablePublicAccess).toMatchObject({ Type: 'Boolean', Default: true });
    expect(T.Parameters.VpcId).toMatchObject({ Type: 'String', Default: '', AssociationProperty: 'ALIYUN::ECS::VPC::VPCId' });
    expect(T.Parameters.VSwitchId).toMatchObject({
      Type: 'String', Default: '', AssociationProperty: 'ALIYUN::ECS::VSwitch::VSwitchId',
      AssociationPropertyMetadata: { VpcId: '${VpcId}', ZoneId: '${ZoneId}' },
    });
  });

  test.each(Object.keys(REFERENCE.Parameters))('%s equals the reference except for the listed deliberate changes', (name) => {
    expect(T.Parameters[name]).toEqual({ ...REFERENCE.Parameters[name], ...(DELIBERATE_PARAMETER_CHANGES[name] ?? {}) });
  });

  test('every deliberate change really differs from the reference (the list has no stale entry)', () => {
    for (const [name, changes] of Object.entries(DELIBERATE_PARAMETER_CHANGES)) {
      for (const key of Object.keys(changes)) {
        expect({ name, key, same: JSON.stringify(REFERENCE.Parameters[name][key]) === JSON.stringify(changes[key]) }).toEqual({ name, key, same: false });
      }
    }
  });

  test('types, defaults, allowed values, NoEcho and lengths (explicitly)', () => {
    const summary = Object.fromEntries(Object.entries<any>(T.Parameters).map(([n, p]) => [n, [p.Type, p.Default, p.NoEcho ?? false, p.MinLength, p.MaxLength]]));
    expect(summary).toEqual({
      PayType: ['String', 'PostPaid', false, undefined, undefined],
      PayPeriodUnit: ['String', 'Month', false, undefined, undefined],
      PayPeriod: ['Number', 1, false, undefined, undefined],
      ZoneId: ['String', undefined, false, undefined, undefined],
      VpcOption: ['String', 'NewVPC', false, undefined, undefined],
      VpcCidrBlock: ['String', '192.168.0.0/16', false, undefined, undefined],
      VSwitchCidrBlock: ['String', '192.168.1.0/24', false, undefined, undefined],
      VpcId: ['String', '', false, undefined, undefined],
      VSwitchId: ['String', '', false, undefined, undefined],
      EnablePublicAccess: ['Boolean', true, false, undefined, undefined],
      SourceCidrIp: ['String', '0.0.0.0/0', false, undefined, undefined],
      EcsInstanceType: ['String', undefined, false, undefined, undefined],
      InstancePassword: ['String', undefined, true, 8, 30],
      UserName: ['String', 'admin', false, 1, 32],
      Password: ['String', undefined, true, 8, 30],
    });
    expect(T.Parameters.PayType.AllowedValues).toEqual(['PostPaid', 'PrePaid']);
    expect(T.Parameters.PayPeriodUnit.AllowedValues).toEqual(['Month', 'Year']);
    expect(T.Parameters.PayPeriod.AllowedValues).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(T.Parameters.EcsInstanceType.AllowedValues.length).toBeGreaterThan(0);
  });

  test('every label, description and constraint description is bilingual and non-empty', () => {
    for (const [name, p] of Object.entries<any>(T.Parameters)) {
      for (const key of ['Label', 'Description', 'ConstraintDescription']) {
        if (key === 'Label' || p[key] !== undefined) {
          expect({ name, key, keys: Object.keys(p[key]).sort() }).toEqual({ name, key, keys: ['en', 'zh-cn'] });
          expect(p[key].en.length).toBeGreaterThan(0);
          expect(p[key]['zh-cn'].length).toBeGreaterThan(0);
        }
      }
    }
  });

  test('SourceCidrIp: a CIDR pattern, default open, described', () => {
    expect(T.Parameters.SourceCidrIp).toMatchObject({ Type: 'String', Default: '0.0.0.0/0', AllowedPattern: CIDR_PATTERN });
    const re = new RegExp(CIDR_PATTERN);
    for (const ok of ['0.0.0.0/0', '203.0.113.0/24', '10.1.2.3/32', '255.255.255.255/32']) {
      expect({ ok, matches: re.test(ok) }).toEqual({ ok, matches: true });
    }
    for (const bad of ['256.0.0.0/8', '1.2.3.4/33', '1.2.3.4', '1.2.3/24', ' 1.2.3.4/32', '01.2.3.4/32', '1.2.3.4/24;']) {
      expect({ bad, matches: re.test(bad) }).toEqual({ bad, matches: false });
    }
  });
});

describe('QwenChatStack: UserName pattern (fixed defect)', () => {
  const re = new RegExp(T.Parameters.UserName.AllowedPattern);
  test('is the exported pattern', () => {
    expect(T.Parameters.UserName.AllowedPattern).toBe(USER_NAME_PATTERN);
  });

  test.each([['admin'], ['Admin1'], ['a'], ['a.b@c-d_e'], ['9user'], ['x'.repeat(32)]])('accepts %p', (name) => {
    expect(re.test(name)).toBe(true);
  });

  test.each([['a:b'], ['-x'], ['$(id)'], ['a b'], [''], ["a'b"], ['a"b'], ['.hidden'], ['_x'], ['a\nb'], ['a;b'], ['`id`'], ['用户'], ['a\\b']])('rejects %p', (name) => {
    expect(re.test(name)).toBe(false);
  });

  test('MaxLength 32 refuses a 33-character name the pattern alone would take', () => {
    expect(re.test('x'.repeat(33))).toBe(true);
    expect('x'.repeat(33).length).toBeGreaterThan(T.Parameters.UserName.MaxLength);
  });

  test('the password pattern enforces the rule its description states (table: test/secrets/password-pattern.test.ts)', () => {
    const pw = new RegExp(T.Parameters.Password.AllowedPattern);
    expect(pw.test('Passw0rd!')).toBe(true);
    expect(pw.test("Aa1()`~!@#$%^&*_-+=|{}[]:;'<>,")).toBe(true);
    expect(pw.test('Aa1.?/')).toBe(false);
    expect(pw.test('Aa1aa.?/')).toBe(true);
    expect(pw.test("it's-Aa1")).toBe(true);
    expect(pw.test('password')).toBe(false);
    expect(pw.test('12345678')).toBe(false);
    expect(pw.test('pass word')).toBe(false);
    expect(pw.test('pass"word')).toBe(false);
  });
});

describe('QwenChatStack: resources', () => {
  test('the reference logical ids and types, plus the Password\'s secret parameter and the role that reads it (issue 15)', () => {
    const types = (t: any) => Object.fromEntries(Object.entries<any>(t.Resources).map(([id, r]) => [id, r.Type]));
    expect(types(T)).toEqual({
      ...types(REFERENCE),
      PasswordSecretParameter: 'ALIYUN::OOS::SecretParameter',
      SecretReaderRole: 'ALIYUN::RAM::Role',
      SecretReaderPolicy: 'ALIYUN::RAM::ManagedPolicy',
    });
    expect(Object.keys(T.Resources).sort()).toEqual(
      ['EcsInstanceGroup', 'EcsSecurityGroup', 'EcsVSwitch', 'EcsVpc', 'InstanceRunCommand', 'PasswordSecretParameter', 'SecretReaderPolicy',
        'SecretReaderRole', 'WaitCondition', 'WaitConditionHandle'],
    );
  });

  test('with the default parameters, EcsVpc, EcsVSwitch and EcsInstanceGroup are created with the reference properties exactly, but for the instances\' RAM role', () => {
    for (const id of ['EcsVpc', 'EcsVSwitch', 'EcsInstanceGroup']) {
      const extra = id === 'EcsInstanceGroup' ? { RamRoleName: { 'Fn::GetAtt': ['SecretReaderRole', 'RoleName'] } } : {};
      expect({ id, props: CREATED.Resources[id].Properties }).toEqual({ id, props: { ...REFERENCE.Resources[id].Properties, ...extra } });
    }
  });

  test('the new VPC and VSwitch exist only under CreateVpc; the instances and the group use the new or the chosen ids', () => {
    expect(T.Conditions.CreateVpc).toEqual({ 'Fn::Equals': [{ Ref: 'VpcOption' }, 'NewVPC'] });
    expect(T.Resources.EcsVpc.Condition).toBe('CreateVpc');
    expect(T.Resources.EcsVSwitch.Condition).toBe('CreateVpc');
    const ifNew = (made: string, existing: string) => ({ 'Fn::If': ['CreateVpc', { Ref: made }, { Ref: existing }] });
    expect(T.Resources.EcsInstanceGroup.Properties).toMatchObject({ VpcId: ifNew('EcsVpc', 'VpcId'), VSwitchId: ifNew('EcsVSwitch', 'VSwitchId') });
    expect(T.Resources.EcsSecurityGroup.Properties.VpcId).toEqual(ifNew('EcsVpc', 'VpcId'));
    expect(T.Resources.EcsSecurityGroup.Condition).toBeUndefined();
  });

  test('EcsSecurityGroup: deliberate changes are the source parameter, NicType intranet (VPC) and one egress rule', () => {
    const ref = REFERENCE.Resources.EcsSecurityGroup.Properties;
    expect(CREATED.Resources.EcsSecurityGroup.Properties).toEqual({
      ...ref,
      SecurityGroupIngress: [{ ...ref.SecurityGroupIngress[0], SourceCidrIp: { Ref: 'SourceCidrIp' }, NicType: 'intranet' }],
      SecurityGroupEgress: [ref.SecurityGroupEgress[1]],
    });
    // Without public access in a new VPC, the VPC's own block is admitted instead of SourceCidrIp.
    expect(T.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress[0].SourceCidrIp)
      .toEqual({ 'Fn::If': ['PrivateAccessInNewVpc', { Ref: 'VpcCidrBlock' }, { Ref: 'SourceCidrIp' }] });
  });

  test('WaitCondition: the handle, Count 1, DependsOn EcsInstanceGroup, Timeout >= RunCommand Timeout >= script budget', () => {
    const wait = T.Resources.WaitCondition;
    const runCommand = T.Resources.InstanceRunCommand.Properties;
    expect(wait.Properties).toMatchObject({ Handle: { Ref: 'WaitConditionHandle' }, Count: 1 });
    expect(wait.DependsOn).toEqual(['EcsInstanceGroup']);
    expect(typeof wait.Properties.Timeout).toBe('number');
    expect(typeof runCommand.Timeout).toBe('number');
    expect(wait.Properties.Timeout).toBeGreaterThanOrEqual(runCommand.Timeout);
    expect(runCommand.Timeout).toBeGreaterThanOrEqual(STACK.script.budgetSeconds);
    expect(wait.Properties.Timeout).toBeLessThanOrEqual(43200);
    // Figures with the defaults: app check 1800 s, two proxy checks of 60 s, pre-flight 30 s, the TLS
    // certificate 60 s, 60 s of overhead and 360 s to deliver the signal.
    expect(STACK.script.budgetSeconds).toBe(2800);
    expect(runCommand.Timeout).toBe(2860);
    expect(wait.Properties.Timeout).toBe(3700);
  });

  test('InstanceRunCommand: synchronous shell script on the group\'s instances', () => {
    expect(T.Resources.InstanceRunCommand.Properties).toMatchObject({
      Type: 'RunShellScript', Sync: true, InstanceIds: { 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] },
    });
  });
});

describe('QwenChatStack: the deploy script (fixed defects)', () => {
  test('the Fn::Sub map: the user name as Fn::Base64Encode, the password as its OOS secret parameter\'s reference, the CurlCli as ROS writes it', () => {
    expect(MAP).toEqual({
      CurlCli: { 'Fn::GetAtt': ['WaitConditionHandle', 'CurlCli'] },
      UserNameBase64: { 'Fn::Base64Encode': { Ref: 'UserName' } },
      PasswordReference: { 'Fn::Join': ['', ['{{oos-secret:', { 'Fn::GetAtt': ['PasswordSecretParameter', 'SecretParameterName'] }, '}}']] },
    });
    expect(T.Resources.InstanceRunCommand.Properties.EnableParameter).toBe(true);
  });

  test('the body has no ${X} other than the map keys, and every key is used', () => {
    const used = [...BODY.matchAll(/\$\{([^!][^}]*)\}/g)].map((m) => m[1]);
    expect(new Set(used)).toEqual(new Set(Object.keys(MAP)));
    for (const key of Object.keys(MAP)) {
      expect(used.filter((u) => u === key)).toHaveLength(1);
    }
    // No parameter reaches the body except through the map.
    for (const name of Object.keys(T.Parameters)) {
      expect(BODY).not.toContain(`\${${name}}`);
    }
  });

  test('the password is never an argument: only builtins see it; openssl reads it on stdin and hashes with SHA-512 crypt', () => {
    const code = LINES.filter((l) => !/^\s*#/.test(l));
    const mentions = code.filter((l) => /\bpassword\b/.test(l) && !l.includes('/etc/nginx/password'));
    expect(mentions).toEqual([
      "IFS= read -r password <<'DS_EOF'",
      "ds_hash=$(printf '%s\\n' \"$password\" | /usr/local/openssl/bin/openssl passwd -6 -stdin) || ds_hash=''",
      "ds_probe_cfg='cacert = \"/etc/nginx/tls/5000.crt\"' ds_probe https://127.0.0.1:5000/ 200 60 5 10 '' user_name password",
    ]);
    // No line runs htpasswd: the hash nginx checks on CentOS 7 (glibc 2.17 crypt) comes from openssl.
    expect(code.filter((l) => /(^|[|;&]\s*)htpasswd /.test(l.trim()))).toEqual([]);
    expect(code).toContain('printf \'%s:%s\\n\' "$user_name" "$ds_hash" > "$ds_tmp"');
    expect(SCRIPT).not.toMatch(/htpasswd -b/);
    expect(SCRIPT).not.toContain('echo "$password"');
    expect(SCRIPT).not.toMatch(/ds_log[^\n]*password\b(?!\.)/);
  });

  test('every probe is bounded by a deadline that fails the script; the app check watches the unit', () => {
    const probes = LINES.filter((l) => /^(ds_probe_cfg='[^']*' )?ds_probe /.test(l));
    expect(probes).toEqual([
      'ds_probe http://127.0.0.1:7860/ 200 1800 10 10 tongyi.service',
      // through nginx over TLS, the certificate pinned (issue 15)
      "ds_probe_cfg='cacert = \"/etc/nginx/tls/5000.crt\"' ds_probe https://127.0.0.1:5000/ 401 60 5 10 ''",
      "ds_probe_cfg='cacert = \"/etc/nginx/tls/5000.crt\"' ds_probe https://127.0.0.1:5000/ 200 60 5 10 '' user_name password",
    ]);
    expect(SCRIPT).toContain('    [ $SECONDS -lt $t ] || ds_fail "$1 answered $s, not $2, within $3s"\n');
    expect(SCRIPT).toContain('--max-time "$5"');
    expect(SCRIPT).not.toMatch(/for \(\(i=0;i<1000/);
  });

  test('the SUCCESS signal comes after the last health check, once; the EXIT trap and the pre-flight checks come before any change', () => {
    const success = LINES.map((l, i) => (/ds_signal SUCCESS/.test(l) ? i : -1)).filter((i) => i >= 0);
    expect(success).toHaveLength(1);
    const lastCheck = LINES.map((l, i) => (/ds_probe /.test(l) ? i : -1)).filter((i) => i >= 0).pop()!;
    expect(lastCheck).toBeLessThan(success[0]);
    const trap = LINES.indexOf('trap ds_on_exit EXIT');
    const firstStep = LINES.findIndex((l) => l.startsWith('ds_step '));
    expect(trap).toBeGreaterThan(0);
    expect(trap).toBeLessThan(firstStep);
    expect(LINES.filter((l) => l.startsWith('ds_step ')).map((l) => l.replace(/^ds_step '\d+\/\d+ (.*)'$/, '$1'))).toEqual([
      'pre-flight checks',
      'write /etc/systemd/system/tongyi.service',
      'write /etc/nginx/conf.d/5000.conf',
      'write /etc/nginx/password (htpasswd)',
      'make the TLS certificate for port 5000',
      'start tongyi.service',
      'start nginx on port 5000',
      'the app answers on 127.0.0.1:7860',
      'nginx on port 5000 answers 401 without credentials',
      'the app answers through nginx on port 5000',
    ]);
    // The pre-flight checks: the model's GPU memory (42.9 GiB less the ECC allowance; 2 GiB on each GPU when split), disk room, the two ports.
    const pre = LINES.indexOf("ds_step '1/10 pre-flight checks'");
    expect(LINES.slice(pre + 1, pre + 6)).toEqual([
      "ds_gpu 41030 'Qwen-14B-Chat (bf16) needs 42.9 GiB' 1912 '2 GiB'",
      "ds_disk /root/Qwen-14B-Chat-Demo 2 'the app and its caches'",
      "ds_disk /var/log 1 'the logs'",
      'ds_port 7860 tongyi.service',
      'ds_port 5000 nginx.service',
    ]);
  });

  test('the unit restarts on failure, runs the demo on loopback, unbuffered', () => {
    const unit = STACK.appService.renderUnit();
    expect(SCRIPT).toContain(unit);
    expect(unit).toContain('\nRestart=on-failure\n');
    expect(unit).toMatch(/\nRestartSec=\d+\n/);
    expect(unit).toContain('\nWorkingDirectory=/root/Qwen-14B-Chat-Demo\n');
    expect(unit).toContain('\nExecStart=/usr/local/python3/bin/python3 app.py\n');
    expect(unit).toContain('\nEnvironment="GRADIO_SERVER_NAME=127.0.0.1"\n');
    expect(unit).toContain('\nEnvironment="GRADIO_SERVER_PORT=7860"\n');
    expect(unit).toContain('\nEnvironment="PYTHONUNBUFFERED=1"\n');
  });

  test('the nginx site: websocket map, no buffering, long read timeout, Host and X-Forwarded-* headers, basic auth', () => {
    const site = (STACK.proxy as NginxBasicAuth).renderSite();
    expect(SCRIPT).toContain(site);
    expect(site).toMatch(/^map \$http_upgrade \$\w+ \{$/m);
    for (const directive of [
      'proxy_buffering off;', 'proxy_read_timeout 3600s;', 'proxy_set_header Host $http_host;', 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Forwarded-Proto $scheme;', 'proxy_set_header Upgrade $http_upgrade;', 'proxy_http_version 1.1;',
      'listen 5000 ssl;', 'proxy_pass http://127.0.0.1:7860;', 'auth_basic_user_file /etc/nginx/password;',
      'error_page 497 =301 https://$http_host$request_uri;', 'server_tokens off;', 'limit_req zone=clients_5000 burst=200 nodelay;',
    ]) {
      expect(site).toContain(`    ${directive}`.trimStart());
    }
  });

  test('the content stays under RUN_COMMAND_CONTENT_LIMIT_BYTES, also once substituted with the longest values and base64-encoded', () => {
    const size = contentSize(STACK.script);
    expect(size.usedBytes).toBeLessThanOrEqual(RUN_COMMAND_CONTENT_LIMIT_BYTES);
    // A CurlCli of 1 KB (the size the reserve assumes), the longest user name and password.
    const content = substituteBody(BODY, {
      CurlCli: `curl -i -X POST -H 'x-acs-signature: ${'s'.repeat(1024 - 69)}' https://ros.example/v1/signal`,
      UserNameBase64: 'u'.repeat(32),
      PasswordReference: `{{oos-secret:qwen-chat-${'0'.repeat(36)}-password}}`,
    });
    const encoded = Buffer.from(content, 'utf8').toString('base64').length;
    expect(encoded).toBeLessThanOrEqual(size.usedBytes);
  });

});

describe('QwenChatStack: outputs, metadata, description', () => {
  test('Endpoint and PrivateEndpoint keep the reference values but for https (issue 15); PrivateEndpoint is described as private; the certificate\'s fingerprint', () => {
    expect(Object.keys(T.Outputs).sort()).toEqual(['Endpoint', 'PrivateEndpoint', 'TlsCertificateFingerprint']);
    expect(T.Outputs.TlsCertificateFingerprint.Value).toEqual({ 'Fn::Jq': ['First', '.[]', { 'Fn::GetAtt': ['WaitCondition', 'Data'] }] });
    const https = (v: any) => JSON.parse(JSON.stringify(v).replace('"http://${ServerAddress}:5000"', '"https://${ServerAddress}:5000"'));
    // The public endpoint exists only with public access.
    expect(T.Outputs.Endpoint.Condition).toBe('PublicAccess');
    expect(T.Outputs.PrivateEndpoint.Condition).toBeUndefined();
    expect(T.Outputs.Endpoint.Value).toEqual(https(REFERENCE.Outputs.Endpoint.Value));
    expect(T.Outputs.PrivateEndpoint.Value).toEqual(https(REFERENCE.Outputs.PrivateEndpoint.Value));
    expect(T.Outputs.Endpoint.Value).not.toEqual(REFERENCE.Outputs.Endpoint.Value);
    expect(T.Outputs.Endpoint.Description.en).toMatch(/public/i);
    expect(T.Outputs.Endpoint.Description['zh-cn']).toContain('公网');
    expect(T.Outputs.PrivateEndpoint.Description.en).toMatch(/private/i);
    expect(T.Outputs.PrivateEndpoint.Description.en).not.toMatch(/public/i);
    expect(T.Outputs.PrivateEndpoint.Description['zh-cn']).toContain('内网');
    expect(T.Outputs.PrivateEndpoint.Description['zh-cn']).not.toContain('公网');
    expect(JSON.stringify(T.Outputs)).not.toMatch(/"Ref":"(Password|InstancePassword|UserName)"/);
  });

  test('ALIYUN::ROS::Interface: the reference tags and groups, the network choices and SourceCidrIp in the network group', () => {
    const ui = T.Metadata['ALIYUN::ROS::Interface'];
    const ref = REFERENCE.Metadata['ALIYUN::ROS::Interface'];
    expect(ui.TemplateTags).toEqual(ref.TemplateTags);
    const network = ['VpcOption', 'VpcCidrBlock', 'VSwitchCidrBlock', 'VpcId', 'VSwitchId', 'EnablePublicAccess', 'SourceCidrIp'];
    const expected = ref.ParameterGroups.map((g: any) => (g.Parameters.includes('VpcCidrBlock') ? { ...g, Parameters: network } : g));
    expect(ui.ParameterGroups).toEqual(expected);
  });

  test('every parameter is in exactly one group', () => {
    const grouped = T.Metadata['ALIYUN::ROS::Interface'].ParameterGroups.flatMap((g: any) => g.Parameters);
    expect([...grouped].sort()).toEqual(Object.keys(T.Parameters).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  test('the Description says what it deploys, in both languages', () => {
    expect(Object.keys(T.Description).sort()).toEqual(['en', 'zh-cn']);
    expect(T.Description.en).toBe('Deploys the Qwen-14B-Chat (bf16) Gradio chat demo on one GPU ECS instance in a new or an existing VPC, behind an nginx reverse proxy with HTTP basic auth on port 5000.');
    for (const word of ['Qwen-14B-Chat', 'GPU', 'nginx', '5000', '基本认证']) {
      expect(T.Description['zh-cn']).toContain(word);
    }
    expect(JSON.stringify(T.Description)).not.toMatch(/chatglm/i);
  });
});

describe('QwenChatStack: props', () => {
  test('listenPort moves the security group rule, the nginx site, the checks and the outputs', () => {
    const { template, stack } = build({ listenPort: 8080 });
    expect(template.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress[0].PortRange).toBe('8080/8080');
    expect(template.Outputs.Endpoint.Value['Fn::Sub'][0]).toBe('https://${ServerAddress}:8080');
    expect(template.Outputs.PrivateEndpoint.Value['Fn::Sub'][0]).toBe('https://${ServerAddress}:8080');
    expect((stack.proxy as NginxBasicAuth).renderSite()).toContain('    listen 8080 ssl;\n');
    expect(stack.script.render().readable).toContain('ds_probe https://127.0.0.1:8080/ 401 60 5 10');
    expect(stack.script.render().readable).toContain('ds_tls_gen /etc/nginx/tls/8080 825\n');
    expect(template.Description.en).toContain('port 8080');
  });

  test('health-check timeouts change the budget and both timeouts', () => {
    const { template, stack } = build({ appCheckTimeoutSeconds: 600, proxyCheckTimeoutSeconds: 30 });
    expect(stack.script.budgetSeconds).toBe(2800 - 1200 - 60);
    expect(template.Resources.InstanceRunCommand.Properties.Timeout).toBe(stack.script.budgetSeconds + 60);
    expect(template.Resources.WaitCondition.Properties.Timeout).toBe(stack.script.budgetSeconds + 900);
  });

  test('serviceName, imageLayout and imageId: the unit runs the layout\'s python, with its bin directory first on PATH', () => {
    const imageLayout = new ImageLayout({ pythonPrefix: '/usr', appDirectory: '/opt/demo', modelCacheDirectory: '/opt/models' });
    const { template, stack } = build({ serviceName: 'qwen-demo', imageLayout, imageId: 'm-123' });
    expect(stack.appService.unitPath).toBe('/etc/systemd/system/qwen-demo.service');
    const unit = stack.appService.renderUnit();
    expect(unit).toContain('ExecStart=/usr/bin/python3 app.py');
    expect(unit).toContain('\nWorkingDirectory=/opt/demo\n');
    expect(unit).toContain('\nEnvironment="PATH=/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n');
    // No OpenSSL of its own: no library path, and the password is hashed with the system's openssl.
    expect(unit).not.toContain('LD_LIBRARY_PATH');
    expect(stack.script.render().readable).toContain('| openssl passwd -6 -stdin)');
    expect(template.Resources.EcsInstanceGroup.Properties.ImageId).toBe('m-123');
  });

  test('the default layout is the image build\'s: python, OpenSSL, app directory and the unit\'s PATH come from one description', () => {
    const layout = qwenChatImageLayout(QwenModel.QWEN_14B_CHAT);
    const build = imageBuildScriptParameters({ model: QwenModel.QWEN_14B_CHAT });
    expect(build).toMatchObject({
      PYTHON_PREFIX: layout.pythonPrefix, OPENSSL_PREFIX: layout.opensslPrefix, APP_DIR: layout.appDirectory, MODEL_CACHE: layout.modelCacheDirectory,
    });
    const unit = STACK.appService.renderUnit();
    expect(unit).toContain(`\nExecStart=${layout.pythonPrefix}/bin/python3 app.py\n`);
    expect(unit).toContain(`\nEnvironment="PATH=${layout.pythonPrefix}/bin:`);
    expect(unit).toContain(`\nEnvironment="LD_LIBRARY_PATH=${layout.opensslPrefix}/lib"\n`);
    expect(unit).toContain(`\nWorkingDirectory=${layout.appDirectory}\n`);
    expect(SCRIPT).toContain(`| ${layout.opensslPrefix}/bin/openssl passwd -6 -stdin`);
  });

  test.each(QwenModel.ALL.filter((m) => m.precision !== 'bf16').map((m) => [m.key, m] as const))(
    '%s: the unit runs QwenLM/Qwen web_demo.py told its quantized checkpoint, the one the image build downloads and starts', (_key, model) => {
      const stack = new QwenChatStack(newApp(), 'QwenChat', { model });
      const unit = stack.appService.renderUnit();
      expect(stack.script.render().readable).toContain(unit);
      expect(unit).toContain('\nWorkingDirectory=/root/Qwen\n');
      expect(unit).toContain(`\nExecStart=/usr/local/python3/bin/python3 web_demo.py -c /root/.cache/modelscope/hub/${model.modelScopeId} --server-port 7860\n`);
      const image = imageBuildScriptParameters({ model });
      expect(unit).toContain(`\nExecStart=${image.PYTHON_PREFIX}/bin/python3 ${image.APP_ENTRY} ${image.APP_ARGS}\n`);
      expect(`${image.MODEL_CACHE}/${image.MODEL_ID}`).toBe(`/root/.cache/modelscope/hub/${model.modelScopeId}`);
    });

  test('another model changes the allowed types and the description', () => {
    const { template } = build({ model: QwenModel.QWEN_7B_CHAT_INT4 });
    expect(template.Parameters.EcsInstanceType.AllowedValues).toEqual(QwenGpuInstance.allowedInstanceTypesFor(QwenModel.QWEN_7B_CHAT_INT4));
    expect(template.Parameters.EcsInstanceType.AllowedValues).toContain('ecs.gn6i-c4g1.xlarge');
    expect(template.Description.en).toContain('Qwen-7B-Chat (int4)');
  });

  test.each([[0], [70000]])('listenPort %p is refused', (listenPort) => {
    expect(() => build({ listenPort })).toThrow(new RegExp(`QwenChatStack: listenPort ${listenPort} is not allowed: give a whole port number from 1 to 65535`));
  });

  test('a health-check timeout over the HealthCheck limit is refused', () => {
    expect(() => build({ appCheckTimeoutSeconds: 50000 })).toThrow(/HealthCheck: timeoutSeconds 50000 is not allowed/);
  });

  test('a health-check timeout that makes the wait exceed 43200 s is refused at synth', () => {
    expect(() => build({ appCheckTimeoutSeconds: 42500 })).toThrow(/WaitConditionCallback 'QwenChat\/Deploy\/Signal': the wait would need \d+s/);
  });

  test("serviceName 'nginx' is refused: it would overwrite nginx's own unit", () => {
    expect(() => build({ serviceName: 'nginx' })).toThrow(/QwenChatStack: serviceName 'nginx' is not allowed: it would overwrite nginx's own unit/);
  });

  test('listenPort equal to the app port is refused', () => {
    expect(() => build({ listenPort: 7860 })).toThrow(/NginxBasicAuth: listenPort 7860 is the upstream's own port/);
  });

  test('a bad service name or a relative python prefix is refused', () => {
    expect(() => build({ serviceName: 'tongyi demo' })).toThrow(/SystemdService: name 'tongyi demo' is not allowed/);
    expect(() => new ImageLayout({ pythonPrefix: 'python3', appDirectory: '/a', modelCacheDirectory: '/m' }))
      .toThrow(/ImageLayout: pythonPrefix "python3" is not allowed: give an absolute path/);
  });

  // Regression: Qwen-72B-Chat bf16 needs a >= 220 GiB disk, above the old flat default of 200.
  test('every preset model builds a stack (Qwen-72B-Chat bf16 included)', () => {
    for (const model of QwenModel.ALL) {
      expect(() => build({ model })).not.toThrow();
    }
  });
});
