import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { requireTool } from '../support/tools';

const SCRIPT = path.join(__dirname, '../../assets/image-build.sh');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Run { code: number | null; stderr: string; ms: number }

/** Runs the script asynchronously (the stand-in server lives in this process's event loop). */
function runScript(env: Record<string, string>): Promise<Run> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'img-build-'));
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPT], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', WORK_DIR: work, APP_LOG: path.join(work, 'app.log'), ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

describe('assets/image-build.sh', () => {
  beforeAll(() => {
    requireTool('curl', 'curl');
    requireTool('shellcheck', 'shellcheck');
  });

  test('bash -n parses it', () => {
    const r = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('shellcheck -S warning is clean', () => {
    const r = spawnSync('shellcheck', ['-S', 'warning', SCRIPT], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  test('hardening: strict mode, no insecure downloads, checksums, pinned pip', () => {
    const text = fs.readFileSync(SCRIPT, 'utf8');
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(text).not.toMatch(/--no-check-certificate|--insecure|curl -k\b|wget /);
    expect(text).toMatch(/sha256sum -c/);
    expect(text).toMatch(/--proto '=https'/);
    expect(text).not.toMatch(/\$\{|\{\{/);
  });

  test('health check fails the build when nothing answers, within the bounded time', async () => {
    const port = await freePort();
    const r = await runScript({ IMAGE_BUILD_STEPS: 'health_check', APP_PORT: String(port), HEALTH_TIMEOUT: '2', HEALTH_INTERVAL: '0.2' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`ERROR: app did not answer on http://127.0.0.1:${port}/ within 2 s; failing the image build`));
    expect(r.ms).toBeLessThan(15000);
  });

  test('health check passes when a stand-in server answers', async () => {
    const server = http.createServer((_req, res) => { res.end('ok'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await runScript({ IMAGE_BUILD_STEPS: 'health_check', APP_PORT: String(port), HEALTH_TIMEOUT: '10', HEALTH_INTERVAL: '0.2' });
      expect(r.stderr).toMatch(new RegExp(`app answered on http://127.0.0.1:${port}/`));
      expect(r.code).toBe(0);
    } finally {
      server.close();
    }
  });

  test('health check fails early when the app process has exited', async () => {
    const port = await freePort();
    const dead = spawnSync('bash', ['-c', 'sleep 0 & echo $!'], { encoding: 'utf8' }).stdout.trim();
    const r = await runScript({ IMAGE_BUILD_STEPS: 'health_check', APP_PORT: String(port), APP_PID: dead, HEALTH_TIMEOUT: '30', HEALTH_INTERVAL: '0.2' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERROR: app process [0-9]+ exited before answering/);
    expect(r.ms).toBeLessThan(10000);
  });

  test('start_app + health_check + stop_app run a stand-in app.py with the GRADIO_SERVER_* contract', async () => {
    requireTool('python3', 'python3');
    const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-app-'));
    fs.writeFileSync(path.join(appDir, 'app.py'), [
      'import http.server, os',
      "host, port = os.environ['GRADIO_SERVER_NAME'], int(os.environ['GRADIO_SERVER_PORT'])",
      'http.server.HTTPServer((host, port), http.server.SimpleHTTPRequestHandler).serve_forever()',
      '',
    ].join('\n'));
    const port = await freePort();
    const python = spawnSync('bash', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();
    const r = await runScript({
      IMAGE_BUILD_STEPS: 'start_app health_check stop_app', APP_DIR: appDir, APP_PORT: String(port),
      PYTHON_BIN: python, HEALTH_TIMEOUT: '20', HEALTH_INTERVAL: '0.2', HOME: process.env.HOME ?? '/root',
    });
    expect(r.stderr).toMatch(new RegExp(`app answered on http://127.0.0.1:${port}/`));
    expect(r.code).toBe(0);
    // stop_app stopped it: the port is free again
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer().once('error', reject).listen(port, '127.0.0.1', () => srv.close(() => resolve()));
    });
  });

  test('an unknown step is refused with the list of steps', async () => {
    const r = await runScript({ IMAGE_BUILD_STEPS: 'bogus' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown step 'bogus' in IMAGE_BUILD_STEPS; known steps: packages openssl python/);
  });
});
