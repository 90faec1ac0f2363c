import { createHash } from 'crypto';
import * as fs from 'fs';
import { gzipSync } from 'zlib';
import { QwenModel, qwenAppArguments } from '../compute/models';
import { assetPath } from '../computenest/private/assets';
import { ImageLayout } from '../image/image-layout';
import { CryptScheme, OsBase } from '../image/os-base';
import { qwenChatImageLayout } from './image-layout';

/** A download pinned by URL and sha256. */
export interface PinnedDownload {
  /** https URL. */
  readonly url: string;
  /** Lower-case hex sha256 of the file. */
  readonly sha256: string;
}

/** Props of {@link renderImageBuildScript}: the parameters of assets/image-build.sh. */
export interface ImageBuildScriptProps {
  /**
   * The model the image is built for: sets the demo repo and directory, the app port and the ModelScope id.
   * @default QwenModel.QWEN_14B_CHAT
   */
  readonly model?: QwenModel;
  /**
   * The operating system the image is built on: package names, nginx user, Python, OpenSSL, GPU driver checks.
   * Choosing the legacy OsBase.CENTOS_7 prints an end-of-life warning.
   * @default OsBase.ALIBABA_CLOUD_LINUX_3
   */
  readonly osBase?: OsBase;
  /**
   * Where the image installs Python, the app and the model, and the commands it provides (the stack reads
   * the same layout). Its opensslPrefix is where the deploy script finds openssl: a legacy base's OpenSSL is built
   * there, a supported base's own is linked there (nothing built).
   * @default qwenChatImageLayout(model, osBase)
   */
  readonly layout?: ImageLayout;
  /**
   * CPython version built from source on a base without a supported Python (OsBase.CENTOS_7 only).
   * @default '3.10.13'
   */
  readonly pythonVersion?: string;
  /**
   * sha256 of Python-<pythonVersion>.tgz from python.org (OsBase.CENTOS_7 only).
   * @default - the sha256 of Python-3.10.13.tgz (required when pythonVersion is changed)
   */
  readonly pythonSha256?: string;
  /**
   * OpenSSL version built for Python's ssl module and `passwd -6` (OsBase.CENTOS_7 only: its 1.0.2 is too old).
   * @default '1.1.1w'
   */
  readonly opensslVersion?: string;
  /**
   * sha256 of openssl-<opensslVersion>.tar.gz from openssl.org (OsBase.CENTOS_7 only).
   * @default - the sha256 of openssl-1.1.1w.tar.gz (required when opensslVersion is changed)
   */
  readonly opensslSha256?: string;
  /**
   * Python packages, each pinned as `name==version` (installed with their dependencies unpinned when no
   * pipLock is given).
   * @default DEFAULT_PIP_PACKAGES (plus GPTQ_PIP_PACKAGES for Int8/Int4 models)
   */
  readonly pipPackages?: string[];
  /**
   * A hash-locked requirements file (`pip-compile --generate-hashes`, see docs/image-build.md) installed with
   * `pip install --require-hashes --no-deps`; replaces pipPackages.
   * @default - none: the build warns UNPINNED and installs pipPackages with their dependencies unpinned
   */
  readonly pipLock?: PinnedDownload;
  /**
   * The CUDA version the Python packages were built for; the build checks that the driver runs it.
   * @default '11.7' (the CUDA of the torch 2.0.1 wheels on PyPI)
   */
  readonly cudaVersion?: string;
  /**
   * Git revision (branch or tag) of the demo studio repo to check out when appCommit is not given.
   * @default 'master'
   */
  readonly appRevision?: string;
  /**
   * The 40-hex commit of the demo studio repo; the build checks it out and fails if HEAD differs.
   * @default - the model's `app.commit` (QwenLM/Qwen's for the Int8/Int4 presets' web_demo.py); else none: the
   * build warns UNPINNED and records the commit it got in the manifest
   */
  readonly appCommit?: string;
  /**
   * ModelScope revision (a tag; ModelScope's client downloads branches and tags) of the model.
   * @default - the tag Qwen's README pins for the model (MODEL_REVISIONS), else 'master' (warned UNPINNED)
   */
  readonly modelRevision?: string;
  /**
   * sha256 of every file of the model, by path relative to the model directory; the build fails on a
   * mismatch, a missing file or a file not listed.
   * @default - none: the build warns UNPINNED and records the hashes in the manifest
   */
  readonly modelFileSha256?: Record<string, string>;
  /**
   * Download the model as a tarball (checked by sha256) instead of from ModelScope.
   * @default - download from ModelScope with modelRevision
   */
  readonly modelTarball?: PinnedDownload;
  /**
   * Seconds the build waits for the app to answer before it fails.
   * @default 1800
   */
  readonly healthTimeoutSeconds?: number;
  /**
   * Seconds between health probes.
   * @default 10
   */
  readonly healthIntervalSeconds?: number;
}

/**
 * Python packages the Qwen chat demo imports, pinned. torch 2.0.1 wheels bundle CUDA 11.7;
 * transformers 4.32.0 is the version Qwen's model card requires at minimum; gradio 3.x is the API the
 * studio app.py uses.
 */
export const DEFAULT_PIP_PACKAGES: readonly string[] = Object.freeze([
  'torch==2.0.1',
  'transformers==4.32.0',
  'accelerate==0.22.0',
  'tiktoken==0.5.1',
  'transformers_stream_generator==0.0.4',
  'einops==0.6.1',
  'modelscope==1.9.1',
  'gradio==3.41.2',
]);

/**
 * What QwenLM/Qwen's web_demo.py imports beyond the studio app: mdtex2html (its requirements_web_demo.txt lists
 * it unpinned beside gradio<3.42; 1.3.2 is the release on PyPI, not tried with the demo here).
 */
export const WEB_DEMO_PIP_PACKAGES: readonly string[] = Object.freeze(['mdtex2html==1.3.2']);

/** Extra packages GPTQ-quantised (Int8/Int4) Qwen checkpoints need. */
export const GPTQ_PIP_PACKAGES: readonly string[] = Object.freeze(['auto-gptq==0.4.2', 'optimum==1.12.0']);

/**
 * ModelScope revisions Qwen pins in its README, by model id: `snapshot_download('qwen/Qwen-7B-Chat',
 * revision='v1.1.4')`, `snapshot_download('qwen/Qwen-14B-Chat', revision='v1.0.4')` (QwenLM/Qwen README.md,
 * commit e6f2a7af6d2c59889a865add93812729b05a8b22, "download checkpoints from ModelScope"). No public pin was
 * found for the Int8/Int4 and 72B checkpoints, nor file hashes for any: those build UNPINNED.
 */
export const MODEL_REVISIONS: Readonly<Record<string, string>> = Object.freeze({
  'qwen/Qwen-7B-Chat': 'v1.1.4',
  'qwen/Qwen-14B-Chat': 'v1.0.4',
});

/** Parameter names of assets/image-build.sh, in file order. */
export const IMAGE_BUILD_SCRIPT_PARAMETERS: readonly string[] = Object.freeze([
  'OS_BASE', 'OS_RELEASE_ID', 'OS_RELEASE_VERSION_ID', 'PKG_MANAGER', 'SYSTEM_PACKAGES', 'GPU_DRIVER_PACKAGES',
  'GPU_DRIVER_MIN', 'CUDA_MIN', 'BASE_PYTHON', 'PYTHON_SOURCE_VERSION', 'PYTHON_SOURCE_SHA256', 'OPENSSL_SOURCE_VERSION',
  'OPENSSL_SOURCE_SHA256', 'OPENSSL_BIN', 'NGINX_USER', 'CRYPT_SCHEMES', 'PIP_PACKAGES', 'PIP_LOCK_URL', 'PIP_LOCK_SHA256',
  'APP_REPO', 'APP_REVISION', 'APP_COMMIT', 'APP_DIR', 'APP_PORT', 'APP_ENTRY', 'APP_ARGS', 'MODEL_ID', 'MODEL_REVISION', 'MODEL_FILE_SHA256',
  'MODEL_TARBALL_URL', 'MODEL_TARBALL_SHA256', 'HEALTH_TIMEOUT', 'HEALTH_INTERVAL', 'PYTHON_PREFIX', 'OPENSSL_PREFIX',
  'MODEL_CACHE', 'IMAGE_TOOLS',
]);

const OWNER = 'renderImageBuildScript';
const BEGIN = '# >>> parameters';
const END = '# <<< parameters';
const PYTHON_3_10_13_SHA256 = '698ec55234c1363bd813b460ed53b0f108877c7a133d48bde9a50a1eb57b7e65';
const OPENSSL_1_1_1W_SHA256 = 'cf3098950cb4d853ad95c0841f1f9c6d3dc102dccfcacd521d93925208b76ac8';
const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+[a-z]?$/;
const CUDA = /^[0-9]+\.[0-9]+$/;
const PINNED_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][A-Za-z0-9.+-]*$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?\/[A-Za-z0-9._~/%+-]*$/;
const ABS_PATH = /^\/[A-Za-z0-9._/-]+$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MODEL_FILE = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
/** The bash here-document delimiter of the carried script. */
const HEREDOC = 'IMAGE_BUILD_SH';

/** Path of the image build script asset (assets/image-build.sh). */
export function imageBuildScriptPath(): string {
  return assetPath('image-build.sh');
}

function check(prop: string, value: string, pattern: RegExp, allowed: string): string {
  if (!pattern.test(value)) throw new Error(`${OWNER}: ${prop} '${value}' is not allowed; expected ${allowed}.`);
  return value;
}

function seconds(prop: string, value: number, min: number, max: number): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${OWNER}: ${prop} ${value} must be a whole number of seconds from ${min} to ${max}.`);
  }
  return String(value);
}

/** The schemes the build checks in real nginx: the base's htpasswd scheme and SHA-512 crypt (the stack's default). */
function cryptSchemesToCheck(base: OsBase): string {
  return [...new Set([CryptScheme.SHA512_CRYPT, base.htpasswdScheme])].join(' ');
}

/** The parameters that come from the base (package names, paths, GPU driver, legacy source builds). */
function baseParameters(base: OsBase, layout: ImageLayout, props: ImageBuildScriptProps): Record<string, string> {
  if (base.buildsPythonFromSource && layout.opensslPrefix === undefined) {
    throw new Error(`${OWNER}: layout.opensslPrefix is not set; ${base.displayName} builds OpenSSL for Python and \`passwd -6\` (its own is too old), `
      + "so give the prefix it installs to, e.g. '/usr/local/openssl'.");
  }
  const legacyProps = ['pythonVersion', 'pythonSha256', 'opensslVersion', 'opensslSha256'] as const;
  if (!base.buildsPythonFromSource) {
    const given = legacyProps.filter((p) => props[p] !== undefined);
    if (given.length > 0) {
      throw new Error(`${OWNER}: ${given.join(', ')} '${given.map((p) => props[p]).join("', '")}' is not allowed with osBase ${base.key}: `
        + `${base.displayName} ships Python ${base.pythonVersion} and OpenSSL ${base.tools.openssl}; nothing is built from source. Remove the prop.`);
    }
  }
  let source = { PYTHON_SOURCE_VERSION: '', PYTHON_SOURCE_SHA256: '', OPENSSL_SOURCE_VERSION: '', OPENSSL_SOURCE_SHA256: '' };
  if (base.buildsPythonFromSource) {
    const pythonVersion = check('pythonVersion', props.pythonVersion ?? '3.10.13', VERSION, 'a version like 3.10.13');
    const opensslVersion = check('opensslVersion', props.opensslVersion ?? '1.1.1w', VERSION, 'a version like 1.1.1w');
    if (props.pythonSha256 === undefined && pythonVersion !== '3.10.13') {
      throw new Error(`${OWNER}: pythonVersion '${pythonVersion}' needs pythonSha256 (the sha256 of Python-${pythonVersion}.tgz); only 3.10.13's is built in.`);
    }
    if (props.opensslSha256 === undefined && opensslVersion !== '1.1.1w') {
      throw new Error(`${OWNER}: opensslVersion '${opensslVersion}' needs opensslSha256 (the sha256 of openssl-${opensslVersion}.tar.gz); only 1.1.1w's is built in.`);
    }
    source = {
      PYTHON_SOURCE_VERSION: pythonVersion,
      PYTHON_SOURCE_SHA256: check('pythonSha256', props.pythonSha256 ?? PYTHON_3_10_13_SHA256, SHA256, '64 lower-case hex digits'),
      OPENSSL_SOURCE_VERSION: opensslVersion,
      OPENSSL_SOURCE_SHA256: check('opensslSha256', props.opensslSha256 ?? OPENSSL_1_1_1W_SHA256, SHA256, '64 lower-case hex digits'),
    };
  }
  return {
    OS_BASE: base.key,
    OS_RELEASE_ID: base.osReleaseId,
    OS_RELEASE_VERSION_ID: base.osReleaseVersionId,
    PKG_MANAGER: base.packageManager,
    SYSTEM_PACKAGES: base.systemPackages.join(' '),
    GPU_DRIVER_PACKAGES: base.gpu.packages.join(' '),
    GPU_DRIVER_MIN: base.gpu.minDriverVersion,
    CUDA_MIN: check('cudaVersion', props.cudaVersion ?? '11.7', CUDA, "a CUDA version like '11.7'"),
    BASE_PYTHON: base.buildsPythonFromSource ? '' : base.pythonCommand,
    ...source,
    OPENSSL_BIN: base.buildsPythonFromSource ? `${layout.opensslPrefix}/bin/openssl` : base.opensslPath,
    NGINX_USER: base.nginx.user,
    CRYPT_SCHEMES: cryptSchemesToCheck(base),
  };
}

/** The resolved parameter values of the script for `props` (validated), in file order. */
export function imageBuildScriptParameters(props: ImageBuildScriptProps = {}): Record<string, string> {
  const model = props.model ?? QwenModel.QWEN_14B_CHAT;
  const base = props.osBase ?? OsBase.ALIBABA_CLOUD_LINUX_3;
  const layout = props.layout ?? qwenChatImageLayout(model, base);
  const packages = props.pipPackages
    ?? [...DEFAULT_PIP_PACKAGES, ...(model.precision === 'bf16' ? [] : GPTQ_PIP_PACKAGES),
      ...(model.app.checkpointArgument === undefined ? [] : WEB_DEMO_PIP_PACKAGES)];
  if (packages.length === 0) throw new Error(`${OWNER}: pipPackages is empty; list the pinned packages the demo imports.`);
  packages.forEach((p, i) => check(`pipPackages[${i}]`, p, PINNED_PACKAGE, "a pinned requirement 'name==version'"));
  for (const [prop, download] of [['modelTarball', props.modelTarball], ['pipLock', props.pipLock]] as const) {
    if (download) {
      check(`${prop}.url`, download.url, HTTPS_URL, 'an https:// URL');
      check(`${prop}.sha256`, download.sha256, SHA256, '64 lower-case hex digits');
    }
  }
  const fileHashes = Object.entries(props.modelFileSha256 ?? {}).map(([file, sha]) => {
    check(`modelFileSha256 key`, file, MODEL_FILE, "a path relative to the model directory, e.g. 'config.json'");
    if (file.split('/').includes('..')) throw new Error(`${OWNER}: modelFileSha256 key '${file}' is not allowed; expected a path without '..'.`);
    return `${check(`modelFileSha256['${file}']`, sha, SHA256, '64 lower-case hex digits')}:${file}`;
  }).sort((a, b) => a.slice(65).localeCompare(b.slice(65)));
  if (props.modelFileSha256 !== undefined && fileHashes.length === 0) {
    throw new Error(`${OWNER}: modelFileSha256 is empty; list every file of the model with its sha256, or leave the prop out.`);
  }
  return {
    ...baseParameters(base, layout, props),
    PIP_PACKAGES: packages.join(' '),
    PIP_LOCK_URL: props.pipLock?.url ?? '',
    PIP_LOCK_SHA256: props.pipLock?.sha256 ?? '',
    APP_REPO: check('model.app.studioRepo', model.app.studioRepo, HTTPS_URL, 'an https:// git URL'),
    APP_REVISION: check('appRevision', props.appRevision ?? 'master', REVISION, 'a git tag or branch name'),
    APP_COMMIT: props.appCommit !== undefined ? check('appCommit', props.appCommit, COMMIT, 'a full 40-hex git commit id')
      : model.app.commit !== undefined ? check('model.app.commit', model.app.commit, COMMIT, 'a full 40-hex git commit id') : '',
    APP_DIR: check('layout.appDirectory', layout.appDirectory, ABS_PATH, 'an absolute path'),
    APP_PORT: String(model.app.port),
    APP_ENTRY: check('model.app.entrypoint', model.app.entrypoint, /^[A-Za-z0-9][A-Za-z0-9._-]*\.py$/, 'a Python file name'),
    APP_ARGS: qwenAppArguments(model, layout.modelCacheDirectory).map((a) => check('app argument', a, /^[A-Za-z0-9_./:=-]+$/, 'a safe word')).join(' '),
    MODEL_ID: check('model.modelScopeId', model.modelScopeId, MODEL_ID, "a ModelScope id 'owner/name'"),
    MODEL_REVISION: check('modelRevision', props.modelRevision ?? MODEL_REVISIONS[model.modelScopeId] ?? 'master', REVISION, 'a ModelScope tag'),
    MODEL_FILE_SHA256: fileHashes.join(' '),
    MODEL_TARBALL_URL: props.modelTarball?.url ?? '',
    MODEL_TARBALL_SHA256: props.modelTarball?.sha256 ?? '',
    HEALTH_TIMEOUT: seconds('healthTimeoutSeconds', props.healthTimeoutSeconds ?? 1800, 10, 7200),
    HEALTH_INTERVAL: seconds('healthIntervalSeconds', props.healthIntervalSeconds ?? 10, 1, 60),
    PYTHON_PREFIX: layout.pythonPrefix,
    OPENSSL_PREFIX: layout.opensslPrefix ?? '',
    MODEL_CACHE: layout.modelCacheDirectory,
    IMAGE_TOOLS: layout.tools.join(' '),
  };
}

/**
 * assets/image-build.sh as it is carried in the CommandContent: comment lines removed (the shebang and the
 * shellcheck directives kept).
 * Checks that the file's parameter block declares exactly {@link IMAGE_BUILD_SCRIPT_PARAMETERS}.
 */
export function imageBuildScriptBody(): string {
  const source = fs.readFileSync(imageBuildScriptPath(), 'utf8');
  const begin = source.indexOf(`${BEGIN}\n`);
  const end = source.indexOf(`${END}\n`);
  if (begin < 0 || end < begin) {
    throw new Error(`${OWNER}: ${imageBuildScriptPath()} has no '${BEGIN}' ... '${END}' block; restore the markers.`);
  }
  const names = [...source.slice(begin, end).matchAll(/^param ([A-Z0-9_]+) /gm)].map((m) => m[1]);
  if (names.join(',') !== IMAGE_BUILD_SCRIPT_PARAMETERS.join(',')) {
    throw new Error(`${OWNER}: the parameter block of assets/image-build.sh declares [${names.join(', ')}] but the renderer `
      + `knows [${IMAGE_BUILD_SCRIPT_PARAMETERS.join(', ')}]; update IMAGE_BUILD_SCRIPT_PARAMETERS and the file together.`);
  }
  if (source.split('\n').includes(HEREDOC)) {
    throw new Error(`${OWNER}: assets/image-build.sh contains a line '${HEREDOC}', the here-document delimiter of the CommandContent; rename it.`);
  }
  return source.split('\n').filter((line, i) => i === 0 || !/^\s*#/.test(line) || /^\s*# shellcheck /.test(line)).join('\n');
}

/**
 * The ImageBuilder CommandContent for `props`: a short bash script that exports every parameter in plain text
 * (readable in config.yaml), then unpacks assets/image-build.sh (comments removed, gzip, base64: the whole
 * file would exceed Cloud Assistant's 16 KB limit), checks its sha256 and runs it. Every value is validated
 * against a strict pattern and single-quoted, so no prop can inject shell; the text has no `${` or `{{`
 * (config.yaml placeholders).
 */
export function renderImageBuildScript(props: ImageBuildScriptProps = {}): string {
  const base = props.osBase ?? OsBase.ALIBABA_CLOUD_LINUX_3;
  base.warnIfLegacy(OWNER);
  const values = imageBuildScriptParameters(props);
  const body = imageBuildScriptBody();
  const sha256 = createHash('sha256').update(body).digest('hex');
  const packed = gzipSync(Buffer.from(body, 'utf8'), { level: 9 }).toString('base64').replace(/(.{76})/g, '$1\n');
  const model = props.model ?? QwenModel.QWEN_14B_CHAT;
  return [
    '#!/bin/bash',
    `# Image build for ${model.displayName} on ${base.displayName}, rendered by ros-cdk-qwen-chat.`,
    '# The parameters are below in plain text. The build itself is the package\'s assets/image-build.sh (comment',
    '# lines removed, gzip, base64, to fit the 16 KB Cloud Assistant limit), checked against its sha256 before it',
    `# runs; read it with: sed -n '/^H4sI/,/^${HEREDOC}$/p' | sed '$d' | base64 -d | gunzip`,
    'set -euo pipefail',
    ...IMAGE_BUILD_SCRIPT_PARAMETERS.map((name) => `export ${name}='${values[name]}'`),
    'qwen_build="$(mktemp /tmp/image-build.XXXXXX)"',
    `base64 -d <<'${HEREDOC}' | gunzip > "$qwen_build"`,
    packed.trimEnd(),
    HEREDOC,
    `printf '%s  %s\\n' '${sha256}' "$qwen_build" | sha256sum -c --quiet - || { echo 'image build script corrupted in transit' >&2; exit 1; }`,
    'if bash "$qwen_build"; then qwen_rc=0; else qwen_rc=$?; fi',
    'rm -f "$qwen_build"',
    'exit "$qwen_rc"',
    '',
  ].join('\n');
}
