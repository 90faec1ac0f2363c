import { isNoEcho, referencedParameters } from '../../ros/intrinsics';
import { defineRule, RuleFinding } from '../engine/template-rule';

/** Resources that pass Cloud Assistant `{{name}}` parameters to a command, in their `Parameters` map. */
const PARAMETER_TYPES = new Set(['ALIYUN::ECS::RunCommand', 'ALIYUN::ECS::Invocation']);

/**
 * `no-echo-command-parameter`: a Cloud Assistant command parameter (`Parameters: { name: ... }`, used as `{{name}}`
 * in the command with `EnableParameter: true`) takes its value from a `NoEcho` parameter. Cloud Assistant pastes the
 * value into the script text as it is (no quoting: a quote in it runs as shell) and keeps the parameters with the
 * invocation record (ROS resource reference, ALIYUN::ECS::Command and ALIYUN::ECS::Invocation,
 * https://www.alibabacloud.com/help/en/resource-orchestration-service/latest/aliyun-ecs-command).
 */
export const noEchoCommandParameter = defineRule({
  id: 'no-echo-command-parameter',
  summary: 'A Cloud Assistant {{name}} command parameter is fed from a NoEcho parameter',
  check(template) {
    const findings: RuleFinding[] = [];
    for (const [resource, def] of Object.entries(template.Resources ?? {})) {
      if (!PARAMETER_TYPES.has(def?.Type ?? '')) continue;
      const params = def.Properties?.Parameters;
      if (typeof params !== 'object' || params === null || Array.isArray(params)) continue;
      for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
        for (const secret of referencedParameters(template, value).filter((p) => isNoEcho(template, p))) {
          findings.push({
            target: resource,
            targetKind: 'resource',
            message: `Cloud Assistant parameter {{${name}}} of ${def.Type} ${resource} takes NoEcho parameter ${secret}: Cloud Assistant pastes the value into the script text unquoted and keeps it with the invocation record.`,
            fix: `drop {{${name}}}: put { "Fn::Base64Encode": { "Ref": "${secret}" } } in the CommandContent's Fn::Sub map, assign it inside single quotes and decode it into a variable with base64 -d, then give it to programs on stdin.`,
          });
        }
      }
    }
    return findings;
  },
});
