import { GpuCatalog, GPU_INSTANCE_TYPES } from '../../lib/compute/gpu-types';
import { checkModelFit } from '../../lib/compute/model-fit';
import { LlmCheckpoint, WeightFormat } from '../../lib/models/llm-checkpoint';
import { fitVllm, VllmFit } from '../../lib/models/vllm-fit';

/** `<type> tp<N> <max-model-len>` per allowed type, in catalog order: the whole table, so any change shows. */
const EXPECTED: [string, string[]][] = [
    ["qwen3-8b-bf16", [
      'ecs.gn8is.2xlarge tp1 32768',
      'ecs.gn8is.4xlarge tp1 32768',
      'ecs.gn8is-2x.8xlarge tp2 40960',
      'ecs.gn8is-4x.16xlarge tp2 40960',
      'ecs.gn8is-8x.32xlarge tp2 40960',
      'ecs.gn8v.4xlarge tp1 40960',
      'ecs.gn8v.6xlarge tp1 40960',
      'ecs.gn8v-2x.8xlarge tp1 40960',
      'ecs.gn8v-4x.8xlarge tp1 40960',
      'ecs.gn8v-2x.12xlarge tp1 40960',
      'ecs.gn8v-8x.16xlarge tp1 40960',
      'ecs.gn8v-4x.24xlarge tp1 40960',
      'ecs.gn8v-8x.48xlarge tp1 40960',
      'ecs.gn7e-c16g1.4xlarge tp1 40960',
      'ecs.gn7e-c16g1.8xlarge tp1 40960',
      'ecs.gn7e-c16g1.16xlarge tp1 40960',
      'ecs.gn7e-c16g1.32xlarge tp1 40960',
      'ecs.gn7i-c32g1.16xlarge tp2 16384',
      'ecs.gn7i-c32g1.32xlarge tp4 40960',
      'ecs.gn7i-2x.8xlarge tp2 16384',
      'ecs.gn7i-4x.8xlarge tp4 40960',
      'ecs.gn7i-4x.16xlarge tp4 40960',
      'ecs.gn7i-8x.32xlarge tp4 40960',
      'ecs.gn7i-8x.16xlarge tp4 40960',
      'ecs.gn7-c12g1.3xlarge tp1 16384',
      'ecs.gn7-c13g1.13xlarge tp2 40960',
      'ecs.gn7-c13g1.26xlarge tp2 40960',
      'ecs.ebmgn8v.48xlarge tp1 40960',
      'ecs.ebmgn8is.32xlarge tp2 40960',
      'ecs.ebmgn7e.32xlarge tp1 40960',
      'ecs.ebmgn7i.32xlarge tp4 40960',
      'ecs.ebmgn7.26xlarge tp2 40960',
    ]],
    ["qwen3-8b-awq", [
      'ecs.gn8is.2xlarge tp1 40960',
      'ecs.gn8is.4xlarge tp1 40960',
      'ecs.gn8is-2x.8xlarge tp1 40960',
      'ecs.gn8is-4x.16xlarge tp1 40960',
      'ecs.gn8is-8x.32xlarge tp1 40960',
      'ecs.gn8v.4xlarge tp1 40960',
      'ecs.gn8v.6xlarge tp1 40960',
      'ecs.gn8v-2x.8xlarge tp1 40960',
      'ecs.gn8v-4x.8xlarge tp1 40960',
      'ecs.gn8v-2x.12xlarge tp1 40960',
      'ecs.gn8v-8x.16xlarge tp1 40960',
      'ecs.gn8v-4x.24xlarge tp1 40960',
      'ecs.gn8v-8x.48xlarge tp1 40960',
      'ecs.gn7e-c16g1.4xlarge tp1 40960',
      'ecs.gn7e-c16g1.8xlarge tp1 40960',
      'ecs.gn7e-c16g1.16xlarge tp1 40960',
      'ecs.gn7e-c16g1.32xlarge tp1 40960',
      'ecs.gn7i-c8g1.2xlarge tp1 16384',
      'ecs.gn7i-c16g1.4xlarge tp1 16384',
      'ecs.gn7i-c32g1.8xlarge tp1 16384',
      'ecs.gn7i-c32g1.16xlarge tp2 40960',
      'ecs.gn7i-c32g1.32xlarge tp2 40960',
      'ecs.gn7i-c48g1.12xlarge tp1 16384',
      'ecs.gn7i-c56g1.14xlarge tp1 16384',
      'ecs.gn7i-2x.8xlarge tp2 40960',
      'ecs.gn7i-4x.8xlarge tp2 40960',
      'ecs.gn7i-4x.16xlarge tp2 40960',
      'ecs.gn7i-8x.32xlarge tp2 40960',
      'ecs.gn7i-8x.16xlarge tp2 40960',
      'ecs.gn7-c12g1.3xlarge tp1 40960',
      'ecs.gn7-c13g1.13xlarge tp1 40960',
      'ecs.gn7-c13g1.26xlarge tp1 40960',
      'ecs.gn6i-c24g1.12xlarge tp2 16384',
      'ecs.gn6i-c24g1.24xlarge tp4 40960',
      'ecs.ebmgn8v.48xlarge tp1 40960',
      'ecs.ebmgn8is.32xlarge tp1 40960',
      'ecs.ebmgn7e.32xlarge tp1 40960',
      'ecs.ebmgn7i.32xlarge tp2 40960',
      'ecs.ebmgn7.26xlarge tp1 40960',
      'ecs.ebmgn6i.24xlarge tp4 40960',
    ]],
    ["qwen3-32b-awq", [
      'ecs.gn8is.2xlarge tp1 16384',
      'ecs.gn8is.4xlarge tp1 16384',
      'ecs.gn8is-2x.8xlarge tp2 40960',
      'ecs.gn8is-4x.16xlarge tp2 40960',
      'ecs.gn8is-8x.32xlarge tp2 40960',
      'ecs.gn8v.4xlarge tp1 40960',
      'ecs.gn8v.6xlarge tp1 40960',
      'ecs.gn8v-2x.8xlarge tp1 40960',
      'ecs.gn8v-4x.8xlarge tp1 40960',
      'ecs.gn8v-2x.12xlarge tp1 40960',
      'ecs.gn8v-8x.16xlarge tp1 40960',
      'ecs.gn8v-4x.24xlarge tp1 40960',
      'ecs.gn8v-8x.48xlarge tp1 40960',
      'ecs.gn7e-c16g1.4xlarge tp1 40960',
      'ecs.gn7e-c16g1.8xlarge tp1 40960',
      'ecs.gn7e-c16g1.16xlarge tp1 40960',
      'ecs.gn7e-c16g1.32xlarge tp1 40960',
      'ecs.gn7i-c32g1.16xlarge tp2 8192',
      'ecs.gn7i-c32g1.32xlarge tp4 40960',
      'ecs.gn7i-2x.8xlarge tp2 8192',
      'ecs.gn7i-4x.8xlarge tp4 40960',
      'ecs.gn7i-4x.16xlarge tp4 40960',
      'ecs.gn7i-8x.32xlarge tp4 40960',
      'ecs.gn7i-8x.16xlarge tp4 40960',
      'ecs.gn7-c12g1.3xlarge tp1 8192',
      'ecs.gn7-c13g1.13xlarge tp4 40960',
      'ecs.gn7-c13g1.26xlarge tp4 40960',
      'ecs.gn6i-c24g1.24xlarge tp4 8192',
      'ecs.ebmgn8v.48xlarge tp1 40960',
      'ecs.ebmgn8is.32xlarge tp2 40960',
      'ecs.ebmgn7e.32xlarge tp1 40960',
      'ecs.ebmgn7i.32xlarge tp4 40960',
      'ecs.ebmgn7.26xlarge tp4 40960',
      'ecs.ebmgn6i.24xlarge tp4 8192',
    ]],
    ["qwen3-30b-a3b-fp8", [
      'ecs.gn8is.2xlarge tp1 16384',
      'ecs.gn8is.4xlarge tp1 16384',
      'ecs.gn8is-2x.8xlarge tp2 40960',
      'ecs.gn8is-4x.16xlarge tp2 40960',
      'ecs.gn8is-8x.32xlarge tp2 40960',
      'ecs.gn8v.4xlarge tp1 40960',
      'ecs.gn8v.6xlarge tp1 40960',
      'ecs.gn8v-2x.8xlarge tp1 40960',
      'ecs.gn8v-4x.8xlarge tp1 40960',
      'ecs.gn8v-2x.12xlarge tp1 40960',
      'ecs.gn8v-8x.16xlarge tp1 40960',
      'ecs.gn8v-4x.24xlarge tp1 40960',
      'ecs.gn8v-8x.48xlarge tp1 40960',
      'ecs.ebmgn8v.48xlarge tp1 40960',
      'ecs.ebmgn8is.32xlarge tp2 40960',
    ]],
];

describe('VllmFit tables of the API presets', () => {
  test.each(EXPECTED)('%s: exact allowed types, TP and context', (key, rows) => {
    const fit = VllmFit.of(LlmCheckpoint.fromKey(key)!);
    expect(fit.placements.map((p) => `${p.instanceType} tp${p.tensorParallelSize} ${p.maxModelLen}`)).toEqual(rows);
    for (const p of fit.placements) {
      expect(p.gpuMemoryUtilization).toBe(0.9);
      expect(p.kvCacheGiBPerGpu).toBeGreaterThanOrEqual(p.kvCacheNeededGiBPerGpu);
    }
  });

  test('every allowed type also passes the plain GPU-memory rule with the fit\'s requirement', () => {
    for (const c of LlmCheckpoint.ALL) {
      const fit = VllmFit.of(c);
      for (const p of fit.placements) {
        expect(checkModelFit(fit.requirement, GpuCatalog.DEFAULT.find(p.instanceType)!).fits).toBe(true);
      }
    }
  });

  test('one row by hand: Qwen3-8B BF16 on one L20 (48 GiB) gets 32768 tokens at TP 1, not 40960', () => {
    const v = fitVllm(LlmCheckpoint.QWEN3_8B, GpuCatalog.DEFAULT.find('ecs.gn8is.2xlarge')!);
    const budget = 48 * 0.925 * 0.9; // 39.96
    const weights = 16_381_470_720 / 2 ** 30; // 15.26
    const kvAvailable = budget - weights - (1.5 + 1.8); // 21.40
    expect(40960 * 4 * 147_456 / 2 ** 30).toBeGreaterThan(kvAvailable); // 22.5 GiB
    expect(32768 * 4 * 147_456 / 2 ** 30).toBeLessThanOrEqual(kvAvailable); // 18.0 GiB
    expect(v.placement).toEqual({
      instanceType: 'ecs.gn8is.2xlarge', tensorParallelSize: 1, maxModelLen: 32768, gpuMemoryUtilization: 0.9,
      budgetGiBPerGpu: 39.96, weightsGiBPerGpu: 15.26, overheadGiBPerGpu: 3.3, kvCacheGiBPerGpu: 21.4, kvCacheNeededGiBPerGpu: 18,
    });
  });

  test('Qwen3-30B-A3B-FP8 never gets TP 4 or 8, even on 4- and 8-GPU types', () => {
    const fit = VllmFit.of(LlmCheckpoint.QWEN3_30B_A3B_FP8);
    expect(new Set(fit.placements.map((p) => p.tensorParallelSize))).toEqual(new Set([1, 2]));
    expect(fit.placementFor('ecs.gn8is-8x.32xlarge')!.tensorParallelSize).toBe(2);
    // Ampere (A100 80 GB, cc 8.0) is refused for FP8 MoE
    const a100 = fitVllm(LlmCheckpoint.QWEN3_30B_A3B_FP8, GpuCatalog.DEFAULT.find('ecs.gn7e-c16g1.4xlarge')!);
    expect(a100.fits).toBe(false);
    expect(a100.reason).toContain('compute capability 8.0');
  });

  test('TP divides the attention heads: Qwen2.5-7B (28 heads) never runs at TP 8', () => {
    const fit = VllmFit.of(LlmCheckpoint.QWEN2_5_7B_INSTRUCT);
    expect(Math.max(...fit.placements.map((p) => p.tensorParallelSize))).toBeLessThanOrEqual(4);
    expect(LlmCheckpoint.QWEN2_5_7B_INSTRUCT.allowedTensorParallelSizes()).toEqual([1, 2, 4]);
    expect(LlmCheckpoint.QWEN2_5_14B_INSTRUCT_AWQ.allowedTensorParallelSizes()).toEqual([1, 2, 4]);
    expect(LlmCheckpoint.QWEN2_5_14B_INSTRUCT.allowedTensorParallelSizes()).toEqual([1, 2, 4, 8]);
  });

  test('every catalog checkpoint fits somewhere, and every placement stays within the budget', () => {
    for (const c of LlmCheckpoint.ALL) {
      const fit = VllmFit.of(c);
      expect(fit.placements.length).toBeGreaterThan(0);
      for (const p of fit.placements) {
        const used = p.weightsGiBPerGpu + p.overheadGiBPerGpu + p.kvCacheNeededGiBPerGpu;
        expect(used).toBeLessThanOrEqual(p.budgetGiBPerGpu + 0.02);
        expect(p.maxModelLen).toBeLessThanOrEqual(c.contextLimitTokens);
        expect(c.allowedTensorParallelSizes()).toContain(p.tensorParallelSize);
      }
    }
  });
});

describe('a model that fits nowhere', () => {
  const a10Only = new GpuCatalog(GPU_INSTANCE_TYPES.filter((t) => t.family === 'gn7i'));

  test('is an error naming the best candidate and its shortfall', () => {
    expect(() => VllmFit.of(LlmCheckpoint.QWEN2_5_72B_INSTRUCT, { catalog: a10Only })).toThrow(
      /^VllmFit: Qwen2\.5-72B-Instruct \(bf16\) fits no instance type with 8192 tokens x 4 sequences; the best candidate is 'ecs\.gn7i-8x\.32xlarge' \(8 x 24 GiB NVIDIA A10\) is short of [0-9.]+ GiB per GPU .* at TP 8 /);
  });

  test('the shortfall is the smallest over the candidates and equals the figures', () => {
    const verdicts = a10Only.types.map((t) => fitVllm(LlmCheckpoint.QWEN2_5_72B_INSTRUCT, t));
    const best = verdicts.reduce((a, b) => (a.shortfallGiBPerGpu <= b.shortfallGiBPerGpu ? a : b));
    expect(best.instanceType).toBe('ecs.gn7i-8x.32xlarge');
    // 8 x A10: 145.4 GB / 8 = 16.93 GiB weights + 5.1 overhead + 8192 x 4 x 2*80*1*128*2 B = 1.25 GiB > 19.98
    expect(best.shortfallGiBPerGpu).toBeCloseTo(145_412_407_296 / 8 / 2 ** 30 + 5.1 + 8192 * 4 * 40960 / 2 ** 30 - 24 * 0.925 * 0.9, 1);
  });

  test('when no type has the compute capability, the error says so', () => {
    const t4Only = new GpuCatalog(GPU_INSTANCE_TYPES.filter((t) => t.family === 'gn6i'));
    expect(() => VllmFit.of(LlmCheckpoint.QWEN3_8B, { catalog: t4Only })).toThrow(/no type qualifies: .* compute capability 7\.5; Qwen3-8B \(bf16\) needs 8\.0/);
  });

  test('a listed type that does not fit is refused with its figures', () => {
    expect(() => VllmFit.of(LlmCheckpoint.QWEN3_8B, {}, ['ecs.gn8is.2xlarge', 'ecs.gn7i-c8g1.2xlarge'])).toThrow(
      /^VllmFit: instanceTypes\[1\] 'ecs\.gn7i-c8g1\.2xlarge' \(1 x 24 GiB NVIDIA A10\) is short of/);
    expect(() => VllmFit.of(LlmCheckpoint.QWEN3_8B, {}, ['ecs.gn99.2xlarge'])).toThrow(/instanceTypes\[0\] 'ecs\.gn99\.2xlarge' is not in the GPU catalog/);
  });

  test('a registered type the catalog lacks is fitted like any other', () => {
    const catalog = GpuCatalog.DEFAULT.withTypes({
      instanceType: 'ecs.gn8x-custom.4xlarge', family: 'gn8x', gpuModel: 'NVIDIA H200', gpuCount: 1,
      gpuMemoryGiBPerGpu: 141, computeCapability: 9.0, vcpu: 16, memoryGiB: 256,
    });
    const fit = VllmFit.of(LlmCheckpoint.QWEN3_32B, { catalog });
    expect(fit.placementFor('ecs.gn8x-custom.4xlarge')).toMatchObject({ tensorParallelSize: 1, maxModelLen: 40960 });
  });
});

describe('fit options', () => {
  test.each([
    [{ minContextTokens: 100 }, /minContextTokens 100 is not allowed/],
    [{ concurrentSequences: 0 }, /concurrentSequences 0 is not allowed/],
    [{ gpuMemoryUtilization: 0.99 }, /gpuMemoryUtilization 0\.99 is not allowed/],
    [{ minContextTokens: 65536 }, /minContextTokens 65536 is more than Qwen3-8B \(bf16\)'s context limit 40960/],
  ])('%j is refused', (options, message) => {
    expect(() => VllmFit.of(LlmCheckpoint.QWEN3_8B, options)).toThrow(message);
  });

  test('a longer minimum context or more sequences removes the small types', () => {
    const base = VllmFit.of(LlmCheckpoint.QWEN3_8B_AWQ).instanceTypes;
    const long = VllmFit.of(LlmCheckpoint.QWEN3_8B_AWQ, { minContextTokens: 32768 }).instanceTypes;
    expect(base).toContain('ecs.gn7i-c8g1.2xlarge');
    expect(long).not.toContain('ecs.gn7i-c8g1.2xlarge');
    expect(long.every((t) => base.includes(t))).toBe(true);
  });
});

describe('LlmCheckpoint', () => {
  // KV bytes per token, whole model, 16-bit: 2 x layers x kv heads x head_dim x 2 (docs/models-and-gpus.md).
  test.each([
    ['qwen2.5-7b-instruct-bf16', 57_344],
    ['qwen2.5-14b-instruct-bf16', 196_608],
    ['qwen2.5-32b-instruct-bf16', 262_144],
    ['qwen2.5-72b-instruct-bf16', 327_680],
    ['qwen3-8b-bf16', 147_456],
    ['qwen3-14b-bf16', 163_840],
    ['qwen3-32b-bf16', 262_144],
    ['qwen3-30b-a3b-bf16', 98_304],
  ])('%s: %i KV bytes per token', (key, bytes) => {
    expect(LlmCheckpoint.fromKey(key)!.kvCacheBytesPerToken()).toBe(bytes);
  });

  test('head_dim comes from config.json, not hidden/heads: Qwen3-32B and 30B-A3B use 128', () => {
    expect(LlmCheckpoint.QWEN3_32B.shape.headDim).toBe(128); // 5120 / 64 would be 80
    expect(LlmCheckpoint.QWEN3_30B_A3B.shape.headDim).toBe(128); // 2048 / 32 would be 64
  });

  test('KV heads are replicated past TP = KV heads: 30B-A3B keeps 1 head per GPU at TP 8', () => {
    expect(LlmCheckpoint.QWEN3_30B_A3B.kvCacheBytesPerToken(4)).toBe(2 * 48 * 1 * 128 * 2);
    expect(LlmCheckpoint.QWEN3_30B_A3B.kvCacheBytesPerToken(8)).toBe(2 * 48 * 1 * 128 * 2);
  });

  test('the catalog has the issue\'s checkpoints, keys unique, ids by hub org', () => {
    expect(LlmCheckpoint.ALL.map((c) => c.key)).toEqual([
      'qwen2.5-7b-instruct-bf16', 'qwen2.5-7b-instruct-awq', 'qwen2.5-14b-instruct-bf16', 'qwen2.5-14b-instruct-awq',
      'qwen2.5-32b-instruct-bf16', 'qwen2.5-32b-instruct-awq', 'qwen2.5-72b-instruct-bf16', 'qwen2.5-72b-instruct-awq',
      'qwen3-8b-bf16', 'qwen3-8b-fp8', 'qwen3-8b-awq', 'qwen3-14b-bf16', 'qwen3-14b-fp8', 'qwen3-14b-awq',
      'qwen3-32b-bf16', 'qwen3-32b-fp8', 'qwen3-32b-awq', 'qwen3-30b-a3b-bf16', 'qwen3-30b-a3b-fp8',
    ]);
    expect(LlmCheckpoint.QWEN3_8B_AWQ.modelScopeId).toBe('Qwen/Qwen3-8B-AWQ');
    expect(LlmCheckpoint.QWEN2_5_7B_INSTRUCT_AWQ.modelScopeId).toBe('qwen/Qwen2.5-7B-Instruct-AWQ');
    for (const c of LlmCheckpoint.ALL) {
      expect(c.weightBytesEstimated).toBe(c.format !== WeightFormat.BF16);
      expect(c.reasoning).toBe(c.modelName.startsWith('Qwen3'));
    }
  });

  test.each([
    ['modelName', { modelName: 'a b' }, /modelName "a b" is not allowed/],
    ['modelScopeId', { modelScopeId: 'Qwen3-8B' }, /modelScopeId "Qwen3-8B" is not allowed/],
    ['weightBytes', { weightBytes: 0 }, /weightBytes 0 is not allowed/],
    ['kvHeads', { shape: { layers: 2, attentionHeads: 10, kvHeads: 3, headDim: 64, mlpWidth: 256 } }, /shape\.kvHeads 3 is not allowed: give a divisor of attentionHeads 10/],
    ['minVllmVersion', { minVllmVersion: 'latest' }, /minVllmVersion "latest" is not allowed/],
    ['tensorParallelSizes', { tensorParallelSizes: [3] }, /tensorParallelSizes \[3\] is not allowed/],
  ])('LlmCheckpoint.of refuses a bad %s', (_name, patch, message) => {
    const spec = {
      modelName: 'Tiny', format: WeightFormat.BF16, modelScopeId: 'me/Tiny', weightBytes: 2e9, weightBytesEstimated: false,
      shape: { layers: 2, attentionHeads: 8, kvHeads: 2, headDim: 64, mlpWidth: 256 }, contextLimitTokens: 4096,
      minComputeCapability: 8.0, minVllmVersion: '0.9.0', reasoning: false,
    };
    expect(() => LlmCheckpoint.of({ ...spec, ...patch } as any)).toThrow(message);
  });
});
