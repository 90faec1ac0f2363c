import { GPU_MEMORY_HEADROOM, QwenModel, QwenModelSpec } from '../../lib/compute/models';

const CUSTOM: QwenModelSpec = {
  name: 'Qwen-1_8B-Chat',
  precision: 'bf16',
  modelScopeId: 'qwen/Qwen-1_8B-Chat',
  app: {
    studioRepo: 'https://www.modelscope.cn/studios/qwen/Qwen-1_8B-Chat-Demo.git',
    directory: '/root/Qwen-1_8B-Chat-Demo',
    entrypoint: 'app.py',
    port: 7860,
  },
  gpuMemoryGiB: 4.7,
  contextTokens: 2048,
  minComputeCapability: 7.0,
};

describe('QwenModel presets', () => {
  test('ALL lists the nine presets with unique keys', () => {
    expect(QwenModel.ALL).toHaveLength(9);
    const keys = QwenModel.ALL.map((m) => m.key);
    expect(new Set(keys).size).toBe(9);
    expect(keys).toEqual([
      'qwen-7b-chat-bf16', 'qwen-7b-chat-int8', 'qwen-7b-chat-int4',
      'qwen-14b-chat-bf16', 'qwen-14b-chat-int8', 'qwen-14b-chat-int4',
      'qwen-72b-chat-bf16', 'qwen-72b-chat-int8', 'qwen-72b-chat-int4',
    ]);
  });

  test('the reference preset matches the reference template', () => {
    const m = QwenModel.QWEN_14B_CHAT;
    expect(m.name).toBe('Qwen-14B-Chat');
    expect(m.precision).toBe('bf16');
    expect(m.key).toBe('qwen-14b-chat-bf16');
    expect(m.modelScopeId).toBe('qwen/Qwen-14B-Chat');
    expect(m.app).toEqual({
      studioRepo: 'https://www.modelscope.cn/studios/qwen/Qwen-14B-Chat-Demo.git',
      directory: '/root/Qwen-14B-Chat-Demo',
      entrypoint: 'app.py',
      port: 7860,
    });
    expect(m.displayName).toBe('Qwen-14B-Chat (bf16)');
    expect(String(m)).toBe('Qwen-14B-Chat (bf16)');
  });

  test('each preset has an id, an app and positive figures', () => {
    for (const m of QwenModel.ALL) {
      const suffix = m.precision === 'bf16' ? '' : `-${m.precision === 'int8' ? 'Int8' : 'Int4'}`;
      expect(m.modelScopeId).toBe(`qwen/${m.name}${suffix}`);
      if (m.precision === 'bf16') {
        expect(m.app.studioRepo).toBe(`https://www.modelscope.cn/studios/qwen/${m.name}-Demo.git`);
        expect(m.app.directory).toBe(`/root/${m.name}-Demo`);
      } else {
        // Int8/Int4: QwenLM/Qwen's web_demo.py, told its quantized checkpoint with -c
        // at the commit whose argparse was read (QwenLM/Qwen has no `master` branch to fall back on)
        expect([m.app.studioRepo, m.app.directory, m.app.entrypoint, m.app.checkpointArgument, m.app.commit])
          .toEqual(['https://github.com/QwenLM/Qwen.git', '/root/Qwen', 'web_demo.py', '-c', '2df8e8ac450fa185c421a08b0090ef81826caa6e']);
      }
      expect(m.app.entrypoint).toBe(m.precision === 'bf16' ? 'app.py' : 'web_demo.py');
      expect(m.app.port).toBe(7860);
      expect(m.gpuMemoryGiB).toBeGreaterThan(0);
      expect(m.contextTokens).toBeGreaterThan(0);
      expect(m.minComputeCapability).toBe(7.0);
      expect(m.minGpuMemoryPerGpuGiB).toBeGreaterThan(0);
      expect(QwenModel.fromKey(m.key)).toBe(m);
    }
  });

  test('memory figures are the published peaks times the stated headroom', () => {
    expect(GPU_MEMORY_HEADROOM).toBe(1.1);
    const expected: Record<string, number> = {
      'qwen-7b-chat-bf16': 24.9, // 22.58 GB at 8K
      'qwen-7b-chat-int8': 18.5, // 11.20 + (22.58 - 16.99) = 16.79 GB estimated
      'qwen-7b-chat-int4': 15.0, // 13.62 GB at 8K
      'qwen-14b-chat-bf16': 42.9, // 38.94 GB at 8K
      'qwen-14b-chat-int8': 30.4, // 18.81 + (38.94 - 30.15) = 27.60 GB estimated
      'qwen-14b-chat-int4': 24.0, // 21.79 GB at 8K
      'qwen-72b-chat-bf16': 159.2, // 144.69 GB at 2K
      'qwen-72b-chat-int8': 89.4, // 81.27 GB at 2K
      'qwen-72b-chat-int4': 53.8, // 48.86 GB at 2K
    };
    for (const m of QwenModel.ALL) {
      expect([m.key, m.gpuMemoryGiB]).toEqual([m.key, expected[m.key]]);
    }
  });

  test('quantization lowers the need within each size', () => {
    for (const size of ['7b', '14b', '72b']) {
      const [bf16, int8, int4] = ['bf16', 'int8', 'int4'].map((p) => QwenModel.fromKey(`qwen-${size}-chat-${p}`)!);
      expect(bf16.gpuMemoryGiB).toBeGreaterThan(int8.gpuMemoryGiB);
      expect(int8.gpuMemoryGiB).toBeGreaterThan(int4.gpuMemoryGiB);
    }
  });

  test('presets are immutable', () => {
    expect(Object.isFrozen(QwenModel.ALL)).toBe(true);
    expect(Object.isFrozen(QwenModel.QWEN_14B_CHAT.app)).toBe(true);
  });
});

describe('QwenModel.of', () => {
  test('builds a custom model with a derived key and default per-GPU floor', () => {
    const m = QwenModel.of(CUSTOM);
    expect(m.key).toBe('qwen-1_8b-chat-bf16');
    expect(m.name).toBe('Qwen-1_8B-Chat');
    expect(m.minGpuMemoryPerGpuGiB).toBe(0);
    expect(QwenModel.ALL).not.toContain(m);
  });

  test('accepts an explicit key', () => {
    expect(QwenModel.of({ ...CUSTOM, name: 'Qwen-1.8B-Chat', key: 'qwen-1.8b' }).key).toBe('qwen-1.8b');
  });

  test.each<[string, Partial<QwenModelSpec>, RegExp]>([
    ['name with a space', { name: 'Qwen 14B' }, /QwenModel\.of: name "Qwen 14B" is invalid; expected letters/],
    ['name with a quote', { name: "Qwen'14B" }, /QwenModel\.of: name "Qwen'14B" is invalid/],
    ['precision', { precision: 'fp32' as any }, /QwenModel\.of: precision "fp32" is invalid; expected one of bf16, int8, int4/],
    ['modelScopeId without owner', { modelScopeId: 'Qwen-14B-Chat' }, /modelScopeId "Qwen-14B-Chat" is invalid; expected "<owner>\/<model>"/],
    ['modelScopeId with shell', { modelScopeId: 'qwen/$(reboot)' }, /modelScopeId "qwen\/\$\(reboot\)" is invalid/],
    ['http studio repo', { app: { ...CUSTOM.app, studioRepo: 'http://x.example/a.git' } }, /app\.studioRepo "http:\/\/x\.example\/a\.git" is invalid; expected an https git URL/],
    ['relative directory', { app: { ...CUSTOM.app, directory: 'root/demo' } }, /app\.directory "root\/demo" is invalid; expected an absolute directory/],
    ['directory with ..', { app: { ...CUSTOM.app, directory: '/root/../etc' } }, /app\.directory "\/root\/\.\.\/etc" is invalid/],
    ['root directory', { app: { ...CUSTOM.app, directory: '/' } }, /app\.directory "\/" is invalid/],
    ['entrypoint not python', { app: { ...CUSTOM.app, entrypoint: 'run.sh' } }, /app\.entrypoint "run\.sh" is invalid; expected a Python file name/],
    ['checkpointArgument with a space', { app: { ...CUSTOM.app, checkpointArgument: '-c x' } }, /app\.checkpointArgument "-c x" is invalid; expected an option such as "--checkpoint-path"/],
    ['short commit', { app: { ...CUSTOM.app, commit: '2df8e8a' } }, /app\.commit "2df8e8a" is invalid; expected a full 40-hex git commit id/],
    ['port 0', { app: { ...CUSTOM.app, port: 0 } }, /app\.port 0 is invalid; expected an integer from 1 to 65535/],
    ['port 70000', { app: { ...CUSTOM.app, port: 70000 } }, /app\.port 70000 is invalid/],
    ['negative memory', { gpuMemoryGiB: -1 }, /gpuMemoryGiB -1 is invalid; expected a finite number greater than 0/],
    ['NaN memory', { gpuMemoryGiB: NaN }, /gpuMemoryGiB null is invalid/],
    ['fractional context', { contextTokens: 1.5 }, /contextTokens 1\.5 is invalid; expected a positive integer/],
    ['zero compute capability', { minComputeCapability: 0 }, /minComputeCapability 0 is invalid/],
    ['negative per-GPU floor', { minGpuMemoryPerGpuGiB: -2 }, /minGpuMemoryPerGpuGiB -2 is invalid; expected a finite number of at least 0/],
    ['upper-case key', { key: 'Qwen' }, /key "Qwen" is invalid; expected lower-case letters, digits/],
  ])('rejects %s', (_label, override, message) => {
    expect(() => QwenModel.of({ ...CUSTOM, ...override })).toThrow(message);
  });
});
