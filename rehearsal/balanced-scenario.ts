import { BALANCED_STAND_IN_NOTICE, runBalancedRehearsal } from './balanced-rehearsal';
import { STAND_IN_NOTICE } from './rehearsal-runner';

const PASSWORD = 'Rehearse-Pw-1';

/**
 * `npm run rehearse -- --scenario balanced`: a two-instance QwenChatStack behind the stand-in load
 * balancer; prints the signals, the health transitions with their times, which instance served
 * each client before and after one instance's app is stopped, and what /healthz answers.
 * @returns the process exit code (0: everything as expected)
 */
export async function runBalancedScenario(): Promise<number> {
  console.log(STAND_IN_NOTICE);
  console.log(BALANCED_STAND_IN_NOTICE);
  const clients = Array.from({ length: 24 }, (_, i) => i + 10);
  const lines: string[] = [];
  let ok = true;
  const check = (what: string, pass: boolean) => { lines.push(`  ${pass ? 'ok  ' : 'FAIL'} ${what}`); ok = ok && pass; };
  const started = Date.now();
  const result = await runBalancedRehearsal({
    stackProps: { instanceOptions: { amount: 2 } },
    parameters: { Password: PASSWORD },
    scenario: async (s) => {
      const hc = s.listener.healthCheck;
      lines.push(`listener: ${s.listener.protocol} ${s.listener.listenerPort} -> instances :${s.listener.backendServerPort}, scheduler ${s.listener.scheduler}; `
        + `health check GET :${hc.port}${hc.path} every ${hc.intervalSeconds} s, healthy after ${hc.healthyThreshold}, unhealthy after ${hc.unhealthyThreshold}`);
      const wait = (hc.intervalSeconds * (hc.healthyThreshold + hc.unhealthyThreshold) + 30) * 1000;
      const linked = Date.now();
      for (const inst of s.instances) {
        const t = await s.balancer.waitFor(inst.backend, true, wait);
        lines.push(`${inst.backend} healthy ${t.atMs - linked} ms after the link (check answered ${t.status})`);
      }
      const spread = async (label: string) => {
        const seen = s.balancer.connections().length;
        const statuses = clients.map((c) => s.request(c, '/', { userName: 'admin', password: PASSWORD }).status);
        const log = await s.balancer.connectionsAfter(seen, clients.length);
        const per: Record<string, number> = {};
        for (const c of log) per[c.backend] = (per[c.backend] ?? 0) + 1;
        lines.push(`${label}: ${clients.length} clients (127.0.0.10-33), statuses ${[...new Set(statuses)].join(',')}; per instance ${JSON.stringify(per)}`);
        return { statuses, per };
      };
      const before = await spread('before');
      check('every request through the balancer answered 200 with the credentials', before.statuses.every((x) => x === 200));
      check('both instances served clients', Object.keys(before.per).length === 2);
      check('without credentials: 401 through the balancer', s.request(50, '/').status === 401);
      const plain = s.direct(0, hc.port, hc.path);
      const creds = s.direct(0, hc.port, hc.path, [`Authorization: Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`]);
      lines.push(`/healthz on instance 1: ${plain.status} ${JSON.stringify(plain.body)}; with the credentials: ${creds.status} ${JSON.stringify(creds.body)}; headers: ${plain.headers.split('\r\n').slice(1).join(' | ')}`);
      check('/healthz answers the same with and without credentials, no WWW-Authenticate', plain.status === 200 && creds.status === 200 && plain.body === creds.body && !/www-authenticate/i.test(plain.headers));
      const stop = s.exec(0, 'systemctl', ['stop', 'tongyi']);
      const stoppedAt = Date.now();
      const down = s.direct(0, hc.port, hc.path);
      lines.push(`systemctl stop tongyi on instance 1: exit ${stop.status}; its /healthz then ${down.status} ${JSON.stringify(down.body)}`);
      const t = await s.balancer.waitFor(s.instances[0].backend, false, wait);
      lines.push(`${t.backend} unhealthy ${t.atMs - stoppedAt} ms after its app stopped (check answered ${t.status})`);
      const after = await spread('after');
      check('after the stop every request answered 200, all on instance 2', after.statuses.every((x) => x === 200) && Object.keys(after.per).join() === s.instances[1].backend);
    },
  });
  console.log(`\n=== balanced: WaitCondition Count ${result.count}; ${result.instances.length} instances, ${Math.round((Date.now() - started) / 1000)} s`);
  result.instances.forEach((r, i) => console.log(`instance ${i + 1}: exit ${r.exitCode}, signals ${r.signals.map((x) => `${x.status} id ${x.id} at ${x.atMs} ms`).join(', ')}`));
  check('each instance sent one SUCCESS (Count 2)', result.count === 2 && result.instances.every((r) => r.signals.length === 1 && r.signals[0].status === 'SUCCESS'));
  check('the signals have ids of their own (ROS keeps one signal per id)', new Set(result.instances.map((r) => r.signals[0]?.id ?? '')).size === result.instances.length
    && result.instances.every((r) => (r.signals[0]?.id ?? '') !== ''));
  console.log(lines.join('\n'));
  return ok ? 0 : 1;
}
