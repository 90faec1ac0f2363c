import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NamespaceSandbox } from './namespace-sandbox';
import { shellQuote as q } from '../lib/script/private/shell';

/** The outcome of running one real tool over one rendered artifact. */
export interface ToolCheckResult {
  /** True when the tool accepted the artifact. */
  readonly ok: boolean;
  /** The command that ran (no secrets: artifacts are passed as files or on stdin). */
  readonly command: string;
  /** Combined stdout and stderr of the tool. */
  readonly output: string;
}

/**
 * Returns the path of `command`, or throws naming the install step (a missing tool is a failure,
 * never a skip).
 */
export function requireTool(command: string, aptPackage: string): string {
  const r = spawnSync('bash', ['-c', 'command -v "$1"', 'bash', command], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (r.status !== 0 || found === '') {
    throw new Error(`required tool '${command}' is not installed: run \`apt-get install -y ${aptPackage}\``);
  }
  return found;
}

function run(file: string, args: string[], input?: string): ToolCheckResult {
  const r = spawnSync(file, args, { encoding: 'utf8', input, timeout: 60000 });
  return {
    ok: r.status === 0 && r.error === undefined,
    command: [file, ...args].join(' '),
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
  };
}

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'qwen-check-'));
}

/** `bash -n` on the script text (written to a temp file). */
export function checkBashSyntax(script: string): ToolCheckResult {
  requireTool('bash', 'bash');
  const dir = scratch();
  try {
    fs.writeFileSync(path.join(dir, 'script.sh'), script, { mode: 0o600 });
    return run('bash', ['-n', path.join(dir, 'script.sh')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `shellcheck -S warning` on the script text (given on stdin): ok when there is no finding. */
export function checkShellcheck(script: string): ToolCheckResult {
  requireTool('shellcheck', 'shellcheck');
  return run('shellcheck', ['-S', 'warning', '-s', 'bash', '-'], script);
}

/**
 * `nginx -t` on a site file included in the http context of a minimal nginx.conf under a temp
 * prefix (`-p`/`-c`), so the host's /etc/nginx is neither read nor written.
 */
export function checkNginxSite(site: string): ToolCheckResult {
  requireTool('nginx', 'nginx');
  const dir = scratch();
  try {
    fs.mkdirSync(path.join(dir, 'logs'));
    // A TLS site names the certificate the deploy script makes on the instance: a throwaway one stands in.
    const { certificate, key } = siteCertificatePaths(site);
    let text = site;
    if (certificate !== undefined && key !== undefined) {
      const made = throwawayCertificate(dir);
      text = text.split(`ssl_certificate ${certificate};`).join(`ssl_certificate ${made.certificate};`)
        .split(`ssl_certificate_key ${key};`).join(`ssl_certificate_key ${made.key};`);
    }
    fs.writeFileSync(path.join(dir, 'site.conf'), text);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), minimalNginxConf(dir, path.join(dir, 'site.conf')));
    return run('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'logs', 'error.log')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The certificate and key files a site's `ssl_certificate` / `ssl_certificate_key` name, if any. */
export function siteCertificatePaths(site: string): { certificate?: string; key?: string } {
  return {
    certificate: /^\s*ssl_certificate\s+(\S+);/m.exec(site)?.[1],
    key: /^\s*ssl_certificate_key\s+(\S+);/m.exec(site)?.[1],
  };
}

/**
 * A throwaway self-signed ECDSA P-256 certificate for 127.0.0.1 in `dir` (openssl), standing in for the one
 * the deploy script makes on the instance; returns the file paths.
 */
export function throwawayCertificate(dir: string): { certificate: string; key: string } {
  requireTool('openssl', 'openssl');
  const certificate = path.join(dir, 'throwaway.crt');
  const key = path.join(dir, 'throwaway.key');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', certificate], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`throwawayCertificate: openssl req -x509 failed: ${r.stderr}`);
  return { certificate, key };
}

/** A minimal nginx.conf whose pid, logs and temp paths live under `prefix`; `sitePath` is included in http. */
export function minimalNginxConf(prefix: string, sitePath: string): string {
  const p = (s: string) => path.join(prefix, s);
  return [
    `pid ${p('nginx.pid')};`,
    `error_log ${p('logs/error.log')} info;`,
    'worker_processes 1;',
    'events { worker_connections 64; }',
    'http {',
    `  access_log ${p('logs/access.log')};`,
    `  client_body_temp_path ${p('tmp-body')};`,
    `  proxy_temp_path ${p('tmp-proxy')};`,
    `  fastcgi_temp_path ${p('tmp-fastcgi')};`,
    `  uwsgi_temp_path ${p('tmp-uwsgi')};`,
    `  scgi_temp_path ${p('tmp-scgi')};`,
    `  include ${sitePath};`,
    '}',
    '',
  ].join('\n');
}

/** Reads `Key=` values of a unit file's [Service] section (last one wins). */
export function unitDirective(unit: string, key: string): string | undefined {
  let value: string | undefined;
  for (const line of unit.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (m && m[1] === key) {
      value = m[2].trim();
    }
  }
  return value;
}

/**
 * `systemd-analyze verify` on a unit. verify checks that ExecStart's binary exists, and the app's
 * python (e.g. /usr/local/python3/bin/python3) is on the image, not on this machine; so the check
 * runs in a throwaway mount namespace (overlays on /etc, /root, /usr/local) where the unit is at
 * /etc/systemd/system/<unitName>, the WorkingDirectory exists, and ExecStart's binary is a stand-in:
 * a symlink to this machine's `python3` when it is named python3*, else a stub script.
 * The stand-ins are listed in the returned `command`. ok means exit 0 and no output at all.
 */
export function checkSystemdUnit(unit: string, unitName: string): ToolCheckResult {
  requireTool('systemd-analyze', 'systemd');
  requireTool('unshare', 'util-linux');
  const exec = unitDirective(unit, 'ExecStart');
  if (exec === undefined) {
    return { ok: false, command: 'systemd-analyze verify', output: `${unitName}: no ExecStart= line` };
  }
  const binary = exec.replace(/^[-@:+!]+/, '').split(/\s+/)[0];
  const workDir = unitDirective(unit, 'WorkingDirectory')?.replace(/^-/, '');
  const sandbox = new NamespaceSandbox({ overlays: ['/etc', '/root', '/usr/local'] });
  try {
    const unitFile = path.join(sandbox.workDir, 'unit');
    fs.writeFileSync(unitFile, unit);
    const pythonReal = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : spawnSync('bash', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();
    const standIns: string[] = [];
    const lines = [`install -D -m 0644 ${q(unitFile)} ${q(`/etc/systemd/system/${unitName}`)}`];
    if (!fs.existsSync(binary)) {
      lines.push(`mkdir -p ${q(path.dirname(binary))}`);
      if (/^python3/.test(path.basename(binary)) && pythonReal !== '') {
        lines.push(`ln -s ${q(pythonReal)} ${q(binary)}`);
        standIns.push(`${binary} -> ${pythonReal}`);
      } else {
        lines.push(`printf '#!/bin/sh\\nexit 0\\n' > ${q(binary)}`, `chmod 0755 ${q(binary)}`);
        standIns.push(`${binary} (stub)`);
      }
    }
    if (workDir !== undefined && !fs.existsSync(workDir)) {
      lines.push(`mkdir -p ${q(workDir)}`);
      standIns.push(`${workDir}/ (empty dir)`);
    }
    // not `exec`: as PID 1 of the namespace systemd-analyze would log to kmsg, not stderr
    lines.push(`systemd-analyze verify ${q(`/etc/systemd/system/${unitName}`)} 2>&1`);
    const r = sandbox.runSync(lines.join('\n'));
    const output = `${r.stdout}${r.stderr}`;
    return {
      // verify exits 0 on some findings (e.g. an unknown Restart= value): any output is a finding.
      ok: r.status === 0 && output.trim() === '',
      command: `systemd-analyze verify /etc/systemd/system/${unitName} (in a mount namespace; stand-ins: ${standIns.join(', ') || 'none'})`,
      output,
    };
  } finally {
    sandbox.dispose();
  }
}

/**
 * `htpasswd -v -i`: whether `password` (given on stdin, never in argv) verifies for `user` in
 * the htpasswd `file`.
 */
export function verifyHtpasswd(file: string, user: string, password: string): boolean {
  requireTool('htpasswd', 'apache2-utils');
  const r = spawnSync('htpasswd', ['-v', '-i', file, user], { encoding: 'utf8', input: password });
  return r.status === 0;
}
