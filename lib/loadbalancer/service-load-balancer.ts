import * as ros from '@alicloud/ros-cdk-core';
import { IInstanceGroup } from '../compute/gpu-instance-group';
import { INetwork } from '../network/network';
import { IngressPort } from '../network/service-network';
import {
  AddressType, ClbAccessControlList, ClbBackendServers, ClbListener, ClbLoadBalancer, ListenerProtocol,
} from './classic-load-balancer';

/**
 * The address block CLB's health checks come from: "CLB uses the 100.64.0.0/10 CIDR block for
 * health checks" (https://help.aliyun.com/en/slb/classic-load-balancer/user-guide/health-check-overview/);
 * a layer-7 (HTTPS) listener's proxies reach the instances from the same reserved block, and the
 * client's address travels in X-Forwarded-For
 * (https://www.alibabacloud.com/help/en/server-load-balancer/latest/preserve-client-ip-addresses-when-layer-7-listeners-are-used).
 */
export const CLB_SYSTEM_CIDR = '100.64.0.0/10';

/** Whether the balancer keeps a client on one instance. */
export enum SessionAffinity {
  /** Every connection goes to any healthy instance (weighted round robin): stateless APIs. */
  NONE = 'none',
  /**
   * A client stays on one instance: for TCP by consistent hashing on its address (`Scheduler: sch`,
   * no expiry), for HTTPS by a cookie the balancer inserts. Apps that keep a session in the
   * server's memory need it (a Gradio UI's queue and websocket).
   */
  STICKY = 'sticky',
}

/** How a service's load balancer is set up (the choices a stack passes through). */
export interface LoadBalancerOptions {
  /**
   * TCP pass-through (the instances' own HTTP or TLS reaches the client; no HTTP timeouts, so a
   * streamed answer of any length passes), or HTTPS ended at the balancer with `certificateId`.
   * @default ListenerProtocol.TCP
   */
  readonly protocol?: ListenerProtocol;
  /**
   * The server certificate's id for `ListenerProtocol.HTTPS` (required there, refused with TCP).
   * The instances must then serve plain HTTP on the service port: the balancer speaks HTTP to them.
   * @default - none
   */
  readonly certificateId?: string;
  /**
   * Whether a client stays on one instance.
   * @default SessionAffinity.NONE
   */
  readonly sessionAffinity?: SessionAffinity;
  /**
   * The plain-HTTP port where each instance answers the health check (see `NginxHealthEndpoint`).
   * @default 8008
   */
  readonly healthCheckPort?: number;
  /**
   * The path checked on `healthCheckPort`.
   * @default '/healthz'
   */
  readonly healthCheckPath?: string;
}

/** Props for {@link ServiceLoadBalancer}. */
export interface ServiceLoadBalancerProps extends LoadBalancerOptions {
  /**
   * The instances behind the balancer (all of an instance group's, however many).
   * @default - none attached here: an ESS scaling group attaches its own (ScriptedScalingGroup's loadBalancer)
   */
  readonly instances?: IInstanceGroup;
  /** The VPC and VSwitch the balancer is made in (one VSwitch: CLB needs one zone). */
  readonly network: INetwork;
  /** The service port: the listener's, and the instances'. */
  readonly port: number;
  /** A public address, a private one, or a token (such as an `Fn::If` on a public-access condition). */
  readonly addressType: AddressType;
  /**
   * For an HTTPS listener: the clients admitted (a white list on the listener), since the
   * instances then see the balancer's addresses, not the clients'. A TCP listener passes the
   * clients' addresses through, so the instances' security group does this job instead.
   * @default - HTTPS admits every address
   */
  readonly clientSourceCidrIp?: string;
  /**
   * Prefix of the logical ids (`Slb`, `SlbListener`, `SlbBackendServerAttachment`, `SlbAccessControl`).
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/** Props for {@link ServiceLoadBalancer.instanceIngress}. */
export interface LoadBalancerIngressProps extends LoadBalancerOptions {
  /** The service port. */
  readonly port: number;
  /** Who may connect (e.g. the SourceCidrIp parameter's value). */
  readonly clientSourceCidrIp: string;
}

/**
 * A Classic Load Balancer in front of an instance group: one pay-by-capacity CLB in the network's
 * VSwitch, a listener on the service port with an HTTP health check of each instance's
 * `healthCheckPort` + `healthCheckPath`, and every instance of the group attached.
 *
 * Why CLB and not ALB: the group's `InstanceIds` list attaches as it is (CLB's flat
 * `BackendServerList`), also when the count is a parameter, where ALB needs one `Servers` entry per
 * instance; CLB needs one VSwitch where ALB needs two zones; and a TCP listener (ALB has only
 * HTTP, HTTPS and QUIC) passes TLS through and has no HTTP idle or request timeout to cut a long
 * streamed answer (ros-resources notes A, B).
 */
export class ServiceLoadBalancer extends ros.Construct {
  /**
   * The security group rules the instances need behind this balancer: the service port from the
   * clients (TCP: their addresses pass through) or from the balancer (HTTPS), and the health
   * port from the balancer's health checks ({@link CLB_SYSTEM_CIDR}) only.
   */
  public static instanceIngress(props: LoadBalancerIngressProps): IngressPort[] {
    const https = (props.protocol ?? ListenerProtocol.TCP) === ListenerProtocol.HTTPS;
    return [
      { port: props.port, sourceCidrIp: https ? CLB_SYSTEM_CIDR : props.clientSourceCidrIp },
      { port: props.healthCheckPort ?? 8008, sourceCidrIp: CLB_SYSTEM_CIDR },
    ];
  }

  /** The balancer. */
  public readonly loadBalancer: ClbLoadBalancer;
  /** The listener. */
  public readonly listener: ClbListener;
  /** The attachment of the instances (only with `instances`). */
  public readonly backendServers?: ClbBackendServers;
  /** The listener's white list (HTTPS with `clientSourceCidrIp` only). */
  public readonly accessControl?: ClbAccessControlList;
  /** The balancer's service address (public or private by `addressType`). */
  public readonly address: string;
  /** The listener's protocol. */
  public readonly protocol: ListenerProtocol;
  /** The service port. */
  public readonly port: number;
  /** The instances' health check port. */
  public readonly healthCheckPort: number;
  /** The health check path. */
  public readonly healthCheckPath: string;

  constructor(scope: ros.Construct, id: string, props: ServiceLoadBalancerProps) {
    super(scope, id);
    const prefix = props.logicalIdPrefix ?? '';
    this.protocol = props.protocol ?? ListenerProtocol.TCP;
    this.port = props.port;
    this.healthCheckPort = props.healthCheckPort ?? 8008;
    this.healthCheckPath = props.healthCheckPath ?? '/healthz';
    if (this.healthCheckPort === this.port) {
      throw new Error(`ServiceLoadBalancer: healthCheckPort ${this.healthCheckPort} is the service port; the health endpoint needs a port of its own (plain HTTP, whatever the service speaks). Give another, e.g. 8008.`);
    }
    const https = this.protocol === ListenerProtocol.HTTPS;
    if (!https && props.clientSourceCidrIp !== undefined) {
      throw new Error('ServiceLoadBalancer: clientSourceCidrIp is not allowed with ListenerProtocol.TCP: the clients\' addresses pass through to the instances, so their security group admits them (see ServiceLoadBalancer.instanceIngress).');
    }
    this.loadBalancer = new ClbLoadBalancer(this, 'LoadBalancer', {
      vpcId: props.network.vpcId,
      vSwitchId: props.network.vSwitchId,
      addressType: props.addressType,
      logicalIdPrefix: prefix,
    });
    this.accessControl = https && props.clientSourceCidrIp !== undefined
      ? new ClbAccessControlList(this, 'Clients', { entries: [props.clientSourceCidrIp], logicalIdPrefix: prefix })
      : undefined;
    this.listener = new ClbListener(this, 'Listener', {
      loadBalancerId: this.loadBalancer.loadBalancerId,
      protocol: this.protocol,
      listenerPort: this.port,
      backendServerPort: this.port,
      sticky: (props.sessionAffinity ?? SessionAffinity.NONE) === SessionAffinity.STICKY,
      serverCertificateId: props.certificateId,
      aclId: this.accessControl?.aclId,
      healthCheck: { port: this.healthCheckPort, path: this.healthCheckPath },
      logicalIdPrefix: prefix,
    });
    this.backendServers = props.instances === undefined ? undefined : new ClbBackendServers(this, 'Instances', {
      loadBalancerId: this.loadBalancer.loadBalancerId,
      instanceIds: props.instances.instanceIds,
      logicalIdPrefix: prefix,
    });
    this.address = this.loadBalancer.ipAddress;
  }
}
