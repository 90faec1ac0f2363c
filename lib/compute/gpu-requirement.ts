/**
 * What a model needs from the GPUs of one instance. The fit rules (`checkModelFit`) and
 * `GpuInstanceGroup` read only this, so any model can be sized: a Qwen preset (`QwenModel`
 * implements it), a vLLM-served model, or a plain object.
 */
export interface GpuRequirement {
  /** Name shown in messages, e.g. `Qwen-14B-Chat (bf16)`. */
  readonly displayName: string;
  /** Total GPU memory the model needs, in GiB: weights plus working memory for `contextTokens`, headroom included. */
  readonly gpuMemoryGiB: number;
  /** Context length (tokens) the `gpuMemoryGiB` figure is sized for. */
  readonly contextTokens: number;
  /** Minimum CUDA compute capability of the GPU, e.g. 7.0. */
  readonly minComputeCapability: number;
  /**
   * Minimum memory of each GPU when the model is split over several GPUs, in GiB (the largest
   * part that cannot be split, plus the CUDA context).
   * @default 0 (no floor beyond the total)
   */
  readonly minGpuMemoryPerGpuGiB?: number;
}

function positiveFinite(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * Throws unless the requirement's figures are usable: a name, positive memory and compute
 * capability, a positive whole context length, a per-GPU floor of at least 0.
 * @param owner prefix of the message, e.g. `GpuInstanceGroup: requirement`
 */
export function validateGpuRequirement(requirement: GpuRequirement, owner: string): void {
  const fail = (field: string, value: unknown, fix: string): never => {
    throw new Error(`${owner}.${field} ${JSON.stringify(value)} is not allowed: ${fix}.`);
  };
  if (typeof requirement.displayName !== 'string' || requirement.displayName.trim() === '') {
    fail('displayName', requirement.displayName, 'give the name shown in messages, e.g. "Qwen-14B-Chat (bf16)"');
  }
  if (!positiveFinite(requirement.gpuMemoryGiB)) fail('gpuMemoryGiB', requirement.gpuMemoryGiB, 'give the GiB of GPU memory the model needs, > 0');
  if (!Number.isInteger(requirement.contextTokens) || requirement.contextTokens <= 0) {
    fail('contextTokens', requirement.contextTokens, 'give the context length in tokens, a whole number > 0');
  }
  if (!positiveFinite(requirement.minComputeCapability)) {
    fail('minComputeCapability', requirement.minComputeCapability, 'give the CUDA compute capability the model needs, e.g. 7.0');
  }
  const perGpu = requirement.minGpuMemoryPerGpuGiB ?? 0;
  if (typeof perGpu !== 'number' || !Number.isFinite(perGpu) || perGpu < 0) {
    fail('minGpuMemoryPerGpuGiB', perGpu, 'give GiB >= 0, or leave it out');
  }
}
