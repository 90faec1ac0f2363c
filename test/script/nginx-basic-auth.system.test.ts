import * as fs from 'fs';
import * as path from 'path';
import { NginxBasicAuth, NginxBasicAuthProps, PasswordHash } from '../../lib/script/nginx-basic-auth';
import { ScriptValue } from '../../lib/script/script-value';
import { requireTool, run, tmpDir } from './script-test-support';
import { throwawayCertificate } from '../../rehearsal/artifact-checks';

const userName = ScriptValue.fromToken('UserName', 'u');
const password = ScriptValue.fromToken('Password', 'p', { secret: true });
const BASE: NginxBasicAuthProps = { userName, password };

describe('NginxBasicAuth with real nginx, bash, openssl and htpasswd', () => {
  test('nginx -t accepts the rendered site inside an http block', () => {
    requireTool('nginx', 'nginx');
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'logs'));
    const n = new NginxBasicAuth({ ...BASE, htpasswdPath: path.join(dir, 'password') });
    // The site names the certificate the script makes on the instance: a throwaway one stands in.
    const made = throwawayCertificate(dir);
    fs.writeFileSync(path.join(dir, 'site.conf'), n.renderSite()
      .replace('ssl_certificate /etc/nginx/tls/5000.crt;', `ssl_certificate ${made.certificate};`)
      .replace('ssl_certificate_key /etc/nginx/tls/5000.key;', `ssl_certificate_key ${made.key};`));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), [
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/logs/error.log;`,
      'events {}',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/site.conf;`,
      '}',
    ].join('\n'));
    const r = run('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'logs', 'error.log')]);
    expect(r.stderr).toContain('syntax is ok');
    expect(r.stderr).toContain('test is successful');
    expect(r.status).toBe(0);
  });

  /** Runs the htpasswd step with bash for `admin` and a hostile password; checks the file and the hash with htpasswd -v. */
  function expectStepWritesVerifiableEntry(props: Partial<NginxBasicAuthProps>, entryPattern: RegExp): void {
    requireTool('htpasswd', 'apache2-utils');
    const dir = tmpDir();
    const file = path.join(dir, 'etc', 'password');
    const n = new NginxBasicAuth({ ...BASE, ...props, htpasswdPath: file });
    const pw = "Pa$$w0rd'`\"\\x";
    const r = run('bash', ['-c', [
      'set -euo pipefail',
      'ds_fail() { echo "FAIL $1"; exit 3; }',
      'user_name="$(cat)"; password="${user_name#*:}"; user_name="${user_name%%:*}"',
      n.parts[1].renderCommands(),
    ].join('\n')], `admin:${pw}`);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: '' });
    expect(r.stderr).not.toContain(pw);
    expect(fs.readFileSync(file, 'utf8')).toMatch(entryPattern);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('640');
    expect(run('htpasswd', ['-v', '-i', file, 'admin'], `${pw}\n`).status).toBe(0);
    expect(run('htpasswd', ['-v', '-i', file, 'admin'], 'wrong\n').status).not.toBe(0);
  }

  test('the default step, run by bash, writes a SHA-512 crypt entry that htpasswd -v accepts, mode 0640', () => {
    requireTool('openssl', 'openssl');
    expectStepWritesVerifiableEntry({}, /^admin:\$6\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}\n$/);
  });

  test.each([
    ['an openssl without passwd -6 (OpenSSL 1.0.2)', '#!/bin/bash\necho "passwd: Unrecognized flag 6" >&2\nexit 1\n'],
    ['an openssl that prints no $6$ hash', '#!/bin/bash\necho "abc"\n'],
  ])('%s fails the step with a reason and leaves no file', (_name, fakeOpenssl) => {
    const dir = tmpDir();
    const file = path.join(dir, 'password');
    const fake = path.join(dir, 'old-openssl');
    fs.writeFileSync(fake, fakeOpenssl, { mode: 0o755 });
    const n = new NginxBasicAuth({ ...BASE, htpasswdPath: file, opensslPath: fake });
    const r = run('bash', ['-c', ['set -euo pipefail', 'ds_fail() { echo "FAIL $1"; exit 3; }', 'user_name=admin; password=secret', n.parts[1].renderCommands()].join('\n')]);
    expect(r.stdout).toBe(`FAIL openssl passwd -6 failed: the image needs OpenSSL 1.1.1 or later at ${fake}\n`);
    expect(r.status).toBe(3);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('with BCRYPT the step, run by bash, writes a bcrypt entry that htpasswd -v accepts, mode 0640', () => {
    expectStepWritesVerifiableEntry({ bcryptCost: 4, passwordHash: PasswordHash.BCRYPT }, /^admin:\$2y\$04\$/);
  });

  test.each([[''], ['-x'], ['a:b'], ['a b'], ['$(id)'], ['é']])('the htpasswd step refuses the user name %p before htpasswd runs', (name) => {
    const dir = tmpDir();
    const file = path.join(dir, 'password');
    const n = new NginxBasicAuth({ ...BASE, htpasswdPath: file });
    const r = run('bash', ['-c', [
      'set -euo pipefail',
      'ds_fail() { echo "FAIL $1"; exit 3; }',
      'user_name="$(cat)"; password=secret',
      n.parts[1].renderCommands(),
    ].join('\n')], name);
    expect(r.stdout).toBe('FAIL the user name must be letters, digits and _.@- (no leading -)\n');
    expect(r.status).toBe(3);
    expect(fs.existsSync(file)).toBe(false);
  });
});
