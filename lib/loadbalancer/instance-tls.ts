import * as ros from '@alicloud/ros-cdk-core';
import { NginxTls } from '../script/nginx-tls';
import { ScriptValue } from '../script/script-value';
import { ListenerProtocol } from './classic-load-balancer';
import { LoadBalancerOptions } from './service-load-balancer';

/** What {@link instanceTls} takes: the stack's choices and the balancer's address once it exists. */
export interface InstanceTlsChoice {
  /** The construct named in an error, e.g. `QwenChatStack`. */
  readonly owner: string;
  /** Whether a balancer stands in front of the instances. */
  readonly balanced: boolean;
  /** The balancer's options, with the stack's defaults applied. */
  readonly loadBalancer: LoadBalancerOptions;
  /** The TLS the caller asked for, if any. */
  readonly tls?: NginxTls;
  /** The balancer's address, read at synth (after the balancer is made). */
  readonly balancerAddress: () => string;
}

/**
 * The TLS of the instances' own proxy in a stack that may have a load balancer in front: made on each instance by
 * default (behind a TCP listener, which passes TLS through, the certificate also names the balancer's address);
 * behind an HTTPS listener the balancer ends TLS with its certificate and speaks plain HTTP to the instances, which
 * then have no public IP, and a `tls` that serves TLS there is refused.
 */
export function instanceTls(choice: InstanceTlsChoice): NginxTls {
  const lbEndsTls = choice.balanced && choice.loadBalancer.protocol === ListenerProtocol.HTTPS;
  if (lbEndsTls && choice.tls?.enabled) {
    throw new Error(`${choice.owner}: tls '${choice.tls.mode}' is not allowed with loadBalancer.protocol ListenerProtocol.HTTPS: the balancer ends TLS and speaks plain HTTP to the instances. Leave tls out, or use ListenerProtocol.TCP to pass the instances' own TLS through.`);
  }
  if (choice.tls !== undefined) return choice.tls;
  if (lbEndsTls) {
    return NginxTls.plainHttp({ reason: 'TLS ends at the load balancer\'s HTTPS listener; the instances have no public IP and speak HTTP inside the VPC only' });
  }
  return NginxTls.generated(choice.balanced ? {
    extraSubjectAltNames: [ScriptValue.fromToken('LoadBalancerAddress', ros.Token.asString(ros.Lazy.stringValue({ produce: choice.balancerAddress })), { maxBytes: 15 })],
  } : {});
}
