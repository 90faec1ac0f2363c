import * as ros from '@alicloud/ros-cdk-core';
import { GpuInstanceGroup } from '../../lib/compute/gpu-instance-group';
import { QwenModel } from '../../lib/compute/models';
import {
  AddressType, ClbAccessControlList, ClbBackendServers, ClbListener, ClbListenerProps, ClbLoadBalancer, ListenerProtocol,
} from '../../lib/loadbalancer/classic-load-balancer';
import { CLB_SYSTEM_CIDR, ServiceLoadBalancer, ServiceLoadBalancerProps, SessionAffinity } from '../../lib/loadbalancer/service-load-balancer';
import { checkTemplateAgainstSpec } from '../support/ros-spec';
import { esc, newApp, synthTemplate } from '../script/script-test-support';

const NETWORK = { vpcId: 'vpc-1', vSwitchId: 'vsw-1', securityGroupId: 'sg-1', zoneId: 'cn-hangzhou-k' };

function build(props: Partial<ServiceLoadBalancerProps> = {}, amount: number | 'parameter' = 2) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const count = amount === 'parameter'
    ? new ros.RosParameter(stack, 'InstanceCount', { type: ros.RosParameterType.NUMBER, defaultValue: 2 }).valueAsNumber
    : amount;
  const instances = new GpuInstanceGroup(stack, 'Gpus', {
    requirement: QwenModel.QWEN_7B_CHAT_INT4, instanceType: 'ecs.gn7i-c8g1.2xlarge', network: NETWORK, imageId: 'm-1', password: 'x', amount: count,
  });
  const lb = new ServiceLoadBalancer(stack, 'Balancer', { instances, network: NETWORK, port: 5000, addressType: AddressType.INTERNET, ...props });
  return { app, stack, lb, template: () => synthTemplate(app, stack) };
}

describe('ServiceLoadBalancer: a CLB in front of an instance group', () => {
  test('defaults: a pay-by-CLCU CLB in the VSwitch, a TCP listener with an HTTP check of /healthz on 8008, every instance attached', () => {
    const { template, lb, stack } = build();
    const t = template();
    expect(Object.keys(t.Resources)).toEqual(['EcsInstanceGroup', 'Slb', 'SlbListener', 'SlbBackendServerAttachment']);
    expect(t.Resources.Slb).toEqual({
      Type: 'ALIYUN::SLB::LoadBalancer',
      Properties: {
        LoadBalancerName: { 'Fn::Join': ['-', [{ Ref: 'ALIYUN::StackName' }, 'clb']] },
        VpcId: 'vpc-1', VSwitchId: 'vsw-1', AddressType: 'internet', InstanceChargeType: 'PayByCLCU',
      },
    });
    expect(t.Resources.SlbListener).toEqual({
      Type: 'ALIYUN::SLB::Listener',
      Properties: {
        LoadBalancerId: { Ref: 'Slb' }, Protocol: 'tcp', ListenerPort: 5000, BackendServerPort: 5000, Bandwidth: -1, Scheduler: 'wrr',
        HealthCheck: {
          Switch: 'on', HealthCheckType: 'http', Port: 8008, URI: '/healthz', HttpCode: 'http_2xx', Interval: 5, Timeout: 5, HealthyThreshold: 2, UnhealthyThreshold: 3,
        },
      },
    });
    expect(t.Resources.SlbBackendServerAttachment).toEqual({
      Type: 'ALIYUN::SLB::BackendServerAttachment',
      Properties: {
        LoadBalancerId: { Ref: 'Slb' },
        BackendServerList: { 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] },
        BackendServerWeightList: [100],
      },
    });
    expect(stack.resolve(lb.address)).toEqual({ 'Fn::GetAtt': ['Slb', 'IpAddress'] });
    expect(checkTemplateAgainstSpec(t, { allowList: [] })).toEqual([]);
  });

  test('the instance count as a parameter: the attachment still takes the whole InstanceIds list', () => {
    const t = build({}, 'parameter').template();
    expect(t.Resources.EcsInstanceGroup.Properties.MaxAmount).toEqual({ Ref: 'InstanceCount' });
    expect(t.Resources.SlbBackendServerAttachment.Properties.BackendServerList).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
    expect(checkTemplateAgainstSpec(t, { allowList: [] })).toEqual([]);
  });

  test('sticky TCP: consistent hashing on the client\'s address (no cookie, no expiry)', () => {
    const t = build({ sessionAffinity: SessionAffinity.STICKY }).template();
    expect(t.Resources.SlbListener.Properties.Scheduler).toBe('sch');
    expect(t.Resources.SlbListener.Properties.Persistence).toBeUndefined();
  });

  test('HTTPS with a certificate: longest CLB timeouts, X-Forwarded-For, a client white list; sticky by an inserted cookie', () => {
    const { template, lb } = build({
      protocol: ListenerProtocol.HTTPS, certificateId: 'cert-123', sessionAffinity: SessionAffinity.STICKY, clientSourceCidrIp: '203.0.113.0/24',
    });
    const t = template();
    expect(t.Resources.SlbListener.Properties).toEqual({
      LoadBalancerId: { Ref: 'Slb' }, Protocol: 'https', ListenerPort: 5000, BackendServerPort: 5000, Bandwidth: -1, Scheduler: 'wrr',
      HealthCheck: { Switch: 'on', Port: 8008, URI: '/healthz', HttpCode: 'http_2xx', Interval: 5, Timeout: 5, HealthyThreshold: 2, UnhealthyThreshold: 3 },
      Persistence: { XForwardedFor: 'on', XForwardedFor_proto: 'on', StickySession: 'on', StickySessionType: 'insert', CookieTimeout: 86400 },
      ServerCertificateId: 'cert-123', IdleTimeout: 60, RequestTimeout: 180,
      AclStatus: 'on', AclType: 'white', AclId: { 'Fn::GetAtt': ['SlbAccessControl', 'AclId'] },
    });
    expect(t.Resources.SlbAccessControl.Properties.AclEntrys).toEqual([{ entry: '203.0.113.0/24', comment: 'clients' }]);
    expect(lb.accessControl).toBeDefined();
    expect(checkTemplateAgainstSpec(t, { allowList: [] })).toEqual([]);
  });

  test('an Fn::If address type (a public-access condition) passes through', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const p = new ros.RosParameter(stack, 'Public', { type: ros.RosParameterType.BOOLEAN, defaultValue: true });
    const c = new ros.RosCondition(stack, 'PublicAccess', { expression: ros.Fn.conditionEquals(true, p.value) });
    const instances = new GpuInstanceGroup(stack, 'Gpus', {
      requirement: QwenModel.QWEN_7B_CHAT_INT4, instanceType: 'ecs.gn7i-c8g1.2xlarge', network: NETWORK, imageId: 'm-1', password: 'x',
    });
    new ServiceLoadBalancer(stack, 'Balancer', {
      instances, network: NETWORK, port: 5000,
      addressType: AddressType.of(ros.Token.asString(ros.Fn.conditionIf(c.logicalId, 'internet', 'intranet'))),
    });
    expect(synthTemplate(app, stack).Resources.Slb.Properties.AddressType).toEqual({ 'Fn::If': ['PublicAccess', 'internet', 'intranet'] });
  });

  test.each([
    ['TCP', {}, [{ port: 5000, sourceCidrIp: '198.51.100.0/24' }, { port: 8008, sourceCidrIp: '100.64.0.0/10' }]],
    ['HTTPS', { protocol: ListenerProtocol.HTTPS }, [{ port: 5000, sourceCidrIp: '100.64.0.0/10' }, { port: 8008, sourceCidrIp: '100.64.0.0/10' }]],
    ['another health port', { healthCheckPort: 9000 }, [{ port: 5000, sourceCidrIp: '198.51.100.0/24' }, { port: 9000, sourceCidrIp: '100.64.0.0/10' }]],
  ])('instanceIngress, %s: the health port only from the balancer\'s range', (_name, options, expected) => {
    expect(ServiceLoadBalancer.instanceIngress({ port: 5000, clientSourceCidrIp: '198.51.100.0/24', ...options })).toEqual(expected);
    expect(CLB_SYSTEM_CIDR).toBe('100.64.0.0/10');
  });

  test.each([
    ['HTTPS without a certificate', { protocol: ListenerProtocol.HTTPS }, 'ClbListener: serverCertificateId is missing: an HTTPS listener needs the id of its server certificate'],
    ['TCP with a certificate', { certificateId: 'cert-1' }, 'ClbListener: serverCertificateId is not allowed with ListenerProtocol.TCP'],
    ['the health port on the service port', { healthCheckPort: 5000 }, 'ServiceLoadBalancer: healthCheckPort 5000 is the service port'],
    ['a client list with TCP', { clientSourceCidrIp: '0.0.0.0/0' }, 'ServiceLoadBalancer: clientSourceCidrIp is not allowed with ListenerProtocol.TCP'],
    ['a bad health path', { healthCheckPath: 'healthz' }, "ClbListener: healthCheck.path 'healthz' is not allowed"],
    ['a bad health port', { healthCheckPort: 0 }, 'ClbListener: healthCheck.port 0 is not allowed'],
    ['a bad service port', { port: 70000 }, 'ClbListener: listenerPort 70000 is not allowed'],
  ] as const)('refused: %s', (_name, props, message) => {
    expect(() => build(props as Partial<ServiceLoadBalancerProps>)).toThrow(new RegExp(esc(message)));
  });

  test('a second balancer in one stack needs a logicalIdPrefix', () => {
    const { stack, lb } = build();
    expect(() => new ServiceLoadBalancer(stack, 'Other', {
      instances: { instanceIds: ['i-1'], amount: 1, instanceGroup: lb.loadBalancer.resource }, network: NETWORK, port: 5000, addressType: AddressType.INTRANET,
    })).toThrow(/ClbLoadBalancer 'S\/Other\/LoadBalancer': logical id 'Slb' is already used by 'S\/Balancer\/LoadBalancer\/Slb' \(a resource\); logical ids are stack-wide, so give this construct another logicalIdPrefix/);
  });
});

describe('CLB constructs', () => {
  const stack = () => new ros.Stack(newApp(), 'S');
  const listener = (props: Partial<ClbListenerProps>) => new ClbListener(stack(), 'L', {
    loadBalancerId: 'lb-1', protocol: ListenerProtocol.TCP, listenerPort: 80, backendServerPort: 80, healthCheck: { port: 8008, path: '/healthz' }, ...props,
  });

  test.each([
    [{ healthCheck: { port: 8008, path: '/healthz', intervalSeconds: 51 } }, 'healthCheck.intervalSeconds 51 is not allowed: give a whole number from 1 to 50'],
    [{ healthCheck: { port: 8008, path: '/healthz', healthyThreshold: 0 } }, 'healthCheck.healthyThreshold 0 is not allowed: give a whole number from 1 to 10'],
    [{ healthCheck: { port: 8008, path: '/healthz', unhealthyThreshold: 11 } }, 'healthCheck.unhealthyThreshold 11 is not allowed'],
    [{ backendServerPort: 0 }, 'backendServerPort 0 is not allowed'],
  ])('ClbListener refuses %p', (props, message) => {
    expect(() => listener(props as Partial<ClbListenerProps>)).toThrow(new RegExp(`ClbListener: ${esc(message)}`));
  });

  test('AddressType.of checks literals and passes tokens', () => {
    expect(AddressType.of('intranet').value).toBe('intranet');
    expect(() => AddressType.of('public')).toThrow("AddressType.of: 'public' is not allowed: give 'internet', 'intranet', or a token such as an Fn::If.");
  });

  test.each([
    ['ClbLoadBalancer without a VSwitch', () => new ClbLoadBalancer(stack(), 'B', { vpcId: 'vpc-1', vSwitchId: '', addressType: AddressType.INTERNET }), /ClbLoadBalancer: vSwitchId "" is not allowed/],
    ['ClbBackendServers without instances', () => new ClbBackendServers(stack(), 'A', { loadBalancerId: 'lb-1', instanceIds: [] }), /ClbBackendServers: instanceIds \[\] is not allowed/],
    ['ClbAccessControlList without entries', () => new ClbAccessControlList(stack(), 'C', { entries: [] }), /ClbAccessControlList: entries is empty/],
  ])('%s is refused', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
