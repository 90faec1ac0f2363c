import { createHash } from 'crypto';
import * as fs from 'fs';
import { gunzipSync } from 'zlib';
import { QwenModel } from '../../lib/compute/models';
import { OsBase } from '../../lib/image/os-base';
import {
  DEFAULT_PIP_PACKAGES, GPTQ_PIP_PACKAGES, WEB_DEMO_PIP_PACKAGES, IMAGE_BUILD_SCRIPT_PARAMETERS, MODEL_REVISIONS, imageBuildScriptBody,
  imageBuildScriptParameters, imageBuildScriptPath, renderImageBuildScript,
} from '../../lib/qwen-chat/image-build-script';
import { qwenChatImageLayout } from '../../lib/qwen-chat/image-layout';
import { ImageLayout } from '../../lib/image/image-layout';
import { QWEN_CHAT_PRESETS } from '../../lib/qwen-chat/presets';

/** The carried script of a rendered CommandContent, unpacked the way the instance unpacks it. */
function unpack(content: string): string {
  const lines = content.split('\n');
  const start = lines.findIndex((l) => l.startsWith('H4sI'));
  const end = lines.indexOf('IMAGE_BUILD_SH', start);
  return gunzipSync(Buffer.from(lines.slice(start, end).join(''), 'base64')).toString('utf8');
}

/** `export NAME='value'` lines of a rendered CommandContent. */
function exported(content: string): Record<string, string> {
  return Object.fromEntries([...content.matchAll(/^export ([A-Z0-9_]+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
}

describe('renderImageBuildScript', () => {
  let stderr: jest.SpyInstance;
  beforeAll(() => { stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true); });
  afterAll(() => stderr.mockRestore());

  test('carries assets/image-build.sh without its comment lines (shellcheck directives kept), checked by sha256', () => {
    const content = renderImageBuildScript();
    const body = unpack(content);
    const asset = fs.readFileSync(imageBuildScriptPath(), 'utf8');
    expect(body).toBe(imageBuildScriptBody());
    expect(body).toBe(asset.split('\n').filter((l, i) => i === 0 || !/^\s*#/.test(l) || l.includes('# shellcheck disable=')).join('\n'));
    expect(body.startsWith('#!/bin/bash\nset -euo pipefail\n')).toBe(true);
    const sha = createHash('sha256').update(body).digest('hex');
    expect(content).toContain(`printf '%s  %s\\n' '${sha}' "$qwen_build" | sha256sum -c --quiet - || { echo 'image build script corrupted in transit' >&2; exit 1; }\n`);
    expect(content).not.toMatch(/\$\{|\{\{/);
  });

  test('exports every parameter in plain text, in the asset\'s order; the defaults are the asset\'s defaults', () => {
    const content = renderImageBuildScript();
    expect(Object.keys(exported(content))).toEqual(IMAGE_BUILD_SCRIPT_PARAMETERS);
    const asset = fs.readFileSync(imageBuildScriptPath(), 'utf8');
    const assetDefaults = Object.fromEntries([...asset.matchAll(/^param ([A-Z0-9_]+) '([^']*)'$/gm)].map((m) => [m[1], m[2]]));
    expect(exported(content)).toEqual(Object.fromEntries(IMAGE_BUILD_SCRIPT_PARAMETERS.map((n) => [n, assetDefaults[n]])));
  });

  test.each(OsBase.ALL.map((b) => [b.key, b] as const))('%s: the base block comes from the OsBase', (_key, base) => {
    const p = imageBuildScriptParameters({ osBase: base });
    expect(p.OS_BASE).toBe(base.key);
    expect(`${p.OS_RELEASE_ID} ${p.OS_RELEASE_VERSION_ID}`).toBe(`${base.osReleaseId} ${base.osReleaseVersionId}`);
    expect(p.PKG_MANAGER).toBe(base.packageManager);
    expect(p.SYSTEM_PACKAGES).toBe(base.systemPackages.join(' '));
    expect(p.GPU_DRIVER_PACKAGES).toBe(base.gpu.packages.join(' '));
    expect(p.GPU_DRIVER_MIN).toBe(base.gpu.minDriverVersion);
    expect(p.OPENSSL_BIN).toBe(base.opensslPath);
    expect(p.NGINX_USER).toBe(base.nginx.user);
    expect(p.CRYPT_SCHEMES.split(' ')).toEqual([...new Set(['sha512-crypt', base.htpasswdScheme])]);
    if (base.buildsPythonFromSource) {
      expect([p.BASE_PYTHON, p.PYTHON_SOURCE_VERSION, p.OPENSSL_SOURCE_VERSION]).toEqual(['', '3.10.13', '1.1.1w']);
    } else {
      expect([p.BASE_PYTHON, p.PYTHON_SOURCE_VERSION, p.OPENSSL_SOURCE_VERSION]).toEqual([base.pythonCommand, '', '']);
    }
  });

  test('the legacy base warns with its end-of-life date (the first CentOS 7 rendering in this file)', () => {
    stderr.mockClear();
    renderImageBuildScript({ osBase: OsBase.CENTOS_7 });
    renderImageBuildScript({ osBase: OsBase.UBUNTU_22_04 });
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toMatch(/renderImageBuildScript: CentOS 7 reached its end of life on 2024-06-30/);
    expect(printed).not.toMatch(/Ubuntu 22.04 reached/);
  });

  test.each(OsBase.ALL.map((b) => [b.key, b] as const))('%s: the image layout (the stack reads the same) gives the paths', (_k, base) => {
    const layout = qwenChatImageLayout(QwenModel.QWEN_7B_CHAT, base);
    const p = imageBuildScriptParameters({ model: QwenModel.QWEN_7B_CHAT, osBase: base });
    expect([p.PYTHON_PREFIX, p.APP_DIR, p.MODEL_CACHE, p.IMAGE_TOOLS])
      .toEqual(['/usr/local/python3', '/root/Qwen-7B-Chat-Demo', '/root/.cache/modelscope/hub', 'nginx htpasswd curl']);
    expect([p.PYTHON_PREFIX, p.APP_DIR, p.MODEL_CACHE, p.IMAGE_TOOLS])
      .toEqual([layout.pythonPrefix, layout.appDirectory, layout.modelCacheDirectory, layout.tools.join(' ')]);
    // One openssl path for the deploy script on every base: built there on the legacy base, the base's own linked there otherwise.
    expect([p.OPENSSL_PREFIX, p.OPENSSL_BIN]).toEqual(['/usr/local/openssl', base.buildsPythonFromSource ? '/usr/local/openssl/bin/openssl' : '/usr/bin/openssl']);
    expect(layout.opensslPath).toBe('/usr/local/openssl/bin/openssl');
  });

  test('the legacy base needs an OpenSSL prefix to build into', () => {
    const layout = new ImageLayout({ pythonPrefix: '/usr/local/python3', appDirectory: '/root/app', modelCacheDirectory: '/root/.cache/modelscope/hub' });
    expect(() => imageBuildScriptParameters({ osBase: OsBase.CENTOS_7, layout })).toThrow(/layout.opensslPrefix is not set; CentOS 7 builds OpenSSL/);
    expect(imageBuildScriptParameters({ layout }).OPENSSL_PREFIX).toBe('');
  });

  test('nothing is built from source on a supported base: the legacy source props are refused there', () => {
    expect(() => renderImageBuildScript({ pythonVersion: '3.11.9', pythonSha256: 'a'.repeat(64) })).toThrow(
      "renderImageBuildScript: pythonVersion, pythonSha256 '3.11.9', '" + 'a'.repeat(64) + "' is not allowed with osBase alinux3: "
      + 'Alibaba Cloud Linux 3 ships Python 3.11 and OpenSSL 1.1.1k; nothing is built from source. Remove the prop.');
    expect(() => renderImageBuildScript({ osBase: OsBase.CENTOS_7, pythonVersion: '3.11.9' })).toThrow(/pythonVersion '3.11.9' needs pythonSha256/);
  });

  test('pins: app commit, model revision (cited tags by default), model file hashes, Python lock', () => {
    const commit = '0123456789abcdef0123456789abcdef01234567';
    const p = imageBuildScriptParameters({
      appCommit: commit,
      modelFileSha256: { 'model-00002.safetensors': 'b'.repeat(64), 'config.json': 'a'.repeat(64) },
      pipLock: { url: 'https://example.com/qwen-chat.lock.txt', sha256: 'c'.repeat(64) },
    });
    expect(p.APP_COMMIT).toBe(commit);
    expect(p.MODEL_REVISION).toBe('v1.0.4');
    expect(p.MODEL_FILE_SHA256).toBe(`${'a'.repeat(64)}:config.json ${'b'.repeat(64)}:model-00002.safetensors`);
    expect([p.PIP_LOCK_URL, p.PIP_LOCK_SHA256]).toEqual(['https://example.com/qwen-chat.lock.txt', 'c'.repeat(64)]);
    expect(MODEL_REVISIONS).toEqual({ 'qwen/Qwen-7B-Chat': 'v1.1.4', 'qwen/Qwen-14B-Chat': 'v1.0.4' });
    expect(imageBuildScriptParameters({ model: QwenModel.QWEN_7B_CHAT }).MODEL_REVISION).toBe('v1.1.4');
    // No public pin: the build runs on master and says so (step preflight).
    expect(imageBuildScriptParameters({ model: QwenModel.QWEN_14B_CHAT_INT4 }).MODEL_REVISION).toBe('master');
    const unpinned = imageBuildScriptParameters();
    expect([unpinned.APP_COMMIT, unpinned.MODEL_FILE_SHA256, unpinned.PIP_LOCK_URL]).toEqual(['', '', '']);
  });

  test('fills model parameters from typed props', () => {
    const out = exported(renderImageBuildScript({
      model: QwenModel.QWEN_14B_CHAT_INT4, appRevision: 'v2', healthTimeoutSeconds: 600,
      modelTarball: { url: 'https://example.com/qwen.tar', sha256: 'a'.repeat(64) },
    }));
    expect(out.MODEL_ID).toBe('qwen/Qwen-14B-Chat-Int4');
    expect(out.APP_REVISION).toBe('v2');
    expect(out.HEALTH_TIMEOUT).toBe('600');
    expect(out.MODEL_TARBALL_SHA256).toBe('a'.repeat(64));
    expect(out.PIP_PACKAGES).toBe([...DEFAULT_PIP_PACKAGES, ...GPTQ_PIP_PACKAGES, ...WEB_DEMO_PIP_PACKAGES].join(' '));
    // the Int4 preset's demo is QwenLM/Qwen's web_demo.py, told its quantized checkpoint (the downloaded snapshot)
    expect([out.APP_REPO, out.APP_DIR, out.APP_ENTRY, out.APP_COMMIT])
      .toEqual(['https://github.com/QwenLM/Qwen.git', '/root/Qwen', 'web_demo.py', '2df8e8ac450fa185c421a08b0090ef81826caa6e']);
    expect(out.APP_ARGS).toBe('-c /root/.cache/modelscope/hub/qwen/Qwen-14B-Chat-Int4 --server-port 7860');
    const bf16 = exported(renderImageBuildScript({ model: QwenModel.QWEN_14B_CHAT }));
    expect([bf16.APP_ENTRY, bf16.APP_ARGS, bf16.APP_COMMIT]).toEqual(['app.py', '', '']);
  });

  test.each(QWEN_CHAT_PRESETS.flatMap((p) => OsBase.ALL.map((b) => [p.stackName, b.key, p.model, b] as const)))(
    '%s on %s fits the 16 KB (Base64) Cloud Assistant limit', (_s, _b, model, osBase) => {
      const content = renderImageBuildScript({ model, osBase });
      expect(Buffer.from(content).toString('base64').length).toBeLessThan(16 * 1024);
    });

  test('every Python package is pinned with ==', () => {
    for (const p of DEFAULT_PIP_PACKAGES) expect(p).toMatch(/^[A-Za-z0-9._-]+==[0-9]/);
    expect(() => renderImageBuildScript({ pipPackages: ['torch==2.0.1', 'gradio'] }))
      .toThrow(/renderImageBuildScript: pipPackages\[1\] 'gradio' is not allowed; expected a pinned requirement 'name==version'/);
  });

  test('values that could break out of the quotes are refused', () => {
    expect(() => renderImageBuildScript({ appRevision: "main'; rm -rf /" }))
      .toThrow("renderImageBuildScript: appRevision 'main'; rm -rf /' is not allowed; expected a git tag or branch name.");
    expect(() => renderImageBuildScript({ appCommit: 'abc123' }))
      .toThrow("renderImageBuildScript: appCommit 'abc123' is not allowed; expected a full 40-hex git commit id.");
    expect(() => renderImageBuildScript({ modelTarball: { url: 'http://x/m.tar', sha256: 'a'.repeat(64) } }))
      .toThrow(/modelTarball.url 'http:\/\/x\/m.tar' is not allowed; expected an https:\/\/ URL/);
    expect(() => renderImageBuildScript({ pipLock: { url: 'https://x/lock.txt', sha256: 'ABC' } }))
      .toThrow("renderImageBuildScript: pipLock.sha256 'ABC' is not allowed; expected 64 lower-case hex digits.");
    expect(() => renderImageBuildScript({ modelFileSha256: { "x'; reboot": 'a'.repeat(64) } }))
      .toThrow(/modelFileSha256 key 'x'; reboot' is not allowed/);
    expect(() => renderImageBuildScript({ modelFileSha256: { 'a/../../etc/passwd': 'a'.repeat(64) } }))
      .toThrow("renderImageBuildScript: modelFileSha256 key 'a/../../etc/passwd' is not allowed; expected a path without '..'.");
    expect(() => renderImageBuildScript({ modelFileSha256: {} })).toThrow(/modelFileSha256 is empty/);
    expect(() => renderImageBuildScript({ cudaVersion: '12' })).toThrow(/cudaVersion '12' is not allowed; expected a CUDA version like '11.7'/);
    expect(() => renderImageBuildScript({ healthTimeoutSeconds: 5 }))
      .toThrow(/healthTimeoutSeconds 5 must be a whole number of seconds from 10 to 7200/);
  });
});
