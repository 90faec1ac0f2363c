/**
 * `npm run bench`: synth performance of the library, measured in one run on this machine.
 *
 * 1. In-process synth time of QwenChatStack (median of RUNS) against BaselineStack, the same template
 *    built from raw L1 `Ros*` classes and literals (templates asserted equal first). Target: ratio <= 1.5.
 * 2. Cold wall time of the cdk.json `app` command (`node dist/qwen-chat-app.js`, the app bundled by
 *    `npm run build`) against the floor, `node` loading the ROS CDK modules and doing
 *    nothing; also `ts-node --transpile-only bin/qwen-chat.ts` for comparison. Target: ratio <= 1.5.
 * 3. Per-stack synth time with 1, 10 and 50 QwenChatStacks in one app. Target: at 50 <= 1.3 x at 1.
 * 4. `lint` on generated templates at its size limit (TEMPLATE_FILE_MAX_BYTES, bench/lint-inputs.ts), each through
 *    `runLint` as the command line runs it (read, parse, rules, output). Target: the slowest <= 10 s.
 *
 * Flags: `--runs N` (default 25), `--cold-runs N` (default 11), `--json FILE` (write the figures),
 * `--strict` (exit 1 when a target is missed), `--no-build` (use the existing dist/), `--lint-only` (section 4 only).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { isDeepStrictEqual } from 'util';
import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack } from '../lib';
import { runLint } from '../lib/cli/lint';
import { TEMPLATE_FILE_MAX_BYTES } from '../lib/ros/limits';
import { BaselineStack } from './baseline-stack';
import { lintInputs } from './lint-inputs';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = Math.max(20, option('--runs', 25));
const COLD_RUNS = option('--cold-runs', 11);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const ms = (x: number) => `${x.toFixed(2)} ms`;
let outdirCount = 0;
const freshOutdir = () => {
  const dir = path.join(TMP, `out-${outdirCount++}`);
  fs.mkdirSync(dir);
  return dir;
};

/** Builds and synthesizes an app with `count` stacks made by `make`; returns ms and the templates. */
function synthApp(count: number, make: (app: ros.App, id: string) => ros.Stack): { ms: number; templates: any[] } {
  const start = performance.now();
  const app = new ros.App({ outdir: freshOutdir(), stackTraces: false });
  const stacks: ros.Stack[] = [];
  for (let i = 0; i < count; i++) stacks.push(make(app, count === 1 ? 'QwenChatStack' : `QwenChatStack${i}`));
  const assembly = app.synth();
  const elapsed = performance.now() - start;
  return { ms: elapsed, templates: stacks.map((s) => assembly.getStackArtifact(s.artifactId).template) };
}
const library = (app: ros.App, id: string) => new QwenChatStack(app, id);
const baseline = (app: ros.App, id: string) => new BaselineStack(app, id);

interface Result { name: string; value: number; target: number; pass: boolean; detail: string }
const results: Result[] = [];
const report = (name: string, value: number, target: number, detail: string) => {
  const pass = value <= target;
  results.push({ name, value, target, pass, detail });
  console.log(`${pass ? 'PASS' : 'MISS'}  ${name}: ${value.toFixed(2)} (target <= ${target})  ${detail}`);
};

const perStack: { [n: number]: number } = {};
let libMedian = NaN;
let baseMedian = NaN;
let floor = NaN;
let appCold = NaN;
let unbundledCold = NaN;
let tsNodeCold = NaN;
if (!flag('--lint-only')) synthSections();

function synthSections(): void {
  // --- 1. in-process synth: library vs L1 baseline ---------------------------------------------
  const lib0 = synthApp(1, library);
  const base0 = synthApp(1, baseline);
  if (!isDeepStrictEqual(lib0.templates[0], base0.templates[0])) {
    console.error('bench: BaselineStack no longer renders the same template as QwenChatStack; re-run\n'
      + '  npx ts-node --transpile-only bench/capture-baseline.ts\nand update bench/baseline-stack.ts until they are equal.');
    process.exit(2);
  }
  console.log(`templates equal: QwenChatStack == BaselineStack (${JSON.stringify(lib0.templates[0]).length} bytes)`);
  console.log(`first (cold, in-process) synth: library ${ms(lib0.ms)}, baseline ${ms(base0.ms)}`);
  for (let i = 0; i < 5; i++) { synthApp(1, library); synthApp(1, baseline); } // warm up the JIT
  const libTimes: number[] = [];
  const baseTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) { // interleaved, so drift in machine load hits both alike
    libTimes.push(synthApp(1, library).ms);
    baseTimes.push(synthApp(1, baseline).ms);
  }
  libMedian = median(libTimes);
  baseMedian = median(baseTimes);
  console.log(`\n1. in-process synth, median of ${RUNS}: QwenChatStack ${ms(libMedian)}, L1 baseline ${ms(baseMedian)}`);
  report('synth ratio library/baseline', libMedian / baseMedian, 1.5, `(${ms(libMedian)} / ${ms(baseMedian)})`);

  // --- 2. cold wall time of the app command vs the floor ------------------------------------------
  if (!flag('--no-build')) {
    const t = performance.now();
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    console.log(`\nbuilt dist/ with npm run build (tsc, then the esbuild bundle) in ${ms(performance.now() - t)}`);
  }
  // The cdk.json `app` command, as the ros-cdk CLI runs it: `node <file>`.
  const cdkApp: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).app;
  const appMatch = /^node (\S+)$/.exec(cdkApp);
  if (!appMatch) {
    console.error(`bench: cdk.json app '${cdkApp}' is not 'node <file>'; the bench measures such a command.`);
    process.exit(2);
  }
  const appJs = path.join(ROOT, appMatch[1]);
  const unbundledJs = path.join(ROOT, 'dist/bin/qwen-chat.js');
  for (const file of [appJs, unbundledJs]) {
    if (!fs.existsSync(file)) {
      console.error(`bench: ${file} is missing; run npm run build.`);
      process.exit(2);
    }
  }
  const FLOOR = "require('@alicloud/ros-cdk-core'); require('@alicloud/ros-cdk-ecs'); require('@alicloud/ros-cdk-ros');";
  function coldRun(argv: string[]): number {
    const outdir = freshOutdir();
    const start = performance.now();
    const r = spawnSync(process.execPath, argv, { cwd: ROOT, env: { ...process.env, CDK_OUTDIR: outdir }, encoding: 'utf8' });
    const elapsed = performance.now() - start;
    if (r.status !== 0) {
      throw new Error(`bench: node ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    }
    return elapsed;
  }
  /** Medians of new-process runs of each command, interleaved round-robin so machine-load drift hits all alike. */
  function coldMedians(commands: string[][]): number[] {
    commands.forEach((argv) => coldRun(argv)); // fill the OS file cache; "cold" = a new process, not an empty page cache
    const times: number[][] = commands.map(() => []);
    for (let i = 0; i < COLD_RUNS; i++) commands.forEach((argv, j) => times[j].push(coldRun(argv)));
    return times.map(median);
  }
  [floor, appCold, unbundledCold, tsNodeCold] = coldMedians([
    ['-e', FLOOR],
    [appJs],
    [unbundledJs],
    ['-r', 'ts-node/register/transpile-only', 'bin/qwen-chat.ts'],
  ]);
  const templatesWritten = fs.readdirSync(path.join(TMP, `out-${outdirCount - 1}`)).filter((f) => f.endsWith('.template.json')).length;
  console.log(`\n2. cold wall time, median of ${COLD_RUNS} new processes (the app writes ${templatesWritten} templates):`);
  console.log(`   floor  node -e "<require the 3 ROS CDK modules>"           ${ms(floor)}`);
  console.log(`   app    ${cdkApp} (cdk.json: one bundled file)   ${ms(appCold)}`);
  console.log(`   app    node dist/bin/qwen-chat.js (compiled, not bundled)  ${ms(unbundledCold)}`);
  console.log(`   app    node -r ts-node/register/transpile-only bin/qwen-chat.ts  ${ms(tsNodeCold)}`);
  console.log(`   the bundle is ${appCold < unbundledCold ? 'faster' : 'slower'} than the unbundled JS by ${ms(Math.abs(unbundledCold - appCold))}`
    + ' (one file to read and compile instead of hundreds of modules to resolve)');
  console.log(`   compiled JS is ${unbundledCold < tsNodeCold ? 'faster' : 'slower'} than ts-node by ${ms(Math.abs(tsNodeCold - unbundledCold))}`
    + ' (ts-node loads the TypeScript compiler and transpiles every lib/ file on each start)');
  report('cold app/floor ratio', appCold / floor, 1.5, `(${ms(appCold)} / ${ms(floor)})`);

  // --- 3. per-stack synth time with 1, 10, 50 stacks ------------------------------------------
  for (const [n, reps] of [[1, RUNS], [10, 7], [50, 5]] as const) {
    synthApp(n, library);
    perStack[n] = median(Array.from({ length: reps }, () => synthApp(n, library).ms)) / n;
  }
  console.log(`\n3. per-stack synth time: 1 stack ${ms(perStack[1])}, 10 stacks ${ms(perStack[10])}, 50 stacks ${ms(perStack[50])}`);
  report('per-stack at 50 / at 1', perStack[50] / perStack[1], 1.3, `(${ms(perStack[50])} / ${ms(perStack[1])})`);
}

// --- 4. lint at its size limit ---------------------------------------------------------------
const lintMs: Record<string, number> = {};
const lintCpuMs: Record<string, number> = {};
async function lintSection(): Promise<void> {
  const quiet = { out: () => undefined, err: () => undefined, readStdin: async () => Buffer.alloc(0) };
  console.log(`\n4. lint on generated templates at the size limit (${TEMPLATE_FILE_MAX_BYTES} bytes), through runLint:`);
  for (const input of lintInputs()) {
    const file = path.join(TMP, 'lint-input.yaml');
    fs.writeFileSync(file, input.text);
    const start = performance.now();
    const cpu = process.cpuUsage();
    const code = await runLint([file], quiet);
    const used = process.cpuUsage(cpu);
    lintMs[input.name] = performance.now() - start;
    lintCpuMs[input.name] = (used.user + used.system) / 1000;
    console.log(`   ${(lintMs[input.name] / 1000).toFixed(2).padStart(6)} s wall, ${(lintCpuMs[input.name] / 1000).toFixed(2).padStart(6)} s CPU  exit ${code}  ${input.name} (${Buffer.byteLength(input.text)} bytes)`);
  }
  const slowest = Math.max(...Object.values(lintMs));
  const slowestCpu = Math.max(...Object.values(lintCpuMs));
  console.log(`   (wall time stretches when other processes share the CPUs; CPU time is what lint itself spends)`);
  report('lint, slowest input at the size limit (s wall)', slowest / 1000, 10, `(${Object.entries(lintMs).find(([, v]) => v === slowest)?.[0]})`);
  report('lint, slowest input at the size limit (s CPU)', slowestCpu / 1000, 10, `(${Object.entries(lintCpuMs).find(([, v]) => v === slowestCpu)?.[0]})`);
}

async function finish(): Promise<void> {
  await lintSection();
  fs.rmSync(TMP, { recursive: true, force: true });
  const jsonIndex = args.indexOf('--json');
  if (jsonIndex >= 0) {
    fs.writeFileSync(args[jsonIndex + 1], JSON.stringify({
      node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model,
      synth: { runs: RUNS, libraryMs: libMedian, baselineMs: baseMedian },
      lintMs,
    lintCpuMs,
      cold: { runs: COLD_RUNS, floorMs: floor, appMs: appCold, unbundledMs: unbundledCold, tsNodeMs: tsNodeCold },
      perStackMs: perStack, results,
    }, null, 2));
  }
  const missed = results.filter((r) => !r.pass);
  console.log(`\n${missed.length === 0 ? 'all targets met' : `${missed.length} target(s) missed: ${missed.map((r) => r.name).join(', ')}`}`);
  if (flag('--strict') && missed.length > 0) process.exit(1);
}

finish().catch((e: unknown) => {
  console.error(e);
  process.exit(2);
});
