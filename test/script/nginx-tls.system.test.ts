/**
 * Issue 15: the rendered TLS site in real nginx with a certificate made by the script's own function
 * (real bash and openssl), probed by real curl and openssl s_client.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { NginxBasicAuth } from '../../lib/script/nginx-basic-auth';
import { NginxRateLimit } from '../../lib/script/nginx-rate-limit';
import { renderTlsGenerateFunction, renderTlsNamesFunction } from '../../lib/script/nginx-tls';
import { ScriptValue } from '../../lib/script/script-value';
import { renderProbeFunction } from '../../lib/script/health-check';
import { requireTool, run, tmpDir } from './script-test-support';

jest.setTimeout(120000);

const USER = 'alice';
const PASSWORD = "Pa$$w0rd'`\"x";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** The app stand-in: its own process (the tests block this one in spawnSync), one line per request in a file. */
interface Upstream {
  readonly port: number;
  readonly process: ChildProcess;
  requests(): number;
}

async function startUpstream(dir: string): Promise<Upstream> {
  const port = await freePort();
  const log = path.join(dir, 'upstream.log');
  fs.writeFileSync(log, '');
  const code = `require('http').createServer((q, s) => { require('fs').appendFileSync(${JSON.stringify(log)}, q.url + '\\n'); s.end('app ok\\n'); }).listen(${port}, '127.0.0.1')`;
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  for (let i = 0; i < 50 && run('curl', ['-s', `http://127.0.0.1:${port}/ready`]).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  return { port, process: child, requests: () => fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '' && l !== '/ready').length };
}

interface Served {
  readonly dir: string;
  readonly port: number;
  readonly upstream: Upstream;
  readonly nginx: ChildProcess;
  readonly fingerprint: string;
  readonly log: string;
  readonly certificate: string;
}

let served: Served;

/** curl against the site; returns `code` from -w, or the exit status as `exit:N`. */
function curl(args: string[], input = ''): string {
  const r = run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{ssl_verify_result} %{redirect_url}', '--max-time', '5', ...args], input);
  return r.status === 0 ? r.stdout.trim() : `exit:${r.status}`;
}

beforeAll(async () => {
  requireTool('nginx', 'nginx');
  requireTool('openssl', 'openssl');
  requireTool('curl', 'curl');
  requireTool('htpasswd', 'apache2-utils');
  const dir = tmpDir('tls-site-');
  const port = await freePort();
  const upstream = await startUpstream(dir);
  const upstreamPort = upstream.port;
  const site = new NginxBasicAuth({
    userName: ScriptValue.fromToken('UserName', 'u'),
    password: ScriptValue.fromToken('Password', 'p', { secret: true }),
    listenPort: port,
    upstreamPort,
    htpasswdPath: path.join(dir, 'password'),
    rateLimit: new NginxRateLimit({ requestsPerSecond: 5, burst: 20 }),
  });
  // The certificate, made by the script's function exactly as rendered (the metadata service is out of reach here).
  const certBase = path.join(dir, 'tls', String(port));
  const gen = run('bash', ['-c', [
    'set -euo pipefail',
    'ds_log() { echo "LOG $*"; }',
    'ds_fail() { echo "FAIL $1"; exit 3; }',
    renderTlsGenerateFunction(), renderTlsNamesFunction(),
    `ds_tls_gen ${certBase} 60 chat.example.test 203.0.113.7`,
    `ds_tls_fp ${certBase}.crt`,
    'echo "DATA=$ds_signal_data"',
  ].join('\n')]);
  expect({ status: gen.status, stderr: gen.stderr }).toEqual({ status: 0, stderr: '' });
  const fingerprint = /DATA=(\S+)/.exec(gen.stdout)![1];
  fs.writeFileSync(path.join(dir, 'password'), run('htpasswd', ['-nbB', '-C', '4', USER, PASSWORD]).stdout.trim() + '\n', { mode: 0o644 });
  // nginx's workers (nobody) read the password file; the key is read by the master (root) only.
  fs.chmodSync(dir, 0o755);
  const siteText = site.renderSite().split(`/etc/nginx/tls/${port}`).join(certBase);
  fs.mkdirSync(path.join(dir, 'logs'));
  fs.writeFileSync(path.join(dir, 'site.conf'), siteText);
  fs.writeFileSync(path.join(dir, 'nginx.conf'), [
    'daemon off;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/logs/error.log;`,
    'events {}',
    'http {',
    `  access_log ${dir}/logs/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    `  include ${dir}/site.conf;`,
    '}',
  ].join('\n'));
  const t = run('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'logs', 'error.log')]);
  expect(t.stderr).toContain('test is successful');
  const nginx = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'logs', 'error.log')], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (curl(['--cacert', `${certBase}.crt`, `https://127.0.0.1:${port}/`]).startsWith('401')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  served = { dir, port, upstream, nginx, fingerprint, log: gen.stdout, certificate: `${certBase}.crt` };
});

afterAll(async () => {
  served?.nginx.kill('SIGTERM');
  served?.upstream.process.kill('SIGTERM');
});

describe('the TLS site in real nginx', () => {
  test('the generated certificate: ECDSA P-256, names 127.0.0.1, the given IP and DNS name, key mode 0600', () => {
    const text = run('openssl', ['x509', '-in', served.certificate, '-noout', '-text']).stdout;
    expect(text).toMatch(/Public Key Algorithm: id-ecPublicKey/);
    expect(text).toMatch(/(ASN1 OID: prime256v1|NIST CURVE: P-256)/);
    expect(text).toMatch(/X509v3 Subject Alternative Name:\s*\n\s*IP Address:127\.0\.0\.1, IP Address:[^\n]*DNS:chat\.example\.test, IP Address:203\.0\.113\.7/);
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toMatch(/TLS Web Server Authentication/);
    expect((fs.statSync(served.certificate.replace(/\.crt$/, '.key')).mode & 0o777).toString(8)).toBe('600');
  });

  test.each([['1.2', '--tlsv1.2', '--tls-max', '1.2'], ['1.3', '--tlsv1.3', '--tls-max', '1.3']])(
    'TLS %s with the certificate pinned: 401 without credentials, 200 with them',
    (_v, ...tlsArgs) => {
      const url = `https://127.0.0.1:${served.port}/`;
      const pin = ['--cacert', served.certificate, ...tlsArgs];
      expect(curl([...pin, url])).toBe('401 0');
      expect(curl([...pin, '-u', `${USER}:wrong`, url])).toBe('401 0');
      expect(curl([...pin, '-K', '-', url], `user = "${USER}:${PASSWORD.replace(/["\\]/g, '\\$&')}"\n`)).toBe('200 0');
    },
  );

  test('the script\'s own probe (ds_probe with the curl config NginxTls gives) reaches it pinned', () => {
    const r = run('bash', ['-c', [
      'set -euo pipefail',
      'ds_log() { echo "LOG $*"; }', 'ds_fail() { echo "FAIL $1"; exit 3; }',
      renderProbeFunction(),
      `user_name=${USER}; password="$(cat)"`,
      `ds_probe_cfg='cacert = "${served.certificate}"' ds_probe https://127.0.0.1:${served.port}/ 200 5 1 3 '' user_name password`,
      `ds_probe_cfg='cacert = "${served.certificate}"' ds_probe https://127.0.0.1:${served.port}/ 401 5 1 3 ''`,
    ].join('\n')], PASSWORD);
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 0, out: `LOG https://127.0.0.1:${served.port}/ answered 200\nLOG https://127.0.0.1:${served.port}/ answered 401\n` });
  });

  test('TLS 1.1 and TLS 1.0 do not connect (the same client does connect to a server that allows them)', async () => {
    // The client is allowed the old versions (SECLEVEL=0), so a refusal is the server's.
    const client = (port: number, v: string) => run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, v === '1.0' ? '-tls1' : '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'], '').stdout;
    const controlPort = await freePort();
    const key = served.certificate.replace(/\.crt$/, '.key');
    const control = spawn('openssl', ['s_server', '-cert', served.certificate, '-key', key, '-accept', `127.0.0.1:${controlPort}`, '-www', '-cipher', 'DEFAULT@SECLEVEL=0'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !/Cipher is (?!\(NONE\))/.test(client(controlPort, '1.1')); i++) await new Promise((r) => setTimeout(r, 100));
      for (const v of ['1.1', '1.0']) {
        expect({ v, control: /Cipher is (\S+)/.exec(client(controlPort, v))?.[1] }).toEqual({ v, control: expect.stringMatching(/^ECDHE-ECDSA-/) });
        expect({ v, site: /Cipher is (\S+)/.exec(client(served.port, v))?.[1] ?? 'no handshake' }).toEqual({ v, site: expect.stringMatching(/^(\(NONE\)|no handshake)$/) });
      }
    } finally {
      control.kill('SIGTERM');
    }
  });

  test('without the pin the certificate is refused (no -k anywhere): curl fails verification', () => {
    expect(curl([`https://127.0.0.1:${served.port}/`])).toBe('exit:60');
  });

  test('plain HTTP on the TLS port: a 301 to https on the same port, and the app is not reached', () => {
    const before = served.upstream.requests();
    expect(curl([`http://127.0.0.1:${served.port}/chat?x=1`])).toBe(`301 0 https://127.0.0.1:${served.port}/chat?x=1`);
    expect(curl(['-u', `${USER}:${PASSWORD}`, `http://127.0.0.1:${served.port}/`])).toBe(`301 0 https://127.0.0.1:${served.port}/`);
    expect(served.upstream.requests()).toBe(before);
  });

  test('the fingerprint the script leaves for the signal is the served certificate\'s', () => {
    const r = run('bash', ['-c', `openssl s_client -connect 127.0.0.1:${served.port} -servername x </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`]);
    expect(r.stdout.trim().replace(/^.*=/, '')).toBe(served.fingerprint);
    expect(served.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test('nginx does not tell its version', () => {
    const r = run('curl', ['-sS', '-D', '-', '-o', '/dev/null', '--cacert', served.certificate, `https://127.0.0.1:${served.port}/`]);
    expect(r.stdout).toMatch(/^Server: nginx\r?$/m);
    const page = run('curl', ['-sS', '--cacert', served.certificate, `https://127.0.0.1:${served.port}/`]).stdout;
    expect(page).not.toMatch(/nginx\/\d/);
  });

  test('a client beyond the burst gets 429 (rate limit on the authenticated location)', () => {
    const r = run('bash', ['-c', `for i in $(seq 1 60); do curl -s -o /dev/null -w '%{http_code}\\n' --cacert ${served.certificate} https://127.0.0.1:${served.port}/; done | sort | uniq -c`]);
    expect(r.stdout).toMatch(/\d+ 429/);
    expect(r.stdout).toMatch(/\d+ 401/);
  });

  test('a second run with the same names keeps the certificate (the fingerprint users pinned stays)', () => {
    const certBase = served.certificate.replace(/\.crt$/, '');
    const r = run('bash', ['-c', [
      'set -euo pipefail', 'ds_log() { echo "LOG $*"; }', 'ds_fail() { echo "FAIL $1"; exit 3; }',
      renderTlsGenerateFunction(), renderTlsNamesFunction(), `ds_tls_gen ${certBase} 60 chat.example.test 203.0.113.7`, `ds_tls_fp ${certBase}.crt`, 'echo "DATA=$ds_signal_data"',
    ].join('\n')]);
    expect(r.stdout).toContain(`LOG ${certBase}.crt kept`);
    expect(r.stdout).toContain(`DATA=${served.fingerprint}`);
  });

  test('names given without ds_tls_names (a script whose sites have no extra names) fail the step, not dropped silently', () => {
    const r = run('bash', ['-c', [
      'set -euo pipefail', 'ds_log() { :; }', 'ds_fail() { echo "FAIL $1"; exit 3; }',
      renderTlsGenerateFunction(), `ds_tls_gen ${served.dir}/nonames 30 chat.example.test`, 'echo "not reached"',
    ].join('\n')]);
    expect(r.status).toBe(127);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ds_tls_names: command not found');
    expect(fs.existsSync(`${served.dir}/nonames.crt`)).toBe(false);
  });

  test('a name that is neither an IPv4 address nor a DNS name fails the step', () => {
    const r = run('bash', ['-c', [
      'set -euo pipefail', 'ds_log() { :; }', 'ds_fail() { echo "FAIL $1"; exit 3; }',
      renderTlsGenerateFunction(), renderTlsNamesFunction(), `ds_tls_gen ${served.dir}/bad 30 'a b;$(id)'`,
    ].join('\n')]);
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 3, out: 'FAIL a TLS name is no IPv4 address or DNS name\n' });
    expect(fs.existsSync(`${served.dir}/bad.crt`)).toBe(false);
  });
});

describe('a given certificate (NginxTls.fromPem), with real bash and openssl', () => {
  const { NginxTls } = jest.requireActual('../../lib/script/nginx-tls') as typeof import('../../lib/script/nginx-tls');
  const dir = tmpDir('tls-pem-');
  const make = (args: string[]) => run('openssl', args);
  // A CA and a server certificate for chat.example.test signed by it, and another key.
  make(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Test CA', '-days', '2', '-keyout', `${dir}/ca.key`, '-out', `${dir}/ca.crt`]);
  make(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=chat.example.test', '-keyout', `${dir}/server.key`, '-out', `${dir}/server.csr`]);
  fs.writeFileSync(`${dir}/ext`, 'subjectAltName=DNS:chat.example.test\n');
  make(['x509', '-req', '-in', `${dir}/server.csr`, '-CA', `${dir}/ca.crt`, '-CAkey', `${dir}/ca.key`, '-CAcreateserial', '-days', '2', '-extfile', `${dir}/ext`, '-out', `${dir}/server.crt`]);
  make(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${dir}/other.key`]);

  const tls = NginxTls.fromPem({
    certificatePem: ScriptValue.fromToken('CertificatePem', 'c'),
    privateKeyPem: ScriptValue.fromToken('PrivateKeyPem', 'k', { secret: true }),
    caCertificatePem: ScriptValue.fromToken('CaPem', 'a'),
    serverName: 'chat.example.test',
  });
  const runPart = (key: string) => {
    const part = tls.parts(8443)[0];
    const text = [part.renderFunctions?.() ?? '', part.renderCommands()].join('\n').split('/etc/nginx/tls').join(`${dir}/tls`);
    return run('bash', ['-c', [
      'set -euo pipefail', 'ds_log() { echo "LOG $*"; }', 'ds_fail() { echo "FAIL $1"; exit 3; }',
      `certificate_pem=$(cat ${dir}/server.crt); private_key_pem=$(cat ${key}); ca_pem=$(cat ${dir}/ca.crt)`,
      text, 'echo "DATA=$ds_signal_data"',
    ].join('\n')]);
  };

  test('installs key 0600 and certificate, and leaves the certificate\'s fingerprint', () => {
    requireTool('openssl', 'openssl');
    const r = runPart(`${dir}/server.key`);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect((fs.statSync(`${dir}/tls/8443.key`).mode & 0o777).toString(8)).toBe('600');
    const fp = run('openssl', ['x509', '-in', `${dir}/server.crt`, '-noout', '-fingerprint', '-sha256']).stdout.trim().replace(/^.*=/, '');
    expect(r.stdout).toContain(`DATA=${fp}`);
    expect(fs.readFileSync(`${dir}/tls/8443.ca.crt`, 'utf8')).toBe(fs.readFileSync(`${dir}/ca.crt`, 'utf8'));
  });

  test('a key that does not match the certificate fails the step', () => {
    const r = runPart(`${dir}/other.key`);
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 3, out: 'FAIL the given private key for port 8443 does not match its certificate\n' });
  });
});
