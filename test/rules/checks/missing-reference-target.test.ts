import { missingReferenceTarget } from '../../../lib/rules/checks/missing-reference-target';
import { TemplateDocument } from '../../../lib/ros/template';

const check = missingReferenceTarget.check.bind(missingReferenceTarget);

describe('missing-reference-target', () => {
  test('Ref, GetAtt, Fn::Sub variables, DependsOn and conditions to missing targets are findings', () => {
    const t: TemplateDocument = {
      Parameters: { Zone: { Type: 'String' } },
      Resources: {
        Vpc: { Type: 'ALIYUN::ECS::VPC', Properties: { CidrBlock: { Ref: 'VpcCidr' } } },
        Sw: { Type: 'ALIYUN::ECS::VSwitch', DependsOn: ['Vpcc'], Condition: 'Create', Properties: { VpcId: { 'Fn::GetAtt': ['Vpx', 'VpcId'] }, ZoneId: { Ref: 'Zone' }, VSwitchName: { 'Fn::Sub': '${ALIYUN::StackName}-${Nam}-${Vpc.VpcId}-${Gone.Id}' } } },
      },
      Outputs: { Id: { Value: { Ref: 'Swx' } } },
    };
    const messages = check(t).map((f) => `${f.target}: ${f.message}`);
    expect(messages).toEqual([
      'Vpc: Ref VpcCidr names no parameter, resource or ALIYUN:: pseudo parameter; ROS rejects the template.',
      'Sw: Fn::GetAtt Vpx.VpcId names no resource; ROS rejects the template.',
      'Sw: Ref Nam names no parameter, resource or ALIYUN:: pseudo parameter; ROS rejects the template.',
      'Sw: Fn::GetAtt Gone.Id names no resource; ROS rejects the template.',
      'Sw: DependsOn Vpcc names no resource; ROS rejects the template.',
      'Sw: Condition Create is not declared in Conditions; ROS rejects the template.',
      'Id: Ref Swx names no parameter, resource or ALIYUN:: pseudo parameter; ROS rejects the template.',
    ]);
  });

  test('references to declared names, pseudo parameters and Fn::Sub map keys pass', () => {
    const t: TemplateDocument = {
      Parameters: { Zone: { Type: 'String' } },
      Conditions: { Create: { 'Fn::Equals': [{ Ref: 'Zone' }, 'a'] } },
      Resources: {
        Vpc: { Type: 'ALIYUN::ECS::VPC', Properties: { VpcName: { Ref: 'ALIYUN::StackName' } } },
        Sw: { Type: 'ALIYUN::ECS::VSwitch', DependsOn: 'Vpc', Condition: 'Create', Properties: { VpcId: { Ref: 'Vpc' }, VSwitchName: { 'Fn::Sub': ['${X}-${Vpc.VpcId}-${!Literal}', { X: { Ref: 'Zone' } }] } } },
      },
      Outputs: { Id: { Value: { 'Fn::GetAtt': ['Sw', 'VSwitchId'] } } },
    };
    expect(check(t)).toEqual([]);
  });
});
