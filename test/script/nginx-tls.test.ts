import { NginxBasicAuth } from '../../lib/script/nginx-basic-auth';
import { NginxRateLimit } from '../../lib/script/nginx-rate-limit';
import { NginxTls, TLS12_CIPHERS, TlsMode } from '../../lib/script/nginx-tls';
import { ScriptPhase } from '../../lib/script/deploy-script';
import { ScriptValue } from '../../lib/script/script-value';

const user = ScriptValue.fromToken('UserName', 'u');
const password = ScriptValue.fromToken('Password', 'p', { secret: true });

describe('NginxTls', () => {
  test('generated (the default): the server lines (exact)', () => {
    expect(NginxTls.generated().serverLines(5000, '')).toEqual([
      'listen 5000 ssl;',
      'ssl_certificate /etc/nginx/tls/5000.crt;',
      'ssl_certificate_key /etc/nginx/tls/5000.key;',
      'ssl_protocols TLSv1.2 TLSv1.3;',
      `ssl_ciphers ${TLS12_CIPHERS};`,
      'ssl_session_tickets off;',
      'error_page 497 =301 https://$http_host$request_uri;',
      'server_tokens off;',
    ]);
  });

  test('plain HTTP only as an explicit choice with a reason; it keeps server_tokens off', () => {
    const plain = NginxTls.plainHttp({ reason: 'TLS ends at the load balancer' });
    expect(plain.mode).toBe(TlsMode.PLAIN_HTTP);
    expect(plain.enabled).toBe(false);
    expect(plain.serverLines(8000, '')).toEqual(['listen 8000;', 'server_tokens off;']);
    expect(plain.parts(8000)).toEqual([]);
    expect(plain.probe(8000)).toBeUndefined();
    expect(plain.localUrl(8000)).toBe('http://127.0.0.1:8000/');
    expect(() => NginxTls.plainHttp({ reason: 'no' })).toThrow(/reason 'no' is not allowed: say in at least 10 characters why plain HTTP is acceptable/);
  });

  test('generated: one COMMANDS part that makes the certificate and leaves its fingerprint; the probe trusts only it', () => {
    const lb = ScriptValue.fromToken('LoadBalancerAddress', 'x');
    const tls = NginxTls.generated({ extraSubjectAltNames: [lb], validityDays: 90 });
    const [part] = tls.parts(5000);
    expect(part.phase).toBe(ScriptPhase.COMMANDS);
    expect(part.values).toEqual([lb]);
    expect(part.renderCommands()).toBe('ds_tls_gen /etc/nginx/tls/5000 90 "${load_balancer_address}"\nds_tls_fp /etc/nginx/tls/5000.crt');
    expect(part.renderFunctions?.()).toMatch(/^ds_tls_fp\(\) \{\n(.*\n)*\nds_tls_gen\(\) \{/);
    expect(part.requiredCommands).toEqual(expect.arrayContaining(['openssl', 'curl', 'hostname']));
    expect(tls.probe(5000)).toEqual({ scheme: 'https', host: '127.0.0.1', curlConfig: ['cacert = "/etc/nginx/tls/5000.crt"'] });
    expect(tls.localUrl(5000)).toBe('https://127.0.0.1:5000/');
    expect(() => NginxTls.generated({ validityDays: 826 })).toThrow(/validityDays 826 is not allowed: .*1 to 825/);
  });

  test('fromPem: the given key (a secret) and certificate are written 0600/0644 and checked; the probe resolves the server name locally', () => {
    const cert = ScriptValue.fromToken('CertificatePem', 'c');
    const key = ScriptValue.fromToken('PrivateKeyPem', 'k', { secret: true });
    const tls = NginxTls.fromPem({ certificatePem: cert, privateKeyPem: key, serverName: 'chat.example.com' });
    const text = tls.parts(443)[0].renderCommands();
    expect(text).toContain('ds_tls_write /etc/nginx/tls/443.key 0600 "${private_key_pem}"');
    expect(text).toContain("|| ds_fail 'the given private key for port 443 does not match its certificate'");
    expect(text).toMatch(/ds_tls_fp \/etc\/nginx\/tls\/443\.crt$/);
    expect(tls.probe(443)).toEqual({ scheme: 'https', host: 'chat.example.com', curlConfig: ['resolve = "chat.example.com:443:127.0.0.1"'] });
    expect(() => NginxTls.fromPem({ certificatePem: cert, privateKeyPem: cert, serverName: 'a.b' })).toThrow(/privateKeyPem 'CertificatePem' is not marked secret/);
    expect(() => NginxTls.fromPem({ certificatePem: cert, privateKeyPem: key, serverName: '1.2.3.4;id' })).toThrow(/serverName '1\.2\.3\.4;id' is not allowed/);
  });
});

describe('NginxRateLimit', () => {
  test('zone and location lines (exact); bad values refused', () => {
    const r = new NginxRateLimit();
    expect(r.zoneLine(5000)).toBe('limit_req_zone $binary_remote_addr zone=clients_5000:1m rate=20r/s;');
    expect(r.locationLines(5000, '')).toEqual(['limit_req zone=clients_5000 burst=200 nodelay;', 'limit_req_status 429;']);
    expect(() => new NginxRateLimit({ burst: 0 })).toThrow(/burst 0 is not allowed/);
    expect(() => new NginxRateLimit({ requestsPerSecond: 1.5 })).toThrow(/requestsPerSecond 1.5 is not allowed/);
  });
});

describe('NginxBasicAuth over TLS', () => {
  test('by default: https, the certificate step before nginx starts, both checks pinned to it', () => {
    const n = new NginxBasicAuth({ userName: user, password });
    expect(n.scheme).toBe('https');
    expect(n.parts.map((p) => p.description)).toEqual([
      'write /etc/nginx/conf.d/5000.conf',
      'write /etc/nginx/password (htpasswd)',
      'make the TLS certificate for port 5000',
      'start nginx on port 5000',
      'nginx on port 5000 answers 401 without credentials',
      'the app answers through nginx on port 5000',
    ]);
    for (const check of n.parts.slice(4)) {
      expect(check.renderCommands()).toMatch(/^ds_probe_cfg='cacert = "\/etc\/nginx\/tls\/5000\.crt"' ds_probe https:\/\/127\.0\.0\.1:5000\/ /);
      expect(check.renderCommands()).not.toMatch(/ -k\b|--insecure/);
    }
    const site = n.renderSite();
    expect(site).toContain('limit_req_zone $binary_remote_addr zone=clients_5000:1m rate=20r/s;\n\nserver {\n    listen 5000 ssl;\n');
    expect(site).toContain('    location / {\n        limit_req zone=clients_5000 burst=200 nodelay;\n        limit_req_status 429;\n        proxy_pass http://127.0.0.1:7860;\n');
  });

  test('with plain HTTP chosen: http, no certificate step, checks over http', () => {
    const n = new NginxBasicAuth({ userName: user, password, tls: NginxTls.plainHttp({ reason: 'behind an HTTPS load balancer listener' }) });
    expect(n.scheme).toBe('http');
    expect(n.parts.map((p) => p.description)).not.toContain('make the TLS certificate for port 5000');
    expect(n.parts[3].renderCommands()).toMatch(/^ds_probe http:\/\/127\.0\.0\.1:5000\/ 401 /);
    expect(n.renderSite()).toContain('    listen 5000;\n    server_tokens off;\n');
  });
});
