import { TemplateDocument } from '../../lib/ros/template';

/** A template with one RunCommand whose CommandContent is `{ 'Fn::Sub': [body, map] }`, written for the tests. */
export function runCommandTemplate(
  body: string,
  map: Record<string, unknown> = {},
  parameters: Record<string, Record<string, unknown>> = {},
  extraResources: Record<string, unknown> = {},
): TemplateDocument {
  return {
    ROSTemplateFormatVersion: '2015-09-01',
    Parameters: parameters,
    Resources: {
      Instance: { Type: 'ALIYUN::ECS::InstanceGroup', Properties: { MaxAmount: 1 } },
      Deploy: {
        Type: 'ALIYUN::ECS::RunCommand',
        Properties: {
          Type: 'RunShellScript',
          Sync: true,
          InstanceIds: { 'Fn::GetAtt': ['Instance', 'InstanceIds'] },
          CommandContent: { 'Fn::Sub': [body, map] },
        },
      },
      ...(extraResources as Record<string, never>),
    },
  };
}

/** A plain script with no deploy-time values. */
export function scriptTemplate(body: string): TemplateDocument {
  return runCommandTemplate(body);
}
