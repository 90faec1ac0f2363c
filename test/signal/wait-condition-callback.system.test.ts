import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import * as ros from '@alicloud/ros-cdk-core';
import { DeployScript } from '../../lib/script/deploy-script';
import { ScriptCommands } from '../../lib/script/script-file';
import { WaitConditionCallback } from '../../lib/signal/wait-condition-callback';
import { newApp, requireTool, runAsync, substituteBody, tmpDir } from '../script/script-test-support';

/** A port nothing listens on (yet): connecting to it is refused. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * An endpoint on `port` answering each POST with the next status of `statuses` (the last one repeats); status 0:
 * the request is read and the connection closed without an answer (a reply lost on the way).
 */
function endpoint(port: number, statuses: number[]) {
  const bodies: { status: number; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const status = statuses[Math.min(bodies.length, statuses.length - 1)];
      bodies.push({ status, body });
      if (status === 0) {
        req.socket.destroy();
        return;
      }
      res.writeHead(status);
      res.end('{}');
    });
  });
  const listening = new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { bodies, listening, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Renders a one-step script signalling 127.0.0.1:port with the given delivery bound, and runs it with bash. */
async function runSignalling(port: number, deliveryTimeoutSeconds: number, commands = ['true']) {
  requireTool('curl', 'curl');
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const dir = tmpDir();
  const cb = new WaitConditionCallback(stack, 'Signal', { deliveryTimeoutSeconds });
  const script = new DeployScript({ signal: cb, logFile: path.join(dir, 'deploy.log') })
    .addParts(new ScriptCommands({ description: 'the step', commands }));
  const file = path.join(dir, 'header.sh');
  fs.writeFileSync(file, substituteBody(script.render().body, { CurlCli: `curl -X POST -H 'Content-Type: application/json' http://127.0.0.1:${port}/signal` }));
  const run = runAsync('bash', [file]);
  return { run, log: () => fs.readFileSync(path.join(dir, 'deploy.log'), 'utf8') };
}

describe('ds_signal delivery with this machine\'s curl (only options curl 7.29 has; no --retry-connrefused)', () => {
  test('an endpoint that refuses connections for 4 s, then accepts: the signal arrives once, and the log says so', async () => {
    const port = await freePort();
    const s = await runSignalling(port, 30);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const ep = endpoint(port, [200]);
    await ep.listening;
    try {
      const r = await s.run;
      expect({ code: r.code, statuses: ep.bodies.map((b) => JSON.parse(b.body).status) }).toEqual({ code: 0, statuses: ['SUCCESS'] });
      expect(s.log()).toMatch(/signal SUCCESS delivered\n$/);
      expect(r.millis).toBeGreaterThanOrEqual(4000);
    } finally {
      await ep.close();
    }
  });

  test('refusing for longer than the bound: the log says the signal was NOT delivered, and the script fails', async () => {
    const port = await freePort();
    const s = await runSignalling(port, 3);
    const r = await s.run;
    expect(r.code).toBe(1);
    expect(s.log()).toMatch(/signal SUCCESS NOT delivered \(curl exit 7, HTTP 000\): the WaitCondition waits for its timeout\n$/);
    expect(s.log()).not.toMatch(/delivered\n.*delivered/s);
    // bound 3 s + at most one more pause and try
    expect(r.millis).toBeLessThan(3000 + 30000 + 10000);
  });

  test('a FAILURE that cannot be delivered: the log says so (never "sent")', async () => {
    const port = await freePort();
    const s = await runSignalling(port, 2, ['false']);
    const r = await s.run;
    expect(r.code).toBe(1);
    expect(s.log()).toMatch(/FAILURE at step 1\/1 the step: step failed with exit code 1\n.*signal FAILURE NOT delivered \(curl exit 7, HTTP 000\)/);
  });

  test('HTTP 503 twice, then 200: retried with a pause, delivered once', async () => {
    const port = await freePort();
    const ep = endpoint(port, [503, 503, 200]);
    await ep.listening;
    try {
      const s = await runSignalling(port, 30);
      const r = await s.run;
      expect(r.code).toBe(0);
      expect(ep.bodies.map((b) => b.status)).toEqual([503, 503, 200]);
      // every try carries the same id (this machine's instance id, or host- and its host name)
      const ids = ep.bodies.map((b) => JSON.parse(b.body).id);
      expect(ids[0]).toMatch(/^(i-[A-Za-z0-9]{1,62}|host-[A-Za-z0-9._-]{0,59})$/);
      expect(new Set(ids).size).toBe(1);
      expect(s.log()).toMatch(/signal SUCCESS delivered\n$/);
      // pauses of 2 s and 4 s
      expect(r.millis).toBeGreaterThanOrEqual(6000);
    } finally {
      await ep.close();
    }
  });

  test('a reply lost on the way (connection closed after the request): sent again, with the same id', async () => {
    const port = await freePort();
    const ep = endpoint(port, [0, 200]);
    await ep.listening;
    try {
      const s = await runSignalling(port, 30);
      const r = await s.run;
      expect(r.code).toBe(0);
      expect(ep.bodies.map((b) => [b.status, JSON.parse(b.body).status])).toEqual([[0, 'SUCCESS'], [200, 'SUCCESS']]);
      expect(JSON.parse(ep.bodies[1].body).id).toBe(JSON.parse(ep.bodies[0].body).id);
      expect(s.log()).toMatch(/signal SUCCESS delivered\n$/);
    } finally {
      await ep.close();
    }
  });

  test('HTTP 400 (a request ROS will never accept): not retried, NOT delivered', async () => {
    const port = await freePort();
    const ep = endpoint(port, [400]);
    await ep.listening;
    try {
      const s = await runSignalling(port, 30);
      const r = await s.run;
      expect(r.code).toBe(1);
      expect(ep.bodies).toHaveLength(1);
      expect(s.log()).toMatch(/signal SUCCESS NOT delivered \(curl exit 0, HTTP 400\)/);
    } finally {
      await ep.close();
    }
  });
});
