import * as fs from 'fs';
import { assetPath } from '../computenest/private/assets';
import { ImageLayout } from '../image/image-layout';
import { OsBase } from '../image/os-base';
import { LlmCheckpoint } from '../models/llm-checkpoint';
import { VllmPlacement } from '../models/vllm-fit';
import { completionProbeBody, TORCH_VERSION, VLLM_VERSION } from '../serving/vllm-server';
import { qwenApiImageLayout } from './image-layout';

/** Props of {@link renderVllmImageBuildScript}: the parameters of assets/vllm-image-build.sh. */
export interface VllmImageBuildScriptProps {
  /** The checkpoint baked into the image. */
  readonly checkpoint: LlmCheckpoint;
  /** The fit's placement on the builder's instance type: the build starts vLLM with these flags. */
  readonly placement: VllmPlacement;
  /**
   * The ModelScope revision (a tag or branch).
   * @default 'master' (the build warns UNPINNED)
   */
  readonly modelRevision?: string;
  /**
   * `sha256sum -c` lines (`<sha256>  <path in the model directory>`) the model's files must match.
   * @default - none: the build records the hashes and warns UNPINNED
   */
  readonly modelFileSha256?: readonly string[];
  /**
   * A hash-locked requirements file (`pip-compile --generate-hashes` for Python 3.10 on Linux) by https URL
   * and sha256, installed with `pip install --require-hashes --no-deps`.
   * @default - none: vllm, torch and modelscope pinned by version, their dependencies not (warned UNPINNED)
   */
  readonly pipLock?: { readonly url: string; readonly sha256: string };
  /**
   * The served model name (the deploy's `--served-model-name`).
   * @default the checkpoint's name
   */
  readonly servedModelName?: string;
  /**
   * Where the image installs vLLM and the model.
   * @default qwenApiImageLayout()
   */
  readonly layout?: ImageLayout;
  /**
   * Seconds the build waits for /health and then for the completion.
   * @default 1800
   */
  readonly healthTimeoutSeconds?: number;
}

const OWNER = 'renderVllmImageBuildScript';
const BEGIN = '# >>> parameters';
const END = '# <<< parameters';
/** The parameters of assets/vllm-image-build.sh, in the file's order. */
export const VLLM_IMAGE_BUILD_SCRIPT_PARAMETERS = [
  'OS_BASE', 'OS_RELEASE', 'MIN_GLIBC', 'OS_PACKAGES', 'VLLM_VERSION', 'TORCH_VERSION', 'MODELSCOPE_VERSION', 'MIN_CUDA', 'DRIVER_PACKAGES', 'PIP_LOCK_URL', 'PIP_LOCK_SHA256',
  'MODEL_ID', 'MODEL_REVISION', 'MODEL_FILE_SHA256', 'SERVED_MODEL_NAME', 'REASONING_PARSER', 'TENSOR_PARALLEL_SIZE',
  'MAX_MODEL_LEN', 'GPU_MEMORY_UTILIZATION', 'COMPLETION_BODY', 'PYTHON_PREFIX', 'MODELS_DIR', 'IMAGE_TOOLS', 'HEALTH_TIMEOUT',
] as const;

/**
 * The modelscope release whose CLI flags were read (modelscope/modelscope tag v1.37.1, modelscope/cli/download.py:
 * `download --model --revision --local_dir`); from 1.38 the entry point delegates to modelscope_hub.
 */
export const MODELSCOPE_VERSION = '1.37.1';
/**
 * The CUDA the vLLM/torch wheels are taken to need: torch 2.8.0's default PyPI wheels are CUDA 12.8 builds
 * (not verified for vLLM 0.11.0 here; the build's completion check is what proves the driver runs them).
 */
export const VLLM_MIN_CUDA = '12.8';
/**
 * Ubuntu's NVIDIA server driver packages whose CUDA is 12.8 or later (branch 570; NVIDIA's CUDA release notes
 * list 570.26 as CUDA 12.8's minimum). Package availability on the jammy archive is reviewed, not verified here.
 */
export const VLLM_DRIVER_PACKAGES = ['nvidia-driver-570-server', 'nvidia-utils-570-server'];

/**
 * The base the vLLM image is built on: Ubuntu 22.04 (lib/image/os-base.ts), whose glibc 2.35 vLLM's wheels
 * need (2.34 or later: vllm-project/vllm issue #41103); Alibaba Cloud Linux 3 has 2.32. A container on ACL3 would
 * add a container runtime, the NVIDIA container toolkit and a registry image to pin.
 */
export const VLLM_OS_BASE = OsBase.UBUNTU_22_04;
/** The glibc vLLM's wheels need (vllm-project/vllm issue #41103: the 0.20.0 wheel needs GLIBC_2.34). */
export const VLLM_MIN_GLIBC = '2.34';

const SAFE = /^[A-Za-z0-9 ._/:=+-]*$/;
const SHA256_LINE = /^[0-9a-f]{64} {2}[A-Za-z0-9._/-]+$/;

function check(prop: string, value: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new Error(`${OWNER}: ${prop} '${value}' is not allowed: give ${what}.`);
  }
  return value;
}

/**
 * Renders assets/vllm-image-build.sh with its parameter block filled from `props`: the ImageBuilder
 * CommandContent. Every value is checked against a strict pattern and single-quoted.
 */
export function renderVllmImageBuildScript(props: VllmImageBuildScriptProps): string {
  const c = props.checkpoint;
  const p = props.placement;
  const layout = props.layout ?? qwenApiImageLayout();
  const served = props.servedModelName ?? c.checkpointName;
  const timeout = props.healthTimeoutSeconds ?? 1800;
  if (!Number.isInteger(timeout) || timeout < 10 || timeout > 7200) {
    throw new Error(`${OWNER}: healthTimeoutSeconds ${timeout} is not allowed: give a whole number of seconds from 10 to 7200.`);
  }
  (props.modelFileSha256 ?? []).forEach((l, i) => check(`modelFileSha256[${i}]`, l, SHA256_LINE, "'<64 hex>  <relative path>'"));
  if (props.pipLock) {
    check('pipLock.url', props.pipLock.url, /^https:\/\/[A-Za-z0-9._~/:%+=-]+$/, 'an https:// URL');
    check('pipLock.sha256', props.pipLock.sha256, /^[0-9a-f]{64}$/, '64 lower-case hex digits');
  }
  const body = completionProbeBody(served, c.reasoning);
  const base = VLLM_OS_BASE;
  const values: Record<(typeof VLLM_IMAGE_BUILD_SCRIPT_PARAMETERS)[number], string> = {
    OS_BASE: base.key,
    OS_RELEASE: `${base.osReleaseId}:${base.osReleaseVersionId}`,
    MIN_GLIBC: VLLM_MIN_GLIBC,
    OS_PACKAGES: [base.packages.nginx, base.packages.curl, ...base.packages.python, ...base.packages.extra].join(' '),
    VLLM_VERSION, TORCH_VERSION, MODELSCOPE_VERSION, MIN_CUDA: VLLM_MIN_CUDA,
    DRIVER_PACKAGES: VLLM_DRIVER_PACKAGES.join(' '),
    PIP_LOCK_URL: props.pipLock?.url ?? '',
    PIP_LOCK_SHA256: props.pipLock?.sha256 ?? '',
    MODEL_ID: c.modelScopeId,
    MODEL_REVISION: check('modelRevision', props.modelRevision ?? 'master', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a ModelScope tag or branch'),
    MODEL_FILE_SHA256: (props.modelFileSha256 ?? []).join('\n'),
    SERVED_MODEL_NAME: check('servedModelName', served, /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits and '._-'"),
    REASONING_PARSER: c.reasoning ? 'qwen3' : '',
    TENSOR_PARALLEL_SIZE: String(p.tensorParallelSize),
    MAX_MODEL_LEN: String(p.maxModelLen),
    GPU_MEMORY_UTILIZATION: String(p.gpuMemoryUtilization),
    COMPLETION_BODY: check('completion body', body, /^[^'\n]+$/, 'JSON without a single quote'),
    PYTHON_PREFIX: check('layout.pythonPrefix', layout.pythonPrefix, SAFE, 'an absolute path'),
    MODELS_DIR: check('layout.modelCacheDirectory', layout.modelCacheDirectory, SAFE, 'an absolute path'),
    IMAGE_TOOLS: layout.tools.join(' '),
    HEALTH_TIMEOUT: String(timeout),
  };
  const file = assetPath('vllm-image-build.sh');
  const source = fs.readFileSync(file, 'utf8');
  const begin = source.indexOf(`${BEGIN}\n`);
  const end = source.indexOf(`${END}\n`);
  if (begin < 0 || end < begin) {
    throw new Error(`${OWNER}: ${file} has no '${BEGIN}' ... '${END}' block; restore the markers.`);
  }
  const names = [...source.slice(begin, end).matchAll(/^param ([A-Z0-9_]+) /gm)].map((m) => m[1]);
  if (names.join(',') !== VLLM_IMAGE_BUILD_SCRIPT_PARAMETERS.join(',')) {
    throw new Error(`${OWNER}: the parameter block of assets/vllm-image-build.sh declares [${names.join(', ')}] but the renderer knows `
      + `[${VLLM_IMAGE_BUILD_SCRIPT_PARAMETERS.join(', ')}]; update both together.`);
  }
  const rendered = VLLM_IMAGE_BUILD_SCRIPT_PARAMETERS.map((n) => `param ${n} '${values[n]}'\n`).join('');
  const text = source.slice(0, begin + BEGIN.length + 1) + rendered + source.slice(end);
  // Comment lines stay in the package's asset, not in the CommandContent (Cloud Assistant's 16 KB limit after
  // base64); the shebang, the parameter markers and ShellCheck directives are kept.
  return text.split('\n')
    .filter((line, i) => i === 0 || !/^\s*#/.test(line) || /^\s*# (shellcheck |>>> |<<< )/.test(line))
    .join('\n');
}
