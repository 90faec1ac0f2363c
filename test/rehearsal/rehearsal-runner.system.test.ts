import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';
import { verifyHtpasswd } from '../../rehearsal/artifact-checks';
import { renderDeployment } from '../../rehearsal/rendered-deployment';
import { AppStandIn, RehearsalResult, runRehearsal } from '../../rehearsal/rehearsal-runner';
import { expectRehearsal } from './rendered-artifacts';

jest.setTimeout(180000);

const PASSWORD = 'Rehearsal-Pw-7';
const DEPLOYMENT = renderDeployment({ parameters: { Password: PASSWORD } });

/** When the app's first run ended (the systemctl stand-in's journal), in ms after the script started. */
function firstExitMs(r: RehearsalResult): number {
  const e = (r.journal['tongyi.service'] ?? []).find((x) => x.source === 'systemd' && /main process exited/.test(x.message));
  if (!e) throw new Error('the app never exited');
  return e.atMs;
}

describe('full rehearsal of the rendered script (namespaces, stand-ins for systemctl, journalctl, nvidia-smi, CurlCli and the app)', () => {
  test('an app that answers: exactly one SUCCESS, and the endpoint answers through nginx with the credentials', async () => {
    const d = DEPLOYMENT;
    const r = await runRehearsal({
      script: d.script,
      probe: { port: d.listenPort, userName: 'admin', password: PASSWORD, tlsCertificate: d.tlsCertificate },
      collectFiles: [d.htpasswdPath, d.unitPath, d.sitePath],
      secrets: [PASSWORD],
    });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
      expect(r.signals[0].contentType).toBe('application/json');
      expect(r.exitCode).toBe(0);
      expect(r.probe).toMatchObject({ noCredentials: '401', wrongPassword: '401', withCredentials: '200', body: 'stand-in app ok\n' });
      // TLS (issue 15): the SUCCESS signal carries the fingerprint of the certificate nginx serves
      console.log(`TLS session (openssl s_client -brief, the certificate pinned):\n${r.probe?.tls?.session}\nserved certificate SHA-256: ${r.probe?.tls?.servedFingerprint}\nSUCCESS signal: ${r.signals[0].body}\nplain HTTP on the TLS port: ${r.probe?.tls?.plainHttp}`);
      expect(r.probe?.tls?.servedFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(JSON.parse(r.signals[0].body).data).toBe(r.probe?.tls?.servedFingerprint);
      expect(r.probe?.tls?.session).toMatch(/Protocol version: TLSv1\.3/);
      expect(r.probe?.tls?.session).toMatch(/Verification: OK/);
      expect(r.probe?.tls?.plainHttp).toBe(`301 https://127.0.0.1:${d.listenPort}/`);
      // the files the script wrote are the rendered artifacts, and the htpasswd file verifies
      expect(r.files[d.unitPath]).toBe(d.unit);
      expect(r.files[d.sitePath]).toBe(d.site);
      expect(r.files[d.htpasswdPath]).toMatch(/^admin:\$6\$/);
      expect(r.systemctlCalls).toEqual(expect.arrayContaining(['systemctl daemon-reload', `systemctl reenable ${d.unitName}`, `systemctl restart ${d.unitName}`, 'systemctl restart nginx']));
      // every step is in the deploy log, and the signal's delivery
      expect(r.deployLog).toMatch(/step 1\/10 pre-flight checks\n(.*\n)*.*step 10\/10 the app answers through nginx on port 5000\n(.*\n)*.*signal SUCCESS delivered\n$/);
      // the instance keeps the script that ran, readable, beside its log
      expect(r.scriptCopy).toBe(/^ds_script=.*\n([\s\S]*)$/m.exec(expandEmbeddedScripts(d.script))![1]);
      // the secret never reached argv, the output or the log
      expect(r.argv.samples).toBeGreaterThan(20);
      expect(r.argv.hits).toEqual([]);
      expect(r.output).not.toContain(PASSWORD);
      expect(r.deployLog).not.toContain(PASSWORD);
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-htpasswd-'));
    try {
      fs.writeFileSync(path.join(dir, 'password'), r.files[d.htpasswdPath]);
      expect(verifyHtpasswd(path.join(dir, 'password'), 'admin', PASSWORD)).toBe(true);
      expect(verifyHtpasswd(path.join(dir, 'password'), 'admin', 'Another-Pw-8')).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // the host was not written
    expect(fs.existsSync(d.unitPath)).toBe(false);
    expect(fs.existsSync(d.htpasswdPath)).toBe(false);
  });

  test.each([['219'], ['current']] as const)('an app that crashes at once (systemd %s): FAILURE within 3 minutes of its first exit, naming its error line; the unit is stopped', async (systemdVersion) => {
    const r = await runRehearsal({ script: DEPLOYMENT.script, app: AppStandIn.CRASHING, systemdVersion, secrets: [PASSWORD] });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      // the error line, and perhaps the first line of the restart that began before the watch saw the exit
      expect(r.signals[0].reason).toMatch(/^8\/10 the app answers on 127\.0\.0\.1:7860: tongyi\.service exited [2-9] times \(now \w+\); its last lines: .*ModuleNotFoundError: No module named 'rehearsal_missing_module_42'(\|loading the model \(stand-in\))?$/);
      expect(r.signals[0].atMs - firstExitMs(r)).toBeLessThan(180000);
      expect(r.systemctlCalls[r.systemctlCalls.length - 1]).toBe('systemctl stop tongyi.service');
      // while it loaded, its latest line went to the deploy log (which line depends on when the probe looked)
      expect(r.deployLog).toMatch(/tongyi\.service: (loading the model \(stand-in\)|ModuleNotFoundError: No module named 'rehearsal_missing_module_42')\n/);
      expect(r.deployLog).toMatch(/signal FAILURE delivered\n$/);
    });
  });

  test('an app that prints a token and a password before it crashes: neither is in the reason or the log', async () => {
    const r = await runRehearsal({ script: DEPLOYMENT.script, app: AppStandIn.CRASHING, appLeaksSecret: true });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      expect(r.signals[0].reason).toContain('RuntimeError: hub login failed for token <redacted> with password=<redacted>');
      for (const secret of ['hf_Re4rsalT0kenAbCdEf1234567890XyZ', 'Rehearsal-Leak-42']) {
        expect(r.signals[0].body).not.toContain(secret);
        expect(r.deployLog).not.toContain(secret);
      }
      // the stand-in journal did get them: the redaction is the script's
      expect(JSON.stringify(r.journal)).toContain('hf_Re4rsalT0kenAbCdEf1234567890XyZ');
    });
  });

  test.each([
    ['no nvidia-smi', 'missing', /^1\/10 pre-flight checks: no GPU or no working driver \(nvidia-smi: failed: .*nvidia-smi: command not found\); use a GPU instance type and an image with its driver$/],
    ['a driver that does not answer', 'failing', /^1\/10 pre-flight checks: no GPU or no working driver \(nvidia-smi: failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\. .*\)/],
    ['too little GPU memory', '15360', /^1\/10 pre-flight checks: GPU memory too small: Qwen-14B-Chat \(bf16\) needs 42\.9 GiB, the 1 GPUs have 15360 MiB; choose an instance type with more$/],
    // 24 GPUs of 1800 MiB hold 42.9 GiB in total, but each is under the model's 2 GiB per-GPU floor (1912 MiB with ECC)
    ['GPUs with enough memory in total but too little on each', Array(24).fill('1800').join(' '),
      /^1\/10 pre-flight checks: GPU memory too small: Qwen-14B-Chat \(bf16\) needs 42\.9 GiB and 2 GiB on each GPU, the smallest of the 24 GPUs has 1800 MiB; choose an instance type with more$/],
  ])('%s: FAILURE at the pre-flight step within 30 s, before anything is changed', async (_name, gpus, reason) => {
    const r = await runRehearsal({ script: DEPLOYMENT.script, gpus });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      expect(r.signals[0].reason).toMatch(reason);
      expect(r.signals[0].atMs).toBeLessThan(30000);
      expect(r.systemctlCalls).toEqual([]);
    });
  });

  test('a port another program holds: FAILURE at the pre-flight step naming the port and the program', async () => {
    const r = await runRehearsal({ script: DEPLOYMENT.script, occupyPorts: [7860] });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      expect(r.signals[0].reason).toMatch(/^1\/10 pre-flight checks: port 7860 is taken: LISTEN .*users:\(\("python3",pid=\d+,fd=\d+\)\); stop that program or use another port$/);
    });
  });

  test('an app that loads slowly but well: SUCCESS, no false crash, its progress lines in the deploy log', async () => {
    const r = await runRehearsal({ script: DEPLOYMENT.script, app: AppStandIn.SLOW, appLoadSeconds: 25 });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
      expect(r.signals[0].atMs).toBeGreaterThan(25000);
      expect(r.deployLog).toMatch(/tongyi\.service: Loading checkpoint shards: step \d+ \(\d+ s\)\n(.*\n)*.*tongyi\.service: Loading checkpoint shards: step \d+ \(\d+ s\)\n/);
      expect(r.systemctlCalls).not.toContain('systemctl stop tongyi.service');
    });
  });

  test('an app that never answers: FAILURE with a reason within the health-check budget, never SUCCESS', async () => {
    const budget = 8;
    const d = renderDeployment({ stackProps: { appCheckTimeoutSeconds: budget }, parameters: { Password: PASSWORD } });
    const r = await runRehearsal({ script: d.script, app: AppStandIn.SILENT, timeoutMs: 120000 });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      expect(r.signals[0].reason).toMatch(/7860\/ answered 000, not 200, within 8s/);
      expect(r.exitCode).not.toBe(0);
      // probe timeout (10 s) + one interval (10 s) is the most the loop can overrun its budget
      expect(r.signals[0].atMs).toBeGreaterThanOrEqual(budget * 1000);
      expect(r.signals[0].atMs).toBeLessThan((budget + 10 + 10 + 5) * 1000);
    });
  });

  test('a failing step (nginx config rejected): FAILURE with a reason', async () => {
    const r = await runRehearsal({ script: DEPLOYMENT.script, extraFiles: { '/etc/nginx/conf.d/broken.conf': 'this is not nginx;\n' } });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      expect(r.signals[0].reason).toMatch(/nginx -t rejected the configuration/);
    });
  });

  // Regression: the EXIT trap once nested `${rc}` inside `${reason:-...}`, which Fn::Sub turns into
  // `${!rc}` (indirect expansion); under `set -u` the trap died and no FAILURE was sent.
  test('a step that fails without its own reason (systemctl restart of the app fails): FAILURE with the exit code', async () => {
    // no python at the unit's ExecStart path: the stand-in systemctl cannot start the unit
    const r = await runRehearsal({ script: DEPLOYMENT.script, pythonPath: '/usr/local/python3/bin/python3-absent' });
    expectRehearsal(r, () => {
      expect(r.signals.map((s) => s.status)).toEqual(['FAILURE']);
      expect(r.signals[0].reason).toMatch(/start tongyi\.service: step failed with exit code 1/);
    });
  });
});

test('the host tools the rehearsal relies on exist', () => {
  expect(execFileSync('unshare', ['--version']).toString()).toMatch(/util-linux/);
});
