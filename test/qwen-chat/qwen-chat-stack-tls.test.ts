/** Issue 15: the stack's TLS choices, as the template shows them. */
import * as ros from '@alicloud/ros-cdk-core';
import { QwenChatStack, QwenChatStackProps } from '../../lib/qwen-chat/qwen-chat-stack';
import { IntrinsicResolver } from '../../lib/ros/resolver';
import { lintTemplate } from '../../lib/rules/rule-pack';
import { ListenerProtocol } from '../../lib/loadbalancer/classic-load-balancer';
import { NginxTls } from '../../lib/script/nginx-tls';
import { NginxBasicAuth } from '../../lib/script/nginx-basic-auth';
import { ScriptValue } from '../../lib/script/script-value';
import { newApp, synthTemplate } from '../script/script-test-support';

function build(props: QwenChatStackProps = {}) {
  const app = newApp();
  const stack = new QwenChatStack(app, 'QwenChatStack', props);
  return { stack, template: synthTemplate(app, stack as ros.Stack) };
}

describe('QwenChatStack over TLS', () => {
  test('by default: https endpoints and the certificate\'s fingerprint from the WaitCondition\'s Data', () => {
    const { template } = build();
    expect(template.Outputs.Endpoint.Value['Fn::Sub'][0]).toBe('https://${ServerAddress}:5000');
    const data = JSON.stringify({ 1: 'AB:CD:EF' });
    const r = new IntrinsicResolver({ template, attributes: { 'WaitCondition.Data': data, 'EcsInstanceGroup.PublicIps': ['203.0.113.9'] } });
    expect(r.resolve(template.Outputs.TlsCertificateFingerprint.Value)).toBe('AB:CD:EF');
    expect(r.resolve(template.Outputs.Endpoint.Value)).toBe('https://203.0.113.9:5000');
    expect(template.Outputs.TlsCertificateFingerprint.Description.en).toMatch(/^SHA-256 fingerprint of the TLS certificate each instance made for itself: /);
    expect(lintTemplate(template).findings).toEqual([]);
  });

  test('with more instances (a count parameter): one fingerprint per instance (Fn::Jq All)', () => {
    const { template } = build({ instanceCountParameter: { defaultCount: 2, maxCount: 4 } });
    expect(template.Outputs.TlsCertificateFingerprint.Value['Fn::Jq'][0]).toBe('All');
    const r = new IntrinsicResolver({ template, attributes: { 'WaitCondition.Data': JSON.stringify({ 1: 'AA:01', 2: 'BB:02' }) } });
    expect(r.resolve(template.Outputs.TlsCertificateFingerprint.Value)).toEqual(['AA:01', 'BB:02']);
  });

  test('plain HTTP only as an explicit choice: http endpoints, no fingerprint, and the rule\'s finding suppressed with the reason given', () => {
    const { template } = build({ tls: NginxTls.plainHttp({ reason: 'TLS ends at the HTTPS load balancer listener' }) });
    expect(template.Outputs.Endpoint.Value['Fn::Sub'][0]).toBe('http://${ServerAddress}:5000');
    expect(template.Outputs.TlsCertificateFingerprint).toBeUndefined();
    expect(template.Metadata['ros-cdk-qwen-chat'].suppressions).toEqual([
      { id: 'credentials-over-plain-http', target: 'InstanceRunCommand', reason: 'plain HTTP chosen (NginxTls.plainHttp): TLS ends at the HTTPS load balancer listener' },
    ]);
    const { suppressed } = lintTemplate(template);
    expect(suppressed.map((x) => x.finding.ruleId)).toEqual(['credentials-over-plain-http']);
  });

  test('a given certificate (PEM) replaces the generated one; its fingerprint is output', () => {
    const app = newApp();
    const stack = new QwenChatStack(app, 'QwenChatStack', {
      tls: NginxTls.fromPem({
        certificatePem: ScriptValue.fromToken('CertificatePem', 'cert'),
        privateKeyPem: ScriptValue.fromToken('PrivateKeyPem', 'key', { secret: true }),
        serverName: 'chat.example.com',
      }),
    });
    const readable = stack.script.render().readable;
    expect(readable).not.toContain('ds_tls_gen ');
    expect(readable).toContain('ds_tls_write /etc/nginx/tls/5000.key 0600 "${private_key_pem}"');
    expect(readable).toContain("ds_probe_cfg='resolve = \"chat.example.com:5000:127.0.0.1\"' ds_probe https://chat.example.com:5000/ 401");
    expect((stack.proxy as NginxBasicAuth).scheme).toBe('https');
    const template = synthTemplate(app, stack as ros.Stack);
    expect(template.Outputs.TlsCertificateFingerprint.Description.en).toBe('SHA-256 fingerprint of the TLS certificate the instances serve');
  });

  test('tls with a proxy of the user\'s is refused', () => {
    expect(() => build({
      tls: NginxTls.generated(),
      proxy: { provideProxy: () => ({ listenPort: 5000, parts: [] }) },
    })).toThrow(/QwenChatStack: tls is not allowed with proxy/);
  });
});

describe('QwenChatStack over TLS behind a load balancer (issue 16)', () => {
  test('a TCP listener passes the instances\' TLS through: https endpoint, each certificate also names the balancer\'s address', () => {
    const { stack, template } = build({ instanceOptions: { amount: 2 } });
    expect(template.Resources.SlbListener.Properties.Protocol).toBe('tcp');
    expect(template.Outputs.Endpoint.Value['Fn::Sub'][0]).toBe('https://${ServerAddress}:5000');
    expect(template.Outputs.TlsCertificateFingerprint.Value['Fn::Jq'][0]).toBe('All');
    expect(stack.script.render().readable).toContain('ds_tls_gen /etc/nginx/tls/5000 825 "${load_balancer_address}"');
    expect(template.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'][1].LoadBalancerAddressBase64)
      .toEqual({ 'Fn::Base64Encode': { 'Fn::GetAtt': ['Slb', 'IpAddress'] } });
    expect(lintTemplate(template).findings).toEqual([]);
  });

  test('an HTTPS listener ends TLS: the instances serve plain HTTP inside the VPC, no fingerprint output, the rule passes without a suppression', () => {
    const { stack, template } = build({ instanceOptions: { amount: 2 }, loadBalancer: { protocol: ListenerProtocol.HTTPS, certificateId: 'cert-1' } });
    expect((stack.proxy as NginxBasicAuth).tls.mode).toBe('plain-http');
    expect(stack.script.render().readable).toContain('    listen 5000;\n');
    expect(template.Outputs.Endpoint.Value['Fn::Sub'][0]).toBe('https://${ServerAddress}:5000');
    expect(template.Outputs.TlsCertificateFingerprint).toBeUndefined();
    expect(template.Metadata['ros-cdk-qwen-chat']?.suppressions ?? []).toEqual([]);
    expect(lintTemplate(template).findings).toEqual([]);
  });

  test('an HTTPS listener with an instance certificate is refused naming both props', () => {
    expect(() => build({ instanceOptions: { amount: 2 }, loadBalancer: { protocol: ListenerProtocol.HTTPS, certificateId: 'cert-1' }, tls: NginxTls.generated() }))
      .toThrow("QwenChatStack: tls 'generated' is not allowed with loadBalancer.protocol ListenerProtocol.HTTPS: the balancer ends TLS and speaks plain HTTP to the instances. Leave tls out, or use ListenerProtocol.TCP to pass the instances' own TLS through.");
  });
});
