/**
 * Catalog of Qwen chat models the service can deploy, with the GPU memory each one needs.
 *
 * Sources (see docs/models-and-gpus.md for the full derivation):
 * - [README-perf] QwenLM/Qwen README.md (commit 03cd81f5e4da6ab60fc8f97f3b8aa1206fdb08a9), section
 *   "Inference Performance": GPU memory of generating 2048 tokens, single A100-SXM4-80G, PyTorch 2.0.1,
 *   CUDA 11.8, flash-attention 2. 7B: BF16 16.99 GB, Int8 11.20 GB, Int4 8.21 GB; 14B: BF16 30.15 GB,
 *   Int8 18.81 GB, Int4 13.01 GB; 72B: BF16 144.69 GB (2xA100), Int8 81.27 GB (2xA100), Int4 48.86 GB.
 * - [README-8k] QwenLM/Qwen README_CN.md (September 2023 version), section "显存使用" (GPU memory usage):
 *   peak usage generating 8192 tokens (context of one token). Qwen-7B-Chat BF16 22.58 GB, Int4 13.62 GB;
 *   Qwen-14B-Chat BF16 38.94 GB, Int4 21.79 GB (encoding 2048 tokens: 30.15 GB / 13.00 GB for 14B).
 * - [precision] modeling_qwen.py shipped with every Qwen(-1) checkpoint: with no explicit dtype it picks
 *   bf16 if `torch.cuda.is_bf16_supported()` (cc >= 8.0), else fp16 if `get_device_capability(0)[0] >= 7`,
 *   else fp32 (`SUPPORT_FP16 = SUPPORT_CUDA and torch.cuda.get_device_capability(0)[0] >= 7`).
 * - [gptq] QwenLM/Qwen3 issue #218 (maintainer): quantized-model CUDA kernels need a Volta-or-newer GPU
 *   ("P40 is not supported"); modelscope/ms-swift examples/pytorch/llm/scripts/qwen_14b_chat_int4/.../infer.sh
 *   and qwen_14b_chat_int8/.../infer.sh run Qwen-14B-Chat-Int4/Int8 on "V100, A10, 3090".
 * - [demo] the reference image build clones https://www.modelscope.cn/studios/qwen/Qwen-14B-Chat-Demo.git
 *   into /root and runs `python3 app.py`, probing 127.0.0.1:7860 (Gradio's default port). The Qwen README
 *   links the 7B and 72B studios (modelscope.cn/studios/qwen/Qwen-7B-Chat-Demo, .../Qwen-72B-Chat-Demo).
 */

import { GpuRequirement } from './gpu-requirement';

/** Weight precision of a Qwen checkpoint: 16-bit (bf16, or fp16 on pre-Ampere GPUs), GPTQ Int8 or Int4. */
export type QwenPrecision = 'bf16' | 'int8' | 'int4';

const PRECISIONS: readonly QwenPrecision[] = ['bf16', 'int8', 'int4'];

/** The Gradio demo application that serves a model. */
export interface QwenAppSpec {
  /** Git URL of the ModelScope studio repository holding the demo, e.g. `https://www.modelscope.cn/studios/qwen/Qwen-14B-Chat-Demo.git`. */
  readonly studioRepo: string;
  /** Absolute directory the repository is cloned into on the image, e.g. `/root/Qwen-14B-Chat-Demo`. */
  readonly directory: string;
  /** Python entry point inside `directory`, e.g. `app.py`. */
  readonly entrypoint: string;
  /** Local TCP port the demo listens on (Gradio default 7860). */
  readonly port: number;
  /**
   * The demo's argument that names the checkpoint directory: the deploy and the image build pass the
   * model's local ModelScope snapshot with it, and the port as `--server-port`.
   * @default - none: the demo is not told its checkpoint (a studio app.py loads what it hard-codes)
   */
  readonly checkpointArgument?: string;
  /**
   * The 40-hex commit of `studioRepo` the image build checks out (it fails if HEAD differs).
   * @default - none: the image build checks out its `appRevision` and records the commit it got
   */
  readonly commit?: string;
}

/** Everything needed to describe a (custom) Qwen model for {@link QwenModel.of}. */
export interface QwenModelSpec {
  /** Model name as published, e.g. `Qwen-14B-Chat`. Letters, digits, `.`, `_` and `-` only. */
  readonly name: string;
  /** Weight precision. */
  readonly precision: QwenPrecision;
  /** ModelScope model id, e.g. `qwen/Qwen-14B-Chat-Int4`. */
  readonly modelScopeId: string;
  /** The demo application serving the model. */
  readonly app: QwenAppSpec;
  /** Total GPU memory (GiB) the model needs: weights plus working memory for `contextTokens`, headroom included. */
  readonly gpuMemoryGiB: number;
  /** Context length (tokens) the `gpuMemoryGiB` figure is sized for. */
  readonly contextTokens: number;
  /** Minimum CUDA compute capability of the GPU, e.g. 7.0. */
  readonly minComputeCapability: number;
  /**
   * Minimum memory (GiB) of each GPU when the app splits the model across several GPUs
   * (`device_map='auto'` places whole modules per GPU, so each GPU must hold the largest one plus its CUDA context).
   * @default 0 (no per-GPU floor beyond the total)
   */
  readonly minGpuMemoryPerGpuGiB?: number;
  /**
   * Stable identifier used in logical IDs, file names and lookups.
   * @default `${name.toLowerCase()}-${precision}`, e.g. `qwen-14b-chat-bf16`
   */
  readonly key?: string;
}

/**
 * Headroom applied to published peak figures: `torch.cuda.max_memory_allocated` (what Qwen's profile
 * script reports) excludes the CUDA context (~0.3-0.5 GiB per GPU) and the caching allocator's
 * fragmentation, so a model needs ~10% more than its published peak. 38.94 GB x 1.1 = 42.9 GiB for
 * Qwen-14B-Chat bf16 at 8K, which rules out every type with less than 40 GiB in total (2 x 16 GiB runs out
 * of memory, as the issue reports) and also a single 40 GiB A100.
 */
export const GPU_MEMORY_HEADROOM = 1.1;

/** Context the 7B/14B presets are sized for: Qwen-14B's maximum length (8K, README model table). */
const CONTEXT_8K = 8192;
/** Context the 72B presets are sized for: only 2048-token figures are published [README-perf]. */
const CONTEXT_2K = 2048;
/** Quantized (GPTQ) kernels and fp16 both need Volta (cc 7.0) or newer [precision][gptq]. */
const MIN_CC = 7.0;
const DEMO_PORT = 7860;

/** Applies {@link GPU_MEMORY_HEADROOM} and rounds up to 0.1 GiB. */
function withHeadroom(peakGiB: number): number {
  return Math.ceil(peakGiB * GPU_MEMORY_HEADROOM * 10 - 1e-9) / 10;
}

/**
 * Int8 peaks at 8K are not published. KV cache and activations stay 16-bit whatever the weight precision,
 * so the 8K peak = the 2K-generation figure + the 16-bit model's growth from 2K to 8K. Checked against
 * the published Int4 peaks: 14B 13.01 + (38.94 - 30.15) = 21.80 (published 21.79); 7B 8.21 + (22.58 - 16.99)
 * = 13.80 (published 13.62).
 */
function estimated8kPeak(gen2kGiB: number, bf16Gen2kGiB: number, bf16Peak8kGiB: number): number {
  return gen2kGiB + (bf16Peak8kGiB - bf16Gen2kGiB);
}

/**
 * Per-GPU floor when split: the largest module that cannot be split is the 16-bit token embedding
 * (also kept 16-bit in GPTQ checkpoints), vocab 152,064 x hidden size x 2 bytes (hidden 4096 / 5120 / 8192
 * for 7B / 14B / 72B, Qwen technical report arXiv:2309.16609), = 1.16 / 1.45 / 2.32 GiB,
 * plus ~0.5 GiB CUDA context, rounded up to whole GiB.
 */
const PER_GPU_FLOOR_GIB = { '7b': 2, '14b': 2, '72b': 3 } as const;

function studioApp(demo: string): QwenAppSpec {
  return {
    studioRepo: `https://www.modelscope.cn/studios/qwen/${demo}.git`,
    directory: `/root/${demo}`,
    entrypoint: 'app.py',
    port: DEMO_PORT,
  };
}

/**
 * QwenLM/Qwen's web_demo.py, told its checkpoint: `-c, --checkpoint-path`, `--server-port`, `--server-name`
 * (QwenLM/Qwen web_demo.py at 2df8e8ac450fa185c421a08b0090ef81826caa6e; requirements_web_demo.txt: gradio<3.42,
 * mdtex2html). The Int8/Int4 presets use it, so they load their quantized checkpoint: the studio app.py's
 * arguments are unknown.
 */
/** The QwenLM/Qwen commit whose web_demo.py was read (the head of its default branch `main`). */
export const QWEN_WEB_DEMO_COMMIT = '2df8e8ac450fa185c421a08b0090ef81826caa6e';

function webDemoApp(): QwenAppSpec {
  return {
    studioRepo: 'https://github.com/QwenLM/Qwen.git',
    directory: '/root/Qwen',
    entrypoint: 'web_demo.py',
    port: DEMO_PORT,
    checkpointArgument: '-c',
    // QwenLM/Qwen's default branch is `main` (there is no `master`); this is its head, the commit read.
    commit: QWEN_WEB_DEMO_COMMIT,
  };
}

/**
 * The demo's arguments after its entrypoint: none for a studio app; for a checkpoint-taking demo the local
 * snapshot of the model (`<modelCacheDirectory>/<modelScopeId>`, where the image build downloads it) and its
 * loopback address.
 */
export function qwenAppArguments(model: QwenModel, modelCacheDirectory: string): string[] {
  const arg = model.app.checkpointArgument;
  // web_demo.py's --server-name defaults to 127.0.0.1 (loopback: nginx is the way in); its port defaults to 8000.
  return arg === undefined ? [] : [arg, `${modelCacheDirectory}/${model.modelScopeId}`, '--server-port', String(model.app.port)];
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MODELSCOPE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const KEY = /^[a-z0-9][a-z0-9._-]*$/;
const STUDIO_REPO = /^https:\/\/[A-Za-z0-9.-]+(?::[0-9]+)?\/[A-Za-z0-9._~/-]+\.git$/;
const ABSOLUTE_DIR = /^\/[A-Za-z0-9._/-]*$/;
const ENTRYPOINT = /^[A-Za-z0-9][A-Za-z0-9._-]*\.py$/;

function fail(prop: string, value: unknown, allowed: string): never {
  throw new Error(`QwenModel.of: ${prop} ${JSON.stringify(value)} is invalid; ${allowed}.`);
}

function positive(prop: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(prop, value, 'expected a finite number greater than 0');
  }
}

/** A Qwen chat model: checkpoint, demo app and the GPU it needs. Use a preset or {@link QwenModel.of}. */
export class QwenModel implements GpuRequirement {
  /** Qwen-7B-Chat, 16-bit. 8K peak 22.58 GB [README-8k] x 1.1 = 24.9 GiB. */
  public static readonly QWEN_7B_CHAT = new QwenModel({
    name: 'Qwen-7B-Chat',
    precision: 'bf16',
    modelScopeId: 'qwen/Qwen-7B-Chat',
    app: studioApp('Qwen-7B-Chat-Demo'),
    gpuMemoryGiB: withHeadroom(22.58),
    contextTokens: CONTEXT_8K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['7b'],
  });

  /** Qwen-7B-Chat-Int8 (GPTQ). 8K peak estimated 11.20 + (22.58 - 16.99) = 16.79 GB, x 1.1 = 18.5 GiB. */
  public static readonly QWEN_7B_CHAT_INT8 = new QwenModel({
    name: 'Qwen-7B-Chat',
    precision: 'int8',
    modelScopeId: 'qwen/Qwen-7B-Chat-Int8',
    app: webDemoApp(),
    gpuMemoryGiB: withHeadroom(estimated8kPeak(11.2, 16.99, 22.58)),
    contextTokens: CONTEXT_8K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['7b'],
  });

  /** Qwen-7B-Chat-Int4 (GPTQ). 8K peak 13.62 GB [README-8k] x 1.1 = 15.0 GiB. */
  public static readonly QWEN_7B_CHAT_INT4 = new QwenModel({
    name: 'Qwen-7B-Chat',
    precision: 'int4',
    modelScopeId: 'qwen/Qwen-7B-Chat-Int4',
    app: webDemoApp(),
    gpuMemoryGiB: withHeadroom(13.62),
    contextTokens: CONTEXT_8K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['7b'],
  });

  /** Qwen-14B-Chat, 16-bit: the reference service. 8K peak 38.94 GB [README-8k] x 1.1 = 42.9 GiB. */
  public static readonly QWEN_14B_CHAT = new QwenModel({
    name: 'Qwen-14B-Chat',
    precision: 'bf16',
    modelScopeId: 'qwen/Qwen-14B-Chat',
    app: studioApp('Qwen-14B-Chat-Demo'),
    gpuMemoryGiB: withHeadroom(38.94),
    contextTokens: CONTEXT_8K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['14b'],
  });

  /** Qwen-14B-Chat-Int8 (GPTQ). 8K peak estimated 18.81 + (38.94 - 30.15) = 27.60 GB, x 1.1 = 30.4 GiB. */
  public static readonly QWEN_14B_CHAT_INT8 = new QwenModel({
    name: 'Qwen-14B-Chat',
    precision: 'int8',
    modelScopeId: 'qwen/Qwen-14B-Chat-Int8',
    app: webDemoApp(),
    gpuMemoryGiB: withHeadroom(estimated8kPeak(18.81, 30.15, 38.94)),
    contextTokens: CONTEXT_8K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['14b'],
  });

  /** Qwen-14B-Chat-Int4 (GPTQ). 8K peak 21.79 GB [README-8k] x 1.1 = 24.0 GiB. */
  public static readonly QWEN_14B_CHAT_INT4 = new QwenModel({
    name: 'Qwen-14B-Chat',
    precision: 'int4',
    modelScopeId: 'qwen/Qwen-14B-Chat-Int4',
    app: webDemoApp(),
    gpuMemoryGiB: withHeadroom(21.79),
    contextTokens: CONTEXT_8K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['14b'],
  });

  /** Qwen-72B-Chat, 16-bit. 2K-generation 144.69 GB (2xA100) [README-perf] x 1.1 = 159.2 GiB. */
  public static readonly QWEN_72B_CHAT = new QwenModel({
    name: 'Qwen-72B-Chat',
    precision: 'bf16',
    modelScopeId: 'qwen/Qwen-72B-Chat',
    app: studioApp('Qwen-72B-Chat-Demo'),
    gpuMemoryGiB: withHeadroom(144.69),
    contextTokens: CONTEXT_2K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['72b'],
  });

  /** Qwen-72B-Chat-Int8 (GPTQ). 2K-generation 81.27 GB (2xA100) [README-perf] x 1.1 = 89.4 GiB. */
  public static readonly QWEN_72B_CHAT_INT8 = new QwenModel({
    name: 'Qwen-72B-Chat',
    precision: 'int8',
    modelScopeId: 'qwen/Qwen-72B-Chat-Int8',
    app: webDemoApp(),
    gpuMemoryGiB: withHeadroom(81.27),
    contextTokens: CONTEXT_2K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['72b'],
  });

  /** Qwen-72B-Chat-Int4 (GPTQ). 2K-generation 48.86 GB [README-perf] x 1.1 = 53.8 GiB. */
  public static readonly QWEN_72B_CHAT_INT4 = new QwenModel({
    name: 'Qwen-72B-Chat',
    precision: 'int4',
    modelScopeId: 'qwen/Qwen-72B-Chat-Int4',
    app: webDemoApp(),
    gpuMemoryGiB: withHeadroom(48.86),
    contextTokens: CONTEXT_2K,
    minComputeCapability: MIN_CC,
    minGpuMemoryPerGpuGiB: PER_GPU_FLOOR_GIB['72b'],
  });

  /** Every preset, smallest model first, 16-bit before Int8 before Int4. */
  public static readonly ALL: readonly QwenModel[] = Object.freeze([
    QwenModel.QWEN_7B_CHAT,
    QwenModel.QWEN_7B_CHAT_INT8,
    QwenModel.QWEN_7B_CHAT_INT4,
    QwenModel.QWEN_14B_CHAT,
    QwenModel.QWEN_14B_CHAT_INT8,
    QwenModel.QWEN_14B_CHAT_INT4,
    QwenModel.QWEN_72B_CHAT,
    QwenModel.QWEN_72B_CHAT_INT8,
    QwenModel.QWEN_72B_CHAT_INT4,
  ]);

  /**
   * Describes a custom model. Every string is checked against a strict pattern so it can be placed in a
   * shell script or a file path without quoting surprises.
   * @throws Error naming the bad field, its value and what is allowed
   */
  public static of(spec: QwenModelSpec): QwenModel {
    return new QwenModel(spec);
  }

  /** Looks up a preset by its {@link QwenModel.key}, e.g. `qwen-14b-chat-int4`. */
  public static fromKey(key: string): QwenModel | undefined {
    return QwenModel.ALL.find((m) => m.key === key);
  }

  /** Stable identifier, e.g. `qwen-14b-chat-bf16`. */
  public readonly key: string;
  /** Model name, e.g. `Qwen-14B-Chat`. */
  public readonly name: string;
  /** Weight precision. */
  public readonly precision: QwenPrecision;
  /** ModelScope model id, e.g. `qwen/Qwen-14B-Chat`. */
  public readonly modelScopeId: string;
  /** The Gradio demo serving the model. */
  public readonly app: QwenAppSpec;
  /** Total GPU memory needed, GiB (headroom included). */
  public readonly gpuMemoryGiB: number;
  /** Context length the memory figure is sized for. */
  public readonly contextTokens: number;
  /** Minimum CUDA compute capability. */
  public readonly minComputeCapability: number;
  /** Minimum memory of each GPU when split across several GPUs, GiB (0 = none). */
  public readonly minGpuMemoryPerGpuGiB: number;

  private constructor(spec: QwenModelSpec) {
    if (typeof spec.name !== 'string' || !SAFE_NAME.test(spec.name)) {
      fail('name', spec.name, 'expected letters, digits, ".", "_" or "-", e.g. "Qwen-14B-Chat"');
    }
    if (!PRECISIONS.includes(spec.precision)) {
      fail('precision', spec.precision, `expected one of ${PRECISIONS.join(', ')}`);
    }
    if (typeof spec.modelScopeId !== 'string' || !MODELSCOPE_ID.test(spec.modelScopeId)) {
      fail('modelScopeId', spec.modelScopeId, 'expected "<owner>/<model>", e.g. "qwen/Qwen-14B-Chat"');
    }
    const app = spec.app;
    if (app === undefined || app === null) {
      fail('app', app, 'expected { studioRepo, directory, entrypoint, port }');
    }
    if (typeof app.studioRepo !== 'string' || !STUDIO_REPO.test(app.studioRepo)) {
      fail('app.studioRepo', app.studioRepo, 'expected an https git URL ending in .git');
    }
    if (typeof app.directory !== 'string' || !ABSOLUTE_DIR.test(app.directory) || app.directory.split('/').includes('..')
      || app.directory === '/') {
      fail('app.directory', app.directory, 'expected an absolute directory below / of letters, digits, ".", "_", "-", "/" (no "..")');
    }
    if (typeof app.entrypoint !== 'string' || !ENTRYPOINT.test(app.entrypoint)) {
      fail('app.entrypoint', app.entrypoint, 'expected a Python file name such as "app.py"');
    }
    if (app.checkpointArgument !== undefined && !/^-{1,2}[a-z][a-z-]*$/.test(app.checkpointArgument)) {
      fail('app.checkpointArgument', app.checkpointArgument, 'expected an option such as "--checkpoint-path"');
    }
    if (app.commit !== undefined && !/^[0-9a-f]{40}$/.test(app.commit)) {
      fail('app.commit', app.commit, 'expected a full 40-hex git commit id (lower case)');
    }
    if (!Number.isInteger(app.port) || app.port < 1 || app.port > 65535) {
      fail('app.port', app.port, 'expected an integer from 1 to 65535');
    }
    positive('gpuMemoryGiB', spec.gpuMemoryGiB);
    if (!Number.isInteger(spec.contextTokens) || spec.contextTokens <= 0) {
      fail('contextTokens', spec.contextTokens, 'expected a positive integer');
    }
    positive('minComputeCapability', spec.minComputeCapability);
    const perGpu = spec.minGpuMemoryPerGpuGiB ?? 0;
    if (typeof perGpu !== 'number' || !Number.isFinite(perGpu) || perGpu < 0) {
      fail('minGpuMemoryPerGpuGiB', perGpu, 'expected a finite number of at least 0');
    }
    const key = spec.key ?? `${spec.name.toLowerCase()}-${spec.precision}`;
    if (!KEY.test(key)) {
      fail('key', key, 'expected lower-case letters, digits, ".", "_" or "-"');
    }

    this.key = key;
    this.name = spec.name;
    this.precision = spec.precision;
    this.modelScopeId = spec.modelScopeId;
    this.app = Object.freeze({ ...app });
    this.gpuMemoryGiB = spec.gpuMemoryGiB;
    this.contextTokens = spec.contextTokens;
    this.minComputeCapability = spec.minComputeCapability;
    this.minGpuMemoryPerGpuGiB = perGpu;
  }

  /** Human-readable name with precision, e.g. `Qwen-14B-Chat (bf16)`. */
  public get displayName(): string {
    return `${this.name} (${this.precision})`;
  }

  /** Same as {@link QwenModel.displayName}. */
  public toString(): string {
    return this.displayName;
  }
}
