import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { PreflightChecks, PreflightChecksProps } from '../../lib/script/preflight-checks';
import { renderCleanFunction } from '../../lib/script/private/runtime';
import { requireTool, runAsync, tmpDir } from './script-test-support';

/**
 * Runs the checks with bash; test scripts stand in for nvidia-smi (no GPU here) and systemctl (no
 * systemd here) on PATH. df and ss are the real ones.
 */
async function preflight(props: PreflightChecksProps, standIns: { nvidiaSmi?: string; activeUnit?: string } = {}) {
  const dir = tmpDir();
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  if (standIns.nvidiaSmi !== undefined) {
    fs.writeFileSync(path.join(bin, 'nvidia-smi'), `#!/bin/bash\n${standIns.nvidiaSmi}\n`, { mode: 0o755 });
  }
  fs.writeFileSync(path.join(bin, 'systemctl'), `#!/bin/bash\n[ "$1 $2" = "-q is-active" ] && [ "$3" = '${standIns.activeUnit ?? ''}' ]\n`, { mode: 0o755 });
  const p = new PreflightChecks(props);
  const script = ['set -euo pipefail', 'ds_log() { echo "LOG $*"; }', 'ds_fail() { echo "FAIL $1"; exit 7; }', renderCleanFunction(), p.renderFunctions(), p.renderCommands(), 'echo PASSED'].join('\n');
  // PATH without this machine's own nvidia-smi, if it had one: the stand-in or nothing.
  const r = await runAsync('bash', ['-c', script], { ...process.env, PATH: `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` });
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('PreflightChecks run by bash', () => {
  const gpu = { displayName: 'Qwen-14B-Chat (bf16)', gpuMemoryGiB: 42.9, contextTokens: 8192, minComputeCapability: 7 };

  test.each([
    ['no nvidia-smi', undefined, /^FAIL no GPU or no working driver \(nvidia-smi: failed: .*nvidia-smi: command not found\); use a GPU instance type/],
    ['a driver that does not answer', "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"; exit 9",
      /^FAIL no GPU or no working driver \(nvidia-smi: failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\.\)/],
    ['no GPU listed', 'exit 0', /^FAIL no GPU or no working driver \(nvidia-smi: \)/],
    ['a value that is not a number', 'echo "[N/A]"', /^FAIL no GPU or no working driver \(nvidia-smi: \[N\/A\]\)/],
    ['one T4 (15360 MiB)', 'echo 15360', /^FAIL GPU memory too small: Qwen-14B-Chat \(bf16\) needs 42\.9 GiB, the 1 GPUs have 15360 MiB; choose an instance type with more\n/],
    ['two 16 GiB GPUs', 'printf "16160\\n16160\\n"', /^FAIL GPU memory too small: .* needs 42\.9 GiB, the 2 GPUs have 32320 MiB/],
  ])('GPU: %s -> FAILURE naming the need and what there is', async (_name, nvidiaSmi, message) => {
    const r = await preflight({ gpu }, { nvidiaSmi });
    expect(r.code).toBe(7);
    expect(r.out).toMatch(message);
  });

  test.each([
    ['one A100 80 GB', 'echo 81920'],
    ['two A10 with ECC on (23028 MiB each)', 'printf "23028\\n23028\\n"'],
    ['one L20 (46068 MiB)', 'echo 46068'],
  ])('GPU: %s passes', async (_name, nvidiaSmi) => {
    const r = await preflight({ gpu }, { nvidiaSmi });
    expect(r).toEqual({ code: 0, out: 'PASSED\n' });
  });

  // nvidia-smi shows each card less its ECC share: the floor allows 6.6% (20 GiB -> 19128 MiB)
  const split = { displayName: 'a model split across GPUs', gpuMemoryGiB: 40, contextTokens: 8192, minComputeCapability: 7, minGpuMemoryPerGpuGiB: 20 };
  test.each([
    ['three 15 GiB GPUs: 45 GiB in total, but 15360 MiB each', 'printf "15360\\n15360\\n15360\\n"', 7,
      /^FAIL GPU memory too small: a model split across GPUs needs 40 GiB and 20 GiB on each GPU, the smallest of the 3 GPUs has 15360 MiB; choose an instance type with more\n/],
    ['one small card among large ones', 'printf "46068\\n15000\\n46068\\n"', 7, /^FAIL GPU memory too small: .* the smallest of the 3 GPUs has 15000 MiB/],
    ['too little in total comes first', 'printf "15000\\n15000\\n"', 7, /^FAIL GPU memory too small: a model split across GPUs needs 40 GiB, the 2 GPUs have 30000 MiB/],
    ['two L20 (46068 MiB each)', 'printf "46068\\n46068\\n"', 0, /^PASSED\n$/],
    ['one GPU holding it all: no per-GPU floor', 'echo 46068', 0, /^PASSED\n$/],
  ])('GPU per-GPU floor: %s', async (_name, nvidiaSmi, code, message) => {
    const r = await preflight({ gpu: split }, { nvidiaSmi });
    expect(r.code).toBe(code);
    expect(r.out).toMatch(message);
  });

  test('disk: enough room passes; too little fails naming the path, the free and the needed GiB; a path not made yet is checked on its parent', async () => {
    requireTool('df', 'coreutils');
    const dir = tmpDir();
    expect(await preflight({ disks: [{ path: dir, freeGiB: 1, neededBy: 'the logs' }] })).toEqual({ code: 0, out: 'PASSED\n' });
    const r = await preflight({ disks: [{ path: path.join(dir, 'not', 'yet'), freeGiB: 100000, neededBy: 'the model' }] });
    expect(r.code).toBe(7);
    expect(r.out).toMatch(new RegExp(`^FAIL disk too full: \\d+ GiB free at ${dir}, the model need 100000 GiB; use a larger disk\\n`));
  });

  test('port: free passes; held by another program fails naming it; held while its owner unit is active passes', async () => {
    requireTool('ss', 'iproute2');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const taken = await preflight({ freePorts: [{ port, ownerUnit: 'app.service' }] });
      expect(taken.code).toBe(7);
      expect(taken.out).toMatch(new RegExp(`^FAIL port ${port} is taken: LISTEN .*:${port} .*users:\\(\\("node",pid=\\d+.*; stop that program or use another port\\n`));
      expect(await preflight({ freePorts: [{ port, ownerUnit: 'app.service' }] }, { activeUnit: 'app.service' })).toEqual({ code: 0, out: 'PASSED\n' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await preflight({ freePorts: [{ port }] })).toEqual({ code: 0, out: 'PASSED\n' });
  });
});
