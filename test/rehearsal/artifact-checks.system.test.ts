import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  checkBashSyntax, checkNginxSite, checkShellcheck, checkSystemdUnit, requireTool, unitDirective, verifyHtpasswd,
} from '../../rehearsal/artifact-checks';
import { expandEmbeddedScripts } from '../../lib/ros/script-encoding';
import { renderedArtifacts } from './rendered-artifacts';

const HAND_SITE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'nginx', 'hand-site.conf'), 'utf8');

describe('tool harness (controls: each check can fail)', () => {
  test('a missing tool fails naming the install step', () => {
    expect(() => requireTool('no-such-tool-qwen', 'no-such-package')).toThrow(/apt-get install -y no-such-package/);
  });
  test('bash -n and shellcheck reject broken scripts', () => {
    expect(checkBashSyntax('#!/bin/bash\nif true; then\n').ok).toBe(false);
    const sc = checkShellcheck('#!/bin/bash\nrm -rf $1/*\ncd $dir\n');
    expect(sc.ok).toBe(false);
    expect(sc.output).toMatch(/SC2115|SC2086|SC2154/);
    expect(checkShellcheck('#!/bin/bash\nset -euo pipefail\necho "$0"\n').ok).toBe(true);
  });
  test('nginx -t accepts the hand site and rejects a broken one', () => {
    const ok = checkNginxSite(HAND_SITE);
    expect({ ok: ok.ok, out: ok.output }).toEqual({ ok: true, out: expect.stringMatching(/test is successful/) });
    expect(checkNginxSite(HAND_SITE.replace('proxy_buffering off;', 'proxy_buffering sometimes;')).ok).toBe(false);
  });
  test('systemd-analyze verify rejects a unit with a bad directive', () => {
    const bad = checkSystemdUnit('[Service]\nExecStart=/usr/local/python3/bin/python3 app.py\nRestart=sometimes\n', 'bad.service');
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/restart specifier/);
  });
});

describe('real tools on the rendered artifacts', () => {
  const a = renderedArtifacts();

  test('bash -n on the resolved RunCommand script; bash -n and shellcheck -S warning on it with its script unpacked: no finding', () => {
    // The header alone only decodes the values the unpacked script reads, so shellcheck reads the two together.
    expect(a.script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(checkBashSyntax(a.script)).toMatchObject({ ok: true, output: '' });
    const whole = expandEmbeddedScripts(a.script);
    expect(whole).toContain('ds_on_exit() {');
    const n = checkBashSyntax(whole);
    expect({ ok: n.ok, out: n.output }).toEqual({ ok: true, out: '' });
    const sc = checkShellcheck(whole);
    expect({ ok: sc.ok, out: sc.output }).toEqual({ ok: true, out: '' });
  });

  test('nginx -t on the rendered site inside a minimal nginx.conf (temp prefix)', () => {
    const r = checkNginxSite(a.site);
    expect({ ok: r.ok, out: r.output }).toEqual({ ok: true, out: expect.stringMatching(/test is successful/) });
  });

  test('systemd-analyze verify on the rendered unit (ExecStart binary as a stand-in in a mount namespace)', () => {
    const r = checkSystemdUnit(a.unit, a.unitName);
    expect({ ok: r.ok, out: r.output, command: r.command }).toEqual({ ok: true, out: expect.not.stringMatching(/\S/), command: r.command });
    expect(unitDirective(a.unit, 'ExecStart')).toBe('/usr/local/python3/bin/python3 app.py');
    expect(unitDirective(a.unit, 'WorkingDirectory')).toBe('/root/Qwen-14B-Chat-Demo');
  });

  test('htpasswd -v -i (stdin) verifies the right password and rejects another', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-htpasswd-'));
    try {
      const file = path.join(dir, 'password');
      // written the way the script writes it: password on stdin, bcrypt
      const w = spawnSync('htpasswd', ['-i', '-B', '-c', file, 'admin'], { input: 'Throwaway-Pw-1\n' });
      expect(w.status).toBe(0);
      expect(verifyHtpasswd(file, 'admin', 'Throwaway-Pw-1')).toBe(true);
      expect(verifyHtpasswd(file, 'admin', 'Throwaway-Pw-2')).toBe(false);
      expect(verifyHtpasswd(file, 'root', 'Throwaway-Pw-1')).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
