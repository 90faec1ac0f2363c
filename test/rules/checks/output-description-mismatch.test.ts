import { outputDescriptionMismatch } from '../../../lib/rules/checks/output-description-mismatch';
import { TemplateDocument } from '../../../lib/ros/template';

const check = outputDescriptionMismatch.check.bind(outputDescriptionMismatch);
const ips = (attr: string) => ({ 'Fn::Sub': ['http://${Ip}:5000', { Ip: { 'Fn::Select': [0, { 'Fn::GetAtt': ['Group', attr] }] } }] });
const tmpl = (outputs: Record<string, unknown>): TemplateDocument => ({ Resources: { Group: { Type: 'ALIYUN::ECS::InstanceGroup' } }, Outputs: outputs as never });

describe('output-description-mismatch', () => {
  test('"Public" over a private address (one language of two) is a finding', () => {
    const f = check(tmpl({ PrivateEndpoint: { Description: { 'zh-cn': '内网地址', 'en': 'Public address' }, Value: ips('PrivateIps') } }));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ target: 'PrivateEndpoint', targetKind: 'output' });
    expect(f[0].message).toMatch(/Description\.en "Public address" says public but the Value is a private address \(PrivateIps\)/);
  });

  test('"private" over PublicIps is a finding', () => {
    expect(check(tmpl({ E: { Description: 'Private endpoint', Value: ips('PublicIps') } }))).toHaveLength(1);
  });

  test('matching descriptions and neutral ones pass', () => {
    expect(check(tmpl({
      A: { Description: { en: 'Public IP address', 'zh-cn': '公网地址' }, Value: ips('PublicIps') },
      B: { Description: { en: 'Private IP address', 'zh-cn': '内网地址' }, Value: ips('PrivateIps') },
      C: { Description: 'The web address', Value: ips('PrivateIps') },
    }))).toEqual([]);
  });
});
