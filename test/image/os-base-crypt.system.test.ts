/**
 * The htpasswd schemes each base claims, checked in real nginx on this machine (Debian 12: nginx with
 * libxcrypt 4.4.33, newer than Ubuntu 22.04's 4.4.27 and Alibaba Cloud Linux 3's 4.1.1). A scheme verified here
 * is verified by libxcrypt; whether an older base's crypt() has it is the OsBase table's claim (cited there) and
 * the image build's crypt_check step proves it on the base itself.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CryptScheme, OsBase, cryptSchemePrefix } from '../../lib/image/os-base';
import { requireTool } from '../support/tools';

const PASSWORD = 'Corr3ct-Horse!';

function sh(command: string, args: string[], input?: string): string {
  const r = spawnSync(command, args, { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A hash of PASSWORD in `prefix` made with the tool a deploy script would use, or libxcrypt itself for the rest. */
function hashFor(prefix: string): string {
  switch (prefix) {
    case '$6$': return sh('openssl', ['passwd', '-6', '-stdin'], `${PASSWORD}\n`);
    case '$2y$': return sh('htpasswd', ['-niB', '-C', '10', 'u'], `${PASSWORD}\n`).split('\n')[0].slice(2);
    default:
      // $2b$ and $y$: libxcrypt's crypt_gensalt + crypt (no packaged tool makes them).
      return sh('python3', ['-c', [
        'import ctypes, sys',
        "c = ctypes.CDLL('libcrypt.so.1')",
        'c.crypt_gensalt.restype = ctypes.c_char_p; c.crypt.restype = ctypes.c_char_p',
        'salt = c.crypt_gensalt(sys.argv[1].encode(), 0, None, 0)',
        'print(c.crypt(sys.argv[2].encode(), salt).decode())',
      ].join('\n'), prefix, PASSWORD]);
  }
}

function get(port: number, auth?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = auth === undefined ? {} : { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` };
    http.get({ host: '127.0.0.1', port, path: '/', headers }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs nginx with `hash` as u's htpasswd line; returns [no credentials, wrong password, right password] statuses. */
async function nginxStatuses(hash: string): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crypt-nginx-'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'www'));
  fs.writeFileSync(path.join(dir, 'www/index.html'), 'ok\n');
  fs.writeFileSync(path.join(dir, 'htpasswd'), `u:${hash}\n`, { mode: 0o644 });
  const port = await freePort();
  // A static root, not `return 200`: return runs before auth_basic and would answer every request.
  fs.writeFileSync(path.join(dir, 'nginx.conf'), [
    'user www-data;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log;`, 'events {}',
    `http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};`,
    `  server { listen 127.0.0.1:${port}; root ${dir}/www; auth_basic check; auth_basic_user_file ${dir}/htpasswd; } }`, '',
  ].join('\n'));
  sh('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')]);
  try {
    return [await get(port), await get(port, `u:${PASSWORD}x`), await get(port, `u:${PASSWORD}`)];
  } finally {
    spawnSync('kill', [fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim()]);
  }
}

describe('the crypt() schemes each base claims verify in real nginx (this machine\'s libxcrypt)', () => {
  beforeAll(() => {
    requireTool('nginx', 'nginx-light');
    requireTool('htpasswd', 'apache2-utils');
    requireTool('openssl', 'openssl');
    requireTool('python3', 'python3');
  });

  const rows = OsBase.ALL.flatMap((base) => base.cryptSchemes.flatMap((scheme) => {
    // bcrypt: htpasswd -B writes $2y$; libxcrypt's own default is $2b$: both must verify.
    const prefixes = scheme === CryptScheme.BCRYPT ? ['$2y$', '$2b$'] : [cryptSchemePrefix(scheme)];
    return prefixes.map((prefix) => [base.key, scheme, prefix, base.htpasswdScheme === scheme ? 'the htpasswd scheme' : 'also claimed'] as const);
  }));

  test.each(rows)('%s %s (%s, %s): 401 without and with a wrong password, 200 with the right one', async (_base, _scheme, prefix) => {
    const hash = hashFor(prefix);
    expect(hash.startsWith(prefix)).toBe(true);
    expect(await nginxStatuses(hash)).toEqual([401, 401, 200]);
  });

  test('the htpasswd scheme of every base is among those checked', () => {
    for (const base of OsBase.ALL) expect(rows.some((r) => r[0] === base.key && r[1] === base.htpasswdScheme)).toBe(true);
  });
});
