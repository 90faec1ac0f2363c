import { readTemplateFile } from '../../lib/ros/template';
import { checkTemplateAgainstSpec, PSEUDO_PARAMETERS, SpecFinding } from '../support/ros-spec';
import { REFERENCE_TEMPLATE } from '../support/reference';

const REFERENCE = REFERENCE_TEMPLATE;

function reference(): any {
  return readTemplateFile(REFERENCE);
}

/** A small valid template the negative cases each break in one place. */
function valid(): any {
  return {
    ROSTemplateFormatVersion: '2015-09-01',
    Parameters: { ZoneId: { Type: 'String' }, UserName: { Type: 'String' } },
    Resources: {
      Vpc: { Type: 'ALIYUN::ECS::VPC', Properties: { CidrBlock: '192.168.0.0/16' } },
      VSwitch: {
        Type: 'ALIYUN::ECS::VSwitch',
        Properties: { VpcId: { Ref: 'Vpc' }, ZoneId: { Ref: 'ZoneId' }, CidrBlock: '192.168.1.0/24' },
      },
      Sg: {
        Type: 'ALIYUN::ECS::SecurityGroup',
        Properties: {
          VpcId: { Ref: 'Vpc' },
          SecurityGroupIngress: [{ PortRange: '5000/5000', IpProtocol: 'tcp', SourceCidrIp: '0.0.0.0/0' }],
        },
      },
      Handle: { Type: 'ALIYUN::ROS::WaitConditionHandle' },
      Wait: {
        Type: 'ALIYUN::ROS::WaitCondition',
        Properties: { Handle: { Ref: 'Handle' }, Timeout: 1800, Count: 1 },
        DependsOn: ['Group'],
      },
      Group: {
        Type: 'ALIYUN::ECS::InstanceGroup',
        Properties: {
          ImageId: 'centos_7',
          InstanceType: 'ecs.gn7i-c8g1.2xlarge',
          MaxAmount: 1,
          VpcId: { Ref: 'Vpc' },
          VSwitchId: { Ref: 'VSwitch' },
          SecurityGroupId: { Ref: 'Sg' },
          InstanceName: { 'Fn::Join': ['-', [{ Ref: 'ALIYUN::StackName' }, 'gpu']] },
        },
      },
      Cmd: {
        Type: 'ALIYUN::ECS::RunCommand',
        Properties: {
          Type: 'RunShellScript',
          InstanceIds: { 'Fn::GetAtt': ['Group', 'InstanceIds'] },
          CommandContent: {
            'Fn::Sub': [
              'U=${UserName}\nR=${ALIYUN::Region}\nV=${Vpc}\nI=${Group.InstanceIds}\nH=${!HOME}\n${CurlCli} -d ok\n',
              { CurlCli: { 'Fn::GetAtt': ['Handle', 'CurlCli'] } },
            ],
          },
        },
      },
    },
    Outputs: {
      Endpoint: {
        Value: { 'Fn::Sub': ['http://${Ip}:5000', { Ip: { 'Fn::Select': [0, { 'Fn::GetAtt': ['Group', 'PublicIps'] }] } }] },
      },
    },
  };
}

function messages(findings: SpecFinding[]): string {
  return findings.map((f) => `${f.path}: ${f.message}`).join('\n');
}

describe('checkTemplateAgainstSpec', () => {
  test('the reference template (tongyi-chat-demo) has no findings', () => {
    const findings = checkTemplateAgainstSpec(reference());
    expect(messages(findings)).toBe('');
  });

  test('the hand-made valid template has no findings', () => {
    expect(messages(checkTemplateAgainstSpec(valid()))).toBe('');
  });

  test('pseudo parameters are accepted in Ref and Fn::Sub', () => {
    const t = valid();
    t.Outputs.Pseudo = { Value: { 'Fn::Join': [',', PSEUDO_PARAMETERS.map((p) => ({ Ref: p }))] } };
    t.Outputs.PseudoSub = { Value: { 'Fn::Sub': PSEUDO_PARAMETERS.map((p) => '${' + p + '}').join(',') } };
    expect(checkTemplateAgainstSpec(t)).toEqual([]);
  });

  test('flags an unknown resource type', () => {
    const t = valid();
    t.Resources.Bogus = { Type: 'ALIYUN::ECS::GpuThing', Properties: {} };
    const findings = checkTemplateAgainstSpec(t);
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe('Resources.Bogus.Type');
    expect(findings[0].message).toMatch(/'ALIYUN::ECS::GpuThing' is not in the ROS specification.*ALIYUN::ECS::InstanceGroup/);
  });

  test('flags an unknown namespace', () => {
    const t = valid();
    t.Resources.Bogus = { Type: 'ALIYUN::NOPE::Thing' };
    expect(messages(checkTemplateAgainstSpec(t))).toMatch(/Resources\.Bogus\.Type: .*no such namespace/);
  });

  test('flags a missing required property', () => {
    const t = valid();
    delete t.Resources.Group.Properties.ImageId;
    const findings = checkTemplateAgainstSpec(t);
    expect(findings).toEqual([
      { path: 'Resources.Group.Properties', message: "ALIYUN::ECS::InstanceGroup requires property 'ImageId', which is missing" },
    ]);
  });

  test('flags a missing required property on a resource without Properties', () => {
    const t = valid();
    delete t.Resources.Wait.Properties;
    const text = messages(checkTemplateAgainstSpec(t));
    expect(text).toMatch(/ALIYUN::ROS::WaitCondition requires property 'Handle'/);
    expect(text).toMatch(/ALIYUN::ROS::WaitCondition requires property 'Timeout'/);
  });

  test('flags a missing required sub-property of a list item', () => {
    const t = valid();
    delete t.Resources.Sg.Properties.SecurityGroupIngress[0].IpProtocol;
    expect(checkTemplateAgainstSpec(t)).toEqual([
      {
        path: 'Resources.Sg.Properties.SecurityGroupIngress[0]',
        message: "ALIYUN::ECS::SecurityGroup.SecurityGroupIngress requires property 'IpProtocol', which is missing",
      },
    ]);
  });

  test('flags an unknown property and an unknown sub-property', () => {
    const t = valid();
    t.Resources.Group.Properties.GpuCount = 1;
    t.Resources.Sg.Properties.SecurityGroupIngress[0].Port = 5000;
    const findings = checkTemplateAgainstSpec(t);
    expect(findings.map((f) => f.path)).toEqual([
      'Resources.Sg.Properties.SecurityGroupIngress[0].Port',
      'Resources.Group.Properties.GpuCount',
    ]);
    expect(findings[1].message).toMatch(/ALIYUN::ECS::InstanceGroup has no property 'GpuCount'\. Properties: .*ImageId/);
  });

  test('flags a Ref to nothing (and is not fooled by Object.prototype keys)', () => {
    const t = valid();
    t.Resources.Group.Properties.ZoneId = { Ref: 'ZoneIdd' };
    t.Resources.Group.Properties.Description = { Ref: 'toString' };
    t.Outputs.Bad = { Value: { Ref: 'ALIYUN::Nope' } };
    const findings = checkTemplateAgainstSpec(t);
    expect(findings.map((f) => f.path)).toEqual([
      'Resources.Group.Properties.ZoneId.Ref',
      'Resources.Group.Properties.Description.Ref',
      'Outputs.Bad.Value.Ref',
    ]);
    expect(findings[0].message).toMatch(/Ref 'ZoneIdd' names no parameter, resource or pseudo parameter\. Parameters: UserName, ZoneId/);
  });

  test('flags a GetAtt to a missing attribute and to a missing resource', () => {
    const t = valid();
    t.Resources.Cmd.Properties.InstanceIds = { 'Fn::GetAtt': ['Group', 'InstanceId'] };
    t.Outputs.Ip = { Value: { 'Fn::GetAtt': ['Grp', 'PublicIps'] } };
    const findings = checkTemplateAgainstSpec(t);
    expect(findings).toHaveLength(2);
    expect(findings[0].path).toBe('Resources.Cmd.Properties.InstanceIds["Fn::GetAtt"]');
    expect(findings[0].message).toMatch(
      /attribute 'InstanceId' of 'Group' \(ALIYUN::ECS::InstanceGroup\), which that type does not have\. Attributes: .*InstanceIds/,
    );
    expect(findings[1].message).toMatch(/names resource 'Grp', which does not exist/);
  });

  test('flags a GetAtt on a WaitConditionHandle attribute it does not have', () => {
    const t = valid();
    t.Resources.Cmd.Properties.CommandContent['Fn::Sub'][1].CurlCli = { 'Fn::GetAtt': ['Handle', 'CurlCLI'] };
    expect(messages(checkTemplateAgainstSpec(t))).toMatch(/attribute 'CurlCLI' of 'Handle'.*Attributes: .*CurlCli/);
  });

  test('flags a Sub with an undeclared variable, not an escaped ${!X}', () => {
    const t = valid();
    const sub = t.Resources.Cmd.Properties.CommandContent['Fn::Sub'];
    sub[0] += 'P=${Password}\nB=${!BASH_VERSION}\n';
    const findings = checkTemplateAgainstSpec(t);
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe('Resources.Cmd.Properties.CommandContent["Fn::Sub"][0]');
    expect(findings[0].message).toMatch(/'\$\{Password\}' is not declared.*\(CurlCli\).*Write '\$\{!Password\}'/);
  });

  test('flags a Sub ${Res.Attr} with a missing attribute', () => {
    const t = valid();
    t.Outputs.Ids = { Value: { 'Fn::Sub': '${Group.InstanceIdz}' } };
    expect(messages(checkTemplateAgainstSpec(t))).toMatch(/Outputs\.Ids\.Value\["Fn::Sub"\]: Fn::Sub variable '\$\{Group\.InstanceIdz\}' reads attribute/);
  });

  test('flags a Sub whose body is not a literal string', () => {
    const t = valid();
    t.Outputs.Tok = { Value: { 'Fn::Sub': [{ 'Fn::Join': ['', ['${A}']] }, { A: 'x' }] } };
    expect(messages(checkTemplateAgainstSpec(t))).toMatch(/Fn::Sub body must be a literal string/);
  });

  test('checks intrinsics inside a Sub variable map', () => {
    const t = valid();
    t.Resources.Cmd.Properties.CommandContent['Fn::Sub'][1].CurlCli = { Ref: 'Handel' };
    expect(messages(checkTemplateAgainstSpec(t))).toMatch(/\["Fn::Sub"\]\[1\]\.CurlCli\.Ref: Ref 'Handel' names no/);
  });

  test('flags DependsOn and Condition that name nothing', () => {
    const t = valid();
    t.Resources.Wait.DependsOn = ['Group', 'Grop'];
    t.Resources.Vpc.Condition = 'IsProd';
    const text = messages(checkTemplateAgainstSpec(t));
    expect(text).toMatch(/Resources\.Wait\.DependsOn\[1\]: DependsOn 'Grop' names no resource/);
    expect(text).toMatch(/Resources\.Vpc\.Condition: Condition 'IsProd' is not declared/);
  });

  test('flags an Fn::If on an undeclared condition, or with the wrong number of arguments', () => {
    const t = valid();
    t.Conditions = { IsProd: { 'Fn::Equals': ['a', 'a'] } };
    t.Resources.Group.Properties.MaxAmount = { 'Fn::If': ['IsProd', 2, 1] };
    expect(checkTemplateAgainstSpec(t)).toEqual([]);
    t.Resources.Group.Properties.MaxAmount = { 'Fn::If': ['IsPrd', 2, { Ref: 'Nothing' }] };
    t.Resources.Group.Properties.ImageId = { 'Fn::If': ['IsProd', 'centos_7'] };
    const text = messages(checkTemplateAgainstSpec(t));
    expect(text).toMatch(/Resources\.Group\.Properties\.MaxAmount\["Fn::If"\]\[0\]: Fn::If condition 'IsPrd' is not declared\. Conditions: IsProd/);
    expect(text).toMatch(/MaxAmount\["Fn::If"\]\[2\]\.Ref: Ref 'Nothing' names no/);
    expect(text).toMatch(/ImageId\["Fn::If"\]: Fn::If takes \[ConditionName, ValueIfTrue, ValueIfFalse\]/);
  });

  test('flags broken reference facts when the reference template is mutated', () => {
    const t = reference();
    delete t.Resources.EcsInstanceGroup.Properties.InstanceType;
    t.Resources.InstanceRunCommand.Properties.CommandContent['Fn::Sub'][0] = t.Resources.InstanceRunCommand.Properties.CommandContent[
      'Fn::Sub'
    ][0].replace('${CurlCli}', '${CurlCmd}');
    t.Outputs.Endpoint.Value['Fn::Sub'][1].ServerAddress['Fn::Select'][1]['Fn::GetAtt'][1] = 'PublicIp';
    const paths = checkTemplateAgainstSpec(t).map((f) => f.path);
    expect(paths).toEqual([
      'Resources.EcsInstanceGroup.Properties',
      'Resources.InstanceRunCommand.Properties.CommandContent["Fn::Sub"][0]',
      'Outputs.Endpoint.Value["Fn::Sub"][1].ServerAddress["Fn::Select"][1]["Fn::GetAtt"]',
    ]);
  });

  test('rejects a non-object template', () => {
    expect(checkTemplateAgainstSpec('nope')).toEqual([{ path: '', message: 'template must be an object, got "nope"' }]);
    expect(messages(checkTemplateAgainstSpec({}))).toMatch(/template has no Resources object/);
  });
});
