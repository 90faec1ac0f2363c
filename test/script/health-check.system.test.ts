import * as fs from 'fs';
import * as path from 'path';
import { HealthCheck, renderProbeFunction, renderWatchFunction } from '../../lib/script/health-check';
import { renderCleanFunction } from '../../lib/script/private/runtime';
import { requireTool, run, runAsync, startServer, tmpDir } from './script-test-support';

/** The runtime functions a health check calls, stubbed: ds_fail prints FAIL and exits 7. */
const RUNTIME = [
  'set -euo pipefail',
  'export LC_ALL=C',
  "ds_stop=''",
  'ds_log() { echo "LOG $*"; }',
  'ds_fail() { echo "FAIL $1"; echo "STOP $ds_stop"; exit 7; }',
].join('\n');

describe('HealthCheck run by bash against a local server', () => {
  test('curl sends exactly user:password for names and passwords with quotes, backslashes, $ and backticks', async () => {
    requireTool('curl', 'curl');
    const server = await startServer();
    try {
      const dir = tmpDir();
      const cases: [string, string][] = [
        ['admin', 'Passw0rd!'],
        ['ad"m\\in', 'p\\"a$s`w\\\\d'],
        ['a.b@c', "it's {}[]:;<>,.?/~^&*()_-+=|#%"],
      ];
      for (const [u, p] of cases) {
        const script = path.join(dir, 'probe.sh');
        fs.writeFileSync(script, [
          'set -euo pipefail',
          renderProbeFunction(),
          'user_name="$(cat "$1")"',
          'password="$(cat "$2")"',
          'ds_auth user_name password | curl -sS -o /dev/null -K - "$3"',
        ].join('\n'));
        fs.writeFileSync(path.join(dir, 'u'), u);
        fs.writeFileSync(path.join(dir, 'p'), p);
        const r = await runAsync('bash', [script, path.join(dir, 'u'), path.join(dir, 'p'), server.url]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const auth = server.requests[server.requests.length - 1].headers.authorization ?? '';
        expect(auth).toMatch(/^Basic /);
        expect(Buffer.from(auth.slice(6), 'base64').toString('utf8')).toBe(`${u}:${p}`);
      }
    } finally {
      await server.close();
    }
  });

  test('the loop is bounded: a URL that keeps answering 503 fails after the timeout with the figures', async () => {
    const server = await startServer(() => ({ status: 503 }));
    try {
      const h = new HealthCheck({ description: 'd', url: server.url, timeoutSeconds: 2, intervalSeconds: 1, probeTimeoutSeconds: 2 });
      const r = await runAsync('bash', ['-c', [RUNTIME, h.renderFunctions(), h.renderCommands()].join('\n')]);
      expect(r.code).toBe(7);
      expect(r.stdout).toContain(`FAIL ${server.url} answered 503, not 200, within 2s`);
      expect(r.millis).toBeLessThan((h.budgetSeconds + 2) * 1000);
      expect(server.requests.length).toBeGreaterThanOrEqual(2);
    } finally {
      await server.close();
    }
  });

  test('a healthy URL passes on the first probe', async () => {
    const server = await startServer(() => ({ status: 200 }));
    try {
      const h = new HealthCheck({ description: 'd', url: server.url, timeoutSeconds: 5 });
      const r = await runAsync('bash', ['-c', [RUNTIME, h.renderFunctions(), h.renderCommands()].join('\n')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`LOG ${server.url} answered 200\n`);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

/**
 * ds_watch against stand-ins of systemctl and journalctl (test scripts on PATH): each `systemctl show`
 * prints the next state of a list; journalctl prints fixed lines. A state is
 * [ActiveState, ExecMainStartTimestampMonotonic, ExecMainExitTimestampMonotonic, NRestarts or ''] —
 * NRestarts '' is systemd 219, which does not print the property.
 */
type UnitState = [string, number, number, number | ''];

function watch(states: UnitState[], journal: string[]): { code: number | null; out: string; calls: number } {
  const dir = tmpDir();
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  states.forEach(([a, st, ex, n], i) => fs.writeFileSync(path.join(dir, `state${i}`),
    `ActiveState=${a}\nExecMainStartTimestampMonotonic=${st}\nExecMainExitTimestampMonotonic=${ex}\n${n === '' ? '' : `NRestarts=${n}\n`}`));
  fs.writeFileSync(path.join(dir, 'journal'), journal.map((l) => `${l}\n`).join(''));
  fs.writeFileSync(path.join(bin, 'systemctl'), [
    '#!/bin/bash',
    `d=${dir}`,
    'if [ "$1" = show ]; then i=$(cat "$d/count" 2>/dev/null || echo 0); echo $((i + 1)) > "$d/count"; cat "$d/state$i"; fi',
  ].join('\n'), { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'journalctl'), `#!/bin/bash\n[ "$1" = _SYSTEMD_UNIT=app.service ] || exit 3\n[ "$2 $4 $5" = '-n -o cat' ] || exit 4\ntail -n "$3" ${dir}/journal\n`, { mode: 0o755 });
  const script = [
    RUNTIME,
    renderCleanFunction(),
    renderWatchFunction(),
    "ds_w_st='' ds_w_x=0 ds_w_l=''",
    `for _ in ${states.map(() => 'x').join(' ')}; do ds_watch app.service; done`,
    'echo WATCHED',
  ].join('\n');
  const r = run('bash', ['-c', script], undefined, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
  return { code: r.status, out: r.stdout + r.stderr, calls: Number(fs.readFileSync(path.join(dir, 'count'), 'utf8')) };
}

describe('ds_watch (the crash watch) with stand-ins for systemctl and journalctl', () => {
  const TRACE = ['Traceback (most recent call last):', '  File "app.py", line 3, in <module>', "ModuleNotFoundError: No module named 'fancy_module_7'"];

  test.each<[string, UnitState[], number]>([
    ['systemd 219: exited, restarted, exited', [['activating', 100, 150, ''], ['activating', 300, 350, '']], 2],
    ['systemd 219: a restart between two calls, then exited', [['active', 100, 0, ''], ['activating', 300, 350, '']], 2],
    ['current systemd: NRestarts counts the restarts missed between two calls', [['active', 100, 0, 0], ['active', 900, 0, 3]], 2],
    ['systemd gave up (failed) after the first exit', [['failed', 100, 150, '']], 1],
    ['exited 0 with Restart=on-failure: inactive', [['inactive', 100, 150, '']], 1],
  ])('%s -> FAILURE with the last lines, and the unit is to be stopped', (_name, states, calls) => {
    const r = watch(states, TRACE);
    expect(r.code).toBe(7);
    expect(r.calls).toBe(calls);
    expect(r.out).toMatch(/^FAIL app\.service exited \d+ times \(now \w+\); its last lines: Traceback \(most recent call last\):\|File "app\.py", line 3, in <module>\|ModuleNotFoundError: No module named 'fancy_module_7'\n/m);
    expect(r.out).toContain('STOP app.service\n');
  });

  test('a unit that stays up while it loads: no failure, each new last line logged once', () => {
    const r = watch([['active', 100, 0, ''], ['active', 100, 0, ''], ['active', 100, 0, '']], ['loading shard 1/3', 'loading shard 2/3']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('LOG app.service: loading shard 2/3\nWATCHED\n');
  });

  test('one exit and a restart that stays up: no failure (a restart is not yet a crash loop)', () => {
    const r = watch([['activating', 100, 150, ''], ['active', 300, 150, ''], ['active', 300, 150, '']], ['started']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('WATCHED');
  });

  test('the last lines are redacted and bounded in the reason', () => {
    const long = `x ${'word '.repeat(200)}`;
    const r = watch([['failed', 100, 150, '']], [long, 'login with token=abc123 failed', 'key sk-Ab12Cd34Ef56Gh78Ij90Kl leaked']);
    expect(r.code).toBe(7);
    const reason = /^FAIL (.*)$/m.exec(r.out)![1];
    expect(reason).not.toContain('abc123');
    expect(reason).not.toContain('sk-Ab12Cd34Ef56Gh78Ij90Kl');
    expect(reason).toContain('token=<redacted> failed|key <redacted> leaked');
    expect(reason.length).toBeLessThan(400);
  });
});

describe('ds_clean (the redaction) run by bash', () => {
  function clean(text: string, max = 300): string {
    const r = run('bash', ['-c', `${RUNTIME}\n${renderCleanFunction()}\nds_clean "$(cat)" ${max}`], text);
    expect(r.stderr).toBe('');
    return r.stdout;
  }

  test.each([
    ["ModuleNotFoundError: No module named 'transformers_stream_generator'", "ModuleNotFoundError: No module named 'transformers_stream_generator'"],
    ["No module named 'rehearsal_missing_module_42'", "No module named 'rehearsal_missing_module_42'"],
    ['OSError: /root/.cache/modelscope/hub/qwen/Qwen-14B-Chat-Int4 has no config.json', 'OSError: /root/.cache/modelscope/hub/qwen/Qwen-14B-Chat-Int4 has no config.json'],
    ['torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 136.00 MiB (GPU 0; 14.58 GiB total capacity)', 'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 136.00 MiB (GPU 0; 14.58 GiB total capacity)'],
    ['token=hf_AbCdEf1234567890GhIjKl printed', 'token=<redacted> printed'],
    ['HF_TOKEN hf_AbCdEf1234567890GhIjKlMn in use', 'HF_TOKEN <redacted> in use'],
    ['Authorization: Bearer YWRtaW46cGFzc3dvcmQxMjM0NTY', 'Authorization: <redacted> <redacted>'],
    ['config {"password": "Hunter2-x", "user": "a"}', 'config ("password": <redacted>, "user": "a")'],
    ['PASSWD=short', 'PASSWD=<redacted>'],
    ['api_key: s3cr3t', 'api_key: <redacted>'],
    ['pip index https://user:pw@mirror.example/simple', 'pip index https://<redacted>@mirror.example/simple'],
    ['sha d41d8cd98f00b204e9800998ecf8427e seen', 'sha <redacted> seen'],
    ['tab\there\u0001 and é', 'tab here  and   '],
    ['line one password=abc\nline two', 'line one password=<redacted>|line two'],
  ])('%p', (input, expected) => {
    expect(clean(input)).toBe(expected);
  });

  test('bounded: the last MAX characters, marked', () => {
    expect(clean(`${'x'.repeat(50)}END`, 10)).toBe('...xxxxxxxEND');
  });
});
