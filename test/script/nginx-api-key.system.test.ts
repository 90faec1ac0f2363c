/**
 * The rendered API-key site in real nginx, in front of the stand-in OpenAI-compatible server
 * (rehearsal/stand-ins/openai-server.py: it speaks vLLM's wire protocol and says it is a stand-in; vLLM
 * and a GPU are not run here), driven by the real `openai` npm client. The site serves TLS (the default,
 * issue 15) with a certificate made by the script's own `ds_tls_gen` (real bash and openssl); every client
 * trusts only that certificate (pinned, as the stack's CurlExample output does with `--cacert`).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import OpenAI from 'openai';
import { minimalNginxConf } from '../../rehearsal/artifact-checks';
import { NginxApiKey } from '../../lib/script/nginx-api-key';
import { renderTlsGenerateFunction, TLS_DIRECTORY } from '../../lib/script/nginx-tls';
import { ScriptValue } from '../../lib/script/script-value';
import { pinnedFetch } from '../support/pinned-fetch';
import { requireTool } from '../support/tools';

const STAND_IN = path.resolve(__dirname, '..', '..', 'rehearsal', 'stand-ins', 'openai-server.py');
const MODEL = 'Qwen3-8B';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(url: string, headers: Record<string, string> = {}, get: typeof fetch = fetch): Promise<void> {
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const r = await get(url, { headers });
      if (r.status > 0) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface LogLine { t: number; event: string; method?: string; path?: string; authorization?: boolean }

describe('NginxApiKey site in real nginx with the openai client', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'api-key-site-'));
  const standInLog = path.join(work, 'standin.jsonl');
  const key = crypto.randomBytes(36).toString('base64url'); // 48 characters of A-Za-z0-9_-
  const transcript: string[] = [];
  let standIn: ChildProcess | undefined;
  let nginx: ChildProcess | undefined;
  let baseURL = '';
  let proxy: NginxApiKey;
  /** fetch trusting only the certificate the site serves. */
  let get: typeof fetch = fetch;
  let certificate = '';

  const logLines = (): LogLine[] => (fs.existsSync(standInLog) ? fs.readFileSync(standInLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const requests = () => logLines().filter((l) => l.event === 'request');

  beforeAll(async () => {
    const nginxBin = requireTool('nginx', 'nginx');
    requireTool('python3', 'python3');
    const [listenPort, upstreamPort] = [await freePort(), await freePort()];
    standIn = spawn('python3', [STAND_IN, '--model', '/models/Qwen/Qwen3-8B', '--served-model-name', MODEL, '--port', String(upstreamPort),
      '--max-model-len', '32768', '--tensor-parallel-size', '1', '--gpu-memory-utilization', '0.9', '--reasoning-parser', 'qwen3',
      '--enable-auto-tool-choice', '--tool-call-parser', 'hermes'], { env: { ...process.env, STANDIN_LOG: standInLog, STANDIN_CHUNK_DELAY: '0.25' }, stdio: 'pipe' });
    await waitFor(`http://127.0.0.1:${upstreamPort}/health`);

    const prefix = path.join(work, 'nginx');
    for (const d of ['logs', 'tmp-body', 'tmp-proxy', 'tmp-fastcgi', 'tmp-uwsgi', 'tmp-scgi']) fs.mkdirSync(path.join(prefix, d), { recursive: true });
    proxy = new NginxApiKey({
      apiKey: ScriptValue.fromToken('ApiKey', 'unused', { secret: true }),
      listenPort, upstreamPort,
      sitePath: path.join(prefix, 'site.conf'),
      keyMapPath: path.join(prefix, 'api-key.map'),
    });
    // The certificate, made by the script's function as rendered (the metadata service is out of reach here:
    // the names are 127.0.0.1 and this machine's addresses).
    const certBase = path.join(prefix, 'tls', String(listenPort));
    const gen = spawnSync('bash', ['-c', ['set -euo pipefail', 'ds_log() { :; }', 'ds_fail() { echo "FAIL $1" >&2; exit 3; }',
      renderTlsGenerateFunction(), `ds_tls_gen ${certBase} 2`].join('\n')], { encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`ds_tls_gen failed: ${gen.stderr}`);
    certificate = fs.readFileSync(`${certBase}.crt`, 'utf8');
    get = pinnedFetch(certificate);
    fs.writeFileSync(proxy.sitePath, proxy.renderSite().split(`${TLS_DIRECTORY}/${listenPort}.`).join(`${certBase}.`));
    fs.writeFileSync(proxy.keyMapPath, proxy.renderKeyMap(key), { mode: 0o600 });
    fs.writeFileSync(path.join(prefix, 'nginx.conf'), `user root;\n${minimalNginxConf(prefix, proxy.sitePath)}`);
    const t = spawnSync(nginxBin, ['-t', '-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'logs/error.log')], { encoding: 'utf8' });
    if (t.status !== 0) throw new Error(`nginx -t rejected the rendered site:\n${t.stderr}`);
    nginx = spawn(nginxBin, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'logs/error.log'), '-g', 'daemon off;'], { stdio: 'pipe' });
    baseURL = `https://127.0.0.1:${listenPort}/v1`;
    await waitFor(`${baseURL}/models`, {}, get);
  });

  afterAll(() => {
    nginx?.kill('SIGTERM');
    standIn?.kill('SIGTERM');
    if (process.env.OPENAI_TRANSCRIPT) fs.writeFileSync(process.env.OPENAI_TRANSCRIPT, transcript.join('\n') + '\n');
  });

  test('the stand-in says it is a stand-in', () => {
    const help = spawnSync('python3', [STAND_IN, '--help'], { encoding: 'utf8' });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain("stand-in OpenAI-compatible server (speaks vLLM's wire protocol; it is not vLLM and has no model)");
  });

  test('with the key, the client lists the model', async () => {
    const client = new OpenAI({ apiKey: key, baseURL, fetch: get });
    const models = await client.models.list();
    const ids = models.data.map((m) => m.id);
    transcript.push(`models.list() -> ${JSON.stringify(ids)}`);
    expect(ids).toEqual([MODEL]);
    // the upstream never saw the key: nginx drops the Authorization header
    expect(requests().every((r) => r.authorization === false)).toBe(true);
  });

  test('with the key, a streamed chat completion arrives chunk by chunk, the first before the stand-in finishes', async () => {
    const client = new OpenAI({ apiKey: key, baseURL, fetch: get });
    const started = Date.now();
    const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Say OK.' }], stream: true });
    const tokens: { text: string; at: number }[] = [];
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) tokens.push({ text, at: Date.now() });
    }
    const end = logLines().filter((l) => l.event === 'stream-end').pop()!;
    transcript.push(`chat.completions.create(stream: true) -> ${tokens.length} chunks: ${tokens.map((t) => `${JSON.stringify(t.text)}@${t.at - started}ms`).join(' ')}`);
    transcript.push(`stand-in finished the stream at ${Math.round(end.t * 1000) - started}ms; first chunk at ${tokens[0].at - started}ms`);
    expect(tokens.map((t) => t.text).join('')).toBe('OK, this is the stand-in answering instead of a model.');
    expect(tokens.length).toBeGreaterThan(5);
    // 10 words, 250 ms apart: with buffering, every chunk would arrive after the stand-in's end.
    expect(tokens[0].at).toBeLessThan(end.t * 1000 - 1000);
  });

  test('a non-streamed completion comes back whole', async () => {
    const client = new OpenAI({ apiKey: key, baseURL, fetch: get });
    const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Say OK.' }] });
    transcript.push(`chat.completions.create() -> ${JSON.stringify(r.choices[0].message.content)} (${r.object})`);
    expect(r.object).toBe('chat.completion');
  });

  test.each([
    ['a wrong key', { Authorization: 'Bearer wrong-key-0123456789-0123456789-0123456789' }],
    ['the key in another case', { Authorization: () => `Bearer ${key.toUpperCase() === key ? key.toLowerCase() : key.toUpperCase()}` }],
    ['no key', {}],
    ['Basic instead of Bearer', { Authorization: () => `Basic ${key}` }],
  ])('%s gets 401 with WWW-Authenticate: Bearer, and the stand-in sees no request', async (_name, h) => {
    const before = requests().length;
    const headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, typeof v === 'function' ? v() : v])) as Record<string, string>;
    for (const [method, p] of [['GET', '/models'], ['POST', '/chat/completions']]) {
      const r = await get(`${baseURL}${p}`, { method, headers: { ...headers, 'Content-Type': 'application/json' }, body: method === 'POST' ? JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }) : undefined });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(((await r.json()) as any).error.code).toBe('invalid_api_key');
    }
    expect(requests().length).toBe(before);
  });

  test('the openai client with a wrong key gets an AuthenticationError (401), and the stand-in sees nothing', async () => {
    const before = requests().length;
    const client = new OpenAI({ apiKey: 'wrong-key-0123456789-0123456789-0123456789', baseURL, maxRetries: 0, fetch: get });
    const err: any = await client.models.list().then(() => undefined, (e: unknown) => e);
    transcript.push(`models.list() with a wrong key -> ${err?.constructor?.name} ${err?.status}`);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.status).toBe(401);
    expect(requests().length).toBe(before);
  });

  test('paths outside /v1 answer 401 even with the key', async () => {
    const r = await get(baseURL.replace('/v1', '/health'), { headers: { Authorization: `Bearer ${key}` } });
    expect(r.status).toBe(401);
  });

  test('TLS: a client without the pin refuses the certificate; plain HTTP on the port is redirected and reaches nothing', async () => {
    const before = requests().length;
    const unpinned: any = await fetch(`${baseURL}/models`, { headers: { Authorization: `Bearer ${key}` } }).then(() => undefined, (e: any) => e);
    expect(String(unpinned?.cause?.code ?? unpinned)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    const plain = await fetch(`${baseURL.replace('https:', 'http:')}/models`, { headers: { Authorization: `Bearer ${key}` }, redirect: 'manual' });
    expect({ status: plain.status, location: plain.headers.get('location') }).toEqual({ status: 301, location: `${baseURL}/models` });
    expect(requests().length).toBe(before);
    transcript.push(`TLS: unpinned client -> ${unpinned?.cause?.code}; plain HTTP -> ${plain.status} ${plain.headers.get('location')}`);
  });

  test('nginx logged no key', () => {
    const logs = ['access.log', 'error.log'].map((f) => fs.readFileSync(path.join(work, 'nginx', 'logs', f), 'utf8')).join('\n');
    expect(logs).not.toContain(key);
    expect(fs.readFileSync(standInLog, 'utf8')).not.toContain(key);
  });
});
