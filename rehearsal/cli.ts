/**
 * `npm run rehearse`: synthesize the QwenChatStack, resolve its RunCommand script, and run it
 * whole in throwaway namespaces with stand-ins (see docs/rehearsal.md). Linux, as root.
 *
 * Usage: npm run rehearse -- [--scenario NAME|all] [--health-check-timeout SECONDS]
 *        npm run rehearse -- --scenario gradio-browser [--gradio 3.41.2|6.25.0]   (real Gradio in headless Chromium)
 *        npm run rehearse -- --scenario balanced   (two instances behind a stand-in load balancer)
 */
import { runBalancedScenario } from './balanced-scenario';
import { runGradioBrowserScenario } from './gradio-browser-scenario';
import { renderDeployment } from './rendered-deployment';
import { AppStandIn, RehearsalProps, RehearsalResult, runRehearsal } from './rehearsal-runner';

const PASSWORD = 'Rehearse-Pw-1';

const USAGE = `usage: npm run rehearse -- [--scenario NAME|all] [--health-check-timeout SECONDS]
       npm run rehearse -- --scenario gradio-browser [--gradio 3.41.2|6.25.0]
       npm run rehearse -- --scenario balanced
       npm run rehearse -- --help`;

/** The options the command takes, each with a value. */
const OPTIONS = ['--scenario', '--health-check-timeout', '--gradio'];

/**
 * Reads `--name value` pairs; anything else (an unknown option, a missing value, a stray word) is an
 * error, so a mistyped option never runs every scenario.
 */
export function parseRehearseArgs(argv: readonly string[]): { readonly help: boolean; readonly options: ReadonlyMap<string, string> } {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return { help: true, options: new Map() };
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    if (!OPTIONS.includes(name)) {
      throw new Error(`rehearse: '${name}' is not an option (${OPTIONS.join(', ')}; --help alone prints the usage)`);
    }
    if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) throw new Error(`rehearse: ${name} needs a value`);
    if (options.has(name)) throw new Error(`rehearse: ${name} is given twice`);
    options.set(name, argv[i + 1]);
  }
  const timeout = options.get('--health-check-timeout');
  if (timeout !== undefined && !/^[1-9][0-9]{0,4}$/.test(timeout)) {
    throw new Error(`rehearse: --health-check-timeout '${timeout}' is not a whole number of seconds from 1 to 99999`);
  }
  return { help: false, options };
}

/** One scenario: the stand-ins, what must be signalled, and a pattern the reason must match. */
export interface Scenario {
  readonly name: string;
  readonly expect: 'SUCCESS' | 'FAILURE';
  readonly reason?: RegExp;
  readonly props: (script: string, listenPort: number, tlsCertificate?: string) => RehearsalProps;
  readonly healthCheckTimeoutSeconds?: number;
}

/** The scenarios `npm run rehearse` knows. */
export function scenarios(budget: number): Scenario[] {
  const base = (script: string) => ({ script, secrets: [PASSWORD] });
  return [
    { name: 'success', expect: 'SUCCESS', props: (script, port, tlsCertificate) => ({ ...base(script), probe: { port, userName: 'admin', password: PASSWORD, tlsCertificate } }) },
    { name: 'silent-app', expect: 'FAILURE', reason: /7860\/ answered 000, not 200/, healthCheckTimeoutSeconds: budget, props: (script) => ({ ...base(script), app: AppStandIn.SILENT }) },
    { name: 'nginx-rejected', expect: 'FAILURE', reason: /nginx -t rejected/, props: (script) => ({ ...base(script), extraFiles: { '/etc/nginx/conf.d/broken.conf': 'not nginx;\n' } }) },
    { name: 'crashing-app', expect: 'FAILURE', reason: /rehearsal_missing_module_42/, props: (script) => ({ ...base(script), app: AppStandIn.CRASHING }) },
    { name: 'crashing-app-current-systemd', expect: 'FAILURE', reason: /rehearsal_missing_module_42/, props: (script) => ({ ...base(script), app: AppStandIn.CRASHING, systemdVersion: 'current' }) },
    { name: 'crashing-app-leaking-a-token', expect: 'FAILURE', reason: /hub login failed for token <redacted> with password=<redacted>/, props: (script) => ({ ...base(script), app: AppStandIn.CRASHING, appLeaksSecret: true }) },
    { name: 'slow-app', expect: 'SUCCESS', props: (script) => ({ ...base(script), app: AppStandIn.SLOW, appLoadSeconds: 25 }) },
    { name: 'no-nvidia-smi', expect: 'FAILURE', reason: /pre-flight checks: no GPU or no working driver/, props: (script) => ({ ...base(script), gpus: 'missing' }) },
    { name: 'failing-driver', expect: 'FAILURE', reason: /pre-flight checks: no GPU or no working driver .*couldn't communicate with the NVIDIA driver/, props: (script) => ({ ...base(script), gpus: 'failing' }) },
    { name: 'small-gpu', expect: 'FAILURE', reason: /GPU memory too small: .* needs 42.9 GiB, the 1 GPUs have 15360 MiB/, props: (script) => ({ ...base(script), gpus: '15360' }) },
    { name: 'small-gpus-each', expect: 'FAILURE', reason: /GPU memory too small: .* and 2 GiB on each GPU, the smallest of the 24 GPUs has 1800 MiB/, props: (script) => ({ ...base(script), gpus: Array(24).fill('1800').join(' ') }) },
    { name: 'port-taken', expect: 'FAILURE', reason: /port 7860 is taken/, props: (script) => ({ ...base(script), occupyPorts: [7860] }) },
  ];
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseRehearseArgs>;
  try {
    parsed = parseRehearseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const arg = (name: string, fallback: string): string => parsed.options.get(name) ?? fallback;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    console.error('rehearse: needs Linux and root (unshare --mount --net, overlay mounts)');
    return 2;
  }
  const which = arg('--scenario', 'all');
  if (which === 'gradio-browser') return runGradioBrowserScenario(parsed.options.get('--gradio'));
  if (which === 'balanced') return runBalancedScenario();
  const all = scenarios(Number(arg('--health-check-timeout', '8')));
  const chosen = all.filter((s) => which === 'all' || s.name === which);
  if (chosen.length === 0) {
    console.error(`rehearse: --scenario '${which}' is not one of ${all.map((s) => s.name).join(', ')}, gradio-browser, balanced, all`);
    return 2;
  }
  let failed = 0;
  let noticeShown = false;
  for (const s of chosen) {
    const d = renderDeployment({
      stackProps: s.healthCheckTimeoutSeconds ? { appCheckTimeoutSeconds: s.healthCheckTimeoutSeconds } : {},
      parameters: { Password: PASSWORD },
    });
    console.log(`\n=== scenario ${s.name} (expect ${s.expect}); script ${d.script.length} bytes`);
    const r: RehearsalResult = await runRehearsal({
      ...s.props(d.script, d.listenPort, d.tlsCertificate),
      onProgress: (line) => { if (!noticeShown) console.log(line); noticeShown = true; },
    });
    console.log(r.deployLog.replace(/^/gm, '  | '));
    console.log(`  systemctl stand-in calls: ${r.systemctlCalls.join('; ')}`);
    console.log(`  signals: ${r.signals.map((x) => `${x.status} at ${x.atMs} ms: ${x.reason}`).join(' | ') || '(none)'}`);
    const firstExit = Object.values(r.journal).flat().find((e) => e.source === 'systemd' && / exited, /.test(e.message));
    if (firstExit && r.signals[0]) console.log(`  first exit of the app at ${firstExit.atMs} ms; signal ${r.signals[0].atMs - firstExit.atMs} ms later`);
    if (r.probe) console.log(`  through nginx: no credentials ${r.probe.noCredentials}, wrong password ${r.probe.wrongPassword}, credentials ${r.probe.withCredentials}`);
    if (r.probe?.tls) {
      console.log(`  TLS (openssl s_client -brief, the generated certificate as the only CA): ${r.probe.tls.session.split('\n').filter((l) => /Protocol|Ciphersuite|Verification/.test(l)).join('; ')}`);
      console.log(`  served certificate SHA-256 ${r.probe.tls.servedFingerprint}; plain HTTP on the port: ${r.probe.tls.plainHttp}`);
    }
    console.log(`  argv: ${r.argv.samples} samples of /proc/*/cmdline, ${r.argv.hits.length} containing the password`);
    const ok = r.signals.length === 1 && r.signals[0].status === s.expect && r.argv.hits.length === 0
      && (s.reason === undefined || s.reason.test(r.signals[0].reason))
      && (s.expect === 'FAILURE' || r.probe === undefined || r.probe.withCredentials === '200');
    console.log(`  => ${ok ? 'as expected' : 'NOT as expected'} (script exit ${r.exitCode}, ${r.durationMs} ms)`);
    if (!ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
}
