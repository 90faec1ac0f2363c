/** QwenChatStack with a Classic Load Balancer in front (issue 16 item 4). */
import { ListenerProtocol } from '../../lib/loadbalancer/classic-load-balancer';
import { SessionAffinity } from '../../lib/loadbalancer/service-load-balancer';
import { QwenChatStack, QwenChatStackProps } from '../../lib/qwen-chat/qwen-chat-stack';
import { applyConditions } from '../../lib/ros/conditions';
import { SPEC_ALLOW_LIST, checkTemplateAgainstSpec } from '../support/ros-spec';

/** Only the OOS secret parameter's entry (issue 15's Password path): every other type and property against the spec itself. */
const OOS_ONLY = SPEC_ALLOW_LIST.filter((a) => a.resourceType === 'ALIYUN::OOS::SecretParameter');
import { newApp, synthTemplate } from '../script/script-test-support';

function build(props: QwenChatStackProps) {
  const app = newApp();
  const stack = new QwenChatStack(app, 'QwenChat', props);
  return { stack, template: synthTemplate(app, stack) };
}

/** The deploy script as the instance runs it (the readable text the script builder keeps). */
function readable(stack: QwenChatStack): string {
  return stack.script.render().readable;
}

describe('QwenChatStack behind a load balancer', () => {
  test('asked for with one instance: a CLB in front of it; the instance has no public IP; the outputs are the balancer\'s', () => {
    const { stack, template } = build({ loadBalancer: {} });
    expect(stack.loadBalancer).toBeDefined();
    expect(template.Resources.EcsInstanceGroup.Properties).toMatchObject({ MaxAmount: 1, AllocatePublicIP: false, InternetMaxBandwidthOut: 0 });
    expect(Object.keys(template.Resources)).toEqual(expect.arrayContaining(['Slb', 'SlbListener', 'SlbBackendServerAttachment']));
    expect(template.Resources.Slb.Properties.AddressType).toEqual({ 'Fn::If': ['PublicAccess', 'internet', 'intranet'] });
    expect(template.Outputs.Endpoint.Condition).toBe('PublicAccess');
    expect(template.Outputs.PrivateEndpoint.Condition).toBe('PrivateAccess');
    expect(checkTemplateAgainstSpec(template, { allowList: OOS_ONLY })).toEqual([]);
  });

  test('the script adds the health endpoint after the proxy: its site, the module check, a reload and a /healthz check', () => {
    const { stack } = build({ instanceOptions: { amount: 2 } });
    const steps = stack.script.orderedParts.map((p) => p.description);
    expect(steps).toEqual(expect.arrayContaining([
      'write /etc/nginx/conf.d/8008-healthz.conf',
      'nginx has the auth_request module that /healthz on port 8008 needs',
      'reload nginx with /healthz on port 8008',
      '/healthz on port 8008 answers 200 (the app is up)',
    ]));
    expect(steps.indexOf('reload nginx with /healthz on port 8008')).toBeGreaterThan(steps.indexOf('start nginx on port 5000'));
    expect(readable(stack)).toContain(stack.healthEndpoint!.renderSite());
    expect(stack.healthEndpoint!.renderSite()).toContain('proxy_pass http://127.0.0.1:7860/;');
  });

  test('a session affinity of NONE for a stateless app: round robin', () => {
    const { template } = build({ instanceOptions: { amount: 2 }, loadBalancer: { sessionAffinity: SessionAffinity.NONE } });
    expect(template.Resources.SlbListener.Properties.Scheduler).toBe('wrr');
  });

  test('HTTPS at the balancer with a certificate: clients by a white list, the instances admit the balancer only, https:// outputs', () => {
    const { template } = build({ instanceOptions: { amount: 2 }, loadBalancer: { protocol: ListenerProtocol.HTTPS, certificateId: 'cert-1' } });
    const created: any = applyConditions(template, { VpcOption: 'ExistingVPC', VpcId: 'vpc-1', VSwitchId: 'vsw-1' });
    expect(created.Resources.SlbListener.Properties).toMatchObject({
      Protocol: 'https', ServerCertificateId: 'cert-1', IdleTimeout: 60, RequestTimeout: 180, AclStatus: 'on', AclType: 'white',
      Persistence: { StickySession: 'on', StickySessionType: 'insert' },
    });
    expect(created.Resources.SlbAccessControl.Properties.AclEntrys).toEqual([{ entry: { Ref: 'SourceCidrIp' }, comment: 'clients' }]);
    expect(created.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress.map((r: any) => [r.PortRange, r.SourceCidrIp]))
      .toEqual([['5000/5000', '100.64.0.0/10'], ['8008/8008', '100.64.0.0/10']]);
    expect(created.Outputs.Endpoint.Value['Fn::Sub'][0]).toBe('https://${ServerAddress}:5000');
    expect(checkTemplateAgainstSpec(created, { allowList: OOS_ONLY })).toEqual([]);
  });

  test('public IPs on the instances behind the balancer only when asked for (e.g. for outbound access without NAT)', () => {
    const { template } = build({ instanceOptions: { amount: 2, allocatePublicIp: true } });
    expect(template.Resources.EcsInstanceGroup.Properties).toMatchObject({
      AllocatePublicIP: { 'Fn::If': ['PublicAccess', true, false] }, InternetMaxBandwidthOut: { 'Fn::If': ['PublicAccess', 2, 0] },
    });
  });

  test('the health port on the service port is refused', () => {
    expect(() => build({ instanceOptions: { amount: 2 }, loadBalancer: { healthCheckPort: 5000 } }))
      .toThrow(/QwenChatStack: loadBalancer.healthCheckPort 5000 is listenPort; the health endpoint needs a port of its own/);
  });
});
