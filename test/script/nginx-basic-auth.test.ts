import { ScriptPhase } from '../../lib/script/deploy-script';
import { HealthCheck } from '../../lib/script/health-check';
import { NginxBasicAuth, NginxBasicAuthProps, PasswordHash } from '../../lib/script/nginx-basic-auth';
import { ScriptCommands, ScriptFile } from '../../lib/script/script-file';
import { NginxSiteStart } from '../../lib/script/nginx-site-start';
import { ScriptValue } from '../../lib/script/script-value';
import { esc } from './script-test-support';

const userName = ScriptValue.fromToken('UserName', 'u');
const password = ScriptValue.fromToken('Password', 'p', { secret: true });
const BASE: NginxBasicAuthProps = { userName, password };

/** The default site, exact. */
const DEFAULT_SITE = [
  'map $http_upgrade $connection_upgrade_5000 {',
  '    default upgrade;',
  "    ''      close;",
  '}',
  '',
  // issue 15: a per-client rate limit, TLS 1.2/1.3 with the certificate the script makes, the redirect
  // of plain HTTP on the TLS port, no version in answers
  'limit_req_zone $binary_remote_addr zone=clients_5000:1m rate=20r/s;',
  '',
  'server {',
  '    listen 5000 ssl;',
  '    ssl_certificate /etc/nginx/tls/5000.crt;',
  '    ssl_certificate_key /etc/nginx/tls/5000.key;',
  '    ssl_protocols TLSv1.2 TLSv1.3;',
  '    ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20;',
  '    ssl_session_tickets off;',
  '    error_page 497 =301 https://$http_host$request_uri;',
  '    server_tokens off;',
  '    server_name _;',
  '',
  '    auth_basic "Qwen Chat";',
  '    auth_basic_user_file /etc/nginx/password;',
  '',
  '    location / {',
  '        limit_req zone=clients_5000 burst=200 nodelay;',
  '        limit_req_status 429;',
  '        proxy_pass http://127.0.0.1:7860;',
  '        proxy_http_version 1.1;',
  '        proxy_set_header Upgrade $http_upgrade;',
  '        proxy_set_header Connection $connection_upgrade_5000;',
  '        proxy_set_header Host $http_host;',
  '        proxy_set_header X-Real-IP $remote_addr;',
  '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  '        proxy_set_header X-Forwarded-Proto $scheme;',
  '        proxy_buffering off;',
  '        proxy_cache off;',
  '        proxy_read_timeout 3600s;',
  '        proxy_send_timeout 3600s;',
  '    }',
  '}',
  '',
].join('\n');

const USER_NAME_GUARD = "case $user_name in '' | -* | *:* | *[!A-Za-z0-9_.@-]*) ds_fail 'the user name must be letters, digits and _.@- (no leading -)' ;; esac";
const HTPASSWD_FILE_TAIL = [
  'chgrp "$(id -gn nginx 2>/dev/null || id -gn www-data 2>/dev/null || echo root)" "$ds_tmp"',
  'chmod 0640 "$ds_tmp"',
  'mv -f "$ds_tmp" /etc/nginx/password',
];

/** The htpasswd step with defaults (SHA-512 crypt from openssl), exact (bash as it runs). */
const DEFAULT_HTPASSWD_STEP = [
  USER_NAME_GUARD,
  "ds_hash=$(printf '%s\\n' \"$password\" | openssl passwd -6 -stdin) || ds_hash=''",
  "[[ $ds_hash == \\$6\\$* ]] || ds_fail 'openssl passwd -6 failed: the image needs OpenSSL 1.1.1 or later'",
  'install -d -m 0755 /etc/nginx',
  'ds_tmp=$(mktemp /etc/nginx/password.XXXXXX)',
  "printf '%s:%s\\n' \"$user_name\" \"$ds_hash\" > \"$ds_tmp\"",
  ...HTPASSWD_FILE_TAIL,
].join('\n');

/** The htpasswd step with PasswordHash.BCRYPT, exact. */
const BCRYPT_HTPASSWD_STEP = [
  USER_NAME_GUARD,
  "case $(htpasswd 2>&1 || true) in *' -i '*' -B '* | *' -B '*' -i '*) ;; *) ds_fail 'htpasswd lacks -i or -B: install httpd-tools (apache2-utils) 2.4.4 or later' ;; esac",
  'install -d -m 0755 /etc/nginx',
  'ds_tmp=$(mktemp /etc/nginx/password.XXXXXX)',
  'printf \'%s\\n\' "$password" | htpasswd -i -B -C 10 -c "$ds_tmp" "$user_name"',
  ...HTPASSWD_FILE_TAIL,
].join('\n');

describe('NginxBasicAuth', () => {
  test('renderSite with defaults (exact)', () => {
    const n = new NginxBasicAuth(BASE);
    expect(n.listenPort).toBe(5000);
    expect(n.upstreamPort).toBe(7860);
    expect(n.sitePath).toBe('/etc/nginx/conf.d/5000.conf');
    expect(n.htpasswdPath).toBe('/etc/nginx/password');
    expect(n.userName).toBe(userName);
    expect(n.renderSite()).toBe(DEFAULT_SITE);
  });

  test('renderSite with every prop (the map variable follows the port, so two sites do not clash)', () => {
    const site = new NginxBasicAuth({
      ...BASE, listenPort: 8080, upstreamHost: 'localhost', upstreamPort: 9000, realm: 'Demo (staff)', proxyReadTimeoutSeconds: 60,
      htpasswdPath: '/etc/nginx/demo.htpasswd',
    }).renderSite();
    expect(site).toContain('map $http_upgrade $connection_upgrade_8080 {\n');
    expect(site).toContain('    listen 8080 ssl;\n    ssl_certificate /etc/nginx/tls/8080.crt;\n');
    expect(site).toContain('limit_req_zone $binary_remote_addr zone=clients_8080:1m rate=20r/s;\n');
    expect(site).toContain('    auth_basic "Demo (staff)";\n');
    expect(site).toContain('    auth_basic_user_file /etc/nginx/demo.htpasswd;\n');
    expect(site).toContain('        proxy_pass http://localhost:9000;\n');
    expect(site).toContain('        proxy_set_header Connection $connection_upgrade_8080;\n');
    expect(site).toContain('        proxy_read_timeout 60s;\n');
    expect(site).toContain('        proxy_send_timeout 60s;\n');
  });

  test('parts in order: site file, htpasswd step, TLS certificate, nginx -t and restart, 401 check, 200 check with credentials', () => {
    const n = new NginxBasicAuth({ ...BASE, proxyCheckTimeoutSeconds: 30 });
    const [site, htpasswd, certificate, start, refuse, serve] = n.parts;
    expect(n.parts).toHaveLength(6);
    expect(certificate.description).toBe('make the TLS certificate for port 5000');
    expect(site).toBeInstanceOf(ScriptFile);
    expect((site as ScriptFile).path).toBe('/etc/nginx/conf.d/5000.conf');
    expect((site as ScriptFile).content).toBe(DEFAULT_SITE);
    expect((site as ScriptFile).mode).toBe('0644');

    expect(htpasswd).toBeInstanceOf(ScriptCommands);
    expect(htpasswd.phase).toBe(ScriptPhase.COMMANDS);
    expect(htpasswd.description).toBe('write /etc/nginx/password (htpasswd)');
    expect(htpasswd.values).toEqual([userName, password]);
    expect(htpasswd.requiredCommands).toEqual(['openssl', 'mktemp', 'chmod', 'chgrp', 'id']);
    expect(htpasswd.renderCommands()).toBe(DEFAULT_HTPASSWD_STEP);
    const bcrypt = new NginxBasicAuth({ ...BASE, passwordHash: PasswordHash.BCRYPT }).parts[1];
    expect(bcrypt.requiredCommands).toEqual(['htpasswd', 'mktemp', 'chmod', 'chgrp', 'id']);
    expect(bcrypt.renderCommands()).toBe(BCRYPT_HTPASSWD_STEP);
    const absolute = new NginxBasicAuth({ ...BASE, opensslPath: '/usr/local/openssl/bin/openssl' }).parts[1];
    expect(absolute.requiredCommands).toEqual(['mktemp', 'chmod', 'chgrp', 'id']);
    expect(absolute.renderCommands()).toContain(
      "[[ $ds_hash == \\$6\\$* ]] || ds_fail 'openssl passwd -6 failed: the image needs OpenSSL 1.1.1 or later at /usr/local/openssl/bin/openssl'");

    expect(start.phase).toBe(ScriptPhase.SERVICES);
    expect(start.budgetSeconds).toBe(90);
    expect(start.description).toBe('start nginx on port 5000');
    // The OS-facing start step (SELinux, site included, workers' group): test/script/nginx-site-start.test.ts.
    expect(start).toBeInstanceOf(NginxSiteStart);
    expect(start.requiredCommands).toEqual(['nginx', 'systemctl']);
    expect(start).toMatchObject({ listenPort: 5000, sitePath: '/etc/nginx/conf.d/5000.conf', workerReadableFiles: ['/etc/nginx/password'], otherFiles: ['/etc/nginx/tls/5000.crt', '/etc/nginx/tls/5000.key'] });

    expect(refuse).toBeInstanceOf(HealthCheck);
    expect((refuse as HealthCheck).url).toBe('https://127.0.0.1:5000/');
    expect((refuse as HealthCheck).expectStatus).toBe(401);
    expect((refuse as HealthCheck).timeoutSeconds).toBe(30);
    expect(refuse.values).toEqual([]);
    expect(serve).toBeInstanceOf(HealthCheck);
    expect((serve as HealthCheck).expectStatus).toBe(200);
    expect(serve.values).toEqual([userName, password]);
    expect(serve.description).toBe('the app answers through nginx on port 5000');
    expect(refuse.description).toBe('nginx on port 5000 answers 401 without credentials');
    expect(serve.renderCommands()).toBe("ds_probe_cfg='cacert = \"/etc/nginx/tls/5000.crt\"' ds_probe https://127.0.0.1:5000/ 200 30 5 10 '' user_name password");
  });

  test('the password is never an argument: only the printf builtin sees it, openssl reads it on stdin (-stdin)', () => {
    const lines = new NginxBasicAuth(BASE).parts.map((p) => p.renderCommands()).join('\n').split('\n');
    expect(lines.filter((l) => /\$\{?password\b/.test(l))).toEqual([
      "ds_hash=$(printf '%s\\n' \"$password\" | openssl passwd -6 -stdin) || ds_hash=''",
    ]);
  });

  test('with BCRYPT the password is never an argument: htpasswd reads stdin (-i) and hashes with bcrypt (-B)', () => {
    const lines = new NginxBasicAuth({ ...BASE, passwordHash: PasswordHash.BCRYPT }).parts.map((p) => p.renderCommands()).join('\n').split('\n');
    const withPassword = lines.filter((l) => /\$\{?password\b/.test(l));
    expect(withPassword).toEqual(['printf \'%s\\n\' "$password" | htpasswd -i -B -C 10 -c "$ds_tmp" "$user_name"']);
    const htpasswdLine = lines.find((l) => l.includes('htpasswd -'))!;
    expect(htpasswdLine.split('|')[1]).not.toContain('password"');
    expect(htpasswdLine).toMatch(/htpasswd -i -B /);
    expect(lines.join('\n')).not.toMatch(/htpasswd[^|\n]*-b/);
  });

  describe('validation', () => {
    test.each([
      ['listenPort', 0], ['listenPort', 70000], ['listenPort', 1.5], ['upstreamPort', 0], ['upstreamPort', 65536],
    ] as const)('%s %p', (prop, value) => {
      expect(() => new NginxBasicAuth({ ...BASE, [prop]: value })).toThrow(new RegExp(`NginxBasicAuth: ${prop} ${esc(String(value))} is not allowed: give a whole port number from 1 to 65535`));
    });

    test('listenPort equal to the upstream port on loopback', () => {
      expect(() => new NginxBasicAuth({ ...BASE, listenPort: 7860 })).toThrow(/NginxBasicAuth: listenPort 7860 is the upstream's own port; nginx and the app cannot both listen there/);
    });

    test.each([['open ssl'], ['bin/openssl'], ['/opt/x;rm']])('opensslPath %p', (opensslPath) => {
      expect(() => new NginxBasicAuth({ ...BASE, opensslPath })).toThrow(new RegExp(`NginxBasicAuth: opensslPath '${esc(opensslPath)}' is not allowed`));
    });

    test.each([['a b'], ['127.0.0.1;'], ['']])('upstreamHost %p', (upstreamHost) => {
      expect(() => new NginxBasicAuth({ ...BASE, upstreamHost })).toThrow(new RegExp(`NginxBasicAuth: upstreamHost '${esc(upstreamHost)}' is not allowed`));
    });

    test.each([['say "hi"'], [''], ['请输入用户和密码'], ['x'.repeat(65)], ['a;b']])('realm %p', (realm) => {
      expect(() => new NginxBasicAuth({ ...BASE, realm })).toThrow(new RegExp(`NginxBasicAuth: realm '${esc(realm)}' is not allowed`));
    });

    test.each([[0], [1.5]])('proxyReadTimeoutSeconds %p', (v) => {
      expect(() => new NginxBasicAuth({ ...BASE, proxyReadTimeoutSeconds: v })).toThrow(new RegExp(`NginxBasicAuth: proxyReadTimeoutSeconds ${esc(String(v))} is not allowed`));
    });

    test('sitePath and htpasswdPath', () => {
      expect(() => new NginxBasicAuth({ ...BASE, sitePath: 'conf.d/x.conf' })).toThrow(/NginxBasicAuth: sitePath 'conf\.d\/x\.conf' is not allowed/);
      expect(() => new NginxBasicAuth({ ...BASE, htpasswdPath: '/etc/nginx/pass word' })).toThrow(/NginxBasicAuth: htpasswdPath '\/etc\/nginx\/pass word' is not allowed/);
    });

    test.each([[3], [18], [10.5]])('bcryptCost %p', (bcryptCost) => {
      expect(() => new NginxBasicAuth({ ...BASE, bcryptCost })).toThrow(new RegExp(`NginxBasicAuth: bcryptCost ${esc(String(bcryptCost))} is not allowed: give a whole number from 4 to 17`));
    });

    test('a password value that is not secret', () => {
      expect(() => new NginxBasicAuth({ userName, password: ScriptValue.fromToken('Password', 'p') }))
        .toThrow(/NginxBasicAuth: password 'Password' is not marked secret/);
    });

    test('a proxy-check timeout out of range is refused by the checks it makes', () => {
      expect(() => new NginxBasicAuth({ ...BASE, proxyCheckTimeoutSeconds: 0 })).toThrow(/HealthCheck: timeoutSeconds 0 is not allowed/);
    });
  });
});
