/**
 * assets/image-build.sh and the CommandContent rendered from it, run for real on this Debian machine, step by
 * step: everything up to what needs the base's own repositories, a GPU, PyPI or the model hub.
 *
 * Stand-ins (each says so): an `nvidia-smi` script printing a given driver and CUDA version (no GPU here), an
 * https server on 127.0.0.1 with a certificate made for the test (the downloads' checksum checks), a local git
 * repository as the demo repo, a tiny tarball as the model, an os-release file naming the base.
 */
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { QwenModel } from '../../lib/compute/models';
import { OsBase } from '../../lib/image/os-base';
import { imageBuildScriptParameters, renderImageBuildScript } from '../../lib/qwen-chat/image-build-script';
import { requireTool } from '../support/tools';

const SCRIPT = path.join(__dirname, '../../assets/image-build.sh');
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

interface Run { code: number | null; stdout: string; stderr: string; ms: number; work: string }

/** Runs `file` (the asset by default) asynchronously: the stand-in servers live in this process's event loop. */
function runScript(env: Record<string, string>, file = SCRIPT): Promise<Run> {
  const work = tmp('img-build-');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', [file], {
      env: { PATH: SYSTEM_PATH, HOME: '/root', WORK_DIR: work, APP_LOG: path.join(work, 'app.log'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started, work }));
  });
}

/** An os-release file naming `base` (stand-in for the image's /etc/os-release). */
function osRelease(base: OsBase): string {
  const file = path.join(tmp('os-release-'), 'os-release');
  fs.writeFileSync(file, `NAME="${base.displayName}"\nID="${base.osReleaseId}"\nVERSION_ID="${base.osReleaseVersionId}"\n`
    + `PRETTY_NAME="${base.displayName} (stand-in os-release)"\n`);
  return file;
}

/** A stand-in `nvidia-smi` (no GPU here) answering like the real one for `driver` and `cuda`; returns its directory. */
function standInNvidiaSmi(driver: string, cuda: string): string {
  const dir = tmp('nvidia-smi-');
  fs.writeFileSync(path.join(dir, 'nvidia-smi'), [
    '#!/bin/bash',
    '# STAND-IN for nvidia-smi: no GPU on this machine; prints what the real one prints for the given versions.',
    'case "$*" in',
    `  *--query-gpu=*) echo '${driver}, NVIDIA A10, 23028 MiB' ;;`,
    `  '') printf '%s\\n' '| NVIDIA-SMI ${driver}   Driver Version: ${driver}   CUDA Version: ${cuda}     |' ;;`,
    '  *) exit 2 ;;',
    'esac',
    '',
  ].join('\n'), { mode: 0o755 });
  return dir;
}

/** An https server on 127.0.0.1 with a certificate made for the test; curl trusts it through CURL_CA_BUNDLE. */
async function standInHttps(files: Record<string, Buffer>): Promise<{ url: string; caFile: string; close: () => void }> {
  const dir = tmp('https-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    const body = files[req.url ?? ''];
    res.statusCode = body ? 200 : 404;
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`, caFile: cert, close: () => server.close() };
}

/** A local git repository with app.py (stand-in for the ModelScope studio repo); returns its path and commit. */
function standInAppRepo(): { repo: string; commit: string } {
  const repo = tmp('studio-repo-');
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git('init', '-q', '-b', 'master');
  fs.writeFileSync(path.join(repo, 'app.py'), 'print("stand-in demo app")\n');
  git('add', 'app.py');
  git('commit', '-q', '-m', 'stand-in app');
  return { repo, commit: git('rev-parse', 'HEAD') };
}

/** A tiny model tarball `<name>/{config.json, model.safetensors, .mdl}` (stand-in for the ModelScope download). */
function modelTarball(name: string, extra: Record<string, string> = {}): { tar: Buffer; files: Record<string, string> } {
  const dir = tmp('model-');
  const files: Record<string, string> = { 'config.json': '{"model_type": "qwen"}\n', 'model.safetensors': 'weights\n', ...extra };
  fs.mkdirSync(path.join(dir, name));
  for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name, f), content);
  fs.writeFileSync(path.join(dir, name, '.mdl'), 'modelscope client metadata\n');
  const tarFile = path.join(dir, 'model.tar');
  const r = spawnSync('tar', ['-cf', tarFile, '-C', dir, name]);
  if (r.status !== 0) throw new Error('tar failed');
  return { tar: fs.readFileSync(tarFile), files: Object.fromEntries(Object.entries(files).map(([f, c]) => [f, sha256(c)])) };
}

describe('assets/image-build.sh', () => {
  let stderrSpy: jest.SpyInstance;
  beforeAll(() => {
    requireTool('curl', 'curl');
    requireTool('shellcheck', 'shellcheck');
    requireTool('nginx', 'nginx-light');
    requireTool('htpasswd', 'apache2-utils');
    requireTool('openssl', 'openssl');
    requireTool('git', 'git');
    requireTool('apt-get', 'apt');
    // The CentOS 7 rendering prints its end-of-life warning; keep the test output readable.
    stderrSpy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(() => stderrSpy.mockRestore());

  const rendered = (base: OsBase): string => {
    const file = path.join(tmp(`rendered-${base.key}-`), 'image-build-command.sh');
    fs.writeFileSync(file, renderImageBuildScript({ osBase: base }));
    return file;
  };

  describe('static checks, the asset and the CommandContent of each base', () => {
    test('bash -n and shellcheck -S warning: the asset', () => {
      const n = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
      expect([n.status, n.stderr]).toEqual([0, '']);
      const sc = spawnSync('shellcheck', ['-S', 'warning', SCRIPT], { encoding: 'utf8' });
      expect([sc.status, sc.stdout]).toEqual([0, '']);
    });

    test.each(OsBase.ALL.map((b) => [b.key, b] as const))('bash -n and shellcheck -S warning: the CommandContent for %s and the script it unpacks', (_k, base) => {
      const file = rendered(base);
      const body = path.join(path.dirname(file), 'body.sh');
      const unpack = spawnSync('bash', ['-c', `sed -n '/^H4sI/,/^IMAGE_BUILD_SH$/p' "$1" | sed '$d' | base64 -d | gunzip > "$2"`, 'unpack', file, body]);
      expect(unpack.status).toBe(0);
      for (const f of [file, body]) {
        const n = spawnSync('bash', ['-n', f], { encoding: 'utf8' });
        expect([f, n.status, n.stderr]).toEqual([f, 0, '']);
        const sc = spawnSync('shellcheck', ['-S', 'warning', f], { encoding: 'utf8' });
        expect([f, sc.status, sc.stdout]).toEqual([f, 0, '']);
      }
    });

    test('hardening: strict mode, no insecure downloads, checksums, no placeholder braces', () => {
      const text = fs.readFileSync(SCRIPT, 'utf8');
      expect(text).toMatch(/^set -euo pipefail$/m);
      expect(text).not.toMatch(/--no-check-certificate|--insecure|curl -k\b|wget /);
      expect(text).toMatch(/sha256sum -c/);
      expect(text).toMatch(/--proto '=https'/);
      expect(text).not.toMatch(/\$\{|\{\{/);
    });
  });

  describe('preflight: the CommandContent unpacks, checks its sha256 and runs on the base it was rendered for', () => {
    test.each(OsBase.ALL.map((b) => [b.key, b] as const))('%s: runs on its own base, says which pins are missing', async (_k, base) => {
      const r = await runScript({ IMAGE_BUILD_STEPS: 'preflight', OS_RELEASE_FILE: osRelease(base) }, rendered(base));
      expect(r.stderr).toContain(`[image-build] base ${base.key}: ${base.osReleaseId} ${base.osReleaseVersionId}\n`);
      expect(r.stderr).toContain('[image-build] WARNING: UNPINNED app: no APP_COMMIT');
      expect(r.stderr).toContain('[image-build] WARNING: UNPINNED python-packages: no PIP_LOCK_URL');
      expect(r.code).toBe(0);
    });

    test('refuses an image of another base (this Debian machine)', async () => {
      const r = await runScript({ IMAGE_BUILD_STEPS: 'preflight' }, rendered(OsBase.UBUNTU_22_04));
      expect(r.stderr).toMatch(/ERROR: this script was rendered for ubuntu2204 \(ubuntu 22.04\) but the image is 'debian' '12'/);
      expect(r.code).toBe(1);
    });

    test('a corrupted carried script is refused before it runs', async () => {
      const file = rendered(OsBase.ALIBABA_CLOUD_LINUX_3);
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.replace(/^(printf '%s {2}%s\\n' ')([0-9a-f])/m, (_m, a, c) => `${a}${c === '0' ? '1' : '0'}`));
      const r = await runScript({ IMAGE_BUILD_STEPS: 'preflight' }, file);
      expect(r.stderr).toContain('image build script corrupted in transit');
      expect(r.code).toBe(1);
    });
  });

  describe('packages', () => {
    test('Ubuntu 22.04: the package list resolves with apt-get install --simulate (on Debian 12: the names, not jammy\'s versions)', async () => {
      const r = await runScript({ IMAGE_BUILD_STEPS: 'packages', PKG_DRY_RUN: '1' }, rendered(OsBase.UBUNTU_22_04));
      expect(r.stderr).toContain('[image-build] done: packages');
      expect(r.stdout).toMatch(/[0-9]+ upgraded, [0-9]+ newly installed, [0-9]+ to remove/);
      expect(r.code).toBe(0);
    });

    test('a RHEL package name on apt does not resolve: the install fails', async () => {
      const r = await runScript({ IMAGE_BUILD_STEPS: 'packages', PKG_DRY_RUN: '1', PKG_MANAGER: 'apt', SYSTEM_PACKAGES: 'curl httpd-tools' });
      expect(r.stderr).toMatch(/Unable to locate package httpd-tools/);
      expect(r.code).not.toBe(0);
    });

    test('verify_packages records each installed package with its version and fails naming a missing one', async () => {
      const ok = await runScript({ IMAGE_BUILD_STEPS: 'verify_packages', PKG_MANAGER: 'apt', SYSTEM_PACKAGES: 'apache2-utils openssl curl', GPU_DRIVER_PACKAGES: '' });
      expect(ok.stderr).toContain('[image-build] all 3 packages installed; commands on PATH: nginx htpasswd curl');
      expect(ok.code).toBe(0);
      expect(fs.readFileSync(path.join(ok.work, 'packages.txt'), 'utf8')).toMatch(/^apache2-utils \S+\nopenssl \S+\ncurl \S+\n$/);
      const missing = await runScript({ IMAGE_BUILD_STEPS: 'verify_packages', PKG_MANAGER: 'apt', SYSTEM_PACKAGES: 'curl httpd-tools', GPU_DRIVER_PACKAGES: 'nvidia-utils-550-server' });
      expect(missing.stderr).toContain('ERROR: packages not installed after the install step: httpd-tools nvidia-utils-550-server');
      expect(missing.code).toBe(1);
      const tool = await runScript({ IMAGE_BUILD_STEPS: 'verify_packages', PKG_MANAGER: 'apt', SYSTEM_PACKAGES: 'curl', GPU_DRIVER_PACKAGES: '', IMAGE_TOOLS: 'curl no-such-tool' });
      expect(tool.stderr).toContain('ERROR: the image layout promises these commands to the deploy script, but they are not on PATH: no-such-tool');
      expect(tool.code).toBe(1);
    });
  });

  describe('gpu_check (stand-in nvidia-smi)', () => {
    test.each([
      ['550.163.01', '12.4', '550.54.14', '11.7', 0, 'GPU: 550.163.01, NVIDIA A10, 23028 MiB; CUDA 12.4'],
      ['535.161.08', '12.2', '550.54.14', '11.7', 1, "ERROR: NVIDIA driver '535.161.08' is older than 550.54.14, the driver this base is stated to have"],
      ['470.82.01', '11.4', '450.80.02', '11.7', 1, "ERROR: the driver runs CUDA '11.4', older than the 11.7 the Python packages need"],
    ])('driver %s CUDA %s, minimum %s / CUDA %s -> exit %i', async (driver, cuda, min, cudaMin, code, message) => {
      const r = await runScript({
        IMAGE_BUILD_STEPS: 'gpu_check', GPU_DRIVER_MIN: min, CUDA_MIN: cudaMin, PATH: `${standInNvidiaSmi(driver, cuda)}:${SYSTEM_PATH}`,
      });
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(code);
      if (code === 0) expect(fs.readFileSync(path.join(r.work, 'gpu.txt'), 'utf8')).toBe(`${driver}, NVIDIA A10, 23028 MiB\ndriver ${driver} cuda ${cuda}\n`);
    });

    test('no nvidia-smi: the source image has no driver', async () => {
      const r = await runScript({ IMAGE_BUILD_STEPS: 'gpu_check' });
      expect(r.stderr).toContain('ERROR: nvidia-smi not found: the source image has no NVIDIA driver');
      expect(r.code).toBe(1);
    });
  });

  describe('openssl and crypt_check (real openssl, htpasswd and nginx)', () => {
    test('openssl: the base\'s openssl, linked at the layout\'s prefix, hashes with passwd -6', async () => {
      const prefix = path.join(tmp('openssl-prefix-'), 'openssl');
      const r = await runScript({ IMAGE_BUILD_STEPS: 'openssl', OPENSSL_BIN: '/usr/bin/openssl', OPENSSL_PREFIX: prefix });
      expect(r.stderr).toMatch(new RegExp(`\\[image-build\\] openssl: ${prefix}/bin/openssl: OpenSSL [0-9]`));
      expect(r.code).toBe(0);
      expect(fs.readlinkSync(path.join(prefix, 'bin/openssl'))).toBe('/usr/bin/openssl');
    });

    test('openssl: an openssl without passwd -6 fails the build', async () => {
      const dir = tmp('old-openssl-');
      fs.writeFileSync(path.join(dir, 'openssl'), "#!/bin/bash\n# STAND-IN for OpenSSL 1.0.2: no -6\necho \"passwd: Unknown flag -6\" >&2; exit 1\n", { mode: 0o755 });
      const r = await runScript({ IMAGE_BUILD_STEPS: 'openssl', OPENSSL_BIN: path.join(dir, 'openssl'), OPENSSL_PREFIX: '' });
      expect(r.stderr).toContain(`ERROR: ${dir}/openssl cannot hash with 'passwd -6'`);
      expect(r.code).toBe(1);
    });

    test('crypt_check: nginx verifies SHA-512 crypt and bcrypt (Ubuntu 22.04\'s schemes) through this machine\'s crypt()', async () => {
      const r = await runScript({
        IMAGE_BUILD_STEPS: 'crypt_check', CRYPT_SCHEMES: 'sha512-crypt bcrypt', NGINX_USER: 'www-data',
        OPENSSL_BIN: '/usr/bin/openssl', CRYPT_CHECK_PORT: String(await freePort()),
      });
      expect(r.stderr).toContain('[image-build] crypt_check: nginx verifies sha512-crypt ($6$');
      expect(r.stderr).toContain('[image-build] crypt_check: nginx verifies bcrypt ($2y$');
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(r.work, 'crypt.txt'), 'utf8')).toBe('sha512-crypt\nbcrypt\n');
    });

    test('crypt_check: a hash nginx does not accept for the password fails the build', async () => {
      // STAND-IN openssl that hashes another password: nginx must answer 401 to the right one, and the step must fail.
      const dir = tmp('bad-openssl-');
      fs.writeFileSync(path.join(dir, 'openssl'), "#!/bin/bash\n# STAND-IN: hashes a different password\ncat >/dev/null; printf 'other\\n' | /usr/bin/openssl passwd -6 -stdin\n", { mode: 0o755 });
      const r = await runScript({
        IMAGE_BUILD_STEPS: 'crypt_check', CRYPT_SCHEMES: 'sha512-crypt', NGINX_USER: 'www-data',
        OPENSSL_BIN: path.join(dir, 'openssl'), CRYPT_CHECK_PORT: String(await freePort()),
      });
      expect(r.stderr).toMatch(/ERROR: crypt_check: nginx answered 401, not 200:right password, for a sha512-crypt hash/);
      expect(r.code).toBe(1);
    });
  });

  describe('python, app and model: pins verified, fail closed', () => {
    test('python: a venv of the base\'s python at PYTHON_PREFIX with the stdlib modules the app needs', async () => {
      const prefix = path.join(tmp('venv-'), 'python3');
      const r = await runScript({ IMAGE_BUILD_STEPS: 'python', BASE_PYTHON: '/usr/bin/python3', PYTHON_PREFIX: prefix });
      expect(r.stderr).toMatch(/\n3\.[0-9]+\.[0-9]+ OpenSSL [0-9]/);
      expect(r.code).toBe(0);
      expect(fs.existsSync(path.join(prefix, 'bin/python3'))).toBe(true);
      const missing = await runScript({ IMAGE_BUILD_STEPS: 'python', BASE_PYTHON: '/usr/bin/python3.99', PYTHON_PREFIX: prefix });
      expect(missing.stderr).toContain("ERROR: /usr/bin/python3.99 not found: the base's python package is missing");
      expect(missing.code).toBe(1);
    });

    test('app: checked out at the pinned commit; another commit fails; unpinned records what it got', async () => {
      const { repo, commit } = standInAppRepo();
      const pinned = await runScript({ IMAGE_BUILD_STEPS: 'app', APP_REPO: repo, APP_DIR: path.join(tmp('app-'), 'demo'), APP_COMMIT: commit });
      expect(pinned.stderr).toContain(`[image-build] app ${repo} at ${commit}`);
      expect(pinned.code).toBe(0);
      const wrong = 'f'.repeat(40);
      const bad = await runScript({ IMAGE_BUILD_STEPS: 'app', APP_REPO: repo, APP_DIR: path.join(tmp('app-'), 'demo'), APP_COMMIT: wrong });
      expect(bad.stderr).toContain(`ERROR: commit ${wrong} (APP_COMMIT) is not in ${repo}`);
      expect(bad.code).toBe(1);
      const unpinned = await runScript({ IMAGE_BUILD_STEPS: 'preflight app', OS_RELEASE_FILE: osRelease(OsBase.ALIBABA_CLOUD_LINUX_3), APP_REPO: repo, APP_DIR: path.join(tmp('app-'), 'demo'), APP_COMMIT: '' });
      expect(unpinned.stderr).toContain(`WARNING: UNPINNED app: no APP_COMMIT: ${repo} is checked out at 'master' and not verified`);
      expect(unpinned.stderr).toContain(`[image-build] app ${repo} at ${commit}`);
      expect(unpinned.code).toBe(0);
    });

    describe('model: the tarball checksum and every file hash', () => {
      const model = modelTarball('tiny-model');
      const extra = modelTarball('tiny-model', { 'modeling_evil.py': 'import os\n' });
      let server: Awaited<ReturnType<typeof standInHttps>>;
      beforeAll(async () => { server = await standInHttps({ '/tiny.tar': model.tar, '/extra.tar': extra.tar }); });
      afterAll(() => server.close());
      const env = (over: Record<string, string>) => ({
        IMAGE_BUILD_STEPS: 'model', MODEL_ID: 'test/tiny-model', MODEL_CACHE: tmp('model-cache-'), CURL_CA_BUNDLE: server.caFile,
        MODEL_TARBALL_URL: `${server.url}/tiny.tar`, MODEL_TARBALL_SHA256: sha256(model.tar), MODEL_FILE_SHA256: '', ...over,
      });
      const pins = (files: Record<string, string>) => Object.entries(files).map(([f, s]) => `${s}:${f}`).join(' ');

      test('the right sums: extracted, every file hashed (client dot-files aside), the pins match', async () => {
        const r = await runScript(env({ MODEL_FILE_SHA256: pins(model.files) }));
        expect(r.stderr).toContain('[image-build] model test/tiny-model: 2 files match their pinned sha256');
        expect(r.code).toBe(0);
        expect(fs.readFileSync(path.join(r.work, 'model-files.sha256'), 'utf8'))
          .toBe(`${model.files['config.json']}  config.json\n${model.files['model.safetensors']}  model.safetensors\n`);
      });

      test('a wrong tarball sum fails and removes the download', async () => {
        const wrong = '0'.repeat(64);
        const r = await runScript(env({ MODEL_TARBALL_SHA256: wrong }));
        expect(r.stderr).toContain(`ERROR: sha256 mismatch for ${server.url}/tiny.tar: expected ${wrong}, got ${sha256(model.tar)}`);
        expect(r.code).toBe(1);
        expect(fs.existsSync(path.join(r.work, 'model.tar'))).toBe(false);
      });

      test('a wrong file hash fails', async () => {
        const r = await runScript(env({ MODEL_FILE_SHA256: pins({ ...model.files, 'model.safetensors': 'e'.repeat(64) }) }));
        expect(r.stderr).toMatch(/model.safetensors: FAILED/);
        expect(r.stderr).toContain('ERROR: model test/tiny-model@v1.0.4 does not match MODEL_FILE_SHA256');
        expect(r.code).toBe(1);
      });

      test('a file the pins do not list (code run with remote code trusted) fails', async () => {
        const r = await runScript(env({ MODEL_TARBALL_URL: `${server.url}/extra.tar`, MODEL_TARBALL_SHA256: sha256(extra.tar), MODEL_FILE_SHA256: pins(model.files) }));
        expect(r.stderr).toContain('ERROR: model test/tiny-model has files MODEL_FILE_SHA256 does not list: modeling_evil.py');
        expect(r.code).toBe(1);
      });

      test('pip_packages: a Python lock whose sha256 differs fails before pip runs', async () => {
        const lock = 'torch==2.0.1 --hash=sha256:' + 'a'.repeat(64) + '\n';
        const lockServer = await standInHttps({ '/lock.txt': Buffer.from(lock) });
        try {
          const r = await runScript({
            IMAGE_BUILD_STEPS: 'pip_packages', PIP_LOCK_URL: `${lockServer.url}/lock.txt`, PIP_LOCK_SHA256: 'b'.repeat(64),
            CURL_CA_BUNDLE: lockServer.caFile, PYTHON_BIN: '/bin/false',
          });
          expect(r.stderr).toContain(`ERROR: sha256 mismatch for ${lockServer.url}/lock.txt: expected ${'b'.repeat(64)}, got ${sha256(lock)}`);
          expect(r.code).toBe(1);
        } finally {
          lockServer.close();
        }
      });

      test('manifest: what the build really got, in the image and in the build log', async () => {
        const { repo, commit } = standInAppRepo();
        const manifest = path.join(tmp('manifest-'), 'manifest.txt');
        const r = await runScript(env({
          IMAGE_BUILD_STEPS: 'preflight verify_packages gpu_check openssl crypt_check python app model manifest',
          OS_RELEASE_FILE: osRelease(OsBase.UBUNTU_22_04), OS_BASE: 'ubuntu2204', OS_RELEASE_ID: 'ubuntu', OS_RELEASE_VERSION_ID: '22.04',
          PKG_MANAGER: 'apt', SYSTEM_PACKAGES: 'apache2-utils openssl curl', GPU_DRIVER_PACKAGES: '',
          PATH: `${standInNvidiaSmi('550.163.01', '12.4')}:${SYSTEM_PATH}`, OPENSSL_BIN: '/usr/bin/openssl', OPENSSL_PREFIX: path.join(tmp('openssl-'), 'openssl'),
          CRYPT_SCHEMES: 'sha512-crypt bcrypt', NGINX_USER: 'www-data', CRYPT_CHECK_PORT: String(await freePort()),
          BASE_PYTHON: '/usr/bin/python3', PYTHON_PREFIX: path.join(tmp('venv-'), 'python3'),
          APP_REPO: repo, APP_COMMIT: commit, APP_DIR: path.join(tmp('app-'), 'demo'), MODEL_FILE_SHA256: pins(model.files),
          MANIFEST_PATH: manifest,
        }));
        expect(r.stderr).toContain('[image-build] done: preflight verify_packages gpu_check openssl crypt_check python app model manifest');
        expect(r.code).toBe(0);
        const lines = fs.readFileSync(manifest, 'utf8').split('\n');
        const get = (key: string) => lines.filter((l) => l.startsWith(`${key} `)).map((l) => l.slice(key.length + 1));
        expect(get('manifest_format')).toEqual(['1']);
        expect(get('os_base')).toEqual(['ubuntu2204']);
        expect(get('os')).toEqual(['Ubuntu 22.04 (stand-in os-release)']);
        expect(lines).toContain('unpinned python-packages');
        expect(get('gpu')).toEqual(['550.163.01, NVIDIA A10, 23028 MiB', 'driver 550.163.01 cuda 12.4']);
        expect(get('openssl')[0]).toMatch(/^OpenSSL 3\./);
        expect(get('nginx')[0]).toMatch(/^nginx version: nginx\/1\./);
        expect(get('crypt_verified')).toEqual(['sha512-crypt', 'bcrypt']);
        expect(get('python')[0]).toMatch(/^3\.[0-9]+\.[0-9]+$/);
        expect(get('app_repo')).toEqual([repo]);
        expect(get('app_commit')).toEqual([commit]);
        expect(get('model_id')).toEqual(['test/tiny-model']);
        expect(get('model_revision')).toEqual(['v1.0.4']);
        expect(get('package').map((p) => p.split(' ')[0])).toEqual(['apache2-utils', 'openssl', 'curl']);
        expect(get('pip').some((p) => /^pip==[0-9]/.test(p))).toBe(true);
        expect(get('model_file')).toEqual([`${model.files['config.json']}  config.json`, `${model.files['model.safetensors']}  model.safetensors`]);
        expect(r.stderr).toContain(`[image-build] | app_commit ${commit}\n`);
      });

      test('manifest: refuses to write a partial record', async () => {
        const r = await runScript({ IMAGE_BUILD_STEPS: 'manifest', MANIFEST_PATH: path.join(tmp('manifest-'), 'm.txt') });
        expect(r.stderr).toContain('ERROR: manifest: step gpu_check has not run');
        expect(r.code).toBe(1);
      });
    });
  });

  describe('health check', () => {
    test('fails the build when nothing answers, within the bounded time', async () => {
      const port = await freePort();
      const r = await runScript({ IMAGE_BUILD_STEPS: 'health_check', APP_PORT: String(port), HEALTH_TIMEOUT: '2', HEALTH_INTERVAL: '0.2' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`ERROR: app did not answer on http://127.0.0.1:${port}/ within 2 s; failing the image build`));
      expect(r.ms).toBeLessThan(15000);
    });

    test('passes when a stand-in server answers', async () => {
      const server = http.createServer((_req, res) => { res.end('ok'); });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const r = await runScript({ IMAGE_BUILD_STEPS: 'health_check', APP_PORT: String(port), HEALTH_TIMEOUT: '10', HEALTH_INTERVAL: '0.2' });
        expect(r.stderr).toMatch(new RegExp(`app answered on http://127.0.0.1:${port}/`));
        expect(r.code).toBe(0);
      } finally {
        server.close();
      }
    });

    test('fails early when the app process has exited', async () => {
      const port = await freePort();
      const dead = spawnSync('bash', ['-c', 'sleep 0 & echo $!'], { encoding: 'utf8' }).stdout.trim();
      const r = await runScript({ IMAGE_BUILD_STEPS: 'health_check', APP_PORT: String(port), APP_PID: dead, HEALTH_TIMEOUT: '30', HEALTH_INTERVAL: '0.2' });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/ERROR: app process [0-9]+ exited before answering/);
      expect(r.ms).toBeLessThan(10000);
    });

    test('start_app + health_check + stop_app run a stand-in app.py with the GRADIO_SERVER_* contract', async () => {
      const appDir = tmp('demo-app-');
      fs.writeFileSync(path.join(appDir, 'app.py'), [
        'import http.server, os',
        "host, port = os.environ['GRADIO_SERVER_NAME'], int(os.environ['GRADIO_SERVER_PORT'])",
        'http.server.HTTPServer((host, port), http.server.SimpleHTTPRequestHandler).serve_forever()',
        '',
      ].join('\n'));
      const port = await freePort();
      const r = await runScript({
        IMAGE_BUILD_STEPS: 'start_app health_check stop_app', APP_DIR: appDir, APP_PORT: String(port),
        PYTHON_BIN: '/usr/bin/python3', HEALTH_TIMEOUT: '20', HEALTH_INTERVAL: '0.2',
      });
      expect(r.stderr).toMatch(new RegExp(`app answered on http://127.0.0.1:${port}/`));
      expect(r.code).toBe(0);
      // stop_app stopped it: the port is free again
      await new Promise<void>((resolve, reject) => {
        const srv = net.createServer().once('error', reject).listen(port, '127.0.0.1', () => srv.close(() => resolve()));
      });
    });
    test('start_app runs a checkpoint-taking demo with APP_ENTRY and APP_ARGS: it is told the snapshot and its port', async () => {
      // STAND-IN for QwenLM/Qwen web_demo.py: its argparse (-c/--checkpoint-path, --server-port default 8000,
      // --server-name default 127.0.0.1); it serves only if the checkpoint directory exists, and answers with its path.
      const appDir = tmp('web-demo-');
      fs.writeFileSync(path.join(appDir, 'web_demo.py'), [
        'import argparse, http.server, os, sys',
        'p = argparse.ArgumentParser()',
        "p.add_argument('-c', '--checkpoint-path', default='Qwen/Qwen-7B-Chat')",
        "p.add_argument('--server-port', type=int, default=8000)",
        "p.add_argument('--server-name', default='127.0.0.1')",
        'a = p.parse_args()',
        "if not os.path.isdir(a.checkpoint_path): sys.exit('stand-in web_demo.py: no checkpoint at ' + a.checkpoint_path)",
        'class H(http.server.BaseHTTPRequestHandler):',
        '    def do_GET(self):',
        '        self.send_response(200); self.end_headers(); self.wfile.write(a.checkpoint_path.encode())',
        'http.server.HTTPServer((a.server_name, a.server_port), H).serve_forever()',
        '',
      ].join('\n'));
      const cache = tmp('model-cache-');
      const port = await freePort();
      const rendered = imageBuildScriptParameters({ model: QwenModel.QWEN_14B_CHAT_INT4 });
      // the rendered arguments, with this machine's cache directory and a free port in place of the image's
      const args = rendered.APP_ARGS.replace(rendered.MODEL_CACHE, cache).replace('--server-port 7860', `--server-port ${port}`);
      expect(args).toBe(`-c ${cache}/qwen/Qwen-14B-Chat-Int4 --server-port ${port}`);
      const env = {
        IMAGE_BUILD_STEPS: 'start_app health_check stop_app', APP_DIR: appDir, APP_PORT: String(port), APP_ENTRY: rendered.APP_ENTRY,
        APP_ARGS: args, PYTHON_BIN: '/usr/bin/python3', HEALTH_TIMEOUT: '20', HEALTH_INTERVAL: '0.2',
      };
      // no snapshot downloaded yet: the demo exits and the build fails early, not at the end of its budget
      const missing = await runScript(env);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/ERROR: app process [0-9]+ exited before answering/);
      expect(missing.stderr).toContain(`stand-in web_demo.py: no checkpoint at ${cache}/qwen/Qwen-14B-Chat-Int4`);
      fs.mkdirSync(path.join(cache, 'qwen', 'Qwen-14B-Chat-Int4'), { recursive: true });
      const r = await runScript(env);
      expect(r.stderr).toContain(`starting ${appDir}/web_demo.py -c ${cache}/qwen/Qwen-14B-Chat-Int4 --server-port ${port}`);
      expect(r.stderr).toMatch(new RegExp(`app answered on http://127.0.0.1:${port}/`));
      expect(r.code).toBe(0);
    });
  });

  test('an unknown step is refused with the list of steps', async () => {
    const r = await runScript({ IMAGE_BUILD_STEPS: 'bogus' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown step 'bogus' in IMAGE_BUILD_STEPS; known steps: preflight packages verify_packages/);
  });
});
