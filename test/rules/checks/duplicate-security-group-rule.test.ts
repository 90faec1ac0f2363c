import { duplicateSecurityGroupRule } from '../../../lib/rules/checks/duplicate-security-group-rule';
import { TemplateDocument } from '../../../lib/ros/template';

const check = duplicateSecurityGroupRule.check.bind(duplicateSecurityGroupRule);

describe('duplicate-security-group-rule', () => {
  test('two identical ingress rules (differing only in Priority) are a finding', () => {
    const t: TemplateDocument = { Resources: { Sg: { Type: 'ALIYUN::ECS::SecurityGroup', Properties: { SecurityGroupIngress: [
      { IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: '10.0.0.0/8', Priority: 1 },
      { IpProtocol: 'TCP', PortRange: '5000/5000', SourceCidrIp: '10.0.0.0/8', Priority: 2 },
    ] } } } };
    const f = check(t);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/ingress rule Sg\.SecurityGroupIngress\[1\] \(TCP 5000\/5000\) duplicates Sg\.SecurityGroupIngress\[0\]/);
  });

  test('a standalone ingress resource repeating a rule of its group (by Ref) is a finding', () => {
    const t: TemplateDocument = { Resources: {
      Sg: { Type: 'ALIYUN::ECS::SecurityGroup', Properties: { SecurityGroupIngress: [{ IpProtocol: 'tcp', PortRange: '22/22', SourceCidrIp: '10.0.0.0/8' }] } },
      Extra: { Type: 'ALIYUN::ECS::SecurityGroupIngress', Properties: { SecurityGroupId: { Ref: 'Sg' }, IpProtocol: 'tcp', PortRange: '22/22', SourceCidrIp: '10.0.0.0/8' } },
    } };
    expect(check(t)[0]).toMatchObject({ target: 'Extra' });
  });

  test('rules differing in port, peer, NicType or direction pass (the reference egress pair)', () => {
    const t: TemplateDocument = { Resources: { Sg: { Type: 'ALIYUN::ECS::SecurityGroup', Properties: {
      SecurityGroupIngress: [
        { IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: '10.0.0.0/8' },
        { IpProtocol: 'tcp', PortRange: '443/443', SourceCidrIp: '10.0.0.0/8' },
        { IpProtocol: 'tcp', PortRange: '5000/5000', SourceCidrIp: '192.168.0.0/16' },
      ],
      SecurityGroupEgress: [
        { IpProtocol: 'all', PortRange: '-1/-1', DestCidrIp: '0.0.0.0/0', NicType: 'internet' },
        { IpProtocol: 'all', PortRange: '-1/-1', DestCidrIp: '0.0.0.0/0', NicType: 'intranet' },
      ],
    } } } };
    expect(check(t)).toEqual([]);
  });
});
