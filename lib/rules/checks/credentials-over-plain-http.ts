import { collectReferences } from '../../ros/intrinsics';
import { TemplateDocument } from '../../ros/template';
import { listensBeyondLoopback, nginxServers } from '../analysis/nginx-sites';
import { locate, templateScripts } from '../analysis/template-scripts';
import { defineRule, RuleFinding } from '../engine/template-rule';

function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

/**
 * Why the instances a command runs on are reachable from the internet, or undefined: an ECS instance
 * (group) with a public IP (`AllocatePublicIP`, whose default is true: ALIYUN::ECS::InstanceGroup in
 * @alicloud/ros-cdk-spec 1.0.13), or an internet-facing CLB listener forwarding `port` without TLS
 * termination (Protocol tcp or http; `AddressType` defaults to internet).
 */
function publicExposure(template: TemplateDocument, commandResource: string, port: number | undefined): string | undefined {
  const resources = template.Resources ?? {};
  const targets = collectReferences(resources[commandResource]?.Properties?.InstanceIds)
    .filter((r) => r.kind === 'GetAtt' || r.kind === 'Ref')
    .map((r) => r.name)
    .filter((id) => ['ALIYUN::ECS::InstanceGroup', 'ALIYUN::ECS::Instance', 'ALIYUN::ECS::InstanceClone'].includes(resources[id]?.Type ?? ''));
  for (const id of targets) {
    if (!isFalse(resources[id]?.Properties?.AllocatePublicIP)) return `instances ${id} have public IPs (AllocatePublicIP)`;
  }
  for (const [id, res] of Object.entries(resources)) {
    if (res?.Type !== 'ALIYUN::SLB::Listener') continue;
    const p = res.Properties ?? {};
    const protocol = typeof p.Protocol === 'string' ? p.Protocol.toLowerCase() : '';
    if (protocol !== 'tcp' && protocol !== 'http') continue;
    if (port !== undefined && typeof p.BackendServerPort === 'number' && p.BackendServerPort !== port) continue;
    const lb = collectReferences(p.LoadBalancerId).map((r) => r.name).find((n) => resources[n]?.Type === 'ALIYUN::SLB::LoadBalancer');
    const addressType = lb === undefined ? undefined : resources[lb].Properties?.AddressType;
    if (typeof addressType === 'string' && addressType.toLowerCase() === 'intranet') continue;
    return `load balancer listener ${id} (${protocol}) forwards to it from ${lb === undefined ? 'a load balancer' : `internet-facing ${lb}`}`;
  }
  return undefined;
}

/**
 * `credentials-over-plain-http`: a deploy script sets up an nginx server that asks for credentials (HTTP
 * basic auth, an auth subrequest, or a Bearer / Authorization header check) on a `listen` without `ssl`,
 * on instances reachable from the internet: every request then carries the credentials in clear text.
 */
export const credentialsOverPlainHttp = defineRule({
  id: 'credentials-over-plain-http',
  summary: 'An nginx server asks for credentials (basic auth, Bearer) over plain HTTP on a public address',
  check(template) {
    const findings: RuleFinding[] = [];
    for (const script of templateScripts(template)) {
      const text = script.shell.source;
      for (const server of nginxServers(text)) {
        if (server.credentials === undefined) continue;
        for (const listen of server.listens.filter((l) => !l.tls && listensBeyondLoopback(l))) {
          const exposure = publicExposure(template, script.resource, listen.port);
          if (exposure === undefined) continue;
          findings.push({
            target: script.resource,
            targetKind: 'resource',
            message: `an nginx server in ${script.property} asks for credentials (${server.credentials}) on \`${listen.text}\`, plain HTTP, and ${exposure}: the credentials cross the internet in clear text on every request (${locate(script, server.start)}).`,
            fix: 'serve TLS on that port (`listen <port> ssl;` with a certificate, as NginxBasicAuth does by default) or terminate TLS at an HTTPS load balancer listener; keep plain HTTP only as an explicit choice, with a suppression giving the reason.',
          });
        }
      }
    }
    return findings;
  },
});
