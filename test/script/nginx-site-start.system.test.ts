import * as fs from 'fs';
import * as path from 'path';
import { NamespaceSandbox } from '../../rehearsal/namespace-sandbox';
import { standInPath } from '../../rehearsal/stand-ins';
import { shellQuote as q } from '../../lib/script/private/shell';
import { NginxApiKey } from '../../lib/script/nginx-api-key';
import { NginxBasicAuth } from '../../lib/script/nginx-basic-auth';
import { NginxSiteStart } from '../../lib/script/nginx-site-start';
import { ScriptValue } from '../../lib/script/script-value';
import { requireTool } from './script-test-support';

jest.setTimeout(120000);

const SITE = '/etc/nginx/conf.d/5000.conf';
const HTPASSWD = '/etc/nginx/password';
const basicAuth = (listenPort = 5000) => new NginxBasicAuth({
  userName: ScriptValue.fromToken('UserName', 'u'),
  password: ScriptValue.fromToken('Password', 'p', { secret: true }),
  listenPort,
  sitePath: `/etc/nginx/conf.d/${listenPort}.conf`,
});

interface SiteStartRun {
  /** Exit status of the step: 0, or 3 after ds_fail. */
  readonly status: number;
  /** What the step printed: `FAIL <reason>` and `LOG <line>` lines, plus its tools' output except nginx -t's `nginx: ` lines. */
  readonly output: string;
  /** The SELinux stand-ins' calls, one per line. */
  readonly selinuxCalls: string[];
  /** The systemctl stand-in's calls. */
  readonly systemctlCalls: string[];
  /** The group of each worker-readable file after the step. */
  readonly groups: string[];
  /** `semanage port -l`'s http_port_t line after the step (SELinux runs only). */
  readonly httpPorts: string;
  /** HTTP status of a request to the listen port after the step (401: nginx serves the site). */
  readonly probe: string;
}

/**
 * Runs the NginxSiteStart step of `part` as root in the rehearsal's namespace sandbox, with real nginx and
 * the stand-ins for systemctl and (when `selinux` is set) selinuxenabled, setsebool, semanage and
 * restorecon. `setup` runs first (bash, inside the sandbox).
 */
function runSiteStart(part: NginxSiteStart, opts: { selinux?: 'enforcing' | 'disabled'; withoutSemanage?: boolean; setup?: string[]; site?: string; files?: string[] } = {}): SiteStartRun {
  const sandbox = new NamespaceSandbox({
    env: {
      REHEARSAL_SYSTEMCTL_LOG: '/run/rehearsal-systemctl.log',
      REHEARSAL_SELINUX: opts.selinux ?? 'disabled',
      REHEARSAL_SELINUX_LOG: '/run/rehearsal-selinux.log',
      REHEARSAL_SELINUX_PORTS: '/run/rehearsal-selinux-ports',
    },
  });
  try {
    const w = sandbox.workDir;
    const bin = path.join(w, 'bin');
    fs.mkdirSync(bin);
    const tools = ['systemctl', ...(opts.selinux ? ['selinuxenabled', 'setsebool', 'restorecon', ...(opts.withoutSemanage ? [] : ['semanage'])] : [])];
    for (const tool of tools) {
      fs.copyFileSync(standInPath(tool), path.join(bin, tool));
      fs.chmodSync(path.join(bin, tool), 0o755);
    }
    fs.writeFileSync(path.join(w, 'step.sh'), [
      'set -euo pipefail',
      'ds_fail() { echo "FAIL $1"; exit 3; }',
      'ds_log() { echo "LOG $*"; }',
      part.renderCommands(),
    ].join('\n'));
    const out = path.join(w, 'out');
    const site = opts.site ?? part.sitePath;
    const files = opts.files ?? part.workerReadableFiles;
    const r = sandbox.runSync([
      `export PATH=${q(bin)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      // Debian's nginx.conf includes sites-enabled/default (port 80): out of the way.
      'rm -f /etc/nginx/sites-enabled/default',
      `mkdir -p ${q(path.dirname(site))}`,
      `printf 'server {\\n    listen ${part.listenPort};\\n    location / { return 401; }\\n}\\n' > ${q(site)}`,
      ...files.map((f) => `printf 'admin:x\\n' > ${q(f)} && chmod 0640 ${q(f)}`),
      // The other files nginx reads (key map, TLS certificate and key) exist, empty: restorecon needs them.
      ...part.otherFiles.map((f) => `mkdir -p ${q(path.dirname(f))} && touch ${q(f)}`),
      ...(opts.setup ?? []),
      'set +e',
      `bash ${q(path.join(w, 'step.sh'))} > ${q(out)} 2>&1 < /dev/null`,
      `echo "status=$?" >> ${q(out)}`,
      ...files.map((f) => `echo "group=$(stat -c %G ${q(f)})" >> ${q(out)}`),
      ...(opts.selinux && !opts.withoutSemanage ? [`echo "ports=$(REHEARSAL_SELINUX_LOG=/dev/null semanage port -l | grep '^http_port_t')" >> ${q(out)}`] : []),
      `echo "probe=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:${part.listenPort}/)" >> ${q(out)}`,
      `sed 's/^/selinux: /' /run/rehearsal-selinux.log >> ${q(out)} 2>/dev/null`,
      `sed 's/^/systemctl: /' /run/rehearsal-systemctl.log >> ${q(out)} 2>/dev/null`,
      'exit 0',
    ].join('\n'), 90000);
    if (r.status !== 0) throw new Error(`the sandbox failed (${r.status}): ${r.stderr}`);
    const lines = fs.readFileSync(out, 'utf8').split('\n');
    const field = (k: string) => lines.filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
    const prefixed = (k: string) => lines.filter((l) => l.startsWith(`${k}: `)).map((l) => l.slice(k.length + 2));
    return {
      status: Number(field('status')[0]),
      output: lines.filter((l) => !/^(status|group|ports|probe)=|^(selinux|systemctl|nginx): /.test(l)).join('\n').trim(),
      selinuxCalls: prefixed('selinux'),
      systemctlCalls: prefixed('systemctl'),
      groups: field('group'),
      httpPorts: field('ports')[0] ?? '',
      probe: field('probe')[0] ?? '',
    };
  } finally {
    sandbox.dispose();
  }
}

const start = (listenPort = 5000) => basicAuth(listenPort).parts.find((p): p is NginxSiteStart => p instanceof NginxSiteStart)!;

describe('NginxSiteStart with real nginx in the rehearsal sandbox (stand-ins for systemctl and the SELinux tools)', () => {
  beforeAll(() => {
    for (const [tool, pkg] of [['unshare', 'util-linux'], ['nginx', 'nginx'], ['curl', 'curl'], ['python3', 'python3']]) requireTool(tool, pkg);
  });

  test("Debian's nginx.conf (user www-data): the htpasswd file gets www-data's group, nginx serves the site", () => {
    const r = runSiteStart(start());
    expect(r).toMatchObject({ status: 0, output: '', groups: ['www-data'], probe: '401', selinuxCalls: [] });
    expect(r.systemctlCalls).toEqual(['systemctl enable nginx', 'systemctl restart nginx']);
  });

  test.each([
    ['user daemon;', 'daemon'],
    ['user nobody nogroup;', 'nogroup'],
    ['  user   daemon   ;', 'daemon'],
  ])('the worker group comes from nginx -T: %p -> %p (no id -gn nginx/www-data guess)', (directive, group) => {
    const r = runSiteStart(start(), { setup: [`sed -i -r 's/^user .*/${directive}/' /etc/nginx/nginx.conf`] });
    expect(r).toMatchObject({ status: 0, output: '', groups: [group], probe: '401' });
  });

  test('no user directive: the file keeps the group it was written with, and the log says so', () => {
    const r = runSiteStart(start(), { setup: ["sed -i '/^user /d' /etc/nginx/nginx.conf", `chgrp adm ${HTPASSWD}`] });
    expect(r).toMatchObject({ status: 0, groups: ['adm'], probe: '401' });
    expect(r.output).toBe("LOG nginx -T shows no user directive: the group of the files nginx workers read is kept");
  });

  test('a user directive in a file nginx.conf includes in its main context counts (nginx uses it)', () => {
    const r = runSiteStart(start(), { setup: ["sed -i '/^user /d' /etc/nginx/nginx.conf", 'printf "user daemon;\\n" > /etc/nginx/modules-enabled/00-user.conf'] });
    expect(r).toMatchObject({ status: 0, output: '', groups: ['daemon'], probe: '401' });
  });

  test('a site nginx does not include fails naming nginx.conf and the include line, before nginx is restarted', () => {
    const part = new NginxSiteStart({ listenPort: 5000, sitePath: '/etc/nginx/qwen/5000.conf', workerReadableFiles: [HTPASSWD] });
    const r = runSiteStart(part);
    expect(r.status).toBe(3);
    expect(r.output).toBe("FAIL nginx does not read /etc/nginx/qwen/5000.conf: add 'include /etc/nginx/qwen/*.conf;' to the http block of /etc/nginx/nginx.conf");
    expect(r.systemctlCalls).toEqual([]);
  });

  test('a configuration nginx -t rejects fails as before', () => {
    const r = runSiteStart(start(), { setup: ["printf 'not nginx;\\n' > /etc/nginx/conf.d/broken.conf"] });
    expect(r.status).toBe(3);
    expect(r.output).toMatch(/FAIL nginx -t rejected the configuration$/);
  });

  test('SELinux enforcing, port 5000 (commplex_main_port_t in the policy): -a is refused, -m labels it http_port_t; restorecon on the site and htpasswd', () => {
    const r = runSiteStart(start(), { selinux: 'enforcing' });
    expect(r).toMatchObject({ status: 0, output: '', groups: ['www-data'], probe: '401' });
    expect(r.selinuxCalls).toEqual([
      'selinuxenabled ',
      'setsebool -P httpd_can_network_connect 1',
      'semanage port -l',
      'semanage port -a -t http_port_t -p tcp 5000',
      'semanage port -m -t http_port_t -p tcp 5000',
      `restorecon ${SITE} ${HTPASSWD} /etc/nginx/tls/5000.crt /etc/nginx/tls/5000.key`,
    ]);
    expect(r.httpPorts).toMatch(/^http_port_t +tcp +80, 81, 443, 488, 8008, 8009, 8443, 9000, 5000$/);
  });

  test('SELinux enforcing, a port no type has (5601): semanage port -a labels it', () => {
    const r = runSiteStart(start(5601), { selinux: 'enforcing' });
    expect(r).toMatchObject({ status: 0, output: '', probe: '401' });
    expect(r.selinuxCalls.filter((c) => c.startsWith('semanage port -a') || c.startsWith('semanage port -m'))).toEqual(['semanage port -a -t http_port_t -p tcp 5601']);
    expect(r.httpPorts).toMatch(/, 5601$/);
  });

  test('SELinux enforcing, port 8443 (already http_port_t): no semanage change', () => {
    const r = runSiteStart(start(8443), { selinux: 'enforcing' });
    expect(r).toMatchObject({ status: 0, output: '', probe: '401' });
    expect(r.selinuxCalls).toEqual([
      'selinuxenabled ',
      'setsebool -P httpd_can_network_connect 1',
      'semanage port -l',
      'restorecon /etc/nginx/conf.d/8443.conf /etc/nginx/password /etc/nginx/tls/8443.crt /etc/nginx/tls/8443.key',
    ]);
  });

  test('SELinux enforcing without semanage: FAILURE naming the package, before nginx is touched', () => {
    const r = runSiteStart(start(), { selinux: 'enforcing', withoutSemanage: true });
    expect(r.status).toBe(3);
    expect(r.output).toBe('FAIL SELinux is enabled and semanage is missing: install policycoreutils-python-utils (policycoreutils-python on CentOS 7) in the image');
    expect(r.systemctlCalls).toEqual([]);
  });

  test('the API-key proxy: SELinux labels port 8080 (http_cache_port_t) http_port_t and relabels the key map; no worker group change', () => {
    const api = new NginxApiKey({ apiKey: ScriptValue.fromToken('ApiKey', 'k', { secret: true }) });
    const part = api.parts.find((p): p is NginxSiteStart => p instanceof NginxSiteStart)!;
    const r = runSiteStart(part, { selinux: 'enforcing', setup: [`mkdir -p /etc/nginx/api-keys && printf 'map $http_authorization $k { default 0; }\\n' > ${api.keyMapPath}`] });
    expect(r).toMatchObject({ status: 0, output: '', groups: [], probe: '401' });
    expect(r.selinuxCalls.slice(3)).toEqual([
      'semanage port -a -t http_port_t -p tcp 8080',
      'semanage port -m -t http_port_t -p tcp 8080',
      `restorecon /etc/nginx/conf.d/8080.conf ${api.keyMapPath} /etc/nginx/tls/8080.crt /etc/nginx/tls/8080.key`,
    ]);
  });
});
