/**
 * Issue 16 for the API preset: every combination of network (new / existing VPC), access (public /
 * private), instance count (one / two / a parameter: a load balancer in front of more than one) and
 * API preset synthesizes with zero rule findings and zero spec findings, both as written and as ROS
 * creates it for the chosen parameters (Conditions applied).
 */
import * as ros from '@alicloud/ros-cdk-core';
import { ListenerProtocol } from '../../lib/loadbalancer/classic-load-balancer';
import { SessionAffinity } from '../../lib/loadbalancer/service-load-balancer';
import { QWEN_API_PRESETS } from '../../lib/qwen-api/presets';
import { QwenApiStack, QwenApiStackProps } from '../../lib/qwen-api/qwen-api-stack';
import { applyConditions } from '../../lib/ros/conditions';
import { ACCESS, NETWORKS, expectCleanAsWrittenAndCreated } from '../support/network-modes';
import { checkTemplateAgainstSpec } from '../support/ros-spec';
import { newApp, synthTemplate } from '../script/script-test-support';

const COUNTS: Record<string, QwenApiStackProps> = {
  one: {},
  two: { instanceOptions: { amount: 2 } },
  parameter: { instanceCountParameter: { defaultCount: 2, maxCount: 8 } },
};

function build(props: QwenApiStackProps) {
  const app = newApp();
  const stack = new QwenApiStack(app, 'QwenApi', props);
  return { stack, template: synthTemplate(app, stack) };
}

const templates = new Map<string, any>();
function template(preset: string, count: string): any {
  const key = `${preset}/${count}`;
  if (!templates.has(key)) {
    const app = newApp();
    const p = QWEN_API_PRESETS.find((x) => x.stackName === preset)!;
    const stack = new QwenApiStack(app, p.stackName, { ...COUNTS[count], checkpoint: p.checkpoint });
    templates.set(key, synthTemplate(app, stack));
  }
  return templates.get(key);
}

const ROWS = QWEN_API_PRESETS.flatMap((p) => Object.keys(COUNTS).flatMap((count) => Object.keys(NETWORKS).flatMap((network) =>
  Object.keys(ACCESS).map((access) => [p.stackName, count, network, access] as const))));

describe('QwenApiStack: every preset x instance count x network x access', () => {
  test('the table has every combination (4 presets x 3 counts x 2 networks x 2 access modes)', () => {
    expect(ROWS).toHaveLength(QWEN_API_PRESETS.length * 3 * 2 * 2);
    expect(QWEN_API_PRESETS.length).toBe(4);
  });

  test.each(ROWS)('%s, %s instance(s), %s, %s', (preset, count, network, access) => {
    const t = template(preset, count);
    // As created with a deployer-given key (the path where a secret reaches the instance; with a generated
    // key the template's suppression for CustomApiKey matches nothing).
    const created = expectCleanAsWrittenAndCreated(t, { ...NETWORKS[network], ...ACCESS[access], CustomApiKey: 'k'.repeat(40) });

    const types = Object.values<any>(created.Resources).map((r) => r.Type);
    const group = created.Resources.EcsInstanceGroup.Properties;
    if (network === 'existing VPC') {
      expect(types).not.toContain('ALIYUN::ECS::VPC');
      expect(types).not.toContain('ALIYUN::ECS::VSwitch');
      expect([group.VpcId, group.VSwitchId]).toEqual([{ Ref: 'VpcId' }, { Ref: 'VSwitchId' }]);
    } else {
      expect(types.filter((x) => x === 'ALIYUN::ECS::VPC' || x === 'ALIYUN::ECS::VSwitch')).toEqual(['ALIYUN::ECS::VPC', 'ALIYUN::ECS::VSwitch']);
      expect([group.VpcId, group.VSwitchId]).toEqual([{ Ref: 'EcsVpc' }, { Ref: 'EcsVSwitch' }]);
    }
    expect(types.filter((x) => x === 'ALIYUN::ECS::SecurityGroup')).toEqual(['ALIYUN::ECS::SecurityGroup']);
    const ingress = created.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress.map((r: any) => [r.PortRange, r.SourceCidrIp]);
    const clients = access === 'private' && network === 'new VPC' ? { Ref: 'VpcCidrBlock' } : { Ref: 'SourceCidrIp' };
    const lbTypes = types.filter((x) => x.startsWith('ALIYUN::SLB::'));
    // Only the URL that applies is output: the public one, or the private one without public access.
    const urlOutputs = Object.keys(created.Outputs).filter((o) => o.endsWith('BaseUrl'));
    expect(urlOutputs).toEqual([access === 'private' ? 'PrivateBaseUrl' : 'BaseUrl']);
    const address = created.Outputs[urlOutputs[0]].Value['Fn::Sub'][1].Address;
    if (count === 'one') {
      // One instance: no balancer; the instance has the public IP (with public access), the URL is its address.
      expect(lbTypes).toEqual([]);
      expect(ingress).toEqual([['8080/8080', clients]]);
      expect([group.AllocatePublicIP, group.InternetMaxBandwidthOut]).toEqual(access === 'private' ? [false, 0] : [true, 2]);
      expect(address).toEqual({ 'Fn::Select': [0, { 'Fn::GetAtt': ['EcsInstanceGroup', access === 'private' ? 'PrivateIps' : 'PublicIps'] }] });
    } else {
      // More than one: a CLB in front, the only way in; the health port only from the balancer's range;
      // round robin (the OpenAI API keeps no session), TCP (no HTTP timeout cuts a streamed answer).
      expect(lbTypes).toEqual(['ALIYUN::SLB::LoadBalancer', 'ALIYUN::SLB::Listener', 'ALIYUN::SLB::BackendServerAttachment']);
      expect(ingress).toEqual([['8080/8080', clients], ['8008/8008', '100.64.0.0/10']]);
      expect([group.AllocatePublicIP, group.InternetMaxBandwidthOut]).toEqual([false, 0]);
      expect(created.Resources.Slb.Properties.AddressType).toBe(access === 'private' ? 'intranet' : 'internet');
      const listener = created.Resources.SlbListener.Properties;
      expect(listener).toMatchObject({ Protocol: 'tcp', ListenerPort: 8080, BackendServerPort: 8080, Scheduler: 'wrr' });
      expect(listener.HealthCheck).toMatchObject({ Port: 8008, URI: '/healthz', HttpCode: 'http_2xx' });
      expect([listener.IdleTimeout, listener.RequestTimeout]).toEqual([undefined, undefined]);
      expect(address).toEqual({ 'Fn::GetAtt': ['Slb', 'IpAddress'] });
    }
  });
});

describe('QwenApiStack: the console network parameters and the instance count', () => {
  test('the network group shows the NetworkParameters in order; VpcCidrBlock and SourceCidrIp keep their names and defaults', () => {
    const { template } = build({});
    const groups = template.Metadata['ALIYUN::ROS::Interface'].ParameterGroups;
    expect(groups.find((g: any) => g.Label.default.en === 'Network').Parameters)
      .toEqual(['VpcOption', 'VpcCidrBlock', 'VSwitchCidrBlock', 'VpcId', 'VSwitchId', 'EnablePublicAccess', 'SourceCidrIp']);
    expect(template.Parameters.VpcCidrBlock.Default).toBe('192.168.0.0/16');
    expect(template.Parameters.VSwitchCidrBlock.Default).toBe('192.168.1.0/24');
    expect(template.Parameters.SourceCidrIp.Default).toBe('0.0.0.0/0');
    expect(template.Parameters.SourceCidrIp.Description.en).toBe('Who may connect to the API on port 8080: an IPv4 CIDR block. The API key is still required.');
    expect(template.Parameters.VSwitchId.AssociationPropertyMetadata).toMatchObject({ VpcId: '${VpcId}', ZoneId: '${ZoneId}' });
    expect(template.Conditions.CreateVpc).toEqual({ 'Fn::Equals': [{ Ref: 'VpcOption' }, 'NewVPC'] });
    expect(template.Resources.EcsVpc.Condition).toBe('CreateVpc');
    expect(template.Resources.EcsVSwitch.Condition).toBe('CreateVpc');
    expect(template.Description.en).toContain('on GPU ECS instances in a new or an existing VPC, port 8080.');
    expect(template.Description.en).not.toContain('Load Balancer');
  });

  test('instanceCountParameter: one InstanceCount parameter drives MaxAmount, the wait\'s Count and the targets; the fields report the token', () => {
    const { stack, template } = build(COUNTS.parameter);
    expect(template.Parameters.InstanceCount).toMatchObject({ Type: 'Number', Default: 2, MinValue: 1, MaxValue: 8 });
    expect(template.Resources.EcsInstanceGroup.Properties.MaxAmount).toEqual({ Ref: 'InstanceCount' });
    expect(template.Resources.WaitCondition.Properties.Count).toEqual({ Ref: 'InstanceCount' });
    expect(template.Resources.InstanceRunCommand.Properties.InstanceIds).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
    expect(template.Resources.SlbBackendServerAttachment.Properties.BackendServerList).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
    for (const field of [stack.instanceCount, stack.instances.amount, stack.deployment.callback.count]) {
      expect(ros.Token.isUnresolved(field)).toBe(true);
      expect(stack.resolve(field)).toEqual({ Ref: 'InstanceCount' });
    }
    expect(template.Metadata['ALIYUN::ROS::Interface'].ParameterGroups[1].Parameters).toEqual(['EcsInstanceType', 'InstancePassword', 'InstanceCount']);
    expect(template.Description.en).toContain('A Classic Load Balancer spreads the requests over the instances.');
  });

  test('a fixed count: the fields report the number', () => {
    const { stack, template } = build(COUNTS.two);
    expect([stack.instanceCount, stack.instances.amount, stack.deployment.callback.count]).toEqual([2, 2, 2]);
    expect(template.Parameters.InstanceCount).toBeUndefined();
  });

  test('a count in two places is refused, saying which to leave out', () => {
    expect(() => build({ instanceOptions: { amount: 2 }, instanceCountParameter: {} }))
      .toThrow('QwenApiStack: instanceOptions.amount 2 is not allowed with instanceCountParameter: the InstanceCount parameter decides the count. Leave one of them out.');
  });
});

describe('QwenApiStack behind a load balancer', () => {
  test('each instance answers /healthz on 8008 from vLLM\'s /health, after the API-key proxy; the pre-flight checks the port', () => {
    const { stack } = build(COUNTS.two);
    const site = stack.healthEndpoint!.renderSite();
    expect(site).toContain('proxy_pass http://127.0.0.1:8000/health;');
    expect(site).not.toMatch(/Bearer|api.?key/i);
    const steps = stack.deployment.script.orderedParts.map((p) => p.description);
    expect(steps).toEqual(expect.arrayContaining([
      'write /etc/nginx/conf.d/8008-healthz.conf',
      'reload nginx with /healthz on port 8008',
      '/healthz on port 8008 answers 200 (the app is up)',
    ]));
    expect(stack.deployment.script.render().readable).toContain(site);
    expect(stack.deployment.script.render().readable).toMatch(/8008/);
  });

  test('asked for with one instance: a CLB in front of it, the instance without a public IP', () => {
    const { stack, template } = build({ loadBalancer: {} });
    expect(stack.loadBalancer).toBeDefined();
    expect(template.Resources.EcsInstanceGroup.Properties).toMatchObject({ MaxAmount: 1, AllocatePublicIP: false, InternetMaxBandwidthOut: 0 });
    expect(template.Resources.Slb.Properties.AddressType).toEqual({ 'Fn::If': ['PublicAccess', 'internet', 'intranet'] });
    // issue 15: the TCP listener passes the instance's TLS through; its certificate also names the balancer's address
    expect(template.Outputs.BaseUrl.Value).toEqual({ 'Fn::Sub': ['https://${Address}:8080/v1', { Address: { 'Fn::GetAtt': ['Slb', 'IpAddress'] } }] });
    expect(template.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'][1].LoadBalancerAddressBase64).toEqual({ 'Fn::Base64Encode': { 'Fn::GetAtt': ['Slb', 'IpAddress'] } });
    expect(checkTemplateAgainstSpec(template)).toEqual([]);
  });

  test('sticky sessions when asked for (the API does not need them): consistent hashing on the client address', () => {
    const { template } = build({ instanceOptions: { amount: 2 }, loadBalancer: { sessionAffinity: SessionAffinity.STICKY } });
    expect(template.Resources.SlbListener.Properties.Scheduler).toBe('sch');
  });

  test('HTTPS at the balancer with a certificate: the longest timeouts CLB allows, https:// base URL, the instances admit the balancer only', () => {
    const { template } = build({ instanceOptions: { amount: 2 }, loadBalancer: { protocol: ListenerProtocol.HTTPS, certificateId: 'cert-1' } });
    const created: any = applyConditions(template, { CustomApiKey: 'k'.repeat(40) });
    expect(created.Resources.SlbListener.Properties).toMatchObject({
      Protocol: 'https', ServerCertificateId: 'cert-1', IdleTimeout: 60, RequestTimeout: 180, Scheduler: 'wrr', Persistence: { StickySession: 'off' },
    });
    expect(created.Resources.EcsSecurityGroup.Properties.SecurityGroupIngress.map((r: any) => [r.PortRange, r.SourceCidrIp]))
      .toEqual([['8080/8080', '100.64.0.0/10'], ['8008/8008', '100.64.0.0/10']]);
    expect(created.Outputs.BaseUrl.Value['Fn::Sub'][0]).toBe('https://${Address}:8080/v1');
    expect(checkTemplateAgainstSpec(created)).toEqual([]);
  });

  test('the health port on the API port is refused', () => {
    expect(() => build({ instanceOptions: { amount: 2 }, loadBalancer: { healthCheckPort: 8080 } }))
      .toThrow(/QwenApiStack: loadBalancer.healthCheckPort 8080 is listenPort; the health endpoint needs a port of its own/);
  });
});
