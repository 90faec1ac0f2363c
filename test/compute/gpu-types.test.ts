import * as fs from 'fs';
import { parse } from 'yaml';
import { findGpuInstanceType, GPU_INSTANCE_TYPES, GpuCatalog, totalGpuMemoryGiB } from '../../lib/compute/gpu-types';
import { REFERENCE_CONFIG, REFERENCE_TEMPLATE } from '../support/reference';


/** Reads a reference YAML file; a missing file fails the test with the path. */
function readYaml(file: string): any {
  if (!fs.existsSync(file)) {
    throw new Error(`reference file ${file} is missing; the catalog test needs the vendored reference service in test/fixtures/reference`);
  }
  return parse(fs.readFileSync(file, 'utf8'));
}

describe('GPU_INSTANCE_TYPES', () => {
  test('has no duplicate instance type', () => {
    const names = GPU_INSTANCE_TYPES.map((t) => t.instanceType);
    expect(new Set(names).size).toBe(names.length);
  });

  test('every figure is positive and consistent with the type name', () => {
    expect(GPU_INSTANCE_TYPES.length).toBeGreaterThan(40);
    for (const t of GPU_INSTANCE_TYPES) {
      expect(t.instanceType).toMatch(/^ecs\.[a-z0-9]+(-[a-z0-9]+)?\.[0-9]*xlarge$/);
      // the family is the part after "ecs." up to the first "-" or "."
      expect(t.instanceType.slice(4).split(/[-.]/)[0]).toBe(t.family);
      expect(Number.isInteger(t.gpuCount) && t.gpuCount > 0).toBe(true);
      expect(t.gpuMemoryGiBPerGpu).toBeGreaterThan(0);
      expect(t.computeCapability).toBeGreaterThanOrEqual(6.0);
      expect(Number.isInteger(t.vcpu) && t.vcpu > 0).toBe(true);
      expect(t.memoryGiB).toBeGreaterThan(0);
      expect(t.gpuModel).toMatch(/^NVIDIA [A-Z0-9]+$/);
    }
  });

  test('each GPU model has one compute capability and known memory sizes', () => {
    const cc: Record<string, number> = { 'NVIDIA P100': 6.0, 'NVIDIA V100': 7.0, 'NVIDIA T4': 7.5,
      'NVIDIA A100': 8.0, 'NVIDIA A10': 8.6, 'NVIDIA L20': 8.9, 'NVIDIA H20': 9.0 };
    for (const t of GPU_INSTANCE_TYPES) {
      expect(cc[t.gpuModel]).toBe(t.computeCapability);
    }
  });

  test.each([
    ['gn5', 'NVIDIA P100', 16, 6.0],
    ['gn6i', 'NVIDIA T4', 16, 7.5],
    ['gn6v', 'NVIDIA V100', 16, 7.0],
    ['gn6e', 'NVIDIA V100', 32, 7.0],
    ['gn7i', 'NVIDIA A10', 24, 8.6],
    ['gn7', 'NVIDIA A100', 40, 8.0],
    ['gn7e', 'NVIDIA A100', 80, 8.0],
    ['gn8is', 'NVIDIA L20', 48, 8.9],
    ['gn8v', 'NVIDIA H20', 96, 9.0],
    ['ebmgn8v', 'NVIDIA H20', 96, 9.0],
    ['ebmgn6i', 'NVIDIA T4', 16, 7.5],
  ])('family %s is %s %i GiB, cc %d', (fam, model, mem, cc) => {
    const members = GPU_INSTANCE_TYPES.filter((t) => t.family === fam);
    expect(members.length).toBeGreaterThan(0);
    for (const t of members) {
      expect([t.gpuModel, t.gpuMemoryGiBPerGpu, t.computeCapability]).toEqual([model, mem, cc]);
    }
  });

  test('contains every type of the reference template and the image builder type', () => {
    const template = readYaml(REFERENCE_TEMPLATE);
    const allowed: string[] = template.Parameters.EcsInstanceType.AllowedValues;
    expect(allowed.length).toBe(10);
    const config = readYaml(REFERENCE_CONFIG);
    const builder: string = config.ImageBuilder.Image_1.InstanceType;
    expect(builder).toBe('ecs.gn6i-c4g1.xlarge');
    for (const type of [...allowed, builder]) {
      expect(findGpuInstanceType(type)?.instanceType).toBe(type);
    }
  });

  test('spot-checks figures copied from the Alibaba Cloud tables', () => {
    expect(findGpuInstanceType('ecs.gn6i-c4g1.xlarge')).toMatchObject({ vcpu: 4, memoryGiB: 15, gpuCount: 1 });
    expect(findGpuInstanceType('ecs.gn6v-c10g1.20xlarge')).toMatchObject({ vcpu: 82, memoryGiB: 336, gpuCount: 8 });
    expect(findGpuInstanceType('ecs.gn7i-c32g1.16xlarge')).toMatchObject({ vcpu: 64, memoryGiB: 376, gpuCount: 2 });
    expect(findGpuInstanceType('ecs.ebmgn6i.24xlarge')).toMatchObject({ vcpu: 96, memoryGiB: 384, gpuCount: 4 });
    expect(findGpuInstanceType('ecs.gn5-c28g1.14xlarge')).toMatchObject({ vcpu: 56, memoryGiB: 224, gpuCount: 2 });
  });

  test('is frozen', () => {
    expect(Object.isFrozen(GPU_INSTANCE_TYPES)).toBe(true);
    expect(Object.isFrozen(GPU_INSTANCE_TYPES[0])).toBe(true);
  });
});

describe('findGpuInstanceType / totalGpuMemoryGiB', () => {
  test('returns undefined for unknown or near-miss names', () => {
    expect(findGpuInstanceType('ecs.g7.large')).toBeUndefined();
    expect(findGpuInstanceType('gn6i-c4g1.xlarge')).toBeUndefined();
    expect(findGpuInstanceType('ECS.GN6I-C4G1.XLARGE')).toBeUndefined();
    expect(findGpuInstanceType('')).toBeUndefined();
  });

  test('totals GPU memory over all GPUs', () => {
    expect(totalGpuMemoryGiB(findGpuInstanceType('ecs.gn6i-c24g1.12xlarge')!)).toBe(32);
    expect(totalGpuMemoryGiB(findGpuInstanceType('ecs.gn7e-c16g1.32xlarge')!)).toBe(640);
  });
});

describe('GpuCatalog', () => {
  const custom = {
    instanceType: 'ecs.gn9x.4xlarge', family: 'gn9x', gpuModel: 'NVIDIA B20', gpuCount: 1,
    gpuMemoryGiBPerGpu: 141, computeCapability: 10.0, vcpu: 16, memoryGiB: 256,
  };

  test('DEFAULT is the built-in list, same objects, same order', () => {
    expect(GpuCatalog.DEFAULT.types).toEqual(GPU_INSTANCE_TYPES);
    GPU_INSTANCE_TYPES.forEach((t, i) => expect(GpuCatalog.DEFAULT.types[i]).toBe(t));
    expect(findGpuInstanceType('ecs.gn8v-4x.8xlarge')).toMatchObject({ gpuCount: 4, gpuMemoryGiBPerGpu: 96, vcpu: 32, memoryGiB: 384 });
  });

  test('withTypes adds a type the catalog lacks and leaves DEFAULT as it was', () => {
    const catalog = GpuCatalog.DEFAULT.withTypes(custom);
    expect(catalog.find('ecs.gn9x.4xlarge')).toEqual(custom);
    expect(catalog.types.length).toBe(GPU_INSTANCE_TYPES.length + 1);
    expect(GpuCatalog.DEFAULT.find('ecs.gn9x.4xlarge')).toBeUndefined();
  });

  test('withTypes refuses a type already listed (figures are not overridden)', () => {
    expect(() => GpuCatalog.DEFAULT.withTypes({ ...custom, instanceType: 'ecs.gn8is.2xlarge', family: 'gn8is' }))
      .toThrow(/^GpuCatalog\.withTypes: types\[0\] 'ecs\.gn8is\.2xlarge' is already in the catalog/);
  });

  test.each([
    ['instanceType', { instanceType: 'gn9x.4xlarge' }, /types\[0\]\.instanceType "gn9x\.4xlarge" is not allowed: give the ECS instance type/],
    ['family', { family: 'gn9' }, /types\[0\]\.family "gn9" is not allowed: give the family part of the type name \('gn9x'\)/],
    ['gpuCount', { gpuCount: 1.5 }, /types\[0\]\.gpuCount 1\.5 is not allowed: give a whole number >= 1/],
    ['gpuMemoryGiBPerGpu', { gpuMemoryGiBPerGpu: 0 }, /types\[0\]\.gpuMemoryGiBPerGpu 0 is not allowed: give GiB > 0/],
    ['computeCapability', { computeCapability: 89 }, /types\[0\]\.computeCapability 89 is not allowed/],
    ['gpuModel', { gpuModel: 'a;b' }, /types\[0\]\.gpuModel "a;b" is not allowed/],
  ])('a bad %s is refused with the field and the fix', (_f, patch, message) => {
    expect(() => new GpuCatalog([{ ...custom, ...patch }])).toThrow(message);
  });

  test('a duplicate is refused', () => {
    expect(() => new GpuCatalog([custom, custom])).toThrow(/types\[1\] 'ecs\.gn9x\.4xlarge' is listed twice/);
  });
});
