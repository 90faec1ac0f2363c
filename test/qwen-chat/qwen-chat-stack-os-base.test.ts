import { OsBase } from '../../lib/image/os-base';
import { qwenChatServicePackage } from '../../lib/qwen-chat/service-package';
import { QwenChatStack, QwenChatStackProps } from '../../lib/qwen-chat/qwen-chat-stack';
import { PasswordHash } from '../../lib/script/nginx-basic-auth';
import { newApp, synthTemplate } from '../script/script-test-support';

function build(props: QwenChatStackProps = {}) {
  const app = newApp();
  const stack = new QwenChatStack(app, 'QwenChat', props);
  return { stack, template: () => synthTemplate(app, stack) };
}

describe('QwenChatStack: the operating system base', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => { stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true); });
  afterEach(() => stderr.mockRestore());
  const printed = () => stderr.mock.calls.map((c) => String(c[0])).join('');

  test('the legacy base warns at synth with its end-of-life date (printed once per stack; first CentOS 7 stack of this file)', () => {
    const { stack } = build({ osBase: OsBase.CENTOS_7, alsoRunsOn: [] });
    expect(printed()).toMatch(/^\[WARNING\] QwenChatStack 'QwenChat': CentOS 7 reached its end of life on 2024-06-30/);
    const warnings = stack.node.metadata.filter((m) => m.type === 'aliyun:ros:warning').map((m) => m.data);
    expect(warnings).toEqual([expect.stringMatching(/CentOS 7 reached its end of life on 2024-06-30/)]);
    expect(stack.deployBases).toEqual([OsBase.CENTOS_7]);
  });

  test('default: an Alibaba Cloud Linux 3 image, and the script also runs on the reference\'s CentOS 7 instances', () => {
    const { stack } = build();
    expect(stack.osBase).toBe(OsBase.ALIBABA_CLOUD_LINUX_3);
    expect(stack.deployBases).toEqual([OsBase.ALIBABA_CLOUD_LINUX_3, OsBase.CENTOS_7]);
    expect(stack.imageLayout.pythonPath).toBe('/usr/local/python3/bin/python3');
    expect(stack.imageLayout.opensslPath).toBe('/usr/local/openssl/bin/openssl');
    expect(printed()).toBe('');
  });

  test('one deploy template for every base: the image layout is the same on all of them', () => {
    const templates = OsBase.ALL.map((osBase) => JSON.stringify(build({ osBase }).template()));
    expect(new Set(templates).size).toBe(1);
  });

  test.each([
    [{ passwordHash: PasswordHash.BCRYPT },
      "QwenChatStack: prop 'passwordHash' 'bcrypt' is not allowed on Alibaba Cloud Linux 3: its crypt() verifies only sha512-crypt, so nginx would answer 500 to every login. Use 'sha512-crypt' or another base."],
    [{ passwordHash: PasswordHash.BCRYPT, osBase: OsBase.UBUNTU_22_04 },
      "QwenChatStack: prop 'passwordHash' 'bcrypt' is not allowed with alsoRunsOn CentOS 7: its crypt() verifies only sha512-crypt, so nginx there would answer 500 to every login. "
      + 'Use PasswordHash.SHA512_CRYPT, or leave CentOS 7 out of alsoRunsOn (it is there by default so that stacks made from the reference template update in place).'],
    [{ passwordHash: PasswordHash.BCRYPT, osBase: OsBase.CENTOS_7, alsoRunsOn: [] },
      "QwenChatStack: prop 'passwordHash' 'bcrypt' is not allowed on CentOS 7: its crypt() verifies only sha512-crypt"],
  ] as Array<[QwenChatStackProps, string]>)('a hash scheme a base\'s crypt() lacks is refused at synth: %#', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('bcrypt where every base verifies it (Ubuntu 22.04 alone)', () => {
    const { stack, template } = build({ passwordHash: PasswordHash.BCRYPT, osBase: OsBase.UBUNTU_22_04, alsoRunsOn: [] });
    template();
    // the script as it runs (the template carries it gzip+base64)
    expect(stack.script.render().readable).toContain('htpasswd -i -B');
  });

  test('the service package builds on the stack\'s base', () => {
    const { stack, template } = build({ osBase: OsBase.UBUNTU_22_04 });
    const pkg = qwenChatServicePackage({ template: template(), osBase: stack.osBase });
    expect(pkg.imageBuilders[0].sourceImageId).toBe(OsBase.UBUNTU_22_04.sourceImageId);
    expect(pkg.imageBuilders[0].commandContent).toContain("export OS_BASE='ubuntu2204'\n");
  });
});
