/**
 * Issue 16: two instances behind a stand-in load balancer. The rendered script of a two-instance
 * QwenChatStack runs in two rehearsal sandboxes; a stand-in Classic Load Balancer (nginx's stream
 * module following the synthesized TCP listener, and its HTTP health check of /healthz) is linked
 * to both. Both signal SUCCESS (the template's Count 2); requests through the balancer reach both;
 * stopping one instance's app turns its /healthz to 503 and all traffic goes to the other; /healthz
 * never involves or reveals the credentials' check.
 */
import { BalancedRehearsalResult, BalancedScenario, runBalancedRehearsal } from '../../rehearsal/balanced-rehearsal';
import { HealthTransition } from '../../rehearsal/clb-stand-in';
import { requireTool } from '../support/tools';

const CREDENTIALS = { userName: 'admin', password: 'Rehearsal-Pw-1' };
const CLIENTS = Array.from({ length: 24 }, (_, i) => i + 10);

interface Observed {
  healthyAfterStart: HealthTransition[];
  before: { client: number; status: number; backend: string }[];
  repeat: { client: number; backend: string }[];
  noCredentials: number;
  wrongPassword: number;
  healthz: { status: number; body: string; headers: string }[];
  healthzWithCredentials: { status: number; body: string; headers: string }[];
  healthzOther: number;
  stopOutput: string;
  healthzStopped: { status: number; body: string };
  unhealthy: HealthTransition;
  stoppedAtMs: number;
  after: { client: number; status: number; backend: string }[];
}

let result: BalancedRehearsalResult;
const observed: Partial<Observed> = {};

/**
 * Sends one request per client and pairs each with the backend the balancer's log names for it (read
 * once every client's connection is logged: nginx logs a stream session when it ends).
 */
async function requestAll(s: BalancedScenario): Promise<{ client: number; status: number; backend: string }[]> {
  const seen = s.balancer.connections().length;
  const answers = CLIENTS.map((client) => ({ client, status: s.request(client, '/', CREDENTIALS).status }));
  const log = await s.balancer.connectionsAfter(seen, answers.length);
  return answers.map((a) => ({ ...a, backend: log.find((c) => c.client === `127.0.0.${a.client}`)?.backend ?? '?' }));
}

beforeAll(async () => {
  requireTool('nsenter', 'util-linux');
  result = await runBalancedRehearsal({
    stackProps: { instanceOptions: { amount: 2 } },
    scenario: async (s) => {
      const [a, b] = s.instances;
      const hc = s.listener.healthCheck;
      const wait = (hc.intervalSeconds * (hc.healthyThreshold + hc.unhealthyThreshold) + 30) * 1000;
      observed.healthyAfterStart = [await s.balancer.waitFor(a.backend, true, wait), await s.balancer.waitFor(b.backend, true, wait)];
      observed.before = await requestAll(s);
      observed.repeat = (await requestAll(s)).map(({ client, backend }) => ({ client, backend }));
      observed.noCredentials = s.request(50, '/').status;
      observed.wrongPassword = s.request(51, '/', { userName: 'admin', password: 'not-the-password' }).status;
      observed.healthz = [0, 1].map((i) => s.direct(i, hc.port, hc.path));
      const basic = `Authorization: Basic ${Buffer.from(`${CREDENTIALS.userName}:${CREDENTIALS.password}`).toString('base64')}`;
      const wrong = `Authorization: Basic ${Buffer.from('admin:wrong').toString('base64')}`;
      observed.healthzWithCredentials = [s.direct(0, hc.port, hc.path, [basic]), s.direct(0, hc.port, hc.path, [wrong])];
      observed.healthzOther = s.direct(0, hc.port, '/').status;

      const stop = s.exec(0, 'systemctl', ['stop', 'tongyi']);
      observed.stopOutput = `${stop.status} ${stop.stdout}${stop.stderr}`;
      observed.stoppedAtMs = Date.now();
      observed.healthzStopped = s.direct(0, hc.port, hc.path);
      observed.unhealthy = await s.balancer.waitFor(a.backend, false, wait);
      observed.after = await requestAll(s);
    },
  });
}, 900000);

describe('two instances behind a stand-in load balancer', () => {
  test('the template waits for 2 signals, and each instance sent one SUCCESS, with an id of its own', () => {
    expect(result.count).toBe(2);
    expect(result.instances.map((r) => [r.exitCode, r.signals.map((x) => x.status)])).toEqual([[0, ['SUCCESS']], [0, ['SUCCESS']]]);
    // ROS keeps one signal per id: the two must differ for the Count of 2 to be met.
    const ids = result.instances.map((r) => r.signals[0].id);
    expect(ids.every((id) => id !== '')).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  test('both instances become healthy in the balancer', () => {
    expect(observed.healthyAfterStart!.map((t) => [t.backend, t.healthy, t.status])).toEqual([['10.16.1.2:5000', true, 200], ['10.16.2.2:5000', true, 200]]);
  });

  test('requests through the balancer reach both instances; each client stays on its instance (sticky)', () => {
    expect(observed.before!.every((r) => r.status === 200)).toBe(true);
    const backends = new Set(observed.before!.map((r) => r.backend));
    expect([...backends].sort()).toEqual(['10.16.1.2:5000', '10.16.2.2:5000']);
    expect(observed.repeat).toEqual(observed.before!.map(({ client, backend }) => ({ client, backend })));
  });

  test('the service keeps its basic auth behind the balancer', () => {
    expect([observed.noCredentials, observed.wrongPassword]).toEqual([401, 401]);
  });

  test('/healthz answers 200 "ok" with nothing of the app or of the credentials\' check', () => {
    for (const h of [...observed.healthz!, ...observed.healthzWithCredentials!]) {
      expect([h.status, h.body]).toEqual([200, 'ok']);
      expect(h.headers).not.toMatch(/WWW-Authenticate|Set-Cookie|Server: nginx\//i);
    }
    expect(observed.healthzOther).toBe(404);
  });

  test('stopping one instance\'s app turns its /healthz to 503 and the balancer marks it unhealthy', () => {
    expect(observed.stopOutput).toMatch(/^0 /);
    expect([observed.healthzStopped!.status, observed.healthzStopped!.body]).toEqual([503, 'down']);
    expect([observed.unhealthy!.backend, observed.unhealthy!.healthy, observed.unhealthy!.status]).toEqual(['10.16.1.2:5000', false, 503]);
  });

  test('then all traffic reaches the other instance', () => {
    expect(observed.after!.every((r) => r.status === 200)).toBe(true);
    expect(new Set(observed.after!.map((r) => r.backend))).toEqual(new Set(['10.16.2.2:5000']));
  });
});
