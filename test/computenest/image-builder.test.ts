import { DEFAULT_GPU_SOURCE_IMAGE, ImageBuilder } from '../../lib/computenest/image-builder';
import { OsBase } from '../../lib/image/os-base';

describe('ImageBuilder and the OS base', () => {
  let stderr: jest.SpyInstance;
  beforeAll(() => { stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true); });
  afterAll(() => stderr.mockRestore());

  test('defaults to Alibaba Cloud Linux 3 and its Compute Nest GPU image', () => {
    const b = new ImageBuilder({ regionId: 'ap-southeast-1', commandContent: '#!/bin/bash\n' });
    expect(b.osBase).toBe(OsBase.ALIBABA_CLOUD_LINUX_3);
    expect(b.sourceImageId).toBe('{{oos:aliyun/services/computenest/images/aliyun_3_2104_docker_26_gpu_cuda_12_4_60g}}');
    expect(DEFAULT_GPU_SOURCE_IMAGE).toBe(b.sourceImageId);
    expect(b.toConfig().SourceImageId).toBe(b.sourceImageId);
  });

  test.each(OsBase.ALL.map((b) => [b.key, b] as const))('osBase %s: its image is the SourceImageId; the legacy one warns', (_k, base) => {
    stderr.mockClear();
    const b = new ImageBuilder({ regionId: 'ap-southeast-1', commandContent: '#!/bin/bash\n', osBase: base });
    expect(b.toConfig().SourceImageId).toBe(base.sourceImageId);
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toBe(base.legacy ? `[WARNING] ${base.warnIfLegacy('ImageBuilder')}\n` : '');
  });

  test('a known base\'s image is recognised (the reference config parses as CentOS 7)', () => {
    const b = ImageBuilder.fromConfig('Image_1', {
      RegionId: 'ap-southeast-1', SourceImageId: OsBase.CENTOS_7.sourceImageId, CommandContent: '#!/bin/bash\n',
    });
    expect(b.osBase).toBe(OsBase.CENTOS_7);
    expect(new ImageBuilder({ regionId: 'r', commandContent: 'x', sourceImageId: 'm-custom123' }).osBase).toBeUndefined();
  });

  test('an image of another base than osBase is refused', () => {
    expect(() => new ImageBuilder({
      regionId: 'r', commandContent: 'x', osBase: OsBase.UBUNTU_22_04, sourceImageId: OsBase.ALIBABA_CLOUD_LINUX_3.sourceImageId,
    })).toThrow("ImageBuilder: prop 'sourceImageId' '{{oos:aliyun/services/computenest/images/aliyun_3_2104_docker_26_gpu_cuda_12_4_60g}}' is "
      + "Alibaba Cloud Linux 3's image, not osBase Ubuntu 22.04's: leave sourceImageId out to use 'ubuntu_22_04_x64_20G_alibase_20240926.vhd', "
      + "or set osBase to OsBase.fromKey('alinux3').");
  });
});
