/**
 * Helpers for the script, signal, network, compute and stack tests: synthesis in a fresh app,
 * real tools (bash, nginx, htpasswd, systemd-analyze, curl), and the deploy-time substitution ROS
 * performs on an Fn::Sub body (so the rendered script can be run by bash here).
 */
import { execFile, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { parseSubBody } from '../../lib/ros/sub';

/** A fresh app whose output goes to a new temporary directory. */
export function newApp(): ros.App {
  return new ros.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-chat-test-')), stackTraces: false });
}

/** The synthesized template of `stack`. */
export function synthTemplate(app: ros.App, stack: ros.Stack): any {
  return app.synth().getStackArtifact(stack.artifactId).template;
}

/** A new temporary directory. */
export function tmpDir(prefix = 'qwen-chat-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export { requireTool } from '../support/tools';

/** Run a program synchronously, with optional stdin. */
export function run(command: string, args: readonly string[], input?: string, env?: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(command, args, { encoding: 'utf8', input, env: env ?? process.env, timeout: 60000 });
}

/** Result of {@link runAsync}. */
export interface AsyncRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly millis: number;
}

/** Run a program without blocking the event loop (so an in-process HTTP server can answer it). */
export function runAsync(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<AsyncRun> {
  const start = Date.now();
  return new Promise((resolve) => {
    execFile(command, [...args], { encoding: 'utf8', env: env ?? process.env, timeout: 60000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as any).code === 'number' ? (error as any).code : 1) : 0;
      resolve({ code, stdout, stderr, millis: Date.now() - start });
    });
  });
}

/** Fn::Base64Encode as ROS renders it: MIME style, a newline every 76 characters and a trailing one. */
export function mimeBase64(value: string): string {
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  return (b64.match(/.{1,76}/g) ?? ['']).join('\n') + '\n';
}

/**
 * What ROS makes of `Fn::Sub [body, map]` at deploy time, for a map whose `<Name>Base64` values are
 * `Fn::Base64Encode` of the given plain values (the others, such as CurlCli, as is):
 * `${NameBase64}` -> the MIME base64 text, `${Name}` -> the value, `${!x}` -> `${x}`.
 */
export function substituteBody(body: string, plainValues: { [subVariable: string]: string }): string {
  return parseSubBody(body).map((part) => {
    if (part.kind === 'text') return part.text;
    if (!(part.name in plainValues)) {
      throw new Error(`test setup: no value for ${part.raw}`);
    }
    return part.name.endsWith('Base64') ? mimeBase64(plainValues[part.name]) : plainValues[part.name];
  }).join('');
}

/** A local HTTP server that records requests (method, url, headers, body) and answers with `answer`. */
export interface RecordingServer {
  readonly url: string;
  readonly requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/** Start a {@link RecordingServer} on 127.0.0.1 and a free port. */
export async function startServer(answer: (req: http.IncomingMessage) => { status: number; body?: string } = () => ({ status: 200 })): Promise<RecordingServer> {
  const requests: RecordingServer['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const a = answer(req);
      res.writeHead(a.status, { 'Content-Type': 'text/plain' });
      res.end(a.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as any).port as number;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `value` as a literal inside a RegExp. */
export function esc(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
