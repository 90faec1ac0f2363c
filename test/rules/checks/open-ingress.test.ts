import { openIngress } from '../../../lib/rules/checks/open-ingress';
import { TemplateDocument } from '../../../lib/ros/template';

const check = openIngress.check.bind(openIngress);
const sg = (ingress: unknown[], params: Record<string, unknown> = {}): TemplateDocument => ({
  Parameters: params as Record<string, Record<string, unknown>>,
  Resources: { Sg: { Type: 'ALIYUN::ECS::SecurityGroup', Properties: { VpcId: 'vpc-1', SecurityGroupIngress: ingress } } },
});

describe('open-ingress', () => {
  test('a literal 0.0.0.0/0 ingress is a finding naming the port', () => {
    const f = check(sg([{ IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: '0.0.0.0/0' }]));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ ruleId: 'open-ingress', target: 'Sg' });
    expect(f[0].message).toMatch(/SecurityGroupIngress\[0\] \(tcp 5000\/5000\) accepts SourceCidrIp "0\.0\.0\.0\/0"/);
  });

  test('standalone ingress resources and ::/0 are covered', () => {
    const t: TemplateDocument = { Resources: { In: { Type: 'ALIYUN::ECS::SecurityGroupIngress', Properties: { SecurityGroupId: 'sg-1', IpProtocol: 'tcp', PortRange: '22/22', Ipv6SourceCidrIp: '::/0' } } } };
    expect(check(t)).toHaveLength(1);
  });

  test('a Ref to a parameter (even defaulting to 0.0.0.0/0), a narrow CIDR and a drop rule pass', () => {
    const params = { SourceCidr: { Type: 'String', Default: '0.0.0.0/0' } };
    expect(check(sg([{ IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: { Ref: 'SourceCidr' } }], params))).toEqual([]);
    expect(check(sg([{ IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: '10.0.0.0/8' }]))).toEqual([]);
    expect(check(sg([{ IpProtocol: 'tcp', PortRange: '22/22', SourceCidrIp: '0.0.0.0/0', Policy: 'drop' }]))).toEqual([]);
  });
});
