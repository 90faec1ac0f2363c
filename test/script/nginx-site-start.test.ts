import { ScriptPhase } from '../../lib/script/deploy-script';
import { NginxApiKey } from '../../lib/script/nginx-api-key';
import { NginxBasicAuth } from '../../lib/script/nginx-basic-auth';
import { NginxSiteStart } from '../../lib/script/nginx-site-start';
import { NginxTls } from '../../lib/script/nginx-tls';
import { ScriptValue } from '../../lib/script/script-value';

/** The step for the basic-auth proxy's defaults (port 5000, conf.d site, htpasswd read by the workers, TLS files). */
const BASIC_AUTH_START = `if command -v selinuxenabled >/dev/null && selinuxenabled; then
  command -v semanage >/dev/null || ds_fail 'SELinux is enabled and semanage is missing: install policycoreutils-python-utils (policycoreutils-python on CentOS 7) in the image'
  setsebool -P httpd_can_network_connect 1
  ds_t=$(semanage port -l)
  grep -Eq '^http_port_t +tcp +([0-9, -]*[ ,])?5000(,|$)' <<< "$ds_t" || semanage port -a -t http_port_t -p tcp 5000 2>/dev/null || semanage port -m -t http_port_t -p tcp 5000
  restorecon '/etc/nginx/conf.d/5000.conf' '/etc/nginx/password' '/etc/nginx/tls/5000.crt' '/etc/nginx/tls/5000.key'
fi
nginx -t || ds_fail 'nginx -t rejected the configuration'
ds_t=$(nginx -T 2>/dev/null | sed -nr '/^# configuration file /p;s/^[[:space:]]*user[[:space:]]+([^[:space:];]+)[[:space:]]*([^[:space:];]*).*/user \\1 \\2/p')
ds_g='' ds_c=''
while read -r ds_a ds_b ds_x ds_y; do
  [ "$ds_a" != user ] || [ -n "$ds_g" ] || ds_g=\${ds_x:-$ds_b}
  [ "$ds_a" != "#" ] || [ -n "$ds_c" ] || ds_c=\${ds_y%:}
done <<< "$ds_t"
[[ $ds_t == *'# configuration file /etc/nginx/conf.d/5000.conf:'* ]] || ds_fail "nginx does not read /etc/nginx/conf.d/5000.conf: add 'include /etc/nginx/conf.d/*.conf;' to the http block of $ds_c"
if [ -n "$ds_g" ]; then chgrp "$ds_g" '/etc/nginx/password'; else ds_log 'nginx -T shows no user directive: the group of the files nginx workers read is kept'; fi
systemctl enable nginx
systemctl restart nginx`;

describe('NginxSiteStart', () => {
  const basic = new NginxBasicAuth({
    userName: ScriptValue.fromToken('UserName', 'u'),
    password: ScriptValue.fromToken('Password', 'p', { secret: true }),
  });

  test('the basic-auth proxy\'s start step, exactly: SELinux port and labels, nginx -t, site in nginx -T, workers\' group, restart', () => {
    const start = basic.parts.find((p) => p instanceof NginxSiteStart)!;
    expect(start).toBeInstanceOf(NginxSiteStart);
    expect(start).toMatchObject({ phase: ScriptPhase.SERVICES, budgetSeconds: 90, description: 'start nginx on port 5000', values: [] });
    expect(start.requiredCommands).toEqual(['nginx', 'systemctl']);
    expect(start.renderCommands()).toBe(BASIC_AUTH_START);
  });

  test('the API-key proxy\'s: port 8080, the key map and TLS files relabelled, no group change (only the master process reads them)', () => {
    const api = new NginxApiKey({ apiKey: ScriptValue.fromToken('ApiKey', 'k', { secret: true }) });
    const start = api.parts.find((p) => p instanceof NginxSiteStart)!;
    const text = start.renderCommands();
    expect(text).toContain("  grep -Eq '^http_port_t +tcp +([0-9, -]*[ ,])?8080(,|$)' <<< \"$ds_t\" || semanage port -a -t http_port_t -p tcp 8080 2>/dev/null || semanage port -m -t http_port_t -p tcp 8080\n");
    expect(text).toContain("\n  restorecon '/etc/nginx/conf.d/8080.conf' '/etc/nginx/api-keys/8080.map' '/etc/nginx/tls/8080.crt' '/etc/nginx/tls/8080.key'\n");
    expect(text).toContain("[[ $ds_t == *'# configuration file /etc/nginx/conf.d/8080.conf:'* ]] || ds_fail");
    expect(text).not.toContain('chgrp');
    expect(text.endsWith('\nsystemctl enable nginx\nsystemctl restart nginx')).toBe(true);
  });

  test('with plain HTTP there are no TLS files to relabel', () => {
    const plain = new NginxBasicAuth({
      userName: ScriptValue.fromToken('UserName', 'u'),
      password: ScriptValue.fromToken('Password', 'p', { secret: true }),
      tls: NginxTls.plainHttp({ reason: 'TLS ends at the load balancer' }),
    });
    const start = plain.parts.find((p): p is NginxSiteStart => p instanceof NginxSiteStart)!;
    expect(start.otherFiles).toEqual([]);
    expect(start.renderCommands()).toContain("\n  restorecon '/etc/nginx/conf.d/5000.conf' '/etc/nginx/password'\n");
  });

  test('a site outside conf.d names its own directory in the fix; several worker files are changed in one chgrp', () => {
    const text = new NginxSiteStart({ listenPort: 443, sitePath: '/etc/nginx/sites-enabled/qwen', workerReadableFiles: ['/etc/nginx/a', '/etc/nginx/b'], budgetSeconds: 120 }).renderCommands();
    expect(text).toContain("ds_fail \"nginx does not read /etc/nginx/sites-enabled/qwen: add 'include /etc/nginx/sites-enabled/*.conf;' to the http block of $ds_c\"");
    expect(text).toContain("chgrp \"$ds_g\" '/etc/nginx/a' '/etc/nginx/b';");
    expect(text).toContain("restorecon '/etc/nginx/sites-enabled/qwen' '/etc/nginx/a' '/etc/nginx/b'\n");
  });

  test.each([
    [{ listenPort: 0 }, "NginxSiteStart: listenPort 0 is not allowed: give a whole port number from 1 to 65535."],
    [{ listenPort: 5000.5 }, 'NginxSiteStart: listenPort 5000.5 is not allowed: give a whole port number from 1 to 65535.'],
    [{ sitePath: 'conf.d/x.conf' }, "NginxSiteStart: sitePath 'conf.d/x.conf' is not allowed: give an absolute file path of letters, digits and '_@+=:,./-', without '..'."],
    [{ sitePath: '/etc/nginx/conf.d/' }, "NginxSiteStart: sitePath '/etc/nginx/conf.d/' is not allowed: give an absolute file path of letters, digits and '_@+=:,./-', without '..'."],
    [{ workerReadableFiles: ['/etc/nginx/pass word'] }, "NginxSiteStart: workerReadableFiles[0] '/etc/nginx/pass word' is not allowed: give an absolute file path of letters, digits and '_@+=:,./-', without '..'."],
    [{ otherFiles: ['/etc/nginx/../shadow'] }, "NginxSiteStart: otherFiles[0] '/etc/nginx/../shadow' is not allowed: give an absolute file path of letters, digits and '_@+=:,./-', without '..'."],
    [{ budgetSeconds: 0 }, 'NginxSiteStart: budgetSeconds 0 is not allowed: give a whole number of seconds >= 1.'],
  ])('refuses %p', (bad, message) => {
    expect(() => new NginxSiteStart({ listenPort: 5000, sitePath: '/etc/nginx/conf.d/5000.conf', ...bad })).toThrow(message);
  });
});
