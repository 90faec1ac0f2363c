import { GpuCatalog, GpuInstanceTypeSpec, totalGpuMemoryGiB } from './gpu-types';
import { GpuRequirement } from './gpu-requirement';

/**
 * Whether a model fits an instance type, and why.
 *
 * Rules (docs/models-and-gpus.md), on the model's {@link GpuRequirement}:
 * 1. the GPU's compute capability is at least `minComputeCapability`;
 * 2. the total GPU memory (`gpuCount * gpuMemoryGiBPerGpu`) is at least `gpuMemoryGiB`
 *    (the app loads with `device_map='auto'`, which spreads whole layers over all GPUs);
 * 3. with more than one GPU, each GPU has at least `minGpuMemoryPerGpuGiB`.
 */
export interface FitResult {
  /** True when every rule holds. */
  readonly fits: boolean;
  /** One sentence with the figures, starting with the quoted instance type. */
  readonly reason: string;
}

function gib(value: number): string {
  return `${Number(value.toFixed(2))} GiB`;
}

function gpus(type: GpuInstanceTypeSpec): string {
  return `${type.gpuCount} x ${gib(type.gpuMemoryGiBPerGpu)} ${type.gpuModel}`;
}

/**
 * Checks one model against one instance type.
 * @returns `fits` and a `reason` with the memory and compute-capability figures
 */
export function checkModelFit(model: GpuRequirement, type: GpuInstanceTypeSpec): FitResult {
  const name = `'${type.instanceType}'`;
  const perGpuFloor = model.minGpuMemoryPerGpuGiB ?? 0;
  const total = totalGpuMemoryGiB(type);
  if (type.computeCapability < model.minComputeCapability) {
    return {
      fits: false,
      reason: `${name} has ${type.gpuModel} GPUs of compute capability ${type.computeCapability.toFixed(1)}; `
        + `${model.displayName} needs compute capability ${model.minComputeCapability.toFixed(1)} or higher`,
    };
  }
  if (total < model.gpuMemoryGiB) {
    return {
      fits: false,
      reason: `${name} has ${gib(total)} GPU memory in total (${gpus(type)}); `
        + `${model.displayName} needs ${gib(model.gpuMemoryGiB)} for ${model.contextTokens} tokens of context`,
    };
  }
  if (type.gpuCount > 1 && type.gpuMemoryGiBPerGpu < perGpuFloor) {
    return {
      fits: false,
      reason: `${name} has ${gib(type.gpuMemoryGiBPerGpu)} per GPU (${gpus(type)}); `
        + `${model.displayName} split across GPUs needs ${gib(perGpuFloor)} on each GPU`,
    };
  }
  return {
    fits: true,
    reason: `${name} has ${gib(total)} GPU memory in total (${gpus(type)}, compute capability `
      + `${type.computeCapability.toFixed(1)}); ${model.displayName} needs ${gib(model.gpuMemoryGiB)} `
      + `and compute capability ${model.minComputeCapability.toFixed(1)}`,
  };
}

/** Catalog types (in catalog order) that fit the model. */
export function allowedInstanceTypes(model: GpuRequirement, catalog: GpuCatalog = GpuCatalog.DEFAULT): GpuInstanceTypeSpec[] {
  return catalog.types.filter((type) => checkModelFit(model, type).fits);
}

function choices(model: GpuRequirement, catalog: GpuCatalog): string {
  const allowed = allowedInstanceTypes(model, catalog).map((t) => t.instanceType);
  return allowed.length > 0
    ? `Choose one of: ${allowed.join(', ')}`
    : `No catalog instance type fits ${model.displayName}; add a larger type with GpuCatalog.withTypes (lib/compute/gpu-types.ts)`;
}

/**
 * Throws unless every listed type is in the catalog and fits the model.
 * @param propName prefix of the message, e.g. `GpuInstanceGroup: allowedInstanceTypes`; the index is appended
 * @throws Error like `QwenGpuInstance: allowedInstanceTypes[1] 'ecs.gn6i-c4g1.xlarge' has 16 GiB GPU memory in
 *   total (1 x 16 GiB NVIDIA T4); Qwen-14B-Chat (bf16) needs 42.9 GiB for 8192 tokens of context. Choose one of: ...`
 */
export function assertInstanceTypesFit(model: GpuRequirement, types: readonly string[], propName: string,
  catalog: GpuCatalog = GpuCatalog.DEFAULT): void {
  if (types.length === 0) {
    throw new Error(`${propName} is empty; list at least one instance type. ${choices(model, catalog)}`);
  }
  const seen = new Set<string>();
  types.forEach((typeName, index) => {
    const where = `${propName}[${index}]`;
    if (seen.has(typeName)) {
      throw new Error(`${where} '${typeName}' is listed twice; list each instance type once.`);
    }
    seen.add(typeName);
    const type = catalog.find(typeName);
    if (type === undefined) {
      throw new Error(`${where} '${typeName}' is not in the GPU instance type catalog (lib/compute/gpu-types.ts), `
        + `so its GPU memory is unknown; add it with GpuCatalog.withTypes if it is a GPU type. ${choices(model, catalog)}`);
    }
    const fit = checkModelFit(model, type);
    if (!fit.fits) {
      throw new Error(`${where} ${fit.reason}. ${choices(model, catalog)}`);
    }
  });
}
