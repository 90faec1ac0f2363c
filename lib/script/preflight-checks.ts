import { GpuRequirement } from '../compute/gpu-requirement';
import { IScriptPart, ScriptPhase } from './deploy-script';
import { isSafeAbsolutePath, isUnitName } from './private/shell';
import { ScriptValue } from './script-value';

/** Free disk space a {@link PreflightChecks} requires. */
export interface DiskRequirement {
  /** A path on the instance; its filesystem is checked (the nearest existing parent if it does not exist yet). */
  readonly path: string;
  /** Free space needed there, in GiB. */
  readonly freeGiB: number;
  /** What needs it, named in the FAILURE reason (`'the app and its model cache'`). */
  readonly neededBy: string;
}

/** A TCP port a {@link PreflightChecks} requires to be free. */
export interface PortRequirement {
  /** The port. */
  readonly port: number;
  /**
   * The systemd unit that may already hold it (the service the script is about to restart).
   * @default - none may
   */
  readonly ownerUnit?: string;
}

/** Props for {@link PreflightChecks}. */
export interface PreflightChecksProps {
  /**
   * GPUs nvidia-smi must see, with at least `gpuMemoryGiB` in total and, when there are several, at least
   * `minGpuMemoryPerGpuGiB` on each (as `checkModelFit` sizes it; a `QwenModel` is one); the FAILURE reason
   * names `displayName`.
   * @default - no GPU check
   */
  readonly gpu?: GpuRequirement;
  /**
   * Free disk space.
   * @default - none
   */
  readonly disks?: readonly DiskRequirement[];
  /**
   * TCP ports nothing else may listen on.
   * @default - none
   */
  readonly freePorts?: readonly PortRequirement[];
}

/**
 * nvidia-smi's memory.total is the memory left after ECC, which takes up to 6.6% of a card's size
 * (T4 16 GB shows 15 GB: https://exafunction.com/blog/ecc-gpu), while instance types and a model's
 * need are stated in the card's size. The check allows that much, so it refuses only GPUs clearly too
 * small, never a type the model fits.
 */
export const ECC_ALLOWANCE = 0.066;

/**
 * Checks made seconds after the script starts, before anything is changed, each failing with a
 * reason that names what is missing and the fix: the GPU (`nvidia-smi` present, working, seeing
 * GPUs with enough memory in total and, split across several, on each), free disk space where the app and the logs go, and TCP ports
 * that no other program holds. The required commands are checked by the script itself, before this.
 */
export class PreflightChecks implements IScriptPart {
  public readonly phase = ScriptPhase.PREFLIGHT;
  public readonly description = 'pre-flight checks';
  public readonly budgetSeconds = 30;
  public readonly values: readonly ScriptValue[] = [];
  public readonly requiredCommands: readonly string[];
  private readonly props: PreflightChecksProps;

  constructor(props: PreflightChecksProps) {
    const gpu = props.gpu;
    if (gpu && (!Number.isFinite(gpu.gpuMemoryGiB) || gpu.gpuMemoryGiB <= 0 || gpu.gpuMemoryGiB > 4096)) {
      throw new Error(`PreflightChecks: gpu.gpuMemoryGiB ${gpu.gpuMemoryGiB} is not allowed: give the GiB of GPU memory needed, more than 0.`);
    }
    const perGpu = gpu?.minGpuMemoryPerGpuGiB ?? 0;
    if (gpu && (!Number.isFinite(perGpu) || perGpu < 0 || perGpu > gpu.gpuMemoryGiB)) {
      throw new Error(`PreflightChecks: gpu.minGpuMemoryPerGpuGiB ${perGpu} is not allowed: give the GiB each GPU needs when the model is split, from 0 to gpuMemoryGiB (${gpu.gpuMemoryGiB}).`);
    }
    if (gpu && !SAFE_TEXT.test(gpu.displayName)) {
      throw new Error(`PreflightChecks: gpu.displayName '${gpu.displayName}' is not allowed: give a short text of letters, digits, spaces and '_.,:()-'.`);
    }
    (props.disks ?? []).forEach((d, i) => {
      if (!isSafeAbsolutePath(d.path)) {
        throw new Error(`PreflightChecks: disks[${i}].path '${d.path}' is not allowed: give an absolute path of letters, digits and '_@+=:,./-'.`);
      }
      if (!Number.isInteger(d.freeGiB) || d.freeGiB < 1) {
        throw new Error(`PreflightChecks: disks[${i}].freeGiB ${d.freeGiB} is not allowed: give a whole number of GiB >= 1.`);
      }
      if (!SAFE_TEXT.test(d.neededBy)) {
        throw new Error(`PreflightChecks: disks[${i}].neededBy '${d.neededBy}' is not allowed: give a short text of letters, digits, spaces and '_.,:()-'.`);
      }
    });
    (props.freePorts ?? []).forEach((p, i) => {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
        throw new Error(`PreflightChecks: freePorts[${i}].port ${p.port} is not allowed: give a whole port number from 1 to 65535.`);
      }
      if (p.ownerUnit !== undefined && !isUnitName(p.ownerUnit)) {
        throw new Error(`PreflightChecks: freePorts[${i}].ownerUnit '${p.ownerUnit}' is not allowed: give a unit name such as 'nginx.service'.`);
      }
    });
    if (!gpu && !props.disks?.length && !props.freePorts?.length) {
      throw new Error('PreflightChecks: nothing to check; give gpu, disks or freePorts.');
    }
    this.props = props;
    // nvidia-smi is not listed: the GPU check fails with its own reason when it is missing.
    this.requiredCommands = [...new Set([
      ...(props.disks?.length ? ['df', 'dirname', 'tail', 'tr', 'cut'] : []),
      ...(props.freePorts?.length ? ['ss', 'tail', 'systemctl'] : []),
    ])];
  }

  public renderFunctions(): string {
    const p = this.props;
    return [
      ...(p.gpu ? [renderGpuFunction()] : []),
      ...(p.disks?.length ? [renderDiskFunction()] : []),
      ...(p.freePorts?.length ? [renderPortFunction()] : []),
    ].join('\n\n');
  }

  public renderCommands(): string {
    const p = this.props;
    const lines: string[] = [];
    if (p.gpu) {
      const need = p.gpu.gpuMemoryGiB;
      const floorMiB = Math.floor(need * 1024 * (1 - ECC_ALLOWANCE));
      const perGpu = p.gpu.minGpuMemoryPerGpuGiB ?? 0;
      // the per-GPU floor, with the same ECC allowance, only when there is one
      const perGpuArgs = perGpu > 0 ? ` ${Math.floor(perGpu * 1024 * (1 - ECC_ALLOWANCE))} '${perGpu} GiB'` : '';
      lines.push(`ds_gpu ${floorMiB} '${p.gpu.displayName} needs ${need} GiB'${perGpuArgs}`);
    }
    for (const d of p.disks ?? []) {
      lines.push(`ds_disk ${d.path} ${d.freeGiB} '${d.neededBy}'`);
    }
    for (const port of p.freePorts ?? []) {
      lines.push(`ds_port ${port.port}${port.ownerUnit ? ` ${port.ownerUnit}` : ''}`);
    }
    return lines.join('\n');
  }
}

const SAFE_TEXT = /^[A-Za-z0-9 _.,:()-]{1,80}$/;

/**
 * `ds_gpu MIN_MIB NEED_TEXT [PER_GPU_MIN_MIB PER_GPU_TEXT]`: the total of nvidia-smi's memory.total figures, and
 * with more than one GPU the smallest of them (as `checkModelFit` applies `minGpuMemoryPerGpuGiB`).
 */
function renderGpuFunction(): string {
  return [
    'ds_gpu() {',
    '  local o m t=0 n=0 s=0',
    '  o=$(nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits 2>&1) || o="failed: $o"',
    '  [[ $o =~ ^[0-9[:space:]]+$ ]] || ds_fail "no GPU or no working driver (nvidia-smi: $o); use a GPU instance type and an image with its driver"',
    '  for m in $o; do t=$((t + m)) n=$((n + 1)); [ $n -gt 1 ] && [ "$m" -ge "$s" ] || s=$m; done',
    '  [ "$t" -ge "$1" ] || ds_fail "GPU memory too small: $2, the $n GPUs have $t MiB; choose an instance type with more"',
    '  [ $n -lt 2 ] || [ "$s" -ge "${3:-0}" ] || ds_fail "GPU memory too small: $2 and $4 on each GPU, the smallest of the $n GPUs has $s MiB; choose an instance type with more"',
    '}',
  ].join('\n');
}

/** `ds_disk PATH GIB WHAT`. */
function renderDiskFunction(): string {
  return [
    'ds_disk() {',
    '  local p=$1 k',
    '  while [ ! -e "$p" ]; do p=$(dirname "$p"); done',
    "  k=$(df -Pk \"$p\" | tail -n 1 | tr -s ' ' | cut -d ' ' -f 4)",
    '  [ "$k" -ge $(($2 << 20)) ] || ds_fail "disk too full: $((k >> 20)) GiB free at $p, $3 need $2 GiB; use a larger disk"',
    '}',
  ].join('\n');
}

/** `ds_port PORT [UNIT]`. */
function renderPortFunction(): string {
  return [
    'ds_port() {',
    '  local l',
    '  l=$(ss -ltnp "sport = :$1" | tail -n +2)',
    '  [ -z "$l" ] || { [ -n "${2:-}" ] && systemctl -q is-active "$2"; } ||',
    '    ds_fail "port $1 is taken: $l; stop that program or use another port"',
    '}',
  ].join('\n');
}
