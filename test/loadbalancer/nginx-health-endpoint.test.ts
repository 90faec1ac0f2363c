import { NginxHealthEndpoint } from '../../lib/loadbalancer/nginx-health-endpoint';
import { ScriptPhase } from '../../lib/script/deploy-script';
import { esc } from '../script/script-test-support';

describe('NginxHealthEndpoint', () => {
  test('the site: its own port, /healthz from an internal subrequest to the app, only the status passed on, 404 elsewhere', () => {
    expect(new NginxHealthEndpoint({ appPort: 7860 }).renderSite()).toBe([
      '# Health endpoint for a load balancer: /healthz answers 200 while the app answers on',
      '# 127.0.0.1:7860, else 503. Only the status is passed on; nothing else is served here.',
      'server {',
      '    listen 8008;',
      '    server_name _;',
      '    access_log off;',
      '    server_tokens off;',
      '    location = /healthz {',
      '        auth_request /.app-probe;',
      '        error_page 500 = @down;',
      '        try_files /.none @up;',
      '    }',
      '    location = /.app-probe {',
      '        internal;',
      '        proxy_pass http://127.0.0.1:7860/;',
      '        proxy_pass_request_body off;',
      '        proxy_set_header Content-Length "";',
      '        proxy_set_header Authorization "";',
      '        proxy_set_header Cookie "";',
      '        proxy_intercept_errors on;',
      '        error_page 401 403 = @refused;',
      '        proxy_connect_timeout 2s;',
      '        proxy_read_timeout 3s;',
      '    }',
      '    location @up { default_type text/plain; return 200 "ok\\n"; }',
      '    location @down { default_type text/plain; return 503 "down\\n"; }',
      '    location @refused { return 503; }',
      '    location / { return 404; }',
      '}',
      '',
    ].join('\n'));
  });

  test('the parts: site file, module check, nginx -t and reload, a bounded 200 check of /healthz', () => {
    const h = new NginxHealthEndpoint({ appPort: 7860, port: 8009, path: '/ready', appProbePath: '/health' });
    expect(h.parts.map((p) => [p.phase, p.description])).toEqual([
      [ScriptPhase.FILES, 'write /etc/nginx/conf.d/8009-healthz.conf'],
      [ScriptPhase.COMMANDS, 'nginx has the auth_request module that /ready on port 8009 needs'],
      [ScriptPhase.SERVICES, 'reload nginx with /ready on port 8009'],
      [ScriptPhase.HEALTH_CHECKS, '/ready on port 8009 answers 200 (the app is up)'],
    ]);
    expect(h.renderSite()).toContain('    location = /ready {\n');
    expect(h.renderSite()).toContain('        proxy_pass http://127.0.0.1:7860/health;\n');
    expect(h.parts[1].renderCommands()).toContain('nginx -V 2>&1 | grep -q -- --with-http_auth_request_module');
    expect(h.parts[2].renderCommands()).toContain('systemctl reload nginx || systemctl restart nginx');
    expect(h.parts[3].renderCommands()).toContain('ds_probe http://127.0.0.1:8009/ready 200 ');
  });

  test.each([
    [{ appPort: 0 }, 'appPort 0 is not allowed: give a whole port number from 1 to 65535'],
    [{ appPort: 7860, port: 7860 }, "port 7860 is the app's own port"],
    [{ appPort: 7860, path: 'healthz' }, "path 'healthz' is not allowed: give an absolute path"],
    [{ appPort: 7860, appProbePath: '/a b' }, "appProbePath '/a b' is not allowed"],
    [{ appPort: 7860, sitePath: '/etc/nginx/conf.d/../x.conf' }, "sitePath '/etc/nginx/conf.d/../x.conf' is not allowed"],
  ])('%p is refused', (props, message) => {
    expect(() => new NginxHealthEndpoint(props)).toThrow(new RegExp(`NginxHealthEndpoint: ${esc(message)}`));
  });
});
