/**
 * `npm run rehearse`: synthesize the QwenChatStack, resolve its RunCommand script, and run it
 * whole in throwaway namespaces with stand-ins (see docs/rehearsal.md). Linux, as root.
 *
 * Usage: npm run rehearse -- [--scenario success|silent-app|nginx-rejected|all] [--health-check-timeout SECONDS]
 *        npm run rehearse -- --scenario gradio-browser [--gradio 3.41.2|6.25.0]   (real Gradio in headless Chromium)
 */
import { runGradioBrowserScenario } from './gradio-browser-scenario';
import { renderDeployment } from './rendered-deployment';
import { AppStandIn, RehearsalProps, RehearsalResult, runRehearsal } from './rehearsal-runner';

const PASSWORD = 'Rehearse-Pw-1';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

interface Scenario {
  readonly name: string;
  readonly expect: 'SUCCESS' | 'FAILURE';
  readonly props: (script: string, listenPort: number) => RehearsalProps;
  readonly healthCheckTimeoutSeconds?: number;
}

async function main(): Promise<number> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    console.error('rehearse: needs Linux and root (unshare --mount --net, overlay mounts)');
    return 2;
  }
  const which = arg('--scenario', 'all');
  if (which === 'gradio-browser') return runGradioBrowserScenario(process.argv.includes('--gradio') ? arg('--gradio', '') : undefined);
  const budget = Number(arg('--health-check-timeout', '8'));
  const all: Scenario[] = [
    { name: 'success', expect: 'SUCCESS', props: (script, port) => ({ script, probe: { port, userName: 'admin', password: PASSWORD }, secrets: [PASSWORD] }) },
    { name: 'silent-app', expect: 'FAILURE', healthCheckTimeoutSeconds: budget, props: (script) => ({ script, app: AppStandIn.SILENT, secrets: [PASSWORD] }) },
    { name: 'nginx-rejected', expect: 'FAILURE', props: (script) => ({ script, extraFiles: { '/etc/nginx/conf.d/broken.conf': 'not nginx;\n' }, secrets: [PASSWORD] }) },
  ];
  const scenarios = all.filter((s) => which === 'all' || s.name === which);
  if (scenarios.length === 0) {
    console.error(`rehearse: --scenario '${which}' is not one of success, silent-app, nginx-rejected, all`);
    return 2;
  }
  let failed = 0;
  let noticeShown = false;
  for (const s of scenarios) {
    const d = renderDeployment({
      stackProps: s.healthCheckTimeoutSeconds ? { appCheckTimeoutSeconds: s.healthCheckTimeoutSeconds } : {},
      parameters: { Password: PASSWORD },
    });
    console.log(`\n=== scenario ${s.name} (expect ${s.expect}); script ${d.script.length} bytes`);
    const r: RehearsalResult = await runRehearsal({
      ...s.props(d.script, d.listenPort),
      onProgress: (line) => { if (!noticeShown) console.log(line); noticeShown = true; },
    });
    console.log(r.output.replace(/^/gm, '  | '));
    console.log(`  systemctl stand-in calls: ${r.systemctlCalls.join('; ')}`);
    console.log(`  signals: ${r.signals.map((x) => `${x.status} at ${x.atMs} ms: ${x.reason}`).join(' | ') || '(none)'}`);
    if (r.probe) console.log(`  through nginx: no credentials ${r.probe.noCredentials}, wrong password ${r.probe.wrongPassword}, credentials ${r.probe.withCredentials}`);
    console.log(`  argv: ${r.argv.samples} samples of /proc/*/cmdline, ${r.argv.hits.length} containing the password`);
    const ok = r.signals.length === 1 && r.signals[0].status === s.expect && r.argv.hits.length === 0
      && (s.expect === 'FAILURE' || r.probe?.withCredentials === '200');
    console.log(`  => ${ok ? 'as expected' : 'NOT as expected'} (script exit ${r.exitCode}, ${r.durationMs} ms)`);
    if (!ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(1); });
