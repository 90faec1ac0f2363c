import { checkTemplateAgainstSpec, loadRosSpecification, SPEC_ALLOW_LIST, staleAllowances } from '../support/ros-spec';

describe('SPEC_ALLOW_LIST', () => {
  const spec = loadRosSpecification();

  test('every entry is really missing from @alicloud/ros-cdk-spec (remove entries the spec has caught up with)', () => {
    expect(staleAllowances(spec)).toEqual([]);
  });

  test.each(SPEC_ALLOW_LIST.map((a) => [`${a.resourceType}${a.name ? '.' + a.name : ''}`, a] as const))(
    '%s has a reason and a ROS reference citation',
    (_label, a) => {
      expect(a.reason.length).toBeGreaterThan(20);
      expect(a.citation).toMatch(/ROS resource reference .*https:\/\/\S+/);
      if (a.kind !== 'resourceType') expect(a.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    },
  );

  test('the facts the reference template relies on are in the spec itself, so need no entry', () => {
    const group = spec.ResourceTypes['ALIYUN::ECS::InstanceGroup'];
    expect(Object.keys(group.Attributes ?? {})).toEqual(expect.arrayContaining(['PublicIps', 'PrivateIps', 'InstanceIds']));
    expect(Object.keys(spec.ResourceTypes['ALIYUN::ROS::WaitConditionHandle'].Attributes ?? {})).toContain('CurlCli');
    expect(spec.ResourceTypes['ALIYUN::ECS::RunCommand']).toBeDefined();
  });

  test('staleAllowances reports entries the spec already has', () => {
    const stale = staleAllowances(spec, [
      { kind: 'attribute', resourceType: 'ALIYUN::ECS::InstanceGroup', name: 'PublicIps', reason: 'x', citation: 'y' },
      { kind: 'resourceType', resourceType: 'ALIYUN::ECS::RunCommand', reason: 'x', citation: 'y' },
      { kind: 'attribute', resourceType: 'ALIYUN::ECS::InstanceGroup', name: 'NotThere', reason: 'x', citation: 'y' },
    ]);
    expect(stale.map((a) => a.name ?? a.resourceType)).toEqual(['PublicIps', 'ALIYUN::ECS::RunCommand']);
  });

  test('an allowed property passes, and is flagged without the allow-list', () => {
    const template = {
      Resources: {
        Cmd: {
          Type: 'ALIYUN::ECS::RunCommand',
          Properties: { Type: 'RunShellScript', CommandContent: 'true', InstanceIds: ['i-1'], Tags: [{ Key: 'k', Value: 'v' }] },
        },
      },
    };
    expect(checkTemplateAgainstSpec(template)).toEqual([]);
    expect(checkTemplateAgainstSpec(template, { allowList: [] })).toEqual([
      { path: 'Resources.Cmd.Properties.Tags', message: expect.stringMatching(/ALIYUN::ECS::RunCommand has no property 'Tags'/) },
    ]);
  });

  test('allowed types and attributes are honoured', () => {
    const template = {
      Resources: {
        Life: { Type: 'ALIYUN::ECS::RunCommandOfLifespan', Properties: { Anything: 1 } },
      },
      Outputs: { R: { Value: { 'Fn::GetAtt': ['Life', 'InvokeId'] } }, X: { Value: { 'Fn::GetAtt': ['Life', 'Other'] } } },
    };
    const allowList = [
      { kind: 'resourceType' as const, resourceType: 'ALIYUN::ECS::RunCommandOfLifespan', reason: 'test', citation: 'test' },
      { kind: 'attribute' as const, resourceType: 'ALIYUN::ECS::RunCommandOfLifespan', name: 'InvokeId', reason: 'test', citation: 'test' },
    ];
    expect(checkTemplateAgainstSpec(template, { allowList }).map((f) => f.path)).toEqual(['Outputs.X.Value["Fn::GetAtt"]']);
    expect(checkTemplateAgainstSpec(template, { allowList: [] }).map((f) => f.path)).toEqual(['Resources.Life.Type']);
  });
});

describe('documented properties of an allowed resource type', () => {
  const allowList = [{
    kind: 'resourceType' as const, resourceType: 'ALIYUN::OOS::SecretParameter', reason: 'test', citation: 'test',
    documentedProperties: { SecretParameterName: { required: true }, Value: { required: true } },
    documentedAttributes: ['SecretParameterName'],
  }];
  test.each([
    ['a misspelt property', { Name: 'x', Value: 'y', SecretParameterName: 'z' }, ['Resources.S.Properties.Name']],
    ['a missing required property', { SecretParameterName: 'z' }, ['Resources.S.Properties']],
    ['the documented properties', { SecretParameterName: 'z', Value: 'y' }, []],
  ])('%s', (_name, properties, paths) => {
    const template = { Resources: { S: { Type: 'ALIYUN::OOS::SecretParameter', Properties: properties } }, Outputs: { N: { Value: { 'Fn::GetAtt': ['S', 'SecretParameterName'] } } } };
    expect(checkTemplateAgainstSpec(template, { allowList }).map((f) => f.path)).toEqual(paths);
  });
  test('an undocumented attribute is a finding', () => {
    const template = { Resources: { S: { Type: 'ALIYUN::OOS::SecretParameter', Properties: { SecretParameterName: 'z', Value: 'y' } } }, Outputs: { N: { Value: { 'Fn::GetAtt': ['S', 'Name'] } } } };
    expect(checkTemplateAgainstSpec(template, { allowList }).map((f) => f.message)).toEqual([expect.stringMatching(/reads attribute 'Name' of 'S'.*Attributes: SecretParameterName/)]);
  });
});
