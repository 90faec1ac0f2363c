/**
 * Catalog of Alibaba Cloud GPU ECS instance types the Qwen chat service may run on.
 *
 * Source of every vCPU / memory / GPU count / GPU memory figure: Alibaba Cloud ECS documentation,
 * "GPU-accelerated compute-optimized instance families" (help/en/ecs/user-guide, the page that lists
 * gn8is, gn7e, gn7i, gn7, gn6i, gn6e, gn6v, the ebmgn* bare-metal families and the "not recommended"
 * gn5 family), as stored in the search corpus. Alibaba Cloud writes GPU memory as "16 GB x 1"; those
 * are the cards' binary sizes (a T4/V100-16GB has 16 GiB of HBM2/GDDR6), so this catalog records them as GiB.
 *
 * Compute capability (cc) per GPU model, from NVIDIA's "CUDA GPU Compute Capability" table
 * (https://developer.nvidia.com/cuda-gpus, referenced from the CUDA Programming Guide appendix
 * "Compute Capabilities"): P100 6.0 (Pascal), V100 7.0 (Volta), T4 7.5 (Turing), A100 8.0 (Ampere),
 * A10 8.6 (Ampere), L20 8.9 (Ada Lovelace).
 *
 * The GPU model of gn7 / gn7e / ebmgn7 / ebmgn7e (NVIDIA A100 40 GB / 80 GB) is not named in the stored
 * copy of the table (it lists only "40 GB x n" / "80 GB x n"); it is Alibaba Cloud's A100 family.
 *
 * gn8v / ebmgn8v (the same page, https://www.alibabacloud.com/help/en/ecs/user-guide/gpu-accelerated-compute-optimized-and-vgpu-accelerated-instance-families):
 * "96 GB of HBM3 ... up to 4 TB/s ... 900 GB/s NVLink ... FP8", available in specific regions only. The page does
 * not name the GPU; it is widely reported as the NVIDIA H20 (Hopper), so the catalog calls it `NVIDIA H20` and gives
 * it Hopper's compute capability 9.0 (NVIDIA's table lists H100/H200 as 9.0; H20 is not listed there).
 *
 * A type the catalog lacks is added with {@link GpuCatalog.withTypes} (figures from the same page), never guessed.
 */

/** Figures of one GPU ECS instance type. */
export interface GpuInstanceTypeSpec {
  /** ECS instance type, e.g. `ecs.gn7i-c8g1.2xlarge`. */
  readonly instanceType: string;
  /** Instance family, e.g. `gn7i` or `ebmgn6i`. */
  readonly family: string;
  /** GPU model, e.g. `NVIDIA A10`. */
  readonly gpuModel: string;
  /** Number of GPUs attached to one instance. */
  readonly gpuCount: number;
  /** Memory of each GPU, in GiB. */
  readonly gpuMemoryGiBPerGpu: number;
  /** CUDA compute capability of the GPU model, e.g. 8.6. */
  readonly computeCapability: number;
  /** vCPUs of the instance. */
  readonly vcpu: number;
  /** Main memory of the instance, in GiB. */
  readonly memoryGiB: number;
}

interface GpuModelFigures {
  readonly gpuModel: string;
  readonly gpuMemoryGiBPerGpu: number;
  readonly computeCapability: number;
}

// GPU models (memory per card from the family descriptions of the Alibaba Cloud page; cc from NVIDIA).
const P100_16: GpuModelFigures = { gpuModel: 'NVIDIA P100', gpuMemoryGiBPerGpu: 16, computeCapability: 6.0 };
const T4_16: GpuModelFigures = { gpuModel: 'NVIDIA T4', gpuMemoryGiBPerGpu: 16, computeCapability: 7.5 };
const V100_16: GpuModelFigures = { gpuModel: 'NVIDIA V100', gpuMemoryGiBPerGpu: 16, computeCapability: 7.0 };
const V100_32: GpuModelFigures = { gpuModel: 'NVIDIA V100', gpuMemoryGiBPerGpu: 32, computeCapability: 7.0 };
const A10_24: GpuModelFigures = { gpuModel: 'NVIDIA A10', gpuMemoryGiBPerGpu: 24, computeCapability: 8.6 };
const A100_40: GpuModelFigures = { gpuModel: 'NVIDIA A100', gpuMemoryGiBPerGpu: 40, computeCapability: 8.0 };
const A100_80: GpuModelFigures = { gpuModel: 'NVIDIA A100', gpuMemoryGiBPerGpu: 80, computeCapability: 8.0 };
const L20_48: GpuModelFigures = { gpuModel: 'NVIDIA L20', gpuMemoryGiBPerGpu: 48, computeCapability: 8.9 };
const H20_96: GpuModelFigures = { gpuModel: 'NVIDIA H20', gpuMemoryGiBPerGpu: 96, computeCapability: 9.0 };

/** One family's rows: [instance type, vCPUs, memory GiB, GPU count], copied from the family's table. */
type Row = readonly [string, number, number, number];

function family(name: string, gpu: GpuModelFigures, rows: readonly Row[]): GpuInstanceTypeSpec[] {
  return rows.map(([instanceType, vcpu, memoryGiB, gpuCount]) => ({
    instanceType,
    family: name,
    gpuModel: gpu.gpuModel,
    gpuCount,
    gpuMemoryGiBPerGpu: gpu.gpuMemoryGiBPerGpu,
    computeCapability: gpu.computeCapability,
    vcpu,
    memoryGiB,
  }));
}

/**
 * Every GPU instance type this library knows, newest family first within each kind
 * (virtualised gn*, then bare-metal ebmgn*, then the "not recommended" gn5).
 *
 * Includes every type of the reference template's `EcsInstanceType` AllowedValues
 * (gn6v-c8g1.8xlarge, gn7i-c32g1.16xlarge, gn6v-c10g1.20xlarge, gn6i-c24g1.12xlarge, gn6i-c24g1.24xlarge,
 * gn5-c4g1.2xlarge, gn5-c8g1.4xlarge, gn5-c8g1.8xlarge, gn5-c28g1.14xlarge, ebmgn6i.24xlarge) and the
 * image builder's `ecs.gn6i-c4g1.xlarge`.
 */
export const GPU_INSTANCE_TYPES: readonly GpuInstanceTypeSpec[] = Object.freeze([
  // gn8is: "NVIDIA L20 ... 48 GB of video memory per GPU".
  ...family('gn8is', L20_48, [
    ['ecs.gn8is.2xlarge', 8, 64, 1],
    ['ecs.gn8is.4xlarge', 16, 128, 1],
    ['ecs.gn8is-2x.8xlarge', 32, 256, 2],
    ['ecs.gn8is-4x.16xlarge', 64, 512, 4],
    ['ecs.gn8is-8x.32xlarge', 128, 1024, 8],
  ]),
  // gn8v: "96 GB of HBM3" per GPU (GPU not named by Alibaba; see the header).
  ...family('gn8v', H20_96, [
    ['ecs.gn8v.4xlarge', 16, 96, 1],
    ['ecs.gn8v.6xlarge', 24, 128, 1],
    ['ecs.gn8v-2x.8xlarge', 32, 192, 2],
    ['ecs.gn8v-4x.8xlarge', 32, 384, 4],
    ['ecs.gn8v-2x.12xlarge', 48, 256, 2],
    ['ecs.gn8v-8x.16xlarge', 64, 768, 8],
    ['ecs.gn8v-4x.24xlarge', 96, 512, 4],
    ['ecs.gn8v-8x.48xlarge', 192, 1024, 8],
  ]),
  // gn7e: "80 GB x n" GPU memory (A100 80 GB).
  ...family('gn7e', A100_80, [
    ['ecs.gn7e-c16g1.4xlarge', 16, 125, 1],
    ['ecs.gn7e-c16g1.8xlarge', 32, 250, 2],
    ['ecs.gn7e-c16g1.16xlarge', 64, 500, 4],
    ['ecs.gn7e-c16g1.32xlarge', 128, 1000, 8],
  ]),
  // gn7i: "NVIDIA A10 x n", "24 GB x n".
  ...family('gn7i', A10_24, [
    ['ecs.gn7i-c8g1.2xlarge', 8, 30, 1],
    ['ecs.gn7i-c16g1.4xlarge', 16, 60, 1],
    ['ecs.gn7i-c32g1.8xlarge', 32, 188, 1],
    ['ecs.gn7i-c32g1.16xlarge', 64, 376, 2],
    ['ecs.gn7i-c32g1.32xlarge', 128, 752, 4],
    ['ecs.gn7i-c48g1.12xlarge', 48, 310, 1],
    ['ecs.gn7i-c56g1.14xlarge', 56, 346, 1],
    ['ecs.gn7i-2x.8xlarge', 32, 128, 2],
    ['ecs.gn7i-4x.8xlarge', 32, 128, 4],
    ['ecs.gn7i-4x.16xlarge', 64, 256, 4],
    ['ecs.gn7i-8x.32xlarge', 128, 512, 8],
    ['ecs.gn7i-8x.16xlarge', 64, 256, 8],
  ]),
  // gn7: "40 GB x n" GPU memory (A100 40 GB).
  ...family('gn7', A100_40, [
    ['ecs.gn7-c12g1.3xlarge', 12, 94, 1],
    ['ecs.gn7-c13g1.13xlarge', 52, 378, 4],
    ['ecs.gn7-c13g1.26xlarge', 104, 756, 8],
  ]),
  // gn6i: "NVIDIA T4 x n", "16 GB x n".
  ...family('gn6i', T4_16, [
    ['ecs.gn6i-c4g1.xlarge', 4, 15, 1],
    ['ecs.gn6i-c8g1.2xlarge', 8, 31, 1],
    ['ecs.gn6i-c16g1.4xlarge', 16, 62, 1],
    ['ecs.gn6i-c24g1.6xlarge', 24, 93, 1],
    ['ecs.gn6i-c40g1.10xlarge', 40, 155, 1],
    ['ecs.gn6i-c24g1.12xlarge', 48, 186, 2],
    ['ecs.gn6i-c24g1.24xlarge', 96, 372, 4],
  ]),
  // gn6e: "n x NVIDIA V100", "n x 32 GB".
  ...family('gn6e', V100_32, [
    ['ecs.gn6e-c12g1.3xlarge', 12, 92, 1],
    ['ecs.gn6e-c12g1.6xlarge', 24, 184, 2],
    ['ecs.gn6e-c12g1.12xlarge', 48, 368, 4],
    ['ecs.gn6e-c12g1.24xlarge', 96, 736, 8],
  ]),
  // gn6v: "NVIDIA V100 x n", "16 GB x n".
  ...family('gn6v', V100_16, [
    ['ecs.gn6v-c8g1.2xlarge', 8, 32, 1],
    ['ecs.gn6v-c8g1.4xlarge', 16, 64, 2],
    ['ecs.gn6v-c8g1.8xlarge', 32, 128, 4],
    ['ecs.gn6v-c8g1.16xlarge', 64, 256, 8],
    ['ecs.gn6v-c10g1.20xlarge', 82, 336, 8],
  ]),
  // Bare-metal families (one type each).
  ...family('ebmgn8v', H20_96, [['ecs.ebmgn8v.48xlarge', 192, 1024, 8]]),
  ...family('ebmgn8is', L20_48, [['ecs.ebmgn8is.32xlarge', 128, 1024, 8]]),
  ...family('ebmgn7e', A100_80, [['ecs.ebmgn7e.32xlarge', 128, 1024, 8]]),
  ...family('ebmgn7i', A10_24, [['ecs.ebmgn7i.32xlarge', 128, 768, 4]]),
  ...family('ebmgn7', A100_40, [['ecs.ebmgn7.26xlarge', 104, 768, 8]]),
  ...family('ebmgn6e', V100_32, [['ecs.ebmgn6e.24xlarge', 96, 768, 8]]),
  ...family('ebmgn6v', V100_16, [['ecs.ebmgn6v.24xlarge', 96, 384, 8]]),
  ...family('ebmgn6i', T4_16, [['ecs.ebmgn6i.24xlarge', 96, 384, 4]]),
  // gn5 ("not recommended" on the Alibaba Cloud page): "n x NVIDIA P100", "n x 16 GB".
  ...family('gn5', P100_16, [
    ['ecs.gn5-c4g1.xlarge', 4, 30, 1],
    ['ecs.gn5-c8g1.2xlarge', 8, 60, 1],
    ['ecs.gn5-c4g1.2xlarge', 8, 60, 2],
    ['ecs.gn5-c8g1.4xlarge', 16, 120, 2],
    ['ecs.gn5-c28g1.7xlarge', 28, 112, 1],
    ['ecs.gn5-c8g1.8xlarge', 32, 240, 4],
    ['ecs.gn5-c28g1.14xlarge', 56, 224, 2],
    ['ecs.gn5-c8g1.14xlarge', 54, 480, 8],
  ]),
].map((spec) => Object.freeze(spec)));

const INSTANCE_TYPE = /^ecs\.[a-z0-9]+(-[a-z0-9]+)*\.[0-9]*xlarge$/;
const GPU_MODEL = /^[A-Za-z0-9][A-Za-z0-9 .()-]{0,63}$/;

/**
 * A set of GPU instance types the fit rules choose from: the built-in {@link GpuCatalog.DEFAULT}
 * ({@link GPU_INSTANCE_TYPES}), or it with types added by {@link GpuCatalog.withTypes} for a type the
 * catalog lacks. Immutable: `withTypes` returns a new catalog.
 */
export class GpuCatalog {
  /** The built-in catalog: {@link GPU_INSTANCE_TYPES}. */
  public static readonly DEFAULT = new GpuCatalog(GPU_INSTANCE_TYPES);

  /** The instance types, in order (the built-in ones first, then added ones in the order given). */
  public readonly types: readonly GpuInstanceTypeSpec[];
  private readonly byType: ReadonlyMap<string, GpuInstanceTypeSpec>;

  /**
   * @param types the instance types; each is checked ({@link validateGpuInstanceTypeSpec}) and listed once
   * @throws Error naming the bad entry, its value and the fix
   */
  constructor(types: readonly GpuInstanceTypeSpec[]) {
    const byType = new Map<string, GpuInstanceTypeSpec>();
    types.forEach((spec, i) => {
      validateGpuInstanceTypeSpec(spec, `GpuCatalog: types[${i}]`);
      if (byType.has(spec.instanceType)) {
        throw new Error(`GpuCatalog: types[${i}] '${spec.instanceType}' is listed twice; list each instance type once.`);
      }
      byType.set(spec.instanceType, Object.isFrozen(spec) ? spec : Object.freeze({ ...spec }));
    });
    this.byType = byType;
    this.types = Object.freeze([...byType.values()]);
  }

  /**
   * A catalog with these types added, for a type this one lacks (give the figures of Alibaba Cloud's
   * instance family page). A type already in the catalog is refused: its figures are not overridden.
   * @throws Error naming the type and the fix
   */
  public withTypes(...types: GpuInstanceTypeSpec[]): GpuCatalog {
    types.forEach((spec, i) => {
      if (spec && this.byType.has(spec.instanceType)) {
        throw new Error(`GpuCatalog.withTypes: types[${i}] '${spec.instanceType}' is already in the catalog; add only types it lacks (its figures are not overridden).`);
      }
    });
    return new GpuCatalog([...this.types, ...types]);
  }

  /** The figures of an instance type, or `undefined` if the catalog does not list it. */
  public find(instanceType: string): GpuInstanceTypeSpec | undefined {
    return this.byType.get(instanceType);
  }
}

/**
 * Throws unless the figures of an instance type are usable: an `ecs.<family>...xlarge` name whose family
 * matches `family`, whole positive GPU count and vCPUs, positive memory, compute capability from 3.0 to 20.
 * @param owner prefix of the message, e.g. `GpuCatalog: types[3]`
 */
export function validateGpuInstanceTypeSpec(spec: GpuInstanceTypeSpec, owner: string): void {
  const fail = (field: string, value: unknown, fix: string): never => {
    throw new Error(`${owner}.${field} ${JSON.stringify(value)} is not allowed: ${fix}.`);
  };
  if (spec === undefined || spec === null || typeof spec !== 'object') {
    throw new Error(`${owner} ${JSON.stringify(spec)} is not allowed: give { instanceType, family, gpuModel, gpuCount, gpuMemoryGiBPerGpu, computeCapability, vcpu, memoryGiB }.`);
  }
  if (typeof spec.instanceType !== 'string' || !INSTANCE_TYPE.test(spec.instanceType)) {
    fail('instanceType', spec.instanceType, "give the ECS instance type, e.g. 'ecs.gn8is.2xlarge'");
  }
  if (typeof spec.family !== 'string' || spec.instanceType.slice(4).split(/[-.]/)[0] !== spec.family) {
    fail('family', spec.family, `give the family part of the type name ('${spec.instanceType.slice(4).split(/[-.]/)[0]}')`);
  }
  if (typeof spec.gpuModel !== 'string' || !GPU_MODEL.test(spec.gpuModel)) {
    fail('gpuModel', spec.gpuModel, "give the GPU's name, e.g. 'NVIDIA L20'");
  }
  const whole = (field: 'gpuCount' | 'vcpu') => {
    const v = spec[field];
    if (!Number.isInteger(v) || v < 1) fail(field, v, 'give a whole number >= 1');
  };
  whole('gpuCount');
  whole('vcpu');
  for (const field of ['gpuMemoryGiBPerGpu', 'memoryGiB'] as const) {
    const v = spec[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(field, v, 'give GiB > 0');
  }
  const cc = spec.computeCapability;
  if (typeof cc !== 'number' || !Number.isFinite(cc) || cc < 3 || cc > 20) {
    fail('computeCapability', cc, "give the GPU's CUDA compute capability from NVIDIA's table, e.g. 8.9");
  }
}

/**
 * Looks up an instance type in {@link GPU_INSTANCE_TYPES}.
 * @param type the exact ECS instance type, e.g. `ecs.gn7i-c8g1.2xlarge`
 * @returns its figures, or `undefined` if the catalog does not list it
 */
export function findGpuInstanceType(type: string): GpuInstanceTypeSpec | undefined {
  return GpuCatalog.DEFAULT.find(type);
}

/** Total GPU memory of an instance type in GiB: `gpuCount * gpuMemoryGiBPerGpu`. */
export function totalGpuMemoryGiB(spec: GpuInstanceTypeSpec): number {
  return spec.gpuCount * spec.gpuMemoryGiBPerGpu;
}
