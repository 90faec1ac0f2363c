import { isNoEcho, referencedParameters } from '../../ros/intrinsics';
import { defineRule, RuleFinding } from '../engine/template-rule';

/**
 * Cloud Assistant command resources whose content it keeps in its command and invocation records, and
 * which can read secrets from OOS instead with `EnableParameter`
 * (https://www.alibabacloud.com/help/doc-detail/213542.htm: `{{oos-secret:NAME}}`). A NoEcho value given
 * as a `{{name}}` parameter (`Parameters`) is `no-echo-command-parameter`'s finding.
 */
const COMMAND_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'ALIYUN::ECS::RunCommand': ['CommandContent'],
  'ALIYUN::ECS::Command': ['CommandContent'],
};

/**
 * `secret-in-command-text`: a NoEcho parameter's value is part of a Cloud Assistant command's content, in
 * plain or in any encoding (base64 included). Cloud Assistant keeps that
 * text in its command and invocation records, where anyone allowed to read them recovers the secret;
 * an OOS secret parameter read as `{{oos-secret:NAME}}` keeps it out.
 */
export const secretInCommandText = defineRule({
  id: 'secret-in-command-text',
  summary: 'A NoEcho parameter is part of a Cloud Assistant command\'s text (recorded), where an OOS secret parameter could carry it',
  check(template) {
    const findings: RuleFinding[] = [];
    const where = new Map<string, string[]>();
    for (const [id, res] of Object.entries(template.Resources ?? {})) {
      const properties = COMMAND_PROPERTIES[res?.Type ?? ''];
      if (properties === undefined) continue;
      for (const property of properties) {
        const value = res.Properties?.[property];
        if (value === undefined) continue;
        for (const name of referencedParameters(template, value).filter((p) => isNoEcho(template, p))) {
          where.set(name, [...where.get(name) ?? [], `${id}.${property} (${res.Type})`]);
        }
      }
    }
    for (const [name, places] of where) {
      findings.push({
        target: name,
        targetKind: 'parameter',
        message: `NoEcho parameter ${name} is part of the text of ${places.join(', ')}: Cloud Assistant keeps it in its command and invocation records, where whoever may read them recovers it (base64 or any other encoding is no protection).`,
        fix: `store it as an ALIYUN::OOS::SecretParameter (OosSecretParameter) and refer to it as {{oos-secret:NAME}} in a command run with EnableParameter: true; if the deployer cannot use OOS, suppress this finding for ${name} with that reason.`,
      });
    }
    return findings;
  },
});
