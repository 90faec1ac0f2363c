import * as path from 'path';
import { credentialsOverPlainHttp } from '../../../lib/rules/checks/credentials-over-plain-http';
import { nginxServers } from '../../../lib/rules/analysis/nginx-sites';
import { readTemplateFile, TemplateDocument } from '../../../lib/ros/template';

const fixture = (name: string) => readTemplateFile(path.join(__dirname, '..', '..', 'fixtures', 'rules', name));
const check = credentialsOverPlainHttp.check.bind(credentialsOverPlainHttp);

describe('credentials-over-plain-http', () => {
  test('trips: basic auth and a Bearer check on plain listens of public instances', () => {
    const f = check(fixture('credentials-over-plain-http.trip.yaml'));
    expect(f.map((x) => [x.target, x.targetKind])).toEqual([['Setup', 'resource'], ['Setup', 'resource']]);
    expect(f[0].message).toMatch(/asks for credentials \(auth_basic\) on `listen 5000;`, plain HTTP, and instances Group have public IPs \(AllocatePublicIP\).*line 4/);
    expect(f[1].message).toMatch(/\(Authorization header\) on `listen 0.0.0.0:8000;`/);
  });

  test('passes: TLS listen, a redirect without credentials, loopback, instances without public IP', () => {
    expect(check(fixture('credentials-over-plain-http.pass.yaml'))).toEqual([]);
  });

  test('an internet-facing CLB listener (tcp/http) to the port makes private instances public; https or intranet does not', () => {
    const base = fixture('credentials-over-plain-http.pass.yaml') as Record<string, any>;
    const withListener = (protocol: string, addressType?: string): TemplateDocument => ({
      ...base,
      Resources: {
        ...base.Resources,
        Clb: { Type: 'ALIYUN::SLB::LoadBalancer', Properties: addressType ? { AddressType: addressType } : {} },
        ClbListener: { Type: 'ALIYUN::SLB::Listener', Properties: { LoadBalancerId: { Ref: 'Clb' }, Protocol: protocol, ListenerPort: 443, BackendServerPort: 5000, Bandwidth: -1 } },
      },
    });
    expect(check(withListener('tcp')).map((x) => x.target)).toEqual(['PrivateSetup']);
    expect(check(withListener('tcp'))[0].message).toMatch(/load balancer listener ClbListener \(tcp\) forwards to it from internet-facing Clb/);
    expect(check(withListener('http')).map((x) => x.target)).toEqual(['PrivateSetup']);
    expect(check(withListener('https'))).toEqual([]);
    expect(check(withListener('tcp', 'intranet'))).toEqual([]);
  });

  test('an auth subrequest that drops the client\'s Authorization and Cookie asks for no credentials (the health endpoint); one that keeps them does', () => {
    const site = (drop: string) => `server {\n  listen 8008;\n  location = /healthz { auth_request /.probe; }\n  location = /.probe { internal; proxy_pass http://127.0.0.1:7860/;${drop} }\n}\n`;
    expect(nginxServers(site(' proxy_set_header Authorization ""; proxy_set_header Cookie "";'))[0].credentials).toBeUndefined();
    expect(nginxServers(site(' proxy_set_header Authorization "";'))[0].credentials).toBe('auth_request');
    expect(nginxServers(site(''))[0].credentials).toBe('auth_request');
  });

  test.each([
    ['listen 5000;', { port: 5000, tls: false, address: undefined }],
    ['listen 5000 ssl http2;', { port: 5000, tls: true, address: undefined }],
    ['listen [::]:443 ssl;', { port: 443, tls: true, address: '[::]' }],
    ['listen 127.0.0.1:8080;', { port: 8080, tls: false, address: '127.0.0.1' }],
    ['listen unix:/run/x.sock;', { port: undefined, tls: false, address: 'unix:/run/x.sock' }],
  ])('reads %s', (directive, expected) => {
    expect(nginxServers(`server {\n  ${directive}\n}\n`)[0].listens[0]).toMatchObject(expected);
  });
});
