import { findGpuInstanceType, GPU_INSTANCE_TYPES, GpuInstanceTypeSpec, totalGpuMemoryGiB } from '../../lib/compute/gpu-types';
import { allowedInstanceTypes, assertInstanceTypesFit, checkModelFit } from '../../lib/compute/model-fit';
import { QwenModel } from '../../lib/compute/models';

const PROP = 'QwenGpuInstance: instanceTypes';

function type(name: string): GpuInstanceTypeSpec {
  const spec = findGpuInstanceType(name);
  if (spec === undefined) {
    throw new Error(`test setup: ${name} missing from catalog`);
  }
  return spec;
}

describe('allowedInstanceTypes', () => {
  test.each(QwenModel.ALL.map((m) => [m.key, m] as const))('%s: non-empty, every member fits, catalog order', (_key, model) => {
    const allowed = allowedInstanceTypes(model);
    expect(allowed.length).toBeGreaterThan(0);
    for (const t of allowed) {
      expect(checkModelFit(model, t).fits).toBe(true);
      expect(totalGpuMemoryGiB(t)).toBeGreaterThanOrEqual(model.gpuMemoryGiB);
      expect(t.computeCapability).toBeGreaterThanOrEqual(model.minComputeCapability);
    }
    // stable: same result twice, in catalog order
    const indexes = allowed.map((t) => GPU_INSTANCE_TYPES.indexOf(t));
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    expect(allowedInstanceTypes(model)).toEqual(allowed);
    // complete: every catalog type not allowed really does not fit
    for (const t of GPU_INSTANCE_TYPES.filter((x) => !allowed.includes(x))) {
      expect(checkModelFit(model, t).fits).toBe(false);
    }
  });

  test('Qwen-14B-Chat bf16 excludes every type with less than 40 GiB GPU memory in total', () => {
    const allowed = new Set(allowedInstanceTypes(QwenModel.QWEN_14B_CHAT));
    const small = GPU_INSTANCE_TYPES.filter((t) => totalGpuMemoryGiB(t) < 40);
    expect(small.length).toBeGreaterThanOrEqual(20);
    for (const t of small) {
      expect(allowed.has(t)).toBe(false);
    }
    // the case: 2 x 16 GiB runs out of memory
    expect(checkModelFit(QwenModel.QWEN_14B_CHAT, type('ecs.gn6i-c24g1.12xlarge')).fits).toBe(false);
    expect(checkModelFit(QwenModel.QWEN_14B_CHAT, type('ecs.gn6v-c8g1.4xlarge')).fits).toBe(false);
  });

  test('Qwen-14B-Chat bf16 against the reference template list', () => {
    const fits = (name: string) => checkModelFit(QwenModel.QWEN_14B_CHAT, type(name)).fits;
    expect(fits('ecs.gn7i-c32g1.16xlarge')).toBe(true); // 2 x A10 = 48 GiB
    expect(fits('ecs.gn6v-c8g1.8xlarge')).toBe(true); // 4 x V100 16 = 64 GiB
    expect(fits('ecs.gn6v-c10g1.20xlarge')).toBe(true); // 8 x V100 16
    expect(fits('ecs.gn6i-c24g1.24xlarge')).toBe(true); // 4 x T4 = 64 GiB
    expect(fits('ecs.ebmgn6i.24xlarge')).toBe(true); // 4 x T4
    expect(fits('ecs.gn6i-c24g1.12xlarge')).toBe(false); // 2 x T4 = 32 GiB
    for (const gn5 of ['ecs.gn5-c4g1.2xlarge', 'ecs.gn5-c8g1.4xlarge', 'ecs.gn5-c8g1.8xlarge', 'ecs.gn5-c28g1.14xlarge']) {
      expect(fits(gn5)).toBe(false); // P100, cc 6.0: Qwen would fall back to fp32
    }
  });

  test('a single 24 GiB A10 runs the 14B Int4 and 7B Int8 models but not the 16-bit 7B at 8K', () => {
    const a10 = type('ecs.gn7i-c8g1.2xlarge');
    expect(checkModelFit(QwenModel.QWEN_14B_CHAT_INT4, a10).fits).toBe(true);
    expect(checkModelFit(QwenModel.QWEN_7B_CHAT_INT8, a10).fits).toBe(true);
    expect(checkModelFit(QwenModel.QWEN_7B_CHAT, a10).fits).toBe(false);
    expect(checkModelFit(QwenModel.QWEN_7B_CHAT_INT4, type('ecs.gn6i-c4g1.xlarge')).fits).toBe(true);
  });
});

describe('checkModelFit reasons carry the figures', () => {
  test('memory shortfall', () => {
    const r = checkModelFit(QwenModel.QWEN_14B_CHAT, type('ecs.gn6i-c4g1.xlarge'));
    expect(r.fits).toBe(false);
    expect(r.reason).toBe("'ecs.gn6i-c4g1.xlarge' has 16 GiB GPU memory in total (1 x 16 GiB NVIDIA T4); "
      + 'Qwen-14B-Chat (bf16) needs 42.9 GiB for 8192 tokens of context');
  });

  test('compute capability shortfall is reported before memory', () => {
    const r = checkModelFit(QwenModel.QWEN_7B_CHAT_INT4, type('ecs.gn5-c8g1.14xlarge'));
    expect(r.fits).toBe(false);
    expect(r.reason).toBe("'ecs.gn5-c8g1.14xlarge' has NVIDIA P100 GPUs of compute capability 6.0; "
      + 'Qwen-7B-Chat (int4) needs compute capability 7.0 or higher');
  });

  test('per-GPU floor applies only when split across GPUs', () => {
    const picky = QwenModel.of({ ...specOf(QwenModel.QWEN_7B_CHAT_INT4), key: 'picky', minGpuMemoryPerGpuGiB: 20 });
    const twoT4 = checkModelFit(picky, type('ecs.gn6i-c24g1.12xlarge'));
    expect(twoT4.fits).toBe(false);
    expect(twoT4.reason).toBe("'ecs.gn6i-c24g1.12xlarge' has 16 GiB per GPU (2 x 16 GiB NVIDIA T4); "
      + 'Qwen-7B-Chat (int4) split across GPUs needs 20 GiB on each GPU');
    expect(checkModelFit(picky, type('ecs.gn6i-c4g1.xlarge')).fits).toBe(true);
  });

  test('a fit names both sides', () => {
    const r = checkModelFit(QwenModel.QWEN_14B_CHAT, type('ecs.gn7i-c32g1.16xlarge'));
    expect(r.fits).toBe(true);
    expect(r.reason).toBe("'ecs.gn7i-c32g1.16xlarge' has 48 GiB GPU memory in total (2 x 24 GiB NVIDIA A10, "
      + 'compute capability 8.6); Qwen-14B-Chat (bf16) needs 42.9 GiB and compute capability 7.0');
  });
});

describe('assertInstanceTypesFit', () => {
  test('passes when every type fits', () => {
    expect(() => assertInstanceTypesFit(QwenModel.QWEN_14B_CHAT,
      ['ecs.gn7i-c32g1.16xlarge', 'ecs.gn6i-c24g1.24xlarge'], PROP)).not.toThrow();
  });

  test('a misfit throws with prop, index, type, figures and the allowed list', () => {
    const call = () => assertInstanceTypesFit(QwenModel.QWEN_14B_CHAT,
      ['ecs.gn7i-c32g1.16xlarge', 'ecs.gn6i-c24g1.12xlarge'], PROP);
    expect(call).toThrow(/^QwenGpuInstance: instanceTypes\[1\] 'ecs\.gn6i-c24g1\.12xlarge' has 32 GiB GPU memory in total \(2 x 16 GiB NVIDIA T4\); Qwen-14B-Chat \(bf16\) needs 42\.9 GiB for 8192 tokens of context\. Choose one of: ecs\.gn8is\.2xlarge, ecs\.gn8is\.4xlarge, /);
    expect(call).toThrow(/ecs\.gn7i-c32g1\.16xlarge, /);
    expect(call).toThrow(/ecs\.ebmgn6i\.24xlarge$/);
    expect(call).not.toThrow(/Choose one of: .*ecs\.gn6i-c24g1\.12xlarge/);
  });

  test('a compute-capability misfit names the capability', () => {
    expect(() => assertInstanceTypesFit(QwenModel.QWEN_7B_CHAT_INT4, ['ecs.gn5-c4g1.xlarge'], PROP))
      .toThrow(/^QwenGpuInstance: instanceTypes\[0\] 'ecs\.gn5-c4g1\.xlarge' has NVIDIA P100 GPUs of compute capability 6\.0; Qwen-7B-Chat \(int4\) needs compute capability 7\.0 or higher\. Choose one of: ecs\.gn8is\.2xlarge/);
  });

  test('an unknown type throws with a clear message', () => {
    expect(() => assertInstanceTypesFit(QwenModel.QWEN_14B_CHAT, ['ecs.gn7i-c32g1.16xlarge', 'ecs.g7.large'], PROP))
      .toThrow(/^QwenGpuInstance: instanceTypes\[1\] 'ecs\.g7\.large' is not in the GPU instance type catalog \(lib\/compute\/gpu-types\.ts\), so its GPU memory is unknown; add it with GpuCatalog\.withTypes if it is a GPU type\. Choose one of: /);
  });

  test('an empty list throws', () => {
    expect(() => assertInstanceTypesFit(QwenModel.QWEN_14B_CHAT, [], PROP))
      .toThrow(/^QwenGpuInstance: instanceTypes is empty; list at least one instance type\. Choose one of: /);
  });

  test('a duplicate throws', () => {
    expect(() => assertInstanceTypesFit(QwenModel.QWEN_14B_CHAT, ['ecs.gn7i-c32g1.16xlarge', 'ecs.gn7i-c32g1.16xlarge'], PROP))
      .toThrow(/^QwenGpuInstance: instanceTypes\[1\] 'ecs\.gn7i-c32g1\.16xlarge' is listed twice/);
  });

  test('a model nothing fits says so', () => {
    const huge = QwenModel.of({ ...specOf(QwenModel.QWEN_72B_CHAT), key: 'huge', gpuMemoryGiB: 10000 });
    expect(allowedInstanceTypes(huge)).toEqual([]);
    expect(() => assertInstanceTypesFit(huge, ['ecs.gn7e-c16g1.32xlarge'], PROP))
      .toThrow(/instanceTypes\[0\] 'ecs\.gn7e-c16g1\.32xlarge' has 640 GiB GPU memory in total .* needs 10000 GiB .*No catalog instance type fits Qwen-72B-Chat \(bf16\)/);
  });
});

function specOf(m: QwenModel) {
  return {
    name: m.name,
    precision: m.precision,
    modelScopeId: m.modelScopeId,
    app: m.app,
    gpuMemoryGiB: m.gpuMemoryGiB,
    contextTokens: m.contextTokens,
    minComputeCapability: m.minComputeCapability,
    minGpuMemoryPerGpuGiB: m.minGpuMemoryPerGpuGiB,
  };
}
