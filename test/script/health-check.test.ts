import { ScriptPhase } from '../../lib/script/deploy-script';
import { HealthCheck, renderProbeFunction, renderWatchFunction } from '../../lib/script/health-check';
import { renderCleanFunction } from '../../lib/script/private/runtime';
import { ScriptValue } from '../../lib/script/script-value';
import { esc } from './script-test-support';

const user = ScriptValue.fromToken('UserName', 'u');
const password = ScriptValue.fromToken('Password', 'p', { secret: true });

/** The EXACT lines of ds_auth and ds_probe (as bash sees them). */
const PROBE_FUNCTIONS = [
  'ds_auth() {',
  '  [ $# -eq 0 ] || printf \'header = "Authorization: Basic %s"\\n\' "$(printf \'%s:%s\' "${!1}" "${!2}" | base64 | tr -d \'\\n\')"',
  '}',
  'ds_probe() {',
  '  local s t=$((SECONDS + $3))',
  "  ds_w_st='' ds_w_x=0 ds_w_l=''",
  '  while :; do',
  '    s=$({ printf \'%s\\n\' "${ds_probe_cfg-}"; ds_auth "${@:7}"; } | curl -sS -o /dev/null -w \'%{http_code}\' --max-time "$5" -K - "$1" 2>/dev/null) || s=000',
  '    [ "$s" != "$2" ] || break',
  '    [ -z "$6" ] || ds_watch "$6"',
  '    [ $SECONDS -lt $t ] || ds_fail "$1 answered $s, not $2, within $3s"',
  '    sleep "$4"',
  '  done',
  '  ds_log "$1 answered $2"',
  '}',
].join('\n');

/** The EXACT lines of ds_watch. */
const WATCH_FUNCTION = [
  'ds_watch() {',
  "  local k v a='' st='' ex=0 n='' l",
  "  while IFS='=' read -r k v; do",
  '    case $k in Active*) a=$v ;; *Start*) st=$v ;; *Exit*) ex=$v ;; N*) n=$v ;; esac',
  '  done < <(systemctl show -p ActiveState -p ExecMainStartTimestampMonotonic -p ExecMainExitTimestampMonotonic -p NRestarts "$1")',
  '  [ -n "$st" ] || return 0',
  '  [ -n "$ds_w_st" ] || ds_w_st=$st ds_w_n=$n',
  '  [ "$st" = "$ds_w_st" ] || ds_w_st=$st ds_w_x=$((ds_w_x + 1))',
  '  [ -z "$n" ] || [ $((n - ds_w_n)) -le $ds_w_x ] || ds_w_x=$((n - ds_w_n))',
  '  k=$((ds_w_x + (ex >= st)))',
  '  l=$(journalctl _SYSTEMD_UNIT="$1" -n 5 -o cat | sed \'s/^ *//\') || l=',
  '  case $a:$k in',
  '    failed:* | inactive:* | *:[2-9] | *:[1-9][0-9]*)',
  '      ds_stop=$1',
  '      ds_fail "$1 exited $k times (now $a); its last lines: $(ds_clean "${l:-none}" 300)" ;;',
  '  esac',
  "  l=${l##*$'\\n'}",
  '  [ "$l" = "$ds_w_l" ] || { ds_w_l=$l; ds_log "$1: $(ds_clean "$l" 200)"; }',
  '}',
].join('\n');

describe('HealthCheck', () => {
  test('without credentials or a unit: one ds_probe line; budget = timeout + interval + probe timeout', () => {
    const h = new HealthCheck({ description: 'app answers', url: 'http://127.0.0.1:7860/' });
    expect(h.phase).toBe(ScriptPhase.HEALTH_CHECKS);
    expect(h.expectStatus).toBe(200);
    expect(h.timeoutSeconds).toBe(1800);
    expect(h.budgetSeconds).toBe(1800 + 10 + 10);
    expect(h.values).toEqual([]);
    expect(h.requiredCommands).toEqual(['curl', 'sleep']);
    expect(h.renderFunctions()).toBe(PROBE_FUNCTIONS);
    expect(h.renderCommands()).toBe("ds_probe http://127.0.0.1:7860/ 200 1800 10 10 ''");
  });

  test('with credentials: the variable names are passed, never their values', () => {
    const h = new HealthCheck({
      description: 'proxy', url: 'http://127.0.0.1:5000/', expectStatus: 401, timeoutSeconds: 60, intervalSeconds: 5, probeTimeoutSeconds: 3,
      credentials: { userName: user, password },
    });
    expect(h.values).toEqual([user, password]);
    expect(h.budgetSeconds).toBe(68);
    expect(h.requiredCommands).toEqual(['curl', 'sleep', 'base64', 'tr']);
    expect(h.renderCommands()).toBe("ds_probe http://127.0.0.1:5000/ 401 60 5 3 '' user_name password");
    expect(h.renderCommands()).not.toContain('$password');
  });

  test('watching a unit: the probe, ds_clean and ds_watch functions (exact)', () => {
    const h = new HealthCheck({ description: 'app', url: 'http://127.0.0.1:7860/', watchUnit: 'tongyi.service' });
    expect(h.watchUnit).toBe('tongyi.service');
    expect(h.requiredCommands).toEqual(['curl', 'sleep', 'systemctl', 'journalctl', 'sed', 'tr']);
    expect(h.renderCommands()).toBe('ds_probe http://127.0.0.1:7860/ 200 1800 10 10 tongyi.service');
    expect(h.renderFunctions()).toBe([PROBE_FUNCTIONS, renderCleanFunction(), WATCH_FUNCTION].join('\n\n'));
    expect(renderProbeFunction()).toBe(PROBE_FUNCTIONS);
    expect(renderWatchFunction()).toBe(WATCH_FUNCTION);
  });

  test('ds_clean (exact)', () => {
    expect(renderCleanFunction()).toBe([
      'ds_clean() {',
      '  local o',
      "  o=$(printf %s \"$1\" | tr -c ' -~\\n' ' ' | tr '{}' '()' | sed -r -e 's#//[^/@ ]+@#//<redacted>@#g' \\",
      "    -e 's/((pass|secret|token|key|auth|cred)[a-z_]*[^:= ]{0,2} *[:=] *)[^ ,;&]+/\\1<redacted>/Ig' \\",
      "    -e 's/[0-9a-f]{32,}/<redacted>/g; s/[A-Za-z0-9+=_-]{20,}/{&}/g; s/[{]([^0-9}]*|[^A-Z}]*|[^a-z}]*)[}]/\\1/g; s/[{][^}]*[}]/<redacted>/g' | tr '\\n' '|')",
      '  [ "${#o}" -le "$2" ] || o=...${o: -$2}',
      '  printf %s "$o"',
      '}',
    ].join('\n'));
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

    test.each([['tongyi'], ['-h.service'], ['a b.service'], ['network-online.target']])('watchUnit %p', (watchUnit) => {
      expect(() => new HealthCheck({ description: 'd', url: 'http://x/', watchUnit })).toThrow(new RegExp(`HealthCheck: watchUnit '${esc(watchUnit)}' is not allowed`));
    });
  });
});
