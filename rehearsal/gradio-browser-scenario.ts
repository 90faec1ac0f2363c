import * as path from 'path';
import {
  ChatOutcome, GradioChatSandbox, deployedSite, describeOutcome, imageProblems, streamingProblems,
  withEventStreamHeldBack, withoutUpgradeHeaders,
} from './gradio-browser';
import { GradioVersion, ensureGradioVenv } from './gradio-venv';

const PASSWORD = 'Rehearse-Browser-Pw-1';

/** Where the screenshots go (out/ is ignored by git). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'out', 'gradio-browser');

/**
 * `npm run rehearse -- --scenario gradio-browser [--gradio 3.41.2|6.25.0]`: for each Gradio
 * version, the stand-in chat app behind the rendered nginx site in headless Chromium: 401 without
 * credentials, a streamed reply with them (timings, screenshot), the app's image through the proxy;
 * then the negative control (Gradio 3: no upgrade headers; Gradio 6: the event stream held back),
 * which must show the stream failing. Returns the exit code.
 */
export async function runGradioBrowserScenario(only?: string): Promise<number> {
  const versions = Object.values(GradioVersion).filter((v) => only === undefined || v === only);
  if (versions.length === 0) {
    console.error(`rehearse: --gradio '${only}' is not one of ${Object.values(GradioVersion).join(', ')}`);
    return 2;
  }
  console.log('gradio-browser: STAND-IN app (no model): rehearsal/stand-ins/gradio-chat.py streams a fixed reply; real: Gradio, nginx, the rendered site and htpasswd, Chromium.');
  const site = await deployedSite(PASSWORD);
  const credentials = { userName: site.userName, password: PASSWORD };
  let failed = 0;
  const check = (what: string, ok: boolean, detail = '') => {
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}${detail === '' ? '' : `: ${detail}`}`);
    if (!ok) failed++;
  };
  for (const version of versions) {
    const venv = ensureGradioVenv(version);
    console.log(`\n=== Gradio ${version} (venv ${venv.cached ? 'cached' : `built in ${venv.buildMs} ms`})`);
    const s = await GradioChatSandbox.start({ venv });
    try {
      console.log(`  app listening after ${s.appStartMs} ms`);
      s.serveSite(site);
      // The rendered site is TLS (issue 15): the browser trusts only the certificate the script made (pinned).
      await s.openBrowser({ trustedCertificatesPem: site.certificatePem === undefined ? [] : [site.certificatePem] });
      const none = await s.load();
      check('no credentials: 401', none.status === 401, `HTTP ${none.status}`);
      const o = await s.chat({ credentials, screenshotPath: path.join(SCREENSHOT_DIR, `gradio-${version}-chat.png`) });
      print(o);
      check('streamed token by token and complete', streamingProblems(o).length === 0, streamingProblems(o).join('; '));
      check('the app\'s image loads through the proxy', imageProblems(o).length === 0, imageProblems(o).join('; '));
      console.log(`  screenshot: ${path.relative(process.cwd(), o.screenshot ?? '')}`);
      const control = version === GradioVersion.V3_41_2
        ? { name: 'upgrade headers removed', mutate: withoutUpgradeHeaders, timeoutMs: s.tokens * s.tokenMs + 2000 }
        : { name: 'event stream held back (proxy_buffering on, gzip on text/event-stream)', mutate: withEventStreamHeldBack, timeoutMs: undefined };
      s.serveSite({ ...site, site: control.mutate(site.site) });
      const bad = await s.chat({ credentials, replyTimeoutMs: control.timeoutMs });
      console.log(`  -- negative control: ${control.name}`);
      print(bad);
      check('negative control: the stream fails', bad.appLoaded && streamingProblems(bad).length > 0, streamingProblems(bad).join('; '));
    } finally {
      await s.dispose();
    }
  }
  return failed === 0 ? 0 : 1;
}

function print(o: ChatOutcome): void {
  console.log(describeOutcome(o).split('\n').filter((l) => !l.startsWith('page errors')).map((l) => `  | ${l}`).join('\n'));
}
