/**
 * The operating systems an ECS image can be built on, as typed facts: the source image, how packages
 * are installed and named, where nginx and Python live, which crypt() schemes the C library verifies,
 * and the oldest tool versions a script must run with.
 *
 * Sources (every figure below cites one of these):
 * - [acl3-vs-c7] Alibaba Cloud, "Differences between Alibaba Cloud Linux 3 and CentOS 7",
 *   https://alibabacloud.com/help/en/alinux/support/differences-between-alibaba-cloud-linux-3-and-centos-7
 *   (glibc 2.32 / 2.17, kernel 5.10.134 / 3.10.0-1160, systemd 239 / 219, nginx 1:1.20.1-1.0.3.al8 /
 *   1:1.20.1-10.el7 (EPEL), python3.6, python3.8 and python3.11 on Alibaba Cloud Linux 3; python3.6 on CentOS 7).
 * - [cn-gpu-image] the computenest-cli constant `GPU_ECS_SOURCE_IMAGE_ID =
 *   "aliyun/services/computenest/images/aliyun_3_2104_docker_26_gpu_cuda_12_4_60g"` (Compute Nest's
 *   default GPU build image: Alibaba Cloud Linux 3 2104, Docker 26, CUDA 12.4).
 * - [reference] the reference service's config.yaml (test/fixtures/reference/config.yaml): `SourceImageId:
 *   '{{oos:aliyun/services/computenest/images/centos_7_6_gpu_base}}'`; the same `{{oos:NAME}}` form is used here.
 * - [sdk-source-image] aliyun/alibabacloud-typescript-sdk computenestsupplier-20210521
 *   src/models/UpdateArtifactRequestArtifactBuildProperty.ts: SourceImageId is an image id or an OOS
 *   parameter, example `ubuntu_22_04_x64_20G_alibase_20240926.vhd`.
 * - [jammy] packages.ubuntu.com/jammy: nginx 1.18.0-6ubuntu14, openssl 3.0.2-0ubuntu1, python3 3.10.6-1~22.04,
 *   python3-venv (universe), bash 5.1-6ubuntu1, curl 7.81.0-1ubuntu1, libcrypt1 1:4.4.27-1 (libxcrypt),
 *   apache2-utils 2.4.52-1ubuntu4, nvidia-utils-550-server / libnvidia-*-550-server 550.163.01-0ubuntu0.22.04.1
 *   (restricted); systemd 249.11, glibc 2.35, kernel 5.15 (Ubuntu 22.04 release notes).
 * - [el8] RHEL 8 / Anolis 8 packages (Alibaba Cloud Linux 3 is built from them, PLATFORM_ID "platform:al8"):
 *   openssl 1.1.1k, bash 4.4.20, curl 7.61.1, libxcrypt 4.1.1. Not confirmed on Alibaba Cloud Linux 3 itself.
 * - [libxcrypt] besser82/libxcrypt NEWS: yescrypt (`$y$`) from 4.2.0; bcrypt variants selectable at build
 *   time from 4.3.1. So `$y$` is not verified by 4.1.1, and bcrypt on 4.1.1 depends on the build: not claimed.
 * - [glibc-crypt] glibc 2.17's own crypt(): `$1$`, `$5$`, `$6$` (SHA-crypt since glibc 2.7), no bcrypt.
 * - [nginx-auth] https://nginx.org/r/auth_basic and src/core/ngx_crypt.c: nginx checks `$apr1$`, {PLAIN},
 *   {SHA}, {SSHA} itself and every other scheme with the C library's crypt().
 * - [os-release] public `/etc/os-release` transcripts of Alibaba Cloud Linux 3: `ID="alinux"`, `VERSION_ID="3"`,
 *   `ID_LIKE="rhel fedora centos anolis"`, `PLATFORM_ID="platform:al8"`.
 * - [ecs-selinux] Alibaba Cloud ECS usage notes, https://www.alibabacloud.com/help/doc-detail/25430.htm
 *   ("Do not enable SELinux"): disabled on the public images, but a deployer may enable it.
 * - [cuda-drivers] NVIDIA CUDA Toolkit release notes, table "CUDA Toolkit and Corresponding Driver Versions",
 *   https://docs.nvidia.com/cuda/archive/12.4.0/cuda-toolkit-release-notes : CUDA 12.4 GA needs driver
 *   >= 550.54.14; CUDA 11.x runs on >= 450.80.02 (minor version compatibility).
 * - [centos-eol] CentOS 7 reached its end of life on 2024-06-30 (CentOS project; Alibaba Cloud's CentOS EOL
 *   guidance linked from [acl3-vs-c7]).
 */

/** How packages are installed on a base. */
export enum PackageManager {
  /** dnf (RHEL 8 family); fails on a missing package name by default. */
  DNF = 'dnf',
  /** yum (RHEL 7 family); skips a missing name and still exits 0, so every install must be checked. */
  YUM = 'yum',
  /** apt-get (Debian family). */
  APT = 'apt',
}

/**
 * A password hash scheme of crypt(3), as written into an htpasswd file. nginx checks these with the C
 * library's crypt() [nginx-auth], so a scheme works only on a base whose crypt() knows it.
 */
export enum CryptScheme {
  /** SHA-512 crypt, `$6$` (glibc since 2.7, every libxcrypt). */
  SHA512_CRYPT = 'sha512-crypt',
  /** bcrypt, `$2y$` / `$2b$` (libxcrypt where built with it; not glibc's own crypt()). */
  BCRYPT = 'bcrypt',
  /** yescrypt, `$y$` (libxcrypt 4.2.0 or later). */
  YESCRYPT = 'yescrypt',
}

/** The hash prefix of a {@link CryptScheme}, e.g. `$6$`. */
export function cryptSchemePrefix(scheme: CryptScheme): string {
  switch (scheme) {
    case CryptScheme.SHA512_CRYPT: return '$6$';
    case CryptScheme.BCRYPT: return '$2y$';
    case CryptScheme.YESCRYPT: return '$y$';
    default: throw new Error(`cryptSchemePrefix: unknown scheme '${String(scheme)}'.`);
  }
}

/** The distribution package names a build installs (empty string: the base has no such package). */
export interface OsPackageNames {
  /** nginx. */
  readonly nginx: string;
  /** The package with `htpasswd` (httpd-tools on RHEL, apache2-utils on Debian). */
  readonly htpasswd: string;
  /** git. */
  readonly git: string;
  /** curl. */
  readonly curl: string;
  /** The `openssl` program. */
  readonly openssl: string;
  /** The Python interpreter and whatever makes `-m venv` work (may be several names). */
  readonly python: readonly string[];
  /** The SELinux tools a deploy script uses where SELinux is enforcing (`semanage`, `restorecon`); [] without SELinux. */
  readonly selinuxTools: readonly string[];
  /** Anything else the build needs on this base (CA certificates, compilers for a legacy source build). */
  readonly extra: readonly string[];
}

/** The GPU driver a base provides or a build installs, and the CUDA it runs. */
export interface OsGpuDriver {
  /** Driver branch or version the base is stated to have, e.g. `550`. */
  readonly driverVersion: string;
  /** Highest CUDA version that driver runs, e.g. `12.4`. */
  readonly cudaVersion: string;
  /** Lowest driver version the build accepts (`nvidia-smi` is checked against it), e.g. `550.54.14`. */
  readonly minDriverVersion: string;
  /** Packages that install the driver in the build; [] when the source image already has it. */
  readonly packages: readonly string[];
}

/** nginx as packaged on a base. */
export interface OsNginx {
  /** The user nginx's workers run as (`user` in nginx.conf). */
  readonly user: string;
  /** A directory nginx.conf includes `*.conf` from, inside `http {}`. */
  readonly confDir: string;
  /** nginx.conf. */
  readonly mainConf: string;
  /** Packaged version. */
  readonly version: string;
}

/** Versions of what runs on a base: for checks of scripts that must run there. */
export interface OsToolVersions {
  /** bash, `major.minor`. */
  readonly bash: string;
  /** curl. */
  readonly curl: string;
  /** systemd (a whole number). */
  readonly systemd: number;
  /** glibc. */
  readonly glibc: string;
  /** Kernel of the base's images. */
  readonly kernel: string;
  /** OpenSSL. */
  readonly openssl: string;
  /** libxcrypt, or '' where crypt() is glibc's own. */
  readonly libxcrypt: string;
}

/** Everything {@link OsBase.of} needs to describe a base. */
export interface OsBaseSpec {
  /** Stable identifier, e.g. `alinux3`: lower-case letters and digits. */
  readonly key: string;
  /** Name for people, e.g. `Alibaba Cloud Linux 3`. */
  readonly displayName: string;
  /** `ID` of /etc/os-release, e.g. `alinux`. */
  readonly osReleaseId: string;
  /** `VERSION_ID` of /etc/os-release (or its major part), e.g. `3`, `22.04`. */
  readonly osReleaseVersionId: string;
  /** config.yaml ImageBuilder SourceImageId: an OOS public parameter reference or an image id. */
  readonly sourceImageId: string;
  /** How packages are installed. */
  readonly packageManager: PackageManager;
  /** Package names. */
  readonly packages: OsPackageNames;
  /** The GPU driver and CUDA. */
  readonly gpu: OsGpuDriver;
  /** nginx. */
  readonly nginx: OsNginx;
  /** The interpreter the image's Python environment is made from, e.g. `/usr/bin/python3.11`. */
  readonly pythonCommand: string;
  /** Its version, `major.minor` or exact. */
  readonly pythonVersion: string;
  /**
   * Whether Python and OpenSSL must be built from pinned, checksummed sources because the base ships no
   * supported version (CentOS 7 only).
   * @default false
   */
  readonly buildsPythonFromSource?: boolean;
  /** The `openssl` program that hashes with `passwd -6` (OpenSSL 1.1.1 or later). */
  readonly opensslPath: string;
  /** Whether the base ships SELinux, so a deploy script must cope with it enforcing. */
  readonly selinux: boolean;
  /** The schemes the base's crypt() is known to verify. */
  readonly cryptSchemes: readonly CryptScheme[];
  /** The scheme an htpasswd file gets on this base: the strongest of cryptSchemes a deploy script can make. */
  readonly htpasswdScheme: CryptScheme;
  /** Versions of what runs there. */
  readonly tools: OsToolVersions;
  /**
   * End of life (YYYY-MM-DD) for a legacy base; choosing it prints a warning.
   * @default - supported
   */
  readonly endOfLife?: string;
  /** Where each fact comes from. */
  readonly sources: readonly string[];
}

const KEY = /^[a-z][a-z0-9]*$/;
const PACKAGE = /^[a-z0-9][a-z0-9.+_-]*$/;
const ABS_PATH = /^\/[A-Za-z0-9._/-]+$/;
const VERSION = /^[0-9]+(\.[0-9]+)*$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const SOURCE_IMAGE = /^(\{\{oos:[A-Za-z0-9_./-]+\}\}|[A-Za-z0-9_.-]+)$/;

function fail(prop: string, value: unknown, fix: string): never {
  throw new Error(`OsBase.of: prop '${prop}' ${JSON.stringify(value)} is not allowed: ${fix}.`);
}

function match(prop: string, value: unknown, pattern: RegExp, fix: string): void {
  if (typeof value !== 'string' || !pattern.test(value)) fail(prop, value, fix);
}

/** Warnings already printed in this process (one per base and owner). */
const printedWarnings = new Set<string>();

/**
 * An operating system an ECS image is built on. Use {@link OsBase.ALIBABA_CLOUD_LINUX_3} (the default),
 * {@link OsBase.UBUNTU_22_04}, the legacy {@link OsBase.CENTOS_7}, or describe another with
 * {@link OsBase.of}.
 */
export class OsBase {
  /**
   * Alibaba Cloud Linux 3 (2104 LTS), a RHEL 8-family system, on Compute Nest's GPU build image
   * (CUDA 12.4) [cn-gpu-image]: nginx 1.20.1 [acl3-vs-c7], Python 3.11 from the base's `python3.11`
   * package [acl3-vs-c7], OpenSSL 1.1.1k, libxcrypt 4.1.1 [el8] (SHA-512 crypt; bcrypt not claimed,
   * yescrypt absent [libxcrypt]).
   */
  public static readonly ALIBABA_CLOUD_LINUX_3 = new OsBase({
    key: 'alinux3',
    displayName: 'Alibaba Cloud Linux 3',
    osReleaseId: 'alinux',
    osReleaseVersionId: '3',
    sourceImageId: '{{oos:aliyun/services/computenest/images/aliyun_3_2104_docker_26_gpu_cuda_12_4_60g}}',
    packageManager: PackageManager.DNF,
    packages: {
      nginx: 'nginx',
      htpasswd: 'httpd-tools',
      git: 'git',
      curl: 'curl',
      openssl: 'openssl',
      python: ['python3.11', 'python3.11-pip'],
      selinuxTools: ['policycoreutils', 'policycoreutils-python-utils'],
      extra: ['ca-certificates', 'tar'],
    },
    gpu: { driverVersion: '550', cudaVersion: '12.4', minDriverVersion: '550.54.14', packages: [] },
    nginx: { user: 'nginx', confDir: '/etc/nginx/conf.d', mainConf: '/etc/nginx/nginx.conf', version: '1.20.1' },
    pythonCommand: '/usr/bin/python3.11',
    pythonVersion: '3.11',
    opensslPath: '/usr/bin/openssl',
    selinux: true,
    cryptSchemes: [CryptScheme.SHA512_CRYPT],
    htpasswdScheme: CryptScheme.SHA512_CRYPT,
    tools: {
      bash: '4.4', curl: '7.61.1', systemd: 239, glibc: '2.32', kernel: '5.10.134', openssl: '1.1.1k', libxcrypt: '4.1.1',
    },
    sources: ['acl3-vs-c7', 'cn-gpu-image', 'el8', 'libxcrypt', 'os-release', 'ecs-selinux', 'cuda-drivers'],
  });

  /**
   * Ubuntu 22.04 LTS on the ECS public image [sdk-source-image]; the build installs the NVIDIA 550 server
   * driver from Ubuntu's restricted archive [jammy]. nginx 1.18.0, Python 3.10, OpenSSL 3.0.2, libxcrypt
   * 4.4.27 (SHA-512 crypt, bcrypt and yescrypt) [jammy][libxcrypt]; htpasswd files get bcrypt.
   */
  public static readonly UBUNTU_22_04 = new OsBase({
    key: 'ubuntu2204',
    displayName: 'Ubuntu 22.04',
    osReleaseId: 'ubuntu',
    osReleaseVersionId: '22.04',
    sourceImageId: 'ubuntu_22_04_x64_20G_alibase_20240926.vhd',
    packageManager: PackageManager.APT,
    packages: {
      nginx: 'nginx',
      htpasswd: 'apache2-utils',
      git: 'git',
      curl: 'curl',
      openssl: 'openssl',
      python: ['python3', 'python3-venv'],
      selinuxTools: [],
      extra: ['ca-certificates'],
    },
    gpu: {
      driverVersion: '550.163.01',
      cudaVersion: '12.4',
      minDriverVersion: '550.54.14',
      packages: ['nvidia-driver-550-server', 'nvidia-utils-550-server'],
    },
    nginx: { user: 'www-data', confDir: '/etc/nginx/conf.d', mainConf: '/etc/nginx/nginx.conf', version: '1.18.0' },
    pythonCommand: '/usr/bin/python3',
    pythonVersion: '3.10',
    opensslPath: '/usr/bin/openssl',
    selinux: false,
    cryptSchemes: [CryptScheme.SHA512_CRYPT, CryptScheme.BCRYPT, CryptScheme.YESCRYPT],
    htpasswdScheme: CryptScheme.BCRYPT,
    tools: {
      bash: '5.1', curl: '7.81.0', systemd: 249, glibc: '2.35', kernel: '5.15', openssl: '3.0.2', libxcrypt: '4.4.27',
    },
    sources: ['sdk-source-image', 'jammy', 'libxcrypt', 'nginx-auth', 'cuda-drivers'],
  });

  /**
   * CentOS 7, LEGACY: end of life 2024-06-30 [centos-eol]. Only for stacks made from the reference
   * template, whose image is the reference's CentOS 7.6 GPU base [reference]: glibc 2.17's crypt() knows
   * SHA-512 crypt but not bcrypt [glibc-crypt]; OpenSSL 1.0.2 lacks `passwd -6`, so OpenSSL 1.1.1w and
   * Python 3.10 are built from pinned, checksummed sources into /usr/local; bash 4.2, curl 7.29, systemd 219.
   */
  public static readonly CENTOS_7 = new OsBase({
    key: 'centos7',
    displayName: 'CentOS 7',
    osReleaseId: 'centos',
    osReleaseVersionId: '7',
    sourceImageId: '{{oos:aliyun/services/computenest/images/centos_7_6_gpu_base}}',
    packageManager: PackageManager.YUM,
    packages: {
      nginx: 'nginx',
      htpasswd: 'httpd-tools',
      git: 'git',
      curl: 'curl',
      openssl: 'openssl',
      python: [],
      selinuxTools: ['policycoreutils', 'policycoreutils-python'],
      extra: ['ca-certificates', 'tar', 'gcc', 'make', 'perl', 'zlib-devel', 'bzip2-devel', 'libffi-devel', 'xz-devel', 'sqlite-devel'],
    },
    gpu: { driverVersion: 'unknown (the reference image)', cudaVersion: '11.7', minDriverVersion: '450.80.02', packages: [] },
    nginx: { user: 'nginx', confDir: '/etc/nginx/conf.d', mainConf: '/etc/nginx/nginx.conf', version: '1.20.1' },
    pythonCommand: '/usr/local/python3/bin/python3',
    pythonVersion: '3.10.13',
    buildsPythonFromSource: true,
    opensslPath: '/usr/local/openssl/bin/openssl',
    selinux: true,
    cryptSchemes: [CryptScheme.SHA512_CRYPT],
    htpasswdScheme: CryptScheme.SHA512_CRYPT,
    tools: {
      bash: '4.2', curl: '7.29.0', systemd: 219, glibc: '2.17', kernel: '3.10.0-1160', openssl: '1.0.2k', libxcrypt: '',
    },
    endOfLife: '2024-06-30',
    sources: ['reference', 'acl3-vs-c7', 'glibc-crypt', 'centos-eol', 'cuda-drivers'],
  });

  /** Every built-in base: the supported ones first (the default first), then the legacy one. */
  public static readonly ALL: readonly OsBase[] = Object.freeze([
    OsBase.ALIBABA_CLOUD_LINUX_3, OsBase.UBUNTU_22_04, OsBase.CENTOS_7,
  ]);

  /** The default base of new image builds and stacks. */
  public static get DEFAULT(): OsBase {
    return OsBase.ALIBABA_CLOUD_LINUX_3;
  }

  /** Describes another base; every field is checked so it can go into a shell script quoted. */
  public static of(spec: OsBaseSpec): OsBase {
    return new OsBase(spec);
  }

  /** A built-in base by its key (`alinux3`, `ubuntu2204`, `centos7`). */
  public static fromKey(key: string): OsBase | undefined {
    return OsBase.ALL.find((b) => b.key === key);
  }

  /** The built-in base whose source image is `sourceImageId`, if any. */
  public static fromSourceImageId(sourceImageId: string): OsBase | undefined {
    return OsBase.ALL.find((b) => b.sourceImageId === sourceImageId);
  }

  /**
   * The oldest tool versions among `bases`: what a script that must run on all of them may rely on
   * (e.g. bash 4.2, curl 7.29.0 and systemd 219 when CentOS 7 is among them).
   */
  public static oldestTools(bases: readonly OsBase[]): { bash: string; curl: string; systemd: number } {
    if (bases.length === 0) throw new Error('OsBase.oldestTools: bases is empty; give at least one base.');
    const older = (a: string, b: string) => (compareVersions(a, b) <= 0 ? a : b);
    return bases.slice(1).reduce((acc, b) => ({
      bash: older(acc.bash, b.tools.bash),
      curl: older(acc.curl, b.tools.curl),
      systemd: Math.min(acc.systemd, b.tools.systemd),
    }), { bash: bases[0].tools.bash, curl: bases[0].tools.curl, systemd: bases[0].tools.systemd });
  }

  /** Stable identifier. */
  public readonly key: string;
  /** Name for people. */
  public readonly displayName: string;
  /** `ID` of /etc/os-release. */
  public readonly osReleaseId: string;
  /** `VERSION_ID` of /etc/os-release (or its major part). */
  public readonly osReleaseVersionId: string;
  /** config.yaml ImageBuilder SourceImageId. */
  public readonly sourceImageId: string;
  /** Package manager. */
  public readonly packageManager: PackageManager;
  /** Package names. */
  public readonly packages: OsPackageNames;
  /** GPU driver and CUDA. */
  public readonly gpu: OsGpuDriver;
  /** nginx. */
  public readonly nginx: OsNginx;
  /** The interpreter the image's Python environment is made from. */
  public readonly pythonCommand: string;
  /** Its version. */
  public readonly pythonVersion: string;
  /** Whether Python and OpenSSL are built from pinned sources (legacy CentOS 7). */
  public readonly buildsPythonFromSource: boolean;
  /** The `openssl` program with `passwd -6`. */
  public readonly opensslPath: string;
  /** Whether the base ships SELinux. */
  public readonly selinux: boolean;
  /** The schemes crypt() verifies. */
  public readonly cryptSchemes: readonly CryptScheme[];
  /** The scheme htpasswd files get on this base. */
  public readonly htpasswdScheme: CryptScheme;
  /** Tool versions. */
  public readonly tools: OsToolVersions;
  /** End of life of a legacy base, or undefined. */
  public readonly endOfLife?: string;
  /** Source keys of the facts. */
  public readonly sources: readonly string[];

  private constructor(spec: OsBaseSpec) {
    match('key', spec.key, KEY, "give lower-case letters and digits starting with a letter, e.g. 'alinux3'");
    if (typeof spec.displayName !== 'string' || !/^[A-Za-z0-9 ._()-]{1,64}$/.test(spec.displayName)) {
      fail('displayName', spec.displayName, 'give 1 to 64 letters, digits, spaces or ._()-');
    }
    match('osReleaseId', spec.osReleaseId, /^[a-z0-9._-]+$/, "give the ID of /etc/os-release, e.g. 'ubuntu'");
    match('osReleaseVersionId', spec.osReleaseVersionId, VERSION, "give the VERSION_ID of /etc/os-release, e.g. '22.04'");
    match('sourceImageId', spec.sourceImageId, SOURCE_IMAGE, "give an image id or '{{oos:<public parameter name>}}'");
    if (!Object.values(PackageManager).includes(spec.packageManager)) {
      fail('packageManager', spec.packageManager, `give one of ${Object.values(PackageManager).join(', ')}`);
    }
    const p = spec.packages;
    if (p === undefined || p === null) fail('packages', p, 'give the package names');
    for (const name of ['nginx', 'htpasswd', 'git', 'curl', 'openssl'] as const) {
      match(`packages.${name}`, p[name], PACKAGE, 'give a distribution package name');
    }
    for (const name of ['python', 'selinuxTools', 'extra'] as const) {
      if (!Array.isArray(p[name])) fail(`packages.${name}`, p[name], 'give a list of package names');
      p[name].forEach((n, i) => match(`packages.${name}[${i}]`, n, PACKAGE, 'give a distribution package name'));
    }
    const gpu = spec.gpu;
    if (gpu === undefined || gpu === null) fail('gpu', gpu, 'give the driver and CUDA versions');
    match('gpu.cudaVersion', gpu.cudaVersion, VERSION, "give a CUDA version such as '12.4'");
    match('gpu.minDriverVersion', gpu.minDriverVersion, VERSION, "give a driver version such as '550.54.14'");
    if (typeof gpu.driverVersion !== 'string' || gpu.driverVersion.length === 0) {
      fail('gpu.driverVersion', gpu.driverVersion, "state the driver the base has, e.g. '550'");
    }
    if (!Array.isArray(gpu.packages)) fail('gpu.packages', gpu.packages, 'give a list of package names ([] if the image has the driver)');
    gpu.packages.forEach((n, i) => match(`gpu.packages[${i}]`, n, PACKAGE, 'give a distribution package name'));
    const nginx = spec.nginx;
    if (nginx === undefined || nginx === null) fail('nginx', nginx, 'give the nginx user and paths');
    match('nginx.user', nginx.user, /^[a-z_][a-z0-9_-]*$/, "give a user name such as 'nginx'");
    match('nginx.confDir', nginx.confDir, ABS_PATH, 'give an absolute path');
    match('nginx.mainConf', nginx.mainConf, ABS_PATH, 'give an absolute path');
    match('pythonCommand', spec.pythonCommand, ABS_PATH, 'give an absolute path');
    match('pythonVersion', spec.pythonVersion, VERSION, "give a version such as '3.11'");
    match('opensslPath', spec.opensslPath, ABS_PATH, 'give an absolute path');
    if (typeof spec.selinux !== 'boolean') fail('selinux', spec.selinux, 'give true or false');
    const schemes = Object.values(CryptScheme);
    if (!Array.isArray(spec.cryptSchemes) || spec.cryptSchemes.length === 0
      || spec.cryptSchemes.some((s) => !schemes.includes(s))) {
      fail('cryptSchemes', spec.cryptSchemes, `give a non-empty list of ${schemes.join(', ')}`);
    }
    if (!spec.cryptSchemes.includes(spec.htpasswdScheme)) {
      fail('htpasswdScheme', spec.htpasswdScheme, `give one of the base's cryptSchemes (${spec.cryptSchemes.join(', ')})`);
    }
    if (spec.htpasswdScheme === CryptScheme.YESCRYPT) {
      fail('htpasswdScheme', spec.htpasswdScheme, 'give sha512-crypt or bcrypt: no tool of the deploy script makes yescrypt hashes');
    }
    const t = spec.tools;
    if (t === undefined || t === null) fail('tools', t, 'give the tool versions');
    match('tools.bash', t.bash, VERSION, "give 'major.minor', e.g. '4.2'");
    match('tools.curl', t.curl, VERSION, "give a version such as '7.29.0'");
    if (!Number.isInteger(t.systemd) || t.systemd < 1) fail('tools.systemd', t.systemd, 'give a whole number such as 219');
    if (spec.endOfLife !== undefined) match('endOfLife', spec.endOfLife, DATE, "give a date 'YYYY-MM-DD'");
    if (!Array.isArray(spec.sources) || spec.sources.length === 0) fail('sources', spec.sources, 'cite where the facts come from');

    this.key = spec.key;
    this.displayName = spec.displayName;
    this.osReleaseId = spec.osReleaseId;
    this.osReleaseVersionId = spec.osReleaseVersionId;
    this.sourceImageId = spec.sourceImageId;
    this.packageManager = spec.packageManager;
    this.packages = Object.freeze({
      ...p, python: Object.freeze([...p.python]), selinuxTools: Object.freeze([...p.selinuxTools]), extra: Object.freeze([...p.extra]),
    });
    this.gpu = Object.freeze({ ...gpu, packages: Object.freeze([...gpu.packages]) });
    this.nginx = Object.freeze({ ...nginx });
    this.pythonCommand = spec.pythonCommand;
    this.pythonVersion = spec.pythonVersion;
    this.buildsPythonFromSource = spec.buildsPythonFromSource ?? false;
    this.opensslPath = spec.opensslPath;
    this.selinux = spec.selinux;
    this.cryptSchemes = Object.freeze([...spec.cryptSchemes]);
    this.htpasswdScheme = spec.htpasswdScheme;
    this.tools = Object.freeze({ ...t });
    this.endOfLife = spec.endOfLife;
    this.sources = Object.freeze([...spec.sources]);
  }

  /** Whether this is a legacy base (past its end of life). */
  public get legacy(): boolean {
    return this.endOfLife !== undefined;
  }

  /**
   * Every package the image build installs on this base, in install order (system packages, then the
   * SELinux tools); the GPU driver packages are separate ({@link OsGpuDriver.packages}).
   */
  public get systemPackages(): readonly string[] {
    const p = this.packages;
    return [...new Set([p.nginx, p.htpasswd, p.git, p.curl, p.openssl, ...p.python, ...p.selinuxTools, ...p.extra])];
  }

  /** Whether nginx on this base can check an htpasswd hash of `scheme`. */
  public verifiesCrypt(scheme: CryptScheme): boolean {
    return this.cryptSchemes.includes(scheme);
  }

  /**
   * Throws when this base's crypt() cannot verify `scheme`: nginx would answer 500 to every login.
   * @param owner who asks, e.g. `QwenChatStack`
   * @param prop the prop that chose the scheme, e.g. `passwordHash`
   */
  public assertVerifiesCrypt(owner: string, prop: string, scheme: CryptScheme): void {
    if (!this.verifiesCrypt(scheme)) {
      throw new Error(`${owner}: prop '${prop}' '${scheme}' is not allowed on ${this.displayName}: its crypt() verifies only `
        + `${this.cryptSchemes.join(', ')}, so nginx would answer 500 to every login. Use '${this.htpasswdScheme}' or another base.`);
    }
  }

  /**
   * For a legacy base: records a warning on `scope` (construct metadata, which the ROS CDK toolkit shows)
   * and prints it once per owner on stderr, naming the end-of-life date. Does nothing for a supported base.
   * @returns the warning text, or undefined
   */
  public warnIfLegacy(owner: string, scope?: { node: { addWarning(message: string): void } }): string | undefined {
    if (!this.legacy) return undefined;
    const message = `${owner}: ${this.displayName} reached its end of life on ${this.endOfLife}: no security fixes for its kernel, `
      + 'glibc, nginx or curl. It is kept only for stacks made from the reference template; build new images on '
      + 'Alibaba Cloud Linux 3 (OsBase.ALIBABA_CLOUD_LINUX_3) or Ubuntu 22.04 (OsBase.UBUNTU_22_04).';
    scope?.node.addWarning(message);
    const once = `${this.key}\u0000${owner}`;
    if (!printedWarnings.has(once)) {
      printedWarnings.add(once);
      process.stderr.write(`[WARNING] ${message}\n`);
    }
    return message;
  }

  /** The display name. */
  public toString(): string {
    return this.displayName;
  }
}

/** Compares dotted numeric versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
