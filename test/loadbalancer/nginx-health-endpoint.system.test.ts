/**
 * The rendered health endpoint in real nginx, in front of a local app that is up, down, slow or
 * answering 401: /healthz gives 200 only while the app answers 2xx, and never passes on anything
 * of the app's answer.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { NginxHealthEndpoint } from '../../lib/loadbalancer/nginx-health-endpoint';
import { requireTool, run, tmpDir } from '../script/script-test-support';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function get(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers, timeout: 15000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** The local app: its answer is switched by the test; it records what it was sent. */
let mode: 'up' | 'unauthorized' | 'slow' = 'up';
const seen: http.IncomingHttpHeaders[] = [];
let app: http.Server | undefined;
let appPort = 0;
let healthPort = 0;
let dir = '';

async function startApp(): Promise<void> {
  app = http.createServer((req, res) => {
    seen.push(req.headers);
    if (mode === 'slow') return; // never answers
    if (mode === 'unauthorized') {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Qwen Chat"', 'X-App-Secret': 'leak' });
      res.end('credentials please');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html', 'X-App-Secret': 'leak', 'Set-Cookie': 'session=app' });
    res.end('<html>THE APP UI</html>');
  });
  await new Promise<void>((resolve) => app!.listen(appPort, '127.0.0.1', resolve));
}

async function stopApp(): Promise<void> {
  if (!app) return;
  app.closeAllConnections();
  await new Promise<void>((resolve) => app!.close(() => resolve()));
  app = undefined;
}

beforeAll(async () => {
  requireTool('nginx', 'nginx');
  appPort = await freePort();
  healthPort = await freePort();
  dir = tmpDir('qwen-healthz-');
  const site = new NginxHealthEndpoint({ appPort, port: healthPort }).renderSite();
  fs.writeFileSync(path.join(dir, 'site.conf'), site);
  fs.mkdirSync(path.join(dir, 'html'));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), [
    'worker_processes 1;', `error_log ${dir}/error.log;`, `pid ${dir}/nginx.pid;`, 'events {}', 'http {',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp;`),
    `  root ${dir}/html;`, `  include ${dir}/site.conf;`, '}', '',
  ].join('\n'));
  const t = run('nginx', ['-t', '-p', dir, '-c', `${dir}/nginx.conf`]);
  expect(t.stderr).toMatch(/test is successful/);
  const started = run('nginx', ['-p', dir, '-c', `${dir}/nginx.conf`]);
  expect(started.status).toBe(0);
}, 30000);

afterAll(async () => {
  await stopApp();
  if (dir) {
    run('nginx', ['-p', dir, '-c', `${dir}/nginx.conf`, '-s', 'stop']);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the health endpoint in real nginx', () => {
  test('app down: 503 "down"', async () => {
    const r = await get(healthPort, '/healthz');
    expect([r.status, r.body]).toEqual([503, 'down\n']);
  });

  test('app up: 200 "ok" and nothing of the app\'s answer (no page, no header, no cookie)', async () => {
    mode = 'up';
    await startApp();
    const r = await get(healthPort, '/healthz');
    expect([r.status, r.body]).toEqual([200, 'ok\n']);
    expect(r.headers['x-app-secret']).toBeUndefined();
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers.server).toBe('nginx');
  });

  test('credentials sent to /healthz never reach the app, and the answer does not depend on them', async () => {
    seen.length = 0;
    const withCreds = await get(healthPort, '/healthz', { Authorization: `Basic ${Buffer.from('admin:Passw0rd!').toString('base64')}`, Cookie: 'c=1' });
    const wrongCreds = await get(healthPort, '/healthz', { Authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` });
    const none = await get(healthPort, '/healthz');
    expect([withCreds, wrongCreds, none].map((r) => [r.status, r.body])).toEqual([[200, 'ok\n'], [200, 'ok\n'], [200, 'ok\n']]);
    expect(seen.map((h) => [h.authorization, h.cookie])).toEqual([[undefined, undefined], [undefined, undefined], [undefined, undefined]]);
    expect(seen.every((h) => h['www-authenticate'] === undefined)).toBe(true);
  });

  test('the app answering 401 (its own auth) is "down", without its realm or text', async () => {
    mode = 'unauthorized';
    const r = await get(healthPort, '/healthz');
    expect([r.status, r.body]).toEqual([503, 'down\n']);
    expect(r.headers['www-authenticate']).toBeUndefined();
    expect(r.headers['x-app-secret']).toBeUndefined();
  });

  test('an app that does not answer within 3 s is "down"', async () => {
    mode = 'slow';
    const start = Date.now();
    const r = await get(healthPort, '/healthz');
    expect([r.status, r.body]).toEqual([503, 'down\n']);
    expect(Date.now() - start).toBeLessThan(10000);
  }, 20000);

  test('nothing else is served: other paths and the internal probe location are 404', async () => {
    mode = 'up';
    for (const p of ['/', '/.app-probe', '/healthz/', '/healthzx', '/index.html']) {
      const r = await get(healthPort, p);
      expect({ p, status: r.status, body: r.body.includes('THE APP UI') }).toEqual({ p, status: 404, body: false });
    }
  });

  test('app stopped again: back to 503', async () => {
    await stopApp();
    const r = await get(healthPort, '/healthz');
    expect(r.status).toBe(503);
  });
});
