import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The repository root (rehearsal/ is one level below it). */
const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * The Gradio wheelhouse: `../shared/testdata/gradio-wheelhouse` beside the repository (CI puts
 * `../shared` there). Its README says how the wheels install (`--no-index --no-deps` into a venv
 * made from Debian's python3 with `--system-site-packages`).
 */
export const GRADIO_WHEELHOUSE = path.resolve(REPO_ROOT, '..', 'shared', 'testdata', 'gradio-wheelhouse');

/** Where built environments are kept between runs (ignored by git, eslint and tsc: `out/`). */
export const GRADIO_VENV_CACHE = path.join(REPO_ROOT, 'out', 'gradio-venvs');

/** Debian's own python: another python3 on PATH (pyenv, say) does not see the python3-* packages. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** The install step that provides the Debian packages the wheels rely on. */
export const PYTHON_INSTALL_STEP = 'bash scripts/install-system-deps.sh (Debian python3, python3-venv and the python3-* packages the wheelhouse README lists)';

/** The Gradio versions of the wheelhouse. */
export enum GradioVersion {
  /** The version the image build pins: its queue streams over a websocket. */
  V3_41_2 = '3.41.2',
  /** A current release: its queue streams server-sent events. */
  V6_25_0 = '6.25.0',
}

/** A virtual environment with one Gradio version installed. */
export interface GradioVenv {
  /** The Gradio version (as `gradio.__version__` printed it). */
  readonly version: GradioVersion;
  /** The environment's directory. */
  readonly dir: string;
  /** Its python (run the app with this). */
  readonly python: string;
  /** True when the environment came from the cache. */
  readonly cached: boolean;
  /** How long building it took, in ms (0 when cached). */
  readonly buildMs: number;
}

/**
 * Returns a virtual environment with Gradio `version` from the wheelhouse, building it on first use:
 * `/usr/bin/python3 -m venv --system-site-packages`, then `pip install --no-index --no-deps` of the
 * version's wheels, then `import gradio` must print the version. The environment is cached under
 * `out/gradio-venvs/<version>-<key>`, the key a hash of the wheels (names and bytes) and the
 * python's version; it is built in a temporary folder and renamed into place, so a half-built one
 * is never used. Throws naming the install step when Debian's python or its packages are missing.
 */
export function ensureGradioVenv(version: GradioVersion, cacheDir: string = GRADIO_VENV_CACHE): GradioVenv {
  const wheels = gradioWheels(version);
  if (!fs.existsSync(DEBIAN_PYTHON)) {
    throw new Error(`Debian's python3 is not at ${DEBIAN_PYTHON}: run ${PYTHON_INSTALL_STEP}`);
  }
  const pythonVersion = run(DEBIAN_PYTHON, ['-c', 'import sys; print(sys.version)']).trim();
  const hash = crypto.createHash('sha256').update(pythonVersion);
  for (const wheel of wheels) {
    hash.update(path.basename(wheel)).update(fs.readFileSync(wheel));
  }
  const dir = path.join(cacheDir, `${version}-${hash.digest('hex').slice(0, 16)}`);
  const python = path.join(dir, 'bin', 'python');
  if (fs.existsSync(path.join(dir, 'complete'))) {
    return { version, dir, python, cached: true, buildMs: 0 };
  }
  const started = Date.now();
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir, `.building-${version}-`));
  try {
    const venv = spawnSync(DEBIAN_PYTHON, ['-m', 'venv', '--system-site-packages', tmp], { encoding: 'utf8' });
    if (venv.status !== 0) {
      throw new Error(`python3 -m venv failed (${(venv.stderr || venv.stdout || String(venv.error)).trim().split('\n').pop()}): run ${PYTHON_INSTALL_STEP}`);
    }
    run(path.join(tmp, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--disable-pip-version-check', ...wheels]);
    checkImport(path.join(tmp, 'bin', 'python'), version);
    fs.writeFileSync(path.join(tmp, 'complete'), `${wheels.map((w) => path.basename(w)).join('\n')}\n`);
    try {
      fs.renameSync(tmp, dir);
    } catch (e) {
      // another run finished the same environment first: use theirs
      if (!fs.existsSync(path.join(dir, 'complete'))) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // the venv's python is a symlink to Debian's python and finds pyvenv.cfg beside itself, so the
  // renamed environment works (its pip script's shebang still names the temporary folder: unused)
  checkImport(python, version);
  return { version, dir, python, cached: false, buildMs: Date.now() - started };
}

/** The wheels of one version in the wheelhouse (throws naming the folder when it is missing or empty). */
export function gradioWheels(version: GradioVersion): string[] {
  const dir = path.join(GRADIO_WHEELHOUSE, version);
  const wheels = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.whl')).sort().map((f) => path.join(dir, f)) : [];
  if (!wheels.some((w) => path.basename(w).startsWith(`gradio-${version}-`))) {
    throw new Error(`the Gradio ${version} wheels are not in ${dir}: the tests read ../shared/testdata/gradio-wheelhouse beside the repository (see its README)`);
  }
  return wheels;
}

function checkImport(python: string, version: GradioVersion): void {
  const r = spawnSync(python, ['-c', 'import gradio, fastapi, uvicorn; print(gradio.__version__)'], {
    encoding: 'utf8', env: { ...process.env, GRADIO_ANALYTICS_ENABLED: 'False', HF_HUB_OFFLINE: '1' },
  });
  if (r.status !== 0) {
    const last = (r.stderr || String(r.error)).trim().split('\n').pop();
    throw new Error(`Gradio ${version} does not import in its environment (${last}): run ${PYTHON_INSTALL_STEP}`);
  }
  if (r.stdout.trim() !== version) {
    throw new Error(`the environment's gradio.__version__ is '${r.stdout.trim()}', not ${version}`);
  }
}

function run(file: string, args: string[]): string {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${path.basename(file)} ${args.slice(0, 4).join(' ')} ... failed (exit ${r.status}): ${(r.stderr || String(r.error)).trim().slice(-400)}`);
  }
  return r.stdout;
}
