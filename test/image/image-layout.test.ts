import { ImageLayout } from '../../lib/image/image-layout';

const BASE = { pythonPrefix: '/usr/local/python3', appDirectory: '/root/app', modelCacheDirectory: '/root/.cache/modelscope/hub' };

describe('ImageLayout', () => {
  test('with its own OpenSSL: paths and the service environment', () => {
    const layout = new ImageLayout({ ...BASE, opensslPrefix: '/usr/local/openssl', tools: ['nginx', 'htpasswd'] });
    expect(layout.pythonPath).toBe('/usr/local/python3/bin/python3');
    expect(layout.opensslPath).toBe('/usr/local/openssl/bin/openssl');
    expect(layout.serviceEnvironment).toEqual({
      PATH: '/usr/local/python3/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      LD_LIBRARY_PATH: '/usr/local/openssl/lib',
    });
    expect(layout.tools).toEqual(['nginx', 'htpasswd']);
  });

  test('with the system OpenSSL: `openssl` from PATH and no library path', () => {
    const layout = new ImageLayout({ ...BASE, pythonPrefix: '/opt/venv' });
    expect(layout.opensslPath).toBe('openssl');
    expect(layout.serviceEnvironment).toEqual({ PATH: '/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' });
    expect(layout.tools).toEqual([]);
  });

  test.each([
    ['pythonPrefix', 'usr/local/python3'], ['pythonPrefix', '/usr/local/python3/'], ['opensslPrefix', '/opt/../etc'],
    ['appDirectory', '/root/my app'], ['modelCacheDirectory', "/root/x';rm"], ['appDirectory', ''],
  ])('%s %p is refused', (prop, value) => {
    expect(() => new ImageLayout({ ...BASE, [prop]: value }))
      .toThrow(`ImageLayout: ${prop} ${JSON.stringify(value)} is not allowed: give an absolute path`);
  });

  test('a tool that is not a bare command name is refused', () => {
    expect(() => new ImageLayout({ ...BASE, tools: ['nginx', '/usr/bin/curl'] })).toThrow("ImageLayout: tools[1] '/usr/bin/curl' is not allowed");
  });
});
