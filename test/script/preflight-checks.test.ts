import { ScriptPhase } from '../../lib/script/deploy-script';
import { GpuRequirement } from '../../lib/compute/gpu-requirement';
import { ECC_ALLOWANCE, PreflightChecks } from '../../lib/script/preflight-checks';
import { esc } from './script-test-support';

/** A model's GPU need, as QwenModel states it. */
const need = (gpuMemoryGiB: number, displayName = 'the app'): GpuRequirement => ({ displayName, gpuMemoryGiB, contextTokens: 8192, minComputeCapability: 7 });

const GPU_FUNCTION = [
  'ds_gpu() {',
  '  local o m t=0 n=0 s=0',
  '  o=$(nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits 2>&1) || o="failed: $o"',
  '  [[ $o =~ ^[0-9[:space:]]+$ ]] || ds_fail "no GPU or no working driver (nvidia-smi: $o); use a GPU instance type and an image with its driver"',
  '  for m in $o; do t=$((t + m)) n=$((n + 1)); [ $n -gt 1 ] && [ "$m" -ge "$s" ] || s=$m; done',
  '  [ "$t" -ge "$1" ] || ds_fail "GPU memory too small: $2, the $n GPUs have $t MiB; choose an instance type with more"',
  '  [ $n -lt 2 ] || [ "$s" -ge "${3:-0}" ] || ds_fail "GPU memory too small: $2 and $4 on each GPU, the smallest of the $n GPUs has $s MiB; choose an instance type with more"',
  '}',
].join('\n');
const DISK_FUNCTION = [
  'ds_disk() {',
  '  local p=$1 k',
  '  while [ ! -e "$p" ]; do p=$(dirname "$p"); done',
  "  k=$(df -Pk \"$p\" | tail -n 1 | tr -s ' ' | cut -d ' ' -f 4)",
  '  [ "$k" -ge $(($2 << 20)) ] || ds_fail "disk too full: $((k >> 20)) GiB free at $p, $3 need $2 GiB; use a larger disk"',
  '}',
].join('\n');
const PORT_FUNCTION = [
  'ds_port() {',
  '  local l',
  '  l=$(ss -ltnp "sport = :$1" | tail -n +2)',
  '  [ -z "$l" ] || { [ -n "${2:-}" ] && systemctl -q is-active "$2"; } ||',
  '    ds_fail "port $1 is taken: $l; stop that program or use another port"',
  '}',
].join('\n');

describe('PreflightChecks', () => {
  test('every check (exact): one line each, in the PREFLIGHT phase, within 30 s', () => {
    const p = new PreflightChecks({
      gpu: need(42.9, 'Qwen-14B-Chat (bf16)'),
      disks: [{ path: '/root/app', freeGiB: 2, neededBy: 'the app' }, { path: '/var/log', freeGiB: 1, neededBy: 'the logs' }],
      freePorts: [{ port: 7860, ownerUnit: 'tongyi.service' }, { port: 9000 }],
    });
    expect(p.phase).toBe(ScriptPhase.PREFLIGHT);
    expect(p.description).toBe('pre-flight checks');
    expect(p.budgetSeconds).toBe(30);
    expect(p.values).toEqual([]);
    expect(p.requiredCommands).toEqual(['df', 'dirname', 'tail', 'tr', 'cut', 'ss', 'systemctl']);
    // 42.9 GiB less 6.6% in MiB: floor(42.9 * 1024 * 0.934) = 41030
    expect(p.renderCommands()).toBe([
      "ds_gpu 41030 'Qwen-14B-Chat (bf16) needs 42.9 GiB'",
      "ds_disk /root/app 2 'the app'",
      "ds_disk /var/log 1 'the logs'",
      'ds_port 7860 tongyi.service',
      'ds_port 9000',
    ].join('\n'));
    expect(p.renderFunctions()).toBe([GPU_FUNCTION, DISK_FUNCTION, PORT_FUNCTION].join('\n\n'));
  });

  test('the GPU allowance: a card of the model\'s size that nvidia-smi shows 6.25% smaller after ECC passes', () => {
    expect(ECC_ALLOWANCE).toBe(0.066);
    // 1 x A10 (24 GiB): nvidia-smi shows 23028 MiB with ECC; Qwen-14B-Chat-Int4 needs 24.0 GiB.
    const floor = Number(/ds_gpu (\d+)/.exec(new PreflightChecks({ gpu: need(24) }).renderCommands())![1]);
    expect(floor).toBeLessThanOrEqual(23028);
    expect(floor).toBeGreaterThan(22000);
  });

  test('only what is asked for is rendered', () => {
    const p = new PreflightChecks({ freePorts: [{ port: 80 }] });
    expect(p.renderCommands()).toBe('ds_port 80');
    expect(p.renderFunctions()).toBe(PORT_FUNCTION);
    expect(new PreflightChecks({ gpu: need(8) }).renderCommands()).toBe("ds_gpu 7651 'the app needs 8 GiB'");
  });

  test('the per-GPU floor (minGpuMemoryPerGpuGiB) is passed with the same ECC allowance, only when there is one', () => {
    // floor(16 * 1024 * 0.934) = 15302; floor(2 * 1024 * 0.934) = 1912
    expect(new PreflightChecks({ gpu: { ...need(40), minGpuMemoryPerGpuGiB: 16 } }).renderCommands()).toBe("ds_gpu 38256 'the app needs 40 GiB' 15302 '16 GiB'");
    expect(new PreflightChecks({ gpu: { ...need(42.9, 'Qwen-14B-Chat (bf16)'), minGpuMemoryPerGpuGiB: 2 } }).renderCommands())
      .toBe("ds_gpu 41030 'Qwen-14B-Chat (bf16) needs 42.9 GiB' 1912 '2 GiB'");
    expect(new PreflightChecks({ gpu: { ...need(40), minGpuMemoryPerGpuGiB: 0 } }).renderCommands()).toBe("ds_gpu 38256 'the app needs 40 GiB'");
  });

  describe('validation', () => {
    test('nothing to check', () => {
      expect(() => new PreflightChecks({})).toThrow(/PreflightChecks: nothing to check; give gpu, disks or freePorts/);
    });
    test.each([[0], [-1], [Number.NaN], [5000]])('gpu.gpuMemoryGiB %p', (v) => {
      expect(() => new PreflightChecks({ gpu: need(v) })).toThrow(new RegExp(`PreflightChecks: gpu.gpuMemoryGiB ${esc(String(v))} is not allowed`));
    });
    test.each([[-1], [Number.NaN], [41]])('gpu.minGpuMemoryPerGpuGiB %p', (v) => {
      expect(() => new PreflightChecks({ gpu: { ...need(40), minGpuMemoryPerGpuGiB: v } }))
        .toThrow(new RegExp(`PreflightChecks: gpu.minGpuMemoryPerGpuGiB ${esc(String(v))} is not allowed: give the GiB each GPU needs when the model is split, from 0 to gpuMemoryGiB \\(40\\)`));
    });
    test.each([["it's"], ['a$b'], ['']])('gpu.displayName %p', (displayName) => {
      expect(() => new PreflightChecks({ gpu: need(1, displayName) })).toThrow(new RegExp(`PreflightChecks: gpu.displayName '${esc(displayName)}' is not allowed`));
    });
    test.each([
      [{ path: 'rel', freeGiB: 1, neededBy: 'x' }, /disks\[0\]\.path 'rel' is not allowed/],
      [{ path: '/a b', freeGiB: 1, neededBy: 'x' }, /disks\[0\]\.path '\/a b' is not allowed/],
      [{ path: '/a', freeGiB: 0.5, neededBy: 'x' }, /disks\[0\]\.freeGiB 0\.5 is not allowed/],
      [{ path: '/a', freeGiB: 1, neededBy: 'x"y' }, /disks\[0\]\.neededBy 'x"y' is not allowed/],
    ])('disks %p', (disk, message) => {
      expect(() => new PreflightChecks({ disks: [disk] })).toThrow(message);
    });
    test.each([
      [{ port: 0 }, /freePorts\[0\]\.port 0 is not allowed/],
      [{ port: 70000 }, /freePorts\[0\]\.port 70000 is not allowed/],
      [{ port: 80, ownerUnit: 'nginx' }, /freePorts\[0\]\.ownerUnit 'nginx' is not allowed/],
    ])('freePorts %p', (port, message) => {
      expect(() => new PreflightChecks({ freePorts: [port] })).toThrow(message);
    });
  });
});
