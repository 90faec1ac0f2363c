import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { verifyHtpasswd } from '../../rehearsal/artifact-checks';
import { renderDeployment } from '../../rehearsal/rendered-deployment';
import { AppStandIn, RehearsalResult, runRehearsal } from '../../rehearsal/rehearsal-runner';

jest.setTimeout(180000);

const PASSWORD = 'Rehearsal-Pw-7';

function summary(r: RehearsalResult): string {
  return `exit ${r.exitCode} in ${r.durationMs} ms; signals ${JSON.stringify(r.signals)}\n--- output\n${r.output}\n--- systemctl\n${r.systemctlCalls.join('\n')}\n--- wrapper\n${r.wrapperOutput}`;
}

describe('full rehearsal of the rendered script (namespaces, stand-ins for systemctl, CurlCli and the app)', () => {
  test('an app that answers: exactly one SUCCESS, and the endpoint answers through nginx with the credentials', async () => {
    const d = renderDeployment({ parameters: { Password: PASSWORD } });
    const r = await runRehearsal({
      script: d.script,
      probe: { port: d.listenPort, userName: 'admin', password: PASSWORD },
      collectFiles: [d.htpasswdPath, d.unitPath, d.sitePath],
      secrets: [PASSWORD],
    });
    console.log(`SUCCESS scenario: ${summary(r)}`);
    expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
    expect(r.signals[0].contentType).toBe('application/json');
    expect(r.exitCode).toBe(0);
    expect(r.probe).toEqual({ noCredentials: '401', wrongPassword: '401', withCredentials: '200', body: 'stand-in app ok\n' });
    // the files the script wrote are the rendered artifacts, and the htpasswd file verifies
    expect(r.files[d.unitPath]).toBe(d.unit);
    expect(r.files[d.sitePath]).toBe(d.site);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-htpasswd-'));
    try {
      fs.writeFileSync(path.join(dir, 'password'), r.files[d.htpasswdPath]);
      expect(r.files[d.htpasswdPath]).toMatch(/^admin:\$6\$/);
      expect(verifyHtpasswd(path.join(dir, 'password'), 'admin', PASSWORD)).toBe(true);
      expect(verifyHtpasswd(path.join(dir, 'password'), 'admin', 'Another-Pw-8')).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(r.systemctlCalls).toEqual(expect.arrayContaining(['systemctl daemon-reload', `systemctl reenable ${d.unitName}`, `systemctl restart ${d.unitName}`, 'systemctl restart nginx']));
    // the secret never reached argv, the output or the log
    expect(r.argv.samples).toBeGreaterThan(20);
    expect(r.argv.hits).toEqual([]);
    expect(r.output).not.toContain(PASSWORD);
    expect(r.deployLog).not.toContain(PASSWORD);
    // the host was not written
    expect(fs.existsSync(d.unitPath)).toBe(false);
    expect(fs.existsSync(d.htpasswdPath)).toBe(false);
  });

  test('an app that never answers: FAILURE with a reason within the health-check budget, never SUCCESS', async () => {
    const budget = 8;
    const d = renderDeployment({ stackProps: { appCheckTimeoutSeconds: budget }, parameters: { Password: PASSWORD } });
    const r = await runRehearsal({ script: d.script, app: AppStandIn.SILENT, timeoutMs: 120000 });
    console.log(`silent app scenario (budget ${budget}s): ${summary(r)}`);
    expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
    expect(r.signals[0].reason).toMatch(/7860.*not 200.*within 8s/);
    expect(r.exitCode).not.toBe(0);
    // probe timeout (10 s) + one interval (10 s) is the most the loop can overrun its budget
    expect(r.signals[0].atMs).toBeGreaterThanOrEqual(budget * 1000);
    expect(r.signals[0].atMs).toBeLessThan((budget + 10 + 10 + 5) * 1000);
  });

  test('a failing step (nginx config rejected): FAILURE with a reason', async () => {
    const d = renderDeployment({ parameters: { Password: PASSWORD } });
    const r = await runRehearsal({ script: d.script, extraFiles: { '/etc/nginx/conf.d/broken.conf': 'this is not nginx;\n' } });
    console.log(`nginx rejected scenario: ${summary(r)}`);
    expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
    expect(r.signals[0].reason).toMatch(/nginx -t rejected the configuration/);
  });

  // Regression: the EXIT trap once nested `${rc}` inside `${reason:-...}`, which Fn::Sub turns into
  // `${!rc}` (indirect expansion); under `set -u` the trap died and no FAILURE was sent.
  test('a step that fails without its own reason (systemctl restart of the app fails): FAILURE with the exit code', async () => {
    const d = renderDeployment({ parameters: { Password: PASSWORD } });
    // no python at the unit's ExecStart path: the stand-in systemctl cannot start the unit
    const r = await runRehearsal({ script: d.script, pythonPath: '/usr/local/python3/bin/python3-absent' });
    console.log(`unit start fails scenario: ${summary(r)}`);
    expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
    expect(r.signals[0].reason).toMatch(/start service .*exit code 1/);
  });
});

test('the host tools the rehearsal relies on exist', () => {
  expect(execFileSync('unshare', ['--version']).toString()).toMatch(/util-linux/);
});
