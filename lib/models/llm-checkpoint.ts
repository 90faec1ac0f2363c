/**
 * Catalog of current Qwen checkpoints (Qwen2.5 Instruct, Qwen3) as vLLM serves them: what the fit
 * (`vllm-fit.ts`) and the vLLM server (`lib/serving/vllm-server.ts`) need to know about each.
 *
 * Sources (full list in docs/models-and-gpus.md, section "Current models on vLLM"):
 * - [cfg] config.json of each model: layers, attention heads, KV heads, head_dim, intermediate size,
 *   max_position_embeddings. Qwen2.5 Instruct: copies of the HF model cards in ZHUI/paddlenlp_model_readme
 *   (`Qwen/Qwen2.5-{7B,14B,32B,72B}-Instruct/index.md`, commit 40a7101e89dcf9a0dedb0e0d48c8c357fcc95996) and
 *   https://huggingface.co/osllmai-community/Qwen2.5-7B-Instruct/blob/main/config.json (max_position_embeddings
 *   32768 in the Instruct configs). Qwen3: citsjtu2020/LLM-Prof `sglang/Model_Config.md` (commit
 *   8434c8d19c396b2f95d92a67845a7c0a0e0dd512), full config.json of Qwen3-8B/14B/32B/30B-A3B. Qwen3-32B and
 *   Qwen3-30B-A3B set `head_dim: 128` explicitly: hidden_size / num_attention_heads would give 80 and 64,
 *   which is wrong; Qwen2.5 configs have no head_dim key and hidden/heads = 128 for all four.
 * - [bf16] BF16 weight bytes: parameters x 2, the parameters computed from config.json (embedding, lm_head,
 *   attention with Qwen2.5's q/k/v biases, MLP or experts, norms); they match the model cards' counts
 *   (7.61B, 14.7B, 32.5B, 72.7B, 14.8B, 30.5B).
 * - [q-est] AWQ and FP8 weight bytes are estimates (no `model.safetensors.index.json` could be read):
 *   int4 group 128: linear weights x (0.5 + 2/128 + 0.5/128) bytes, embeddings/lm_head/norms 2 bytes;
 *   FP8 block 128: linear weights x 1 byte, embeddings/lm_head 2 bytes. Cross-checked with the memory Qwen
 *   measured at input length 1 (weights plus CUDA context), which is at or below every estimate:
 *   QwenLM/Qwen3 `docs/source/getting_started/speed_benchmark.md` (commit 7a2f61ffc7a20d47efcd2bf97f6f2bf52729042e)
 *   and `docs/source/benchmark/speed_benchmark.rst` (commit 486bf7575c9bc9e9b55826e18e7c15beba4d381f).
 * - [ids] ModelScope ids: xorbitsai/inference `xinference/model/llm/llm_family.json` (commit
 *   7ecec16b63383e18e4af790c4b522fb7d79f7e77): Qwen2.5 under `qwen/`, Qwen3 under `Qwen/`.
 * - [hw] minimum compute capability per quantization: vLLM "Supported Hardware" table (docs.vllm.ai v0.6.4
 *   to v0.15.1, quantization/supported_hardware): AWQ Turing (7.5) and up, FP8 W8A8 Ada/Hopper (8.9);
 *   BF16 needs 8.0 (vLLM `_check_if_gpu_supports_dtype`: "Bfloat16 is only supported on GPUs with compute
 *   capability of at least 8.0"). Qwen3 dense FP8 on Ampere: "Since vLLM v0.9.0, FP8 Marlin has supported
 *   block-wise quants (running as w8a16)" (QwenLM/Qwen3 `docs/source/deployment/vllm.md`, commit 7a2f61ff).
 *   FP8 MoE kept at 8.9: "vLLM supports FP8 MoE models only on Ada Lovelace or Hopper GPUs (>= SM 89)"
 *   (https://huggingface.co/neuralmagic/DeepSeek-Coder-V2-Instruct-FP8/discussions/1; possibly outdated).
 * - [tp] TP: vLLM `ModelConfig.verify_with_parallel_config` requires TP to divide the attention heads; a
 *   quantized layer's group or block (128) must divide each rank's share of the MLP width: Qwen3-30B-A3B-FP8
 *   fails at TP 4 with "output_size ... = 192 is not divisible by weight quantization block_n = 128"
 *   (QwenLM/Qwen3 vllm.md), so it runs at TP 1 or 2. The official Qwen2.5-72B AWQ/GPTQ checkpoints pad
 *   the intermediate size so they split at TP 2/4/8 (QwenLM/Qwen3 `docs/source/quantization/awq.md`,
 *   `gptq.md`: 29568 / 128 = 231 is why a self-quantized 72B only works at TP 1).
 * - [ver] minimum vLLM: Qwen3 "vllm>=0.8.4 is required" at launch (QwenLM/Qwen3 commit f4d356cb554dc0ade23fe424ab674730f66117b2)
 *   and `--reasoning-parser qwen3` from 0.9.0 (vLLM PRs #17452, #18404); Qwen2.5 tool calls "available in
 *   vllm since v0.6.0" (QwenLM/Qwen3 `docs/source/framework/function_call.md`, commit 5e01d1137be48a1b4f4d81650c1de6a07bd81d4f),
 *   AWQ "vllm>=0.6.1" recommended (awq.md).
 */

/** How a checkpoint's weights are stored; vLLM reads it from the checkpoint's `quantization_config`. */
export enum WeightFormat {
  /** 16-bit brain float, unquantized. */
  BF16 = 'bf16',
  /** FP8 block-wise (block 128), Qwen's official `-FP8` checkpoints. */
  FP8 = 'fp8',
  /** 4-bit AWQ, group size 128, Qwen's official `-AWQ` checkpoints. */
  AWQ = 'awq',
}

/** The shape of a decoder-only transformer, from its config.json. */
export interface TransformerShape {
  /** `num_hidden_layers`. */
  readonly layers: number;
  /** `num_attention_heads`. */
  readonly attentionHeads: number;
  /** `num_key_value_heads`. */
  readonly kvHeads: number;
  /** `head_dim` when config.json has the key, else hidden_size / num_attention_heads. */
  readonly headDim: number;
  /**
   * The MLP width each tensor-parallel rank splits: `intermediate_size`, or for a mixture of experts
   * `moe_intermediate_size`.
   */
  readonly mlpWidth: number;
}

/** Everything needed to describe a checkpoint for {@link LlmCheckpoint.of}. */
export interface LlmCheckpointSpec {
  /** The model's published name, e.g. `Qwen3-8B`. */
  readonly modelName: string;
  /** How the weights are stored. */
  readonly format: WeightFormat;
  /** The ModelScope model id, e.g. `Qwen/Qwen3-8B-AWQ`. */
  readonly modelScopeId: string;
  /** Bytes of the weight files (what is loaded onto the GPUs). */
  readonly weightBytes: number;
  /** Whether `weightBytes` is computed from the config (exact) or estimated (quantized checkpoints). */
  readonly weightBytesEstimated: boolean;
  /** The shape, from config.json. */
  readonly shape: TransformerShape;
  /** The longest context the model takes without RoPE scaling (config.json `max_position_embeddings`). */
  readonly contextLimitTokens: number;
  /** The lowest CUDA compute capability vLLM runs this checkpoint on. */
  readonly minComputeCapability: number;
  /** The oldest vLLM release that serves it with the flags this library passes, e.g. `0.9.0`. */
  readonly minVllmVersion: string;
  /** True for a Qwen3 model: its thinking text is split out with `--reasoning-parser qwen3`. */
  readonly reasoning: boolean;
  /**
   * The tensor-parallel sizes the checkpoint's quantization allows, when the rule (group 128 divides
   * each rank's MLP share) does not decide it, with the reason.
   * @default - every power of two that divides the heads and leaves each rank a multiple of 128 of the MLP width
   */
  readonly tensorParallelSizes?: readonly number[];
  /**
   * Stable identifier used in logical ids, file names and lookups.
   * @default the ModelScope name lower-cased, e.g. `qwen3-8b-awq` (`-bf16` added to an unquantized one)
   */
  readonly key?: string;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MODELSCOPE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const KEY = /^[a-z0-9][a-z0-9._-]*$/;
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/;
/** The group (AWQ) or block (FP8) size of Qwen's official quantized checkpoints. */
const QUANT_GROUP = 128;
const TP_SIZES = [1, 2, 4, 8];

function fail(prop: string, value: unknown, fix: string): never {
  throw new Error(`LlmCheckpoint.of: ${prop} ${JSON.stringify(value)} is not allowed: ${fix}.`);
}

function positiveInteger(prop: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 1) fail(prop, value, 'give a whole number >= 1');
}

const QWEN2_5_CTX = 32768;
const QWEN3_CTX = 40960;
const QWEN2_5_MIN_VLLM = '0.6.1';
const QWEN3_MIN_VLLM = '0.9.0';
const QWEN2_5_7B: TransformerShape = { layers: 28, attentionHeads: 28, kvHeads: 4, headDim: 128, mlpWidth: 18944 };
const QWEN2_5_14B: TransformerShape = { layers: 48, attentionHeads: 40, kvHeads: 8, headDim: 128, mlpWidth: 13824 };
const QWEN2_5_32B: TransformerShape = { layers: 64, attentionHeads: 40, kvHeads: 8, headDim: 128, mlpWidth: 27648 };
const QWEN2_5_72B: TransformerShape = { layers: 80, attentionHeads: 64, kvHeads: 8, headDim: 128, mlpWidth: 29568 };
const QWEN3_8B: TransformerShape = { layers: 36, attentionHeads: 32, kvHeads: 8, headDim: 128, mlpWidth: 12288 };
const QWEN3_14B: TransformerShape = { layers: 40, attentionHeads: 40, kvHeads: 8, headDim: 128, mlpWidth: 17408 };
const QWEN3_32B: TransformerShape = { layers: 64, attentionHeads: 64, kvHeads: 8, headDim: 128, mlpWidth: 25600 };
/** Qwen3-30B-A3B: 128 experts, 8 active; each rank splits every expert's moe_intermediate_size 768. */
const QWEN3_30B_A3B: TransformerShape = { layers: 48, attentionHeads: 32, kvHeads: 4, headDim: 128, mlpWidth: 768 };

function qwen25(size: string, shape: TransformerShape, format: WeightFormat, weightBytes: number, extra: Partial<LlmCheckpointSpec> = {}): LlmCheckpoint {
  const name = `Qwen2.5-${size}-Instruct`;
  return LlmCheckpoint.of({
    modelName: name,
    format,
    modelScopeId: `qwen/${name}${format === WeightFormat.AWQ ? '-AWQ' : ''}`,
    weightBytes,
    weightBytesEstimated: format !== WeightFormat.BF16,
    shape,
    contextLimitTokens: QWEN2_5_CTX,
    minComputeCapability: format === WeightFormat.AWQ ? 7.5 : 8.0,
    minVllmVersion: QWEN2_5_MIN_VLLM,
    reasoning: false,
    ...extra,
  });
}

function qwen3(size: string, shape: TransformerShape, format: WeightFormat, weightBytes: number, extra: Partial<LlmCheckpointSpec> = {}): LlmCheckpoint {
  const name = `Qwen3-${size}`;
  const suffix = { [WeightFormat.BF16]: '', [WeightFormat.FP8]: '-FP8', [WeightFormat.AWQ]: '-AWQ' }[format];
  return LlmCheckpoint.of({
    modelName: name,
    format,
    modelScopeId: `Qwen/${name}${suffix}`,
    weightBytes,
    weightBytesEstimated: format !== WeightFormat.BF16,
    shape,
    contextLimitTokens: QWEN3_CTX,
    minComputeCapability: { [WeightFormat.BF16]: 8.0, [WeightFormat.FP8]: 8.0, [WeightFormat.AWQ]: 7.5 }[format],
    minVllmVersion: QWEN3_MIN_VLLM,
    reasoning: true,
    ...extra,
  });
}

/**
 * A model checkpoint served by vLLM: where it comes from, how big it is, and what GPUs and tensor-parallel
 * sizes it needs. Use a catalog entry (`LlmCheckpoint.QWEN3_8B`, ...) or {@link LlmCheckpoint.of}.
 */
export class LlmCheckpoint {
  /** Qwen2.5-7B-Instruct, BF16: 15,231,233,024 bytes [bf16]. */
  public static readonly QWEN2_5_7B_INSTRUCT = qwen25('7B', QWEN2_5_7B, WeightFormat.BF16, 15_231_233_024);
  /** Qwen2.5-7B-Instruct-AWQ: ~5.6 GB [q-est] (Qwen measured 5.39 GB at input 1). */
  public static readonly QWEN2_5_7B_INSTRUCT_AWQ = qwen25('7B', QWEN2_5_7B, WeightFormat.AWQ, 5.6e9);
  /** Qwen2.5-14B-Instruct, BF16: 29,540,067,328 bytes [bf16]. */
  public static readonly QWEN2_5_14B_INSTRUCT = qwen25('14B', QWEN2_5_14B, WeightFormat.BF16, 29_540_067_328);
  /** Qwen2.5-14B-Instruct-AWQ: ~10.0 GB [q-est] (measured 9.79 GB); 13824 / 8 = 1728 is no multiple of 128: no TP 8. */
  public static readonly QWEN2_5_14B_INSTRUCT_AWQ = qwen25('14B', QWEN2_5_14B, WeightFormat.AWQ, 10.0e9);
  /** Qwen2.5-32B-Instruct, BF16: 65,527,752,704 bytes [bf16]. */
  public static readonly QWEN2_5_32B_INSTRUCT = qwen25('32B', QWEN2_5_32B, WeightFormat.BF16, 65_527_752_704);
  /** Qwen2.5-32B-Instruct-AWQ: ~19.3 GB [q-est] (measured 18.67 GB). */
  public static readonly QWEN2_5_32B_INSTRUCT_AWQ = qwen25('32B', QWEN2_5_32B, WeightFormat.AWQ, 19.3e9);
  /** Qwen2.5-72B-Instruct, BF16: 145,412,407,296 bytes [bf16]. */
  public static readonly QWEN2_5_72B_INSTRUCT = qwen25('72B', QWEN2_5_72B, WeightFormat.BF16, 145_412_407_296);
  /**
   * Qwen2.5-72B-Instruct-AWQ: ~41.5 GB [q-est] (measured 39.44 GB); the official checkpoint pads the
   * intermediate size so it splits at TP 2, 4 and 8 [tp].
   */
  public static readonly QWEN2_5_72B_INSTRUCT_AWQ = qwen25('72B', QWEN2_5_72B, WeightFormat.AWQ, 41.5e9, { tensorParallelSizes: [1, 2, 4, 8] });

  /** Qwen3-8B, BF16: 16,381,470,720 bytes [bf16]. */
  public static readonly QWEN3_8B = qwen3('8B', QWEN3_8B, WeightFormat.BF16, 16_381_470_720);
  /** Qwen3-8B-FP8: ~9.4 GB [q-est] (measured 9,323 MB). */
  public static readonly QWEN3_8B_FP8 = qwen3('8B', QWEN3_8B, WeightFormat.FP8, 9.4e9);
  /** Qwen3-8B-AWQ: ~6.1 GB [q-est] (measured 6,177 MB). */
  public static readonly QWEN3_8B_AWQ = qwen3('8B', QWEN3_8B, WeightFormat.AWQ, 6.1e9);
  /** Qwen3-14B, BF16: 29,536,614,400 bytes [bf16]. */
  public static readonly QWEN3_14B = qwen3('14B', QWEN3_14B, WeightFormat.BF16, 29_536_614_400);
  /** Qwen3-14B-FP8: ~16.3 GB [q-est] (measured 16,012 MB). */
  public static readonly QWEN3_14B_FP8 = qwen3('14B', QWEN3_14B, WeightFormat.FP8, 16.3e9);
  /** Qwen3-14B-AWQ: ~10.0 GB [q-est] (measured 9,962 MB). */
  public static readonly QWEN3_14B_AWQ = qwen3('14B', QWEN3_14B, WeightFormat.AWQ, 10.0e9);
  /** Qwen3-32B, BF16: 65,524,246,528 bytes [bf16]. */
  public static readonly QWEN3_32B = qwen3('32B', QWEN3_32B, WeightFormat.BF16, 65_524_246_528);
  /** Qwen3-32B-FP8: ~34.3 GB [q-est] (measured 33,379 MB). */
  public static readonly QWEN3_32B_FP8 = qwen3('32B', QWEN3_32B, WeightFormat.FP8, 34.3e9);
  /** Qwen3-32B-AWQ: ~19.3 GB [q-est] (measured 19,109 MB). */
  public static readonly QWEN3_32B_AWQ = qwen3('32B', QWEN3_32B, WeightFormat.AWQ, 19.3e9);
  /** Qwen3-30B-A3B (mixture of experts), BF16: 61,064,245,248 bytes [bf16]. */
  public static readonly QWEN3_30B_A3B = qwen3('30B-A3B', QWEN3_30B_A3B, WeightFormat.BF16, 61_064_245_248);
  /**
   * Qwen3-30B-A3B-FP8: ~31.2 GB [q-est] (measured 30,296 MB); TP 1 or 2 only (768 / 4 = 192 is no multiple of
   * the block 128 [tp]); FP8 MoE on Ada or Hopper only [hw].
   */
  public static readonly QWEN3_30B_A3B_FP8 = qwen3('30B-A3B', QWEN3_30B_A3B, WeightFormat.FP8, 31.2e9, { minComputeCapability: 8.9 });

  /** Every catalog entry: Qwen2.5 by size (BF16, AWQ), then Qwen3 by size (BF16, FP8, AWQ). */
  public static readonly ALL: readonly LlmCheckpoint[] = Object.freeze([
    LlmCheckpoint.QWEN2_5_7B_INSTRUCT, LlmCheckpoint.QWEN2_5_7B_INSTRUCT_AWQ,
    LlmCheckpoint.QWEN2_5_14B_INSTRUCT, LlmCheckpoint.QWEN2_5_14B_INSTRUCT_AWQ,
    LlmCheckpoint.QWEN2_5_32B_INSTRUCT, LlmCheckpoint.QWEN2_5_32B_INSTRUCT_AWQ,
    LlmCheckpoint.QWEN2_5_72B_INSTRUCT, LlmCheckpoint.QWEN2_5_72B_INSTRUCT_AWQ,
    LlmCheckpoint.QWEN3_8B, LlmCheckpoint.QWEN3_8B_FP8, LlmCheckpoint.QWEN3_8B_AWQ,
    LlmCheckpoint.QWEN3_14B, LlmCheckpoint.QWEN3_14B_FP8, LlmCheckpoint.QWEN3_14B_AWQ,
    LlmCheckpoint.QWEN3_32B, LlmCheckpoint.QWEN3_32B_FP8, LlmCheckpoint.QWEN3_32B_AWQ,
    LlmCheckpoint.QWEN3_30B_A3B, LlmCheckpoint.QWEN3_30B_A3B_FP8,
  ]);

  /**
   * Describes a checkpoint the catalog lacks. Every string is checked against a strict pattern (they end
   * up in shell scripts, unit files and paths).
   * @throws Error naming the bad field, its value and what is allowed
   */
  public static of(spec: LlmCheckpointSpec): LlmCheckpoint {
    return new LlmCheckpoint(spec);
  }

  /** A catalog entry by its {@link LlmCheckpoint.key}, e.g. `qwen3-8b-awq`. */
  public static fromKey(key: string): LlmCheckpoint | undefined {
    return LlmCheckpoint.ALL.find((c) => c.key === key);
  }

  /** Stable identifier, e.g. `qwen3-8b-awq`. */
  public readonly key: string;
  /** The model's name, e.g. `Qwen3-8B`. */
  public readonly modelName: string;
  /** How the weights are stored. */
  public readonly format: WeightFormat;
  /** The ModelScope id. */
  public readonly modelScopeId: string;
  /** Bytes of the weights. */
  public readonly weightBytes: number;
  /** True when `weightBytes` is an estimate. */
  public readonly weightBytesEstimated: boolean;
  /** The shape from config.json. */
  public readonly shape: TransformerShape;
  /** The context limit in tokens. */
  public readonly contextLimitTokens: number;
  /** The lowest compute capability. */
  public readonly minComputeCapability: number;
  /** The oldest vLLM release that serves it. */
  public readonly minVllmVersion: string;
  /** True when vLLM splits out thinking text with `--reasoning-parser qwen3`. */
  public readonly reasoning: boolean;
  private readonly tensorParallelSizes?: readonly number[];

  private constructor(spec: LlmCheckpointSpec) {
    if (typeof spec.modelName !== 'string' || !SAFE_NAME.test(spec.modelName)) {
      fail('modelName', spec.modelName, 'give letters, digits, ".", "_" or "-", e.g. "Qwen3-8B"');
    }
    if (!Object.values(WeightFormat).includes(spec.format)) {
      fail('format', spec.format, `give a WeightFormat: ${Object.values(WeightFormat).join(', ')}`);
    }
    if (typeof spec.modelScopeId !== 'string' || !MODELSCOPE_ID.test(spec.modelScopeId)) {
      fail('modelScopeId', spec.modelScopeId, 'give "<owner>/<model>", e.g. "Qwen/Qwen3-8B"');
    }
    if (typeof spec.weightBytes !== 'number' || !Number.isFinite(spec.weightBytes) || spec.weightBytes < 1e6) {
      fail('weightBytes', spec.weightBytes, 'give the bytes of the weight files, e.g. 16381470720');
    }
    const shape = spec.shape;
    if (shape === undefined || shape === null) fail('shape', shape, 'give { layers, attentionHeads, kvHeads, headDim, mlpWidth } from config.json');
    for (const field of ['layers', 'attentionHeads', 'kvHeads', 'headDim', 'mlpWidth'] as const) {
      positiveInteger(`shape.${field}`, shape[field]);
    }
    if (shape.attentionHeads % shape.kvHeads !== 0) {
      fail('shape.kvHeads', shape.kvHeads, `give a divisor of attentionHeads ${shape.attentionHeads} (grouped-query attention)`);
    }
    positiveInteger('contextLimitTokens', spec.contextLimitTokens);
    if (typeof spec.minComputeCapability !== 'number' || !(spec.minComputeCapability >= 3 && spec.minComputeCapability <= 20)) {
      fail('minComputeCapability', spec.minComputeCapability, 'give a CUDA compute capability, e.g. 8.0');
    }
    if (typeof spec.minVllmVersion !== 'string' || !VERSION.test(spec.minVllmVersion)) {
      fail('minVllmVersion', spec.minVllmVersion, 'give a vLLM release as major.minor.patch, e.g. "0.9.0"');
    }
    if (typeof spec.reasoning !== 'boolean') fail('reasoning', spec.reasoning, 'give true for a Qwen3 model, false otherwise');
    if (spec.tensorParallelSizes !== undefined) {
      if (!Array.isArray(spec.tensorParallelSizes) || spec.tensorParallelSizes.length === 0
        || spec.tensorParallelSizes.some((tp) => !TP_SIZES.includes(tp) || shape.attentionHeads % tp !== 0)) {
        fail('tensorParallelSizes', spec.tensorParallelSizes, `give some of ${TP_SIZES.join(', ')}, each dividing the ${shape.attentionHeads} attention heads`);
      }
    }
    const suffix = spec.format === WeightFormat.BF16 ? '-bf16' : '';
    const key = spec.key ?? `${spec.modelScopeId.split('/')[1].toLowerCase()}${suffix}`;
    if (!KEY.test(key)) fail('key', key, 'give lower-case letters, digits, ".", "_" or "-"');

    this.key = key;
    this.modelName = spec.modelName;
    this.format = spec.format;
    this.modelScopeId = spec.modelScopeId;
    this.weightBytes = spec.weightBytes;
    this.weightBytesEstimated = spec.weightBytesEstimated === true;
    this.shape = Object.freeze({ ...shape });
    this.contextLimitTokens = spec.contextLimitTokens;
    this.minComputeCapability = spec.minComputeCapability;
    this.minVllmVersion = spec.minVllmVersion;
    this.reasoning = spec.reasoning;
    this.tensorParallelSizes = spec.tensorParallelSizes ? Object.freeze([...spec.tensorParallelSizes]) : undefined;
  }

  /** The checkpoint's name as the model hub shows it (the last part of the id), e.g. `Qwen3-8B-AWQ`. */
  public get checkpointName(): string {
    return this.modelScopeId.split('/')[1];
  }

  /** Name shown in messages, e.g. `Qwen3-8B (awq)`. */
  public get displayName(): string {
    return `${this.modelName} (${this.format})`;
  }

  /**
   * The tensor-parallel sizes vLLM accepts for this checkpoint, up to `maxGpus`: powers of two that divide
   * the attention heads and, for a quantized checkpoint, leave each rank a multiple of 128 of the MLP width
   * (or the list the spec gave).
   */
  public allowedTensorParallelSizes(maxGpus: number = 8): number[] {
    const candidates = this.tensorParallelSizes ?? TP_SIZES.filter((tp) => this.shape.attentionHeads % tp === 0
      && (this.format === WeightFormat.BF16 || (this.shape.mlpWidth / tp) % QUANT_GROUP === 0));
    return candidates.filter((tp) => tp <= maxGpus);
  }

  /**
   * Bytes of KV cache one token takes on each GPU at tensor-parallel size `tp`, with a 16-bit KV cache
   * (`--kv-cache-dtype auto`): 2 (K and V) x layers x KV heads per GPU x head_dim x 2 bytes; KV heads are
   * replicated when TP exceeds them, so each GPU holds at least one (vLLM `get_num_kv_heads`; v1
   * `AttentionSpec.page_size_bytes`).
   */
  public kvCacheBytesPerToken(tp: number = 1): number {
    const s = this.shape;
    return 2 * s.layers * Math.max(1, Math.floor(s.kvHeads / tp)) * s.headDim * 2;
  }

  /** Same as {@link LlmCheckpoint.displayName}. */
  public toString(): string {
    return this.displayName;
  }
}
