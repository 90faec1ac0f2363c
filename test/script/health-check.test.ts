import * as fs from 'fs';
import * as path from 'path';
import { ScriptPhase } from '../../lib/script/deploy-script';
import { HealthCheck, renderCurlCredentialsFunction } from '../../lib/script/health-check';
import { ScriptValue } from '../../lib/script/script-value';
import { esc, requireTool, runAsync, startServer, tmpDir } from './script-test-support';

const user = ScriptValue.fromToken('UserName', 'u');
const password = ScriptValue.fromToken('Password', 'p', { secret: true });

/** The EXACT lines of the curl-credentials function (as bash sees them, before Fn::Sub escaping). */
const CURL_CREDENTIALS_FUNCTION = [
  '# Print a curl config with a basic-auth header, for `curl -K -` (stdin, not argv).',
  'qwen_curl_credentials() {',
  '  local token',
  '  token="$(printf \'%s:%s\' "${!1}" "${!2}" | base64 | tr -d \'\\n\')"',
  '  printf \'header = "Authorization: Basic %s"\\n\' "$token"',
  '}',
].join('\n');

describe('HealthCheck', () => {
  test('renderCommands without credentials (exact): bounded loop, qwen_fail with the figures', () => {
    const h = new HealthCheck({ description: 'app answers', url: 'http://127.0.0.1:7860/' });
    expect(h.phase).toBe(ScriptPhase.HEALTH_CHECKS);
    expect(h.expectStatus).toBe(200);
    expect(h.timeoutSeconds).toBe(1800);
    expect(h.budgetSeconds).toBe(1800 + 10 + 10);
    expect(h.values).toEqual([]);
    expect(h.requiredCommands).toEqual(['curl', 'sleep']);
    expect(h.renderFunctions()).toBeUndefined();
    expect(h.renderCommands()).toBe([
      'qwen_deadline=$((SECONDS + 1800))',
      'while :; do',
      '  qwen_status="$(curl -sS -o /dev/null -w \'%{http_code}\' --max-time 10 \'http://127.0.0.1:7860/\' 2>/dev/null)" || qwen_status="000"',
      '  [ "$qwen_status" = 200 ] && break',
      '  if [ "$SECONDS" -ge "$qwen_deadline" ]; then',
      '    qwen_fail "http://127.0.0.1:7860/ answered ${qwen_status}, not 200, within 1800s"',
      '  fi',
      '  sleep 10',
      'done',
      'qwen_log "http://127.0.0.1:7860/ answered 200"',
    ].join('\n'));
  });

  test('renderCommands with credentials (exact): the credentials reach curl as a config on stdin (-K -)', () => {
    const h = new HealthCheck({
      description: 'proxy', url: 'http://127.0.0.1:5000/', expectStatus: 401, timeoutSeconds: 60, intervalSeconds: 5, probeTimeoutSeconds: 3,
      credentials: { userName: user, password },
    });
    expect(h.values).toEqual([user, password]);
    expect(h.budgetSeconds).toBe(68);
    expect(h.renderFunctions()).toBe(CURL_CREDENTIALS_FUNCTION);
    expect(h.renderCommands()).toBe([
      'qwen_deadline=$((SECONDS + 60))',
      'while :; do',
      '  qwen_status="$(qwen_curl_credentials user_name password | curl -sS -o /dev/null -w \'%{http_code}\' --max-time 3 -K - \'http://127.0.0.1:5000/\' 2>/dev/null)" || qwen_status="000"',
      '  [ "$qwen_status" = 401 ] && break',
      '  if [ "$SECONDS" -ge "$qwen_deadline" ]; then',
      '    qwen_fail "http://127.0.0.1:5000/ answered ${qwen_status}, not 401, within 60s"',
      '  fi',
      '  sleep 5',
      'done',
      'qwen_log "http://127.0.0.1:5000/ answered 401"',
    ].join('\n'));
    // The secret's variable name is passed, never its expansion.
    expect(h.renderCommands()).not.toContain('$password');
    expect(h.renderCommands()).not.toContain('${password}');
  });

  test('renderCurlCredentialsFunction (exact)', () => {
    expect(renderCurlCredentialsFunction()).toBe(CURL_CREDENTIALS_FUNCTION);
  });

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
          renderCurlCredentialsFunction(),
          'user_name="$(cat "$1")"',
          'password="$(cat "$2")"',
          'qwen_curl_credentials user_name password | curl -sS -o /dev/null -K - "$3"',
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
    requireTool('curl', 'curl');
    const server = await startServer(() => ({ status: 503 }));
    try {
      const h = new HealthCheck({ description: 'd', url: server.url, timeoutSeconds: 2, intervalSeconds: 1, probeTimeoutSeconds: 2 });
      const script = [
        'set -euo pipefail',
        'qwen_log() { echo "LOG $*"; }',
        'qwen_fail() { echo "FAIL $1"; exit 7; }',
        h.renderCommands(),
      ].join('\n');
      const r = await runAsync('bash', ['-c', script]);
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
      const r = await runAsync('bash', ['-c', ['set -euo pipefail', 'qwen_log() { echo "LOG $*"; }', 'qwen_fail() { exit 7; }', h.renderCommands()].join('\n')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`LOG ${server.url} answered 200\n`);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  describe('validation', () => {
    test.each([
      ['ftp://127.0.0.1/'], ['http://127.0.0.1/?q=1'], ['http://user:pw@127.0.0.1/'], ['127.0.0.1:7860'], ["http://x/'"],
    ])('url %p', (url) => {
      expect(() => new HealthCheck({ description: 'd', url })).toThrow(new RegExp(`HealthCheck: url '${esc(url)}' is not allowed`));
    });

    test.each([[99], [600], [200.5]])('expectStatus %p', (expectStatus) => {
      expect(() => new HealthCheck({ description: 'd', url: 'http://x/', expectStatus })).toThrow(new RegExp(`HealthCheck: expectStatus ${esc(String(expectStatus))} is not allowed`));
    });

    test.each([
      ['timeoutSeconds', 0], ['timeoutSeconds', 43201], ['timeoutSeconds', 1.5],
      ['intervalSeconds', 0], ['probeTimeoutSeconds', -3],
    ] as const)('%s %p', (prop, value) => {
      expect(() => new HealthCheck({ description: 'd', url: 'http://x/', [prop]: value }))
        .toThrow(new RegExp(`HealthCheck: ${prop} ${esc(String(value))} is not allowed: give a whole number of seconds from 1 to 43200`));
    });
  });
});
