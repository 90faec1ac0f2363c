import { collectReferences } from '../../ros/intrinsics';
import { defineRule, RuleFinding } from '../engine/template-rule';

type Exposure = 'public' | 'private';

const PUBLIC_TEXT = /\b(public|internet|external|eip)\b|公网|外网|公有/i;
const PRIVATE_TEXT = /\b(private|intranet|internal|inner|vpc)\b|内网|私网|私有/i;
const PUBLIC_ATTR = /^(PublicIps?|PublicIpAddress(es)?|EipAddress|InternetIps?|AllocatedPublicIp|PublicDnsName|EipAddresses|InternetAddress|PublicAddress(es)?)$/i;
const PRIVATE_ATTR = /^(PrivateIps?|PrivateIpAddress(es)?|PrimaryIpAddress|InnerIps?|InnerIpAddress|IntranetIps?|IntranetAddress|PrivateAddress(es)?|ConnectionString)$/i;

function textExposure(text: string): Exposure | undefined {
  const pub = PUBLIC_TEXT.test(text);
  const priv = PRIVATE_TEXT.test(text);
  if (pub === priv) return undefined;
  return pub ? 'public' : 'private';
}

/**
 * `output-description-mismatch`: an Output's Description (any language) says public while its Value is a private
 * address (PrivateIps, InnerIp...), or the other way round.
 */
export const outputDescriptionMismatch = defineRule({
  id: 'output-description-mismatch',
  summary: "An Output's description contradicts its value (private vs public)",
  check(template) {
    const findings: RuleFinding[] = [];
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      const attrs = collectReferences(output?.Value).filter((r) => r.kind === 'GetAtt' && r.attribute).map((r) => r.attribute!);
      const valuePublic = attrs.some((a) => PUBLIC_ATTR.test(a));
      const valuePrivate = attrs.some((a) => PRIVATE_ATTR.test(a));
      if (valuePublic === valuePrivate) continue;
      const value: Exposure = valuePublic ? 'public' : 'private';
      const desc = output?.Description;
      const texts: Array<[string, string]> = typeof desc === 'string' ? [['Description', desc]]
        : typeof desc === 'object' && desc !== null ? Object.entries(desc).filter(([, v]) => typeof v === 'string').map(([k, v]) => [`Description.${k}`, v as string]) : [];
      for (const [where, text] of texts) {
        const said = textExposure(text);
        if (!said || said === value) continue;
        findings.push({
          target: name,
          targetKind: 'output',
          message: `${where} ${JSON.stringify(text)} says ${said} but the Value is a ${value} address (${attrs.join(', ')}).`,
          fix: `describe it as ${value === 'public' ? 'the public (internet) address' : 'the private (VPC) address'} or change the Value to the ${said} attribute.`,
        });
      }
    }
    return findings;
  },
});
