/**
 * Issue 15: every preset's rendered script, rehearsed with TLS (the default): one SUCCESS whose data is the
 * fingerprint of the certificate nginx serves, the site reached with that certificate pinned over TLS 1.3,
 * plain HTTP redirected. The TLS session of the default stack is printed (the closing note's transcript).
 */
import { QWEN_CHAT_PRESETS } from '../../lib/qwen-chat/presets';
import { renderDeployment } from '../../rehearsal/rendered-deployment';
import { runRehearsal } from '../../rehearsal/rehearsal-runner';
import { expectRehearsal } from './rendered-artifacts';

jest.setTimeout(180000);

const PASSWORD = 'Tls-Preset-Pw9';

describe.each(QWEN_CHAT_PRESETS.map((p) => [p.stackName, p] as const))('%s with TLS, rehearsed', (name, preset) => {
  test('one SUCCESS carrying the served certificate\'s fingerprint; 401/200 pinned; plain HTTP redirected', async () => {
    const d = renderDeployment({ stackProps: { model: preset.model }, parameters: { Password: PASSWORD } });
    expect(d.tlsCertificate).toBe(`/etc/nginx/tls/${d.listenPort}.crt`);
    const r = await runRehearsal({
      script: d.script,
      // the stand-in app goes where this preset's unit runs it
      appDirectory: preset.model.app.directory,
      appEntrypoint: preset.model.app.entrypoint,
      probe: { port: d.listenPort, userName: 'admin', password: PASSWORD, tlsCertificate: d.tlsCertificate },
      collectFiles: [`/etc/nginx/tls/${d.listenPort}.key`],
      secrets: [PASSWORD],
    });
    expectRehearsal(r, () => {
      console.log(`${name}: TLS session (openssl s_client -brief -CAfile <the generated certificate>):\n${r.probe?.tls?.session}\n`
        + `served certificate SHA-256 ${r.probe?.tls?.servedFingerprint}\nSUCCESS signal body: ${r.signals[0]?.body}\nplain HTTP: ${r.probe?.tls?.plainHttp}`);
      expect(r.signals.map((s) => s.status)).toEqual(['SUCCESS']);
      expect(JSON.parse(r.signals[0].body).data).toBe(r.probe?.tls?.servedFingerprint);
      expect(r.probe).toMatchObject({ noCredentials: '401', wrongPassword: '401', withCredentials: '200' });
      expect(r.probe?.tls?.session).toMatch(/Protocol version: TLSv1\.3\n/);
      expect(r.probe?.tls?.session).toMatch(/Verification: OK/);
      expect(r.probe?.tls?.plainHttp).toBe(`301 https://127.0.0.1:${d.listenPort}/`);
      expect(r.files[`/etc/nginx/tls/${d.listenPort}.key`]).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
      expect(r.argv.hits).toEqual([]);
      expect(r.deployLog).not.toContain(PASSWORD);
    });
  });
});
