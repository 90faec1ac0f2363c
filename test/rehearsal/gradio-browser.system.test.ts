import * as path from 'path';
import {
  ChatOutcome, DeployedSite, GradioChatSandbox, assertStreamed, deployedSite, describeOutcome, imageProblems,
  streamingProblems, withEventStreamHeldBack, withGzipEventStream, withHostWithoutPort,
  withoutUpgradeHeaders,
} from '../../rehearsal/gradio-browser';
import { GradioVersion, ensureGradioVenv } from '../../rehearsal/gradio-venv';

// The served chat page, proven with a real Gradio app in headless Chromium through the rendered
// proxy (issue 17): the site, htpasswd file and TLS certificate exactly as the deploy script writes them
// (TLS by default, issue 15: the browser trusts only that certificate).
jest.setTimeout(180000);

const PASSWORD = 'Browser-Pw-17';
/** Screenshots of the answered chat (out/ is ignored by git). */
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'out', 'gradio-browser');

let deployed: DeployedSite;

beforeAll(async () => {
  deployed = await deployedSite(PASSWORD);
});

/** Requests nginx logged per second (the access log's time stamps), the busiest first, and the statuses. */
function requestRate(accessLog: string): { busiest: number; total: number; statuses: Record<string, number> } {
  const perSecond = new Map<string, number>();
  const statuses: Record<string, number> = {};
  for (const m of accessLog.matchAll(/\[([^\]]+)\] "[^"]*" (\d{3}) /g)) {
    perSecond.set(m[1], (perSecond.get(m[1]) ?? 0) + 1);
    statuses[m[2]] = (statuses[m[2]] ?? 0) + 1;
  }
  return { busiest: Math.max(0, ...perSecond.values()), total: [...perSecond.values()].reduce((a, b) => a + b, 0), statuses };
}

/** The statuses nginx logged for Gradio 3's websocket join (`GET /queue/join`). */
function websocketJoins(accessLog: string): string[] {
  return [...accessLog.matchAll(/"GET \/queue\/join HTTP\/1\.1" (\d{3}) /g)].map((m) => m[1]);
}

function log(version: string, what: string, o: ChatOutcome): void {
  console.log(`Gradio ${version}, ${what}:\n${describeOutcome(o)}`);
}

describe.each([
  {
    version: GradioVersion.V3_41_2, transport: 'websocket',
    // Gradio 3's queue joins over a websocket: without the upgrade headers nothing reaches the app
    control: { name: 'upgrade headers removed', mutate: withoutUpgradeHeaders, problem: /never appeared.*never received the message/s, waitMs: 2000 },
  },
  {
    version: GradioVersion.V6_25_0, transport: 'event stream',
    // Gradio 4+ streams server-sent events: held back, the reply arrives only after the app finished
    control: { name: 'event stream held back (proxy_buffering on, gzip on text/event-stream)', mutate: withEventStreamHeldBack, problem: /the stream was held back/, waitMs: 15000 },
  },
])('Gradio $version in headless Chromium through the rendered nginx site', ({ version, transport, control }) => {
  let s: GradioChatSandbox;
  const credentials = () => ({ userName: deployed.userName, password: PASSWORD });

  beforeAll(async () => {
    s = await GradioChatSandbox.start({ venv: ensureGradioVenv(version) });
    s.serveSite(deployed);
    await s.openBrowser({ trustedCertificatesPem: [deployed.certificatePem!] });
  });

  afterAll(async () => {
    await s?.dispose();
  });

  test('without credentials, or with a wrong password, the page gets 401', async () => {
    const none = await s.load();
    expect(none.status).toBe(401);
    // headless Chromium has no login prompt: it fails the navigation after the 401
    expect(none.navigationError).toMatch(/ERR_INVALID_AUTH_CREDENTIALS/);
    const wrong = await s.load({ userName: deployed.userName, password: 'Not-The-Password-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.bodyText).toMatch(/401 Authorization Required/);
  });

  test(`with the credentials the reply streams token by token over the ${transport} and ends complete; the app's image loads through the proxy`, async () => {
    const o = await s.chat({ credentials: credentials(), screenshotPath: path.join(ARTIFACTS, `gradio-${version}-chat.png`) });
    log(version, `rendered site (screenshot ${path.relative(path.resolve(__dirname, '..', '..'), o.screenshot ?? '')})`, o);
    const diag = `${describeOutcome(o)}\napp log:\n${s.appLog().slice(-2000)}\nnginx:\n${s.nginxErrorLog().slice(-2000)}`;
    expect({ problems: streamingProblems(o), diag }).toEqual({ problems: [], diag });
    expect(o.finalText).toBe(s.expectedReply);
    expect(o.firstTokenMs).toBeLessThan(o.app.replyDoneMs!);
    expect(o.url).toBe('https://127.0.0.1:5000/');
    expect(transport === 'websocket' ? o.transport.websockets : o.transport.eventStreams).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(wss|https):\/\/127\.0\.0\.1:5000\//)]));
    expect(o.image.url).toMatch(/^https:\/\/127\.0\.0\.1:5000\//);
    // The per-client rate limit (issue 15: 20 requests/s, burst 200) lets the page load and the
    // streamed chat through: no 429. The busiest second is the figure docs/tls.md gives.
    const rate = requestRate(s.nginxAccessLog());
    console.log(`Gradio ${version}: page load and one streamed chat through the rate-limited TLS site: ${rate.total} requests, busiest second ${rate.busiest}, statuses ${JSON.stringify(rate.statuses)}`);
    expect(rate.statuses['429']).toBeUndefined();
    expect({ problems: imageProblems(o), diag }).toEqual({ problems: [], diag });
    if (transport === 'websocket') {
      expect(websocketJoins(s.nginxAccessLog())).toEqual(['101']);
    }
  });

  test(`negative control: ${control.name}: the streaming assertion fails`, async () => {
    s.serveSite({ ...deployed, site: control.mutate(deployed.site) });
    // a stream that works shows its first token within ~0.5 s: the wait past the app's reply is short
    // where nothing arrives (Gradio 3), long where everything arrives at the end (Gradio 6)
    const o = await s.chat({ credentials: credentials(), replyTimeoutMs: s.tokens * s.tokenMs + control.waitMs });
    log(version, `negative control (${control.name})`, o);
    // the page itself loaded through the mutated site: what fails is the stream
    expect(o.pageStatus).toBe(200);
    expect(o.appLoaded).toBe(true);
    expect(() => assertStreamed(o)).toThrow(control.problem);
    if (transport === 'websocket') {
      // the join reached Gradio as a plain GET, not as a websocket upgrade
      const joins = websocketJoins(s.nginxAccessLog());
      console.log(`Gradio ${version}, without the upgrade headers: GET /queue/join answered ${joins.join(', ')}`);
      expect(joins.length).toBeGreaterThan(0);
      expect(joins).not.toContain('101');
    }
  });

  if (version === GradioVersion.V6_25_0) {
    test('gzip on text/event-stream alone does not hold the stream back: the site\'s proxy_buffering off flushes it', async () => {
      s.serveSite({ ...deployed, site: withGzipEventStream(deployed.site) });
      const o = await s.chat({ credentials: credentials() });
      log(version, 'gzip on text/event-stream with proxy_buffering off', o);
      expect(streamingProblems(o)).toEqual([]);
    });

    test('the Host defect: with `Host $host` (no port) Gradio builds the image URL for port 80 and it fails', async () => {
      s.serveSite({ ...deployed, site: withHostWithoutPort(deployed.site) });
      const o = await s.openApp(credentials());
      console.log(`Gradio ${version}, Host $host: image ${o.image.url} HTTP ${o.image.status}, width ${o.image.naturalWidth}`);
      expect(o.appLoaded).toBe(true);
      expect(o.image.url).toMatch(/^https:\/\/127\.0\.0\.1\/gradio_api\/file=/);
      expect(imageProblems(o)).toEqual(expect.arrayContaining([expect.stringMatching(/not on the proxy's origin/)]));
    });

    test('negative control: a rate limit too tight for the UI (1 request/s, burst 5) answers 429 and the chat does not complete', async () => {
      s.serveSite({ ...deployed, site: deployed.site.replace(/rate=\d+r\/s/, 'rate=1r/s').replace(/burst=\d+/, 'burst=5') });
      const o = await s.chat({ credentials: credentials(), replyTimeoutMs: 8000 });
      const rate = requestRate(s.nginxAccessLog());
      console.log(`Gradio ${version}, rate 1 r/s burst 5: statuses ${JSON.stringify(rate.statuses)}`);
      expect(rate.statuses['429']).toBeGreaterThan(0);
      expect(o.finalText === s.expectedReply && o.appLoaded && imageProblems(o).length === 0).toBe(false);
    });

    test('the rendered site is TLS: plain HTTP on its port is redirected to https; the served certificate is the one the signal named', async () => {
      const plain = await s.load({ userName: deployed.userName, password: PASSWORD }, 'http://127.0.0.1:5000/');
      console.log(`Gradio ${version}, plain HTTP on the TLS port: ${plain.responses?.slice(0, 2).join(' -> ')}`);
      expect(plain.responses?.slice(0, 2)).toEqual(['301 http://127.0.0.1:5000/', '200 https://127.0.0.1:5000/']);
      expect(deployed.signalData).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    });
  }
});
