import * as fs from 'fs';
import { QwenModel } from '../compute/models';
import { assetPath } from '../computenest/private/assets';
import { ImageLayout } from '../image/image-layout';
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
   * Where the image installs Python, OpenSSL, the app and the model, and the tools it provides
   * (the stack reads the same layout).
   * @default qwenChatImageLayout(model)
   */
  readonly layout?: ImageLayout;
  /**
   * CPython version built from source into the layout's pythonPrefix.
   * @default '3.10.13'
   */
  readonly pythonVersion?: string;
  /**
   * sha256 of Python-<pythonVersion>.tgz from python.org.
   * @default - the sha256 of Python-3.10.13.tgz (required when pythonVersion is changed)
   */
  readonly pythonSha256?: string;
  /**
   * OpenSSL version built for Python's ssl module (CentOS 7's 1.0.2 is too old for Python 3.10).
   * @default '1.1.1w'
   */
  readonly opensslVersion?: string;
  /**
   * sha256 of openssl-<opensslVersion>.tar.gz from openssl.org.
   * @default - the sha256 of openssl-1.1.1w.tar.gz (required when opensslVersion is changed)
   */
  readonly opensslSha256?: string;
  /**
   * Python packages, each pinned as `name==version`.
   * @default DEFAULT_PIP_PACKAGES (plus GPTQ_PIP_PACKAGES for Int8/Int4 models)
   */
  readonly pipPackages?: string[];
  /**
   * Git revision (commit, tag or branch) of the demo studio repo to check out.
   * @default 'master'
   */
  readonly appRevision?: string;
  /**
   * ModelScope revision of the model.
   * @default 'master'
   */
  readonly modelRevision?: string;
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

/** Extra packages GPTQ-quantised (Int8/Int4) Qwen checkpoints need. */
export const GPTQ_PIP_PACKAGES: readonly string[] = Object.freeze(['auto-gptq==0.4.2', 'optimum==1.12.0']);

/** Parameter names of the rendered block of assets/image-build.sh, in file order. */
export const IMAGE_BUILD_SCRIPT_PARAMETERS: readonly string[] = Object.freeze([
  'PYTHON_VERSION', 'PYTHON_SHA256', 'OPENSSL_VERSION', 'OPENSSL_SHA256', 'PIP_PACKAGES', 'APP_REPO',
  'APP_REVISION', 'APP_DIR', 'APP_PORT', 'MODEL_ID', 'MODEL_REVISION', 'MODEL_TARBALL_URL',
  'MODEL_TARBALL_SHA256', 'HEALTH_TIMEOUT', 'HEALTH_INTERVAL', 'PYTHON_PREFIX', 'OPENSSL_PREFIX', 'MODEL_CACHE',
  'IMAGE_TOOLS',
]);

const OWNER = 'renderImageBuildScript';
const BEGIN = '# >>> parameters';
const END = '# <<< parameters';
const PYTHON_3_10_13_SHA256 = '698ec55234c1363bd813b460ed53b0f108877c7a133d48bde9a50a1eb57b7e65';
const OPENSSL_1_1_1W_SHA256 = 'cf3098950cb4d853ad95c0841f1f9c6d3dc102dccfcacd521d93925208b76ac8';
const SHA256 = /^[0-9a-f]{64}$/;
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+[a-z]?$/;
const PINNED_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][A-Za-z0-9.+-]*$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?\/[A-Za-z0-9._~/%+-]*$/;
const ABS_PATH = /^\/[A-Za-z0-9._/-]+$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

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

/** The resolved parameter values of the script for `props` (validated), in file order. */
export function imageBuildScriptParameters(props: ImageBuildScriptProps = {}): Record<string, string> {
  const model = props.model ?? QwenModel.QWEN_14B_CHAT;
  const layout = props.layout ?? qwenChatImageLayout(model);
  if (layout.opensslPrefix === undefined) {
    throw new Error(`${OWNER}: layout.opensslPrefix is not set; this build compiles OpenSSL 1.1.1 for Python (CentOS 7's 1.0.2 is too old), so give the prefix it installs to, e.g. '/usr/local/openssl'.`);
  }
  const pythonVersion = check('pythonVersion', props.pythonVersion ?? '3.10.13', VERSION, 'a version like 3.10.13');
  const opensslVersion = check('opensslVersion', props.opensslVersion ?? '1.1.1w', VERSION, 'a version like 1.1.1w');
  if (props.pythonSha256 === undefined && pythonVersion !== '3.10.13') {
    throw new Error(`${OWNER}: pythonVersion '${pythonVersion}' needs pythonSha256 (the sha256 of Python-${pythonVersion}.tgz); only 3.10.13's is built in.`);
  }
  if (props.opensslSha256 === undefined && opensslVersion !== '1.1.1w') {
    throw new Error(`${OWNER}: opensslVersion '${opensslVersion}' needs opensslSha256 (the sha256 of openssl-${opensslVersion}.tar.gz); only 1.1.1w's is built in.`);
  }
  const packages = props.pipPackages
    ?? [...DEFAULT_PIP_PACKAGES, ...(model.precision === 'bf16' ? [] : GPTQ_PIP_PACKAGES)];
  if (packages.length === 0) throw new Error(`${OWNER}: pipPackages is empty; list the pinned packages the demo imports.`);
  packages.forEach((p, i) => check(`pipPackages[${i}]`, p, PINNED_PACKAGE, "a pinned requirement 'name==version'"));
  const tarball = props.modelTarball;
  if (tarball) {
    check('modelTarball.url', tarball.url, HTTPS_URL, 'an https:// URL');
    check('modelTarball.sha256', tarball.sha256, SHA256, '64 lower-case hex digits');
  }
  return {
    PYTHON_VERSION: pythonVersion,
    PYTHON_SHA256: check('pythonSha256', props.pythonSha256 ?? PYTHON_3_10_13_SHA256, SHA256, '64 lower-case hex digits'),
    OPENSSL_VERSION: opensslVersion,
    OPENSSL_SHA256: check('opensslSha256', props.opensslSha256 ?? OPENSSL_1_1_1W_SHA256, SHA256, '64 lower-case hex digits'),
    PIP_PACKAGES: packages.join(' '),
    APP_REPO: check('model.app.studioRepo', model.app.studioRepo, HTTPS_URL, 'an https:// git URL'),
    APP_REVISION: check('appRevision', props.appRevision ?? 'master', REVISION, 'a git commit, tag or branch name'),
    APP_DIR: check('layout.appDirectory', layout.appDirectory, ABS_PATH, 'an absolute path'),
    APP_PORT: String(model.app.port),
    MODEL_ID: check('model.modelScopeId', model.modelScopeId, MODEL_ID, "a ModelScope id 'owner/name'"),
    MODEL_REVISION: check('modelRevision', props.modelRevision ?? 'master', REVISION, 'a ModelScope revision'),
    MODEL_TARBALL_URL: tarball?.url ?? '',
    MODEL_TARBALL_SHA256: tarball?.sha256 ?? '',
    HEALTH_TIMEOUT: seconds('healthTimeoutSeconds', props.healthTimeoutSeconds ?? 1800, 10, 7200),
    HEALTH_INTERVAL: seconds('healthIntervalSeconds', props.healthIntervalSeconds ?? 10, 1, 60),
    PYTHON_PREFIX: layout.pythonPrefix,
    OPENSSL_PREFIX: layout.opensslPrefix,
    MODEL_CACHE: layout.modelCacheDirectory,
    IMAGE_TOOLS: layout.tools.join(' '),
  };
}

/**
 * Renders assets/image-build.sh with its parameter block filled from `props`: the ImageBuilder
 * CommandContent. Every value is validated against a strict pattern and single-quoted, so the file and
 * config.yaml stay one source and no prop can inject shell.
 */
export function renderImageBuildScript(props: ImageBuildScriptProps = {}): string {
  const source = fs.readFileSync(imageBuildScriptPath(), 'utf8');
  const begin = source.indexOf(`${BEGIN}\n`);
  const end = source.indexOf(`${END}\n`);
  if (begin < 0 || end < begin) {
    throw new Error(`${OWNER}: ${imageBuildScriptPath()} has no '${BEGIN}' ... '${END}' block; restore the markers.`);
  }
  const block = source.slice(begin + BEGIN.length + 1, end);
  const names = [...block.matchAll(/^param ([A-Z0-9_]+) /gm)].map((m) => m[1]);
  if (names.join(',') !== IMAGE_BUILD_SCRIPT_PARAMETERS.join(',')) {
    throw new Error(`${OWNER}: the parameter block of assets/image-build.sh declares [${names.join(', ')}] but the renderer `
      + `knows [${IMAGE_BUILD_SCRIPT_PARAMETERS.join(', ')}]; update IMAGE_BUILD_SCRIPT_PARAMETERS and the file together.`);
  }
  const values = imageBuildScriptParameters(props);
  const rendered = IMAGE_BUILD_SCRIPT_PARAMETERS.map((name) => `param ${name} '${values[name]}'\n`).join('');
  return source.slice(0, begin + BEGIN.length + 1) + rendered + source.slice(end);
}
