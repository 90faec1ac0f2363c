import * as fs from 'fs';
import * as path from 'path';
import { LiveProxyReport, runLiveProxyCheck } from '../../rehearsal/live-proxy-check';
import { renderedArtifacts } from './rendered-artifacts';

const HAND_SITE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'nginx', 'hand-site.conf'), 'utf8');

function expectProxyWorks(report: LiveProxyReport, holdMs: number): void {
  const diag = JSON.stringify(report, null, 1);
  expect({ status: report.noCredentials.status, diag }).toEqual({ status: 401, diag });
  expect(report.wrongPassword.status).toBe(401);
  expect(report.wrongUser.status).toBe(401);
  expect(report.rightCredentials.status).toBe(200);
  expect(report.rightCredentials.body).toMatch(/^stand-in upstream ok GET \//);
  expect(report.websocket.status).toBe(101);
  expect(report.websocket.acceptOk).toBe(true);
  expect(report.websocket.opcode).toBe(1);
  expect(report.websocket.echoed).toBe('hello through nginx');
  expect(report.websocketNoCredentials.status).toBe(401);
  expect(report.sse.status).toBe(200);
  expect(report.sse.events[0]).toMatch(/^data: first/);
  // no buffering: the first event arrives long before the upstream ends the response
  expect(report.sse.firstEventMs).toBeLessThan(holdMs / 2);
  expect(report.sse.endMs).toBeGreaterThanOrEqual(holdMs - 100);
}

describe('live nginx with a stand-in upstream (own network namespace)', () => {
  test('hand-written control site', () => {
    const report = runLiveProxyCheck({
      site: HAND_SITE, sitePath: '/etc/nginx/conf.d/hand.conf', htpasswdPath: '/etc/nginx/hand-password',
      userName: 'alice', password: 'Hand-Secret-1', sseHoldMs: 2000,
    });
    expectProxyWorks(report, 2000);
  });

  test('the rendered site of the stack', () => {
    const a = renderedArtifacts();
    const report = runLiveProxyCheck({
      site: a.site, sitePath: a.sitePath, htpasswdPath: a.htpasswdPath,
      userName: 'admin', password: 'Rendered-Secret-9', sseHoldMs: 2000,
    });
    expectProxyWorks(report, 2000);
  });
});
