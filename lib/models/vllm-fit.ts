import { GpuRequirement } from '../compute/gpu-requirement';
import { GpuCatalog, GpuInstanceTypeSpec } from '../compute/gpu-types';
import { LlmCheckpoint } from './llm-checkpoint';

/**
 * Whether a checkpoint fits an instance type under vLLM, and with which flags.
 *
 * Per GPU, at tensor-parallel size TP (docs/models-and-gpus.md, "Fit under vLLM"):
 *
 *     weights / TP + overhead(TP) + KV(context x sequences, TP)  <=  card GiB x USABLE_MEMORY_FRACTION x utilization
 *
 * - KV(tokens, TP) = tokens x {@link LlmCheckpoint.kvCacheBytesPerToken}(TP).
 * - overhead(TP) = {@link ACTIVATION_PEAK_GIB} + {@link nonTorchMemoryGiB}(TP).
 * - TP: {@link LlmCheckpoint.allowedTensorParallelSizes} up to the instance's GPU count.
 * - The context is the longest of the model's limit, 32768, 16384, 8192, 4096, 2048 tokens (not below
 *   `minContextTokens`) that fits; at equal context the smaller TP wins.
 * - The GPU's compute capability is at least the checkpoint's.
 */

/**
 * The part of a GPU's stated memory that CUDA reports as total (what `--gpu-memory-utilization` is a
 * fraction of): a "48 GB" L40S reports 44.42 GiB (vLLM issue #15815, `total_gpu_memory (44.42GiB)`), an
 * "80 GB" card 79.22 GiB (vLLM PR #10511). 0.925 is at or below both (44.42 / 48 = 0.9254), so the fit
 * never counts memory the card does not show.
 */
export const USABLE_MEMORY_FRACTION = 0.925;

/**
 * vLLM's peak activation memory in its profiling run, per GPU: 1.26 GiB (Llama-3-8B, vLLM PR #10511;
 * Qwen2.5-32B on L40S, vLLM issue #15815) and 1.42 GiB (Qwen2.5-7B, vLLM issue #13882), rounded up.
 */
export const ACTIVATION_PEAK_GIB = 1.5;

/**
 * vLLM's non-torch memory (CUDA context, cuBLAS, NCCL buffers) per GPU: 1.79 GiB at TP 1 and 3.58 GiB at
 * TP 2 in vLLM PR #10511's profile of Llama-3-8B on an 80 GB GPU (the largest figures found), rounded up.
 */
export function nonTorchMemoryGiB(tensorParallelSize: number): number {
  return tensorParallelSize > 1 ? 3.6 : 1.8;
}

/**
 * The `--gpu-memory-utilization` this library passes (always explicitly: the default moved from 0.9 to
 * 0.92 across vLLM releases, `vllm/config/cache.py`). 0.9 is Qwen's documented default ("By default, it
 * is 0.9", QwenLM/Qwen3 docs/source/deployment/vllm.md); the 10% left over holds CUDA graphs, which
 * vLLM 0.x allocates outside that budget ("CUDA Graphs are used, which will use GPU memory not controlled
 * by vLLM", same page).
 */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

const GIB = 2 ** 30;
const CONTEXT_LADDER = [32768, 16384, 8192, 4096, 2048];

/** Options of the vLLM fit. */
export interface VllmFitOptions {
  /**
   * The shortest context (prompt and answer, tokens) a type must offer to be allowed.
   * @default 8192
   */
  readonly minContextTokens?: number;
  /**
   * How many sequences of the full context the KV cache must hold at once.
   * @default 4
   */
  readonly concurrentSequences?: number;
  /**
   * `--gpu-memory-utilization`.
   * @default DEFAULT_GPU_MEMORY_UTILIZATION (0.9)
   */
  readonly gpuMemoryUtilization?: number;
  /**
   * The instance types to choose from.
   * @default GpuCatalog.DEFAULT
   */
  readonly catalog?: GpuCatalog;
}

/** How vLLM runs a checkpoint on one instance type: its flags and the memory figures behind them. */
export interface VllmPlacement {
  /** The ECS instance type. */
  readonly instanceType: string;
  /** `--tensor-parallel-size`. */
  readonly tensorParallelSize: number;
  /** `--max-model-len`. */
  readonly maxModelLen: number;
  /** `--gpu-memory-utilization`. */
  readonly gpuMemoryUtilization: number;
  /** GiB per GPU vLLM may use: card x USABLE_MEMORY_FRACTION x utilization. */
  readonly budgetGiBPerGpu: number;
  /** GiB of weights per GPU. */
  readonly weightsGiBPerGpu: number;
  /** GiB of runtime overhead per GPU. */
  readonly overheadGiBPerGpu: number;
  /** GiB per GPU left for the KV cache. */
  readonly kvCacheGiBPerGpu: number;
  /** GiB per GPU the KV cache needs for `maxModelLen` x the concurrent sequences. */
  readonly kvCacheNeededGiBPerGpu: number;
}

/** The verdict for one checkpoint on one instance type. */
export interface VllmTypeFit {
  /** The instance type. */
  readonly instanceType: string;
  /** True when a placement was found. */
  readonly fits: boolean;
  /** The flags, when it fits. */
  readonly placement?: VllmPlacement;
  /**
   * When it does not fit for memory: GiB per GPU missing at the best TP and the shortest allowed context
   * (0 when it fits, Infinity when compute capability or TP rules it out).
   */
  readonly shortfallGiBPerGpu: number;
  /** One sentence with the figures, starting with the quoted instance type. */
  readonly reason: string;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function resolveOptions(options: VllmFitOptions): Required<VllmFitOptions> {
  const minContextTokens = options.minContextTokens ?? 8192;
  const concurrentSequences = options.concurrentSequences ?? 4;
  const gpuMemoryUtilization = options.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
  if (!Number.isInteger(minContextTokens) || minContextTokens < 256) {
    throw new Error(`vLLM fit: minContextTokens ${minContextTokens} is not allowed: give a whole number of tokens >= 256, e.g. 8192.`);
  }
  if (!Number.isInteger(concurrentSequences) || concurrentSequences < 1 || concurrentSequences > 1024) {
    throw new Error(`vLLM fit: concurrentSequences ${concurrentSequences} is not allowed: give a whole number from 1 to 1024, e.g. 4.`);
  }
  if (typeof gpuMemoryUtilization !== 'number' || !(gpuMemoryUtilization >= 0.5 && gpuMemoryUtilization <= 0.95)) {
    throw new Error(`vLLM fit: gpuMemoryUtilization ${gpuMemoryUtilization} is not allowed: give a fraction from 0.5 to 0.95, e.g. 0.9 (the rest holds CUDA graphs).`);
  }
  return { minContextTokens, concurrentSequences, gpuMemoryUtilization, catalog: options.catalog ?? GpuCatalog.DEFAULT };
}

/** The contexts tried, longest first, from the model's limit down to `minContextTokens`. */
function contexts(checkpoint: LlmCheckpoint, minContextTokens: number): number[] {
  const limit = checkpoint.contextLimitTokens;
  return [...new Set([limit, ...CONTEXT_LADDER])].filter((c) => c <= limit && c >= minContextTokens).sort((a, b) => b - a);
}

/**
 * The placement of a checkpoint on one instance type: the longest context that fits, at the smallest TP.
 * @returns `fits` with the placement, or the reason and shortfall
 */
export function fitVllm(checkpoint: LlmCheckpoint, type: GpuInstanceTypeSpec, options: VllmFitOptions = {}): VllmTypeFit {
  const o = resolveOptions(options);
  const name = `'${type.instanceType}'`;
  const gpus = `${type.gpuCount} x ${type.gpuMemoryGiBPerGpu} GiB ${type.gpuModel}`;
  if (type.computeCapability < checkpoint.minComputeCapability) {
    return {
      instanceType: type.instanceType, fits: false, shortfallGiBPerGpu: Infinity,
      reason: `${name} has ${type.gpuModel} GPUs of compute capability ${type.computeCapability.toFixed(1)}; `
        + `${checkpoint.displayName} needs ${checkpoint.minComputeCapability.toFixed(1)} or higher under vLLM`,
    };
  }
  const tps = checkpoint.allowedTensorParallelSizes(type.gpuCount);
  if (tps.length === 0) {
    return {
      instanceType: type.instanceType, fits: false, shortfallGiBPerGpu: Infinity,
      reason: `${name} has ${type.gpuCount} GPUs; no tensor-parallel size of ${checkpoint.displayName} `
        + `(${checkpoint.allowedTensorParallelSizes().join(', ')}) fits within them`,
    };
  }
  const ctxs = contexts(checkpoint, o.minContextTokens);
  if (ctxs.length === 0) {
    throw new Error(`vLLM fit: minContextTokens ${o.minContextTokens} is more than ${checkpoint.displayName}'s context limit ${checkpoint.contextLimitTokens}; give at most ${checkpoint.contextLimitTokens}.`);
  }
  const budget = type.gpuMemoryGiBPerGpu * USABLE_MEMORY_FRACTION * o.gpuMemoryUtilization;
  const figures = (tp: number, ctx: number) => {
    const weights = checkpoint.weightBytes / tp / GIB;
    const overhead = ACTIVATION_PEAK_GIB + nonTorchMemoryGiB(tp);
    const kvAvailable = budget - weights - overhead;
    const kvNeeded = ctx * o.concurrentSequences * checkpoint.kvCacheBytesPerToken(tp) / GIB;
    return { weights, overhead, kvAvailable, kvNeeded };
  };
  for (const ctx of ctxs) {
    for (const tp of tps) {
      const f = figures(tp, ctx);
      if (f.kvAvailable >= f.kvNeeded) {
        const placement: VllmPlacement = {
          instanceType: type.instanceType,
          tensorParallelSize: tp,
          maxModelLen: ctx,
          gpuMemoryUtilization: o.gpuMemoryUtilization,
          budgetGiBPerGpu: round2(budget),
          weightsGiBPerGpu: round2(f.weights),
          overheadGiBPerGpu: round2(f.overhead),
          kvCacheGiBPerGpu: round2(f.kvAvailable),
          kvCacheNeededGiBPerGpu: round2(f.kvNeeded),
        };
        return {
          instanceType: type.instanceType, fits: true, placement, shortfallGiBPerGpu: 0,
          reason: `${name} (${gpus}) runs ${checkpoint.displayName} at TP ${tp} with ${ctx} tokens of context: `
            + `${placement.weightsGiBPerGpu} GiB weights + ${placement.overheadGiBPerGpu} GiB overhead + `
            + `${placement.kvCacheNeededGiBPerGpu} GiB KV cache for ${o.concurrentSequences} sequences <= ${placement.budgetGiBPerGpu} GiB per GPU`,
        };
      }
    }
  }
  // No fit: report the smallest shortfall at the shortest context.
  const minCtx = ctxs[ctxs.length - 1];
  const best = tps.map((tp) => ({ tp, f: figures(tp, minCtx) }))
    .map((x) => ({ ...x, short: x.f.kvNeeded - x.f.kvAvailable }))
    .sort((a, b) => a.short - b.short)[0];
  return {
    instanceType: type.instanceType, fits: false, shortfallGiBPerGpu: round2(best.short),
    reason: `${name} (${gpus}) is short of ${round2(best.short)} GiB per GPU for ${checkpoint.displayName} at TP ${best.tp} `
      + `with ${minCtx} tokens x ${o.concurrentSequences} sequences: ${round2(best.f.weights)} GiB weights + `
      + `${round2(best.f.overhead)} GiB overhead + ${round2(best.f.kvNeeded)} GiB KV cache > ${round2(budget)} GiB per GPU`,
  };
}

/**
 * A checkpoint's fit over a catalog: the allowed instance types and, per type, the TP and context that
 * fit. Made by {@link VllmFit.of}, which throws when nothing fits.
 */
export class VllmFit {
  /**
   * Fits the checkpoint against every type of the catalog (or of `instanceTypes`).
   * @param instanceTypes restrict to these types (each must be in the catalog and fit)
   * @throws Error when no type fits, naming the best candidate and its shortfall; or naming a listed type
   *   that does not fit, with its figures
   */
  public static of(checkpoint: LlmCheckpoint, options: VllmFitOptions = {}, instanceTypes?: readonly string[]): VllmFit {
    const o = resolveOptions(options);
    const candidates = instanceTypes === undefined ? o.catalog.types : instanceTypes.map((t, i) => {
      const spec = o.catalog.find(t);
      if (spec === undefined) {
        throw new Error(`VllmFit: instanceTypes[${i}] '${t}' is not in the GPU catalog; add it with GpuCatalog.withTypes, or choose a catalog type.`);
      }
      return spec;
    });
    const verdicts = candidates.map((type) => fitVllm(checkpoint, type, o));
    if (instanceTypes !== undefined) {
      verdicts.forEach((v, i) => {
        if (!v.fits) throw new Error(`VllmFit: instanceTypes[${i}] ${v.reason}; leave it out, or give a smaller checkpoint or context.`);
      });
    }
    const allowed = verdicts.filter((v) => v.fits);
    if (allowed.length === 0) {
      const ranked = [...verdicts].sort((a, b) => a.shortfallGiBPerGpu - b.shortfallGiBPerGpu);
      const best = ranked[0];
      const hint = best === undefined ? 'the catalog is empty'
        : Number.isFinite(best.shortfallGiBPerGpu)
          ? `the best candidate is ${best.reason}`
          : `no type qualifies: ${best.reason}`;
      throw new Error(`VllmFit: ${checkpoint.displayName} fits no instance type with ${o.minContextTokens} tokens x `
        + `${o.concurrentSequences} sequences; ${hint}. Choose a quantized checkpoint, a shorter minContextTokens or fewer `
        + 'concurrentSequences, or add a larger type with GpuCatalog.withTypes.');
    }
    return new VllmFit(checkpoint, o, allowed.map((v) => v.placement!));
  }

  /** The checkpoint. */
  public readonly checkpoint: LlmCheckpoint;
  /** The placements of the allowed types, in catalog order. */
  public readonly placements: readonly VllmPlacement[];
  /** The shortest context every allowed type offers. */
  public readonly minContextTokens: number;
  /** Sequences of full context the KV cache holds at once. */
  public readonly concurrentSequences: number;
  /** `--gpu-memory-utilization`. */
  public readonly gpuMemoryUtilization: number;
  private readonly catalog: GpuCatalog;

  private constructor(checkpoint: LlmCheckpoint, o: Required<VllmFitOptions>, placements: VllmPlacement[]) {
    this.checkpoint = checkpoint;
    this.placements = Object.freeze(placements.map((p) => Object.freeze(p)));
    this.minContextTokens = o.minContextTokens;
    this.concurrentSequences = o.concurrentSequences;
    this.gpuMemoryUtilization = o.gpuMemoryUtilization;
    this.catalog = o.catalog;
  }

  /** The allowed instance types, in catalog order. */
  public get instanceTypes(): string[] {
    return this.placements.map((p) => p.instanceType);
  }

  /** The placement on one allowed type, or `undefined`. */
  public placementFor(instanceType: string): VllmPlacement | undefined {
    return this.placements.find((p) => p.instanceType === instanceType);
  }

  /** The most GPUs any allowed placement uses (its TP). */
  public get maxTensorParallelSize(): number {
    return Math.max(...this.placements.map((p) => p.tensorParallelSize));
  }

  /**
   * What the model needs from an instance's GPUs, for `GpuInstanceGroup` and the pre-flight check: the
   * stated GPU memory of the smallest allowed placement's GPUs (TP x card GiB), which every allowed type
   * has, and the checkpoint's compute capability.
   */
  public get requirement(): GpuRequirement {
    const gib = Math.min(...this.placements.map((p) => {
      const spec = this.catalog.find(p.instanceType)!;
      return p.tensorParallelSize * spec.gpuMemoryGiBPerGpu;
    }));
    return {
      displayName: this.checkpoint.displayName,
      gpuMemoryGiB: gib,
      contextTokens: this.minContextTokens,
      minComputeCapability: this.checkpoint.minComputeCapability,
    };
  }
}
