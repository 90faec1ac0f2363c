// Typed constructs for Classic Load Balancer (CLB, formerly SLB) resources. There is no
// @alicloud/ros-cdk-slb on the npm registry, so each is a ros-cdk-core `RosResource` of the ROS type
// with the properties this library sets, named exactly as the ROS resource specification
// (@alicloud/ros-cdk-spec 1.0.13, spec/specification.json: ALIYUN::SLB::LoadBalancer, ::Listener,
// ::BackendServerAttachment, ::AccessControl); test/loadbalancer checks every synthesized one against it.
import * as ros from '@alicloud/ros-cdk-core';
import { assertLogicalIdFree } from '../ros/logical-id';

/** Whether a CLB has an internet address or only a private one in the VSwitch (`AddressType`). */
export class AddressType {
  /** A public address. */
  public static readonly INTERNET = new AddressType('internet');
  /** A private address in the VSwitch. */
  public static readonly INTRANET = new AddressType('intranet');

  /** A literal (`internet` or `intranet`, checked) or a token such as an `Fn::If`. */
  public static of(value: string): AddressType {
    if (typeof value !== 'string' || (!ros.Token.isUnresolved(value) && !['internet', 'intranet'].includes(value))) {
      throw new Error(`AddressType.of: '${value}' is not allowed: give 'internet', 'intranet', or a token such as an Fn::If.`);
    }
    return new AddressType(value);
  }

  /** @param value the template value (a literal or a token) */
  private constructor(public readonly value: string) {}
}

/** Props for {@link ClbLoadBalancer}. */
export interface ClbLoadBalancerProps {
  /** The VPC (an id or a token). */
  readonly vpcId: string;
  /** The VSwitch the balancer's private address and zone come from (an id or a token). */
  readonly vSwitchId: string;
  /** Public or private address. */
  readonly addressType: AddressType;
  /**
   * The balancer's name.
   * @default - `<stack name>-clb`
   */
  readonly loadBalancerName?: string;
  /**
   * Prefix of the logical id (`Slb`). Logical ids are stack-wide, so a second one in a stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * An `ALIYUN::SLB::LoadBalancer` in a VPC, pay-as-you-go and billed by capacity units
 * (`InstanceChargeType: PayByCLCU`, no `LoadBalancerSpec`): pay-as-you-go CLBs billed by
 * specification can no longer be bought ("pay-by-specification CLB instances are no longer
 * available for purchase", https://www.alibabacloud.com/help/en/server-load-balancer/latest/createloadbalancer-2;
 * the 1.0.13 spec still calls PayBySpec the default, so it is set explicitly).
 */
export class ClbLoadBalancer extends ros.Construct {
  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;
  /** The balancer's id (`Ref`). */
  public readonly loadBalancerId: string;
  /** The balancer's service address (`Fn::GetAtt IpAddress`): public or private by `addressType`. */
  public readonly ipAddress: string;

  constructor(scope: ros.Construct, id: string, props: ClbLoadBalancerProps) {
    super(scope, id);
    const logicalId = `${props.logicalIdPrefix ?? ''}Slb`;
    assertLogicalIdFree(this, logicalId, 'ClbLoadBalancer', 'logicalIdPrefix');
    for (const [prop, value] of [['vpcId', props.vpcId], ['vSwitchId', props.vSwitchId]] as const) {
      if (typeof value !== 'string' || value.trim() === '') {
        throw new Error(`ClbLoadBalancer: ${prop} ${JSON.stringify(value)} is not allowed: give the id (or a token) of the ${prop === 'vpcId' ? 'VPC' : 'VSwitch'} the balancer serves.`);
      }
    }
    this.resource = new ros.RosResource(this, logicalId, {
      type: 'ALIYUN::SLB::LoadBalancer',
      properties: {
        LoadBalancerName: props.loadBalancerName ?? ros.Fn.join('-', [ros.Fn.ref('ALIYUN::StackName'), 'clb']),
        VpcId: props.vpcId,
        VSwitchId: props.vSwitchId,
        AddressType: props.addressType.value,
        InstanceChargeType: 'PayByCLCU',
      },
    });
    this.loadBalancerId = this.resource.ref;
    this.ipAddress = ros.Token.asString(this.resource.getAtt('IpAddress'));
  }
}

/** What a listener forwards (`Protocol`). */
export class ListenerProtocol {
  /**
   * TCP (layer 4): bytes pass through unchanged, so the instances' own HTTP or TLS reaches the
   * client, connections are not cut by HTTP timeouts, and the instances see the clients' addresses.
   */
  public static readonly TCP = new ListenerProtocol('tcp');
  /**
   * HTTPS (layer 7): the balancer ends TLS with a given certificate and speaks plain HTTP to the
   * instances; idle connections close after 60 s and a reply must start within 180 s.
   */
  public static readonly HTTPS = new ListenerProtocol('https');

  /** @param value the template value */
  private constructor(public readonly value: string) {}
}

/** The health check of a listener: an HTTP GET every `intervalSeconds` to each instance. */
export interface ClbHealthCheck {
  /** The instance port checked. */
  readonly port: number;
  /** The path requested, e.g. `/healthz`. */
  readonly path: string;
  /**
   * Seconds between checks, 1 to 50.
   * @default 5
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds a check may take.
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Successes in a row that mark an instance healthy, 1 to 10.
   * @default 2
   */
  readonly healthyThreshold?: number;
  /**
   * Failures in a row that mark an instance unhealthy, 1 to 10.
   * @default 3
   */
  readonly unhealthyThreshold?: number;
}

/** Props for {@link ClbListener}. */
export interface ClbListenerProps {
  /** The balancer's id. */
  readonly loadBalancerId: string;
  /** TCP pass-through or HTTPS. */
  readonly protocol: ListenerProtocol;
  /** The port clients connect to on the balancer. */
  readonly listenerPort: number;
  /** The port of each instance the traffic goes to. */
  readonly backendServerPort: number;
  /** The health check. */
  readonly healthCheck: ClbHealthCheck;
  /**
   * The same client to the same instance: for TCP, consistent hashing on the client's address
   * (`Scheduler: sch`); for HTTPS, a cookie the balancer inserts (`StickySessionType: insert`).
   * @default false (weighted round robin)
   */
  readonly sticky?: boolean;
  /**
   * The server certificate's id (an `ALIYUN::SLB::Certificate` or one uploaded before); HTTPS only, and required there.
   * @default - none
   */
  readonly serverCertificateId?: string;
  /**
   * An access control list whose entries alone may connect (a white list).
   * @default - no list: every address may connect
   */
  readonly aclId?: string;
  /**
   * Prefix of the logical id (`SlbListener`). Logical ids are stack-wide, so a second one in a stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * Limits of ALIYUN::SLB::Listener (@alicloud/ros-cdk-spec 1.0.13): IdleTimeout 1-60 s and
 * RequestTimeout 1-180 s (HTTP and HTTPS listeners), HealthCheck Interval 1-50, thresholds 1-10,
 * Persistence CookieTimeout 0-86400 s.
 */
const MAX_IDLE_TIMEOUT_SECONDS = 60;
const MAX_REQUEST_TIMEOUT_SECONDS = 180;
const MAX_COOKIE_TIMEOUT_SECONDS = 86400;

/**
 * An `ALIYUN::SLB::Listener` with a health check: TCP pass-through, or HTTPS ended at the balancer.
 *
 * Timeouts: a TCP listener has no HTTP idle or request timeout, so a streamed answer of any length
 * passes; an HTTPS listener gets the longest CLB allows (IdleTimeout 60 s, RequestTimeout 180 s),
 * which cuts a reply that is silent for 180 s before its first byte.
 */
export class ClbListener extends ros.Construct {
  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;

  constructor(scope: ros.Construct, id: string, props: ClbListenerProps) {
    super(scope, id);
    const owner = 'ClbListener';
    const logicalId = `${props.logicalIdPrefix ?? ''}SlbListener`;
    assertLogicalIdFree(this, logicalId, owner, 'logicalIdPrefix');
    port(owner, 'listenerPort', props.listenerPort);
    port(owner, 'backendServerPort', props.backendServerPort);
    const hc = props.healthCheck;
    port(owner, 'healthCheck.port', hc.port);
    if (!/^\/[A-Za-z0-9._~/-]*$/.test(hc.path)) {
      throw new Error(`${owner}: healthCheck.path '${hc.path}' is not allowed: give an absolute path of letters, digits and '._~/-', e.g. '/healthz'.`);
    }
    const interval = whole(owner, 'healthCheck.intervalSeconds', hc.intervalSeconds ?? 5, 1, 50);
    const timeout = whole(owner, 'healthCheck.timeoutSeconds', hc.timeoutSeconds ?? 5, 1, 300);
    const healthy = whole(owner, 'healthCheck.healthyThreshold', hc.healthyThreshold ?? 2, 1, 10);
    const unhealthy = whole(owner, 'healthCheck.unhealthyThreshold', hc.unhealthyThreshold ?? 3, 1, 10);
    const https = props.protocol === ListenerProtocol.HTTPS;
    if (props.protocol !== ListenerProtocol.TCP && !https) {
      throw new Error(`${owner}: protocol is not allowed: give ListenerProtocol.TCP or ListenerProtocol.HTTPS.`);
    }
    if (https && (props.serverCertificateId === undefined || props.serverCertificateId.trim() === '')) {
      throw new Error(`${owner}: serverCertificateId is missing: an HTTPS listener needs the id of its server certificate. Give one, or use ListenerProtocol.TCP to pass the instances' own TLS through.`);
    }
    if (!https && props.serverCertificateId !== undefined) {
      throw new Error(`${owner}: serverCertificateId is not allowed with ListenerProtocol.TCP: a TCP listener passes TLS through and holds no certificate. Use ListenerProtocol.HTTPS to end TLS at the balancer.`);
    }
    const sticky = props.sticky ?? false;
    // HealthCheck, Persistence and Scheduler names and ranges: ROS resource ALIYUN::SLB::Listener
    // (spec 1.0.13; https://www.alibabacloud.com/help/doc-detail/51202.html). Consistent hashing is
    // layer 4 only ("Layer 7 does not support CH",
    // https://help.aliyun.com/en/slb/classic-load-balancer/product-overview/functional-characteristics),
    // so HTTPS keeps a client on its instance with an inserted cookie instead.
    const healthCheck: Record<string, unknown> = {
      Switch: 'on',
      ...(https ? {} : { HealthCheckType: 'http' }),
      Port: hc.port,
      URI: hc.path,
      HttpCode: 'http_2xx',
      Interval: interval,
      Timeout: timeout,
      HealthyThreshold: healthy,
      UnhealthyThreshold: unhealthy,
    };
    const persistence = https
      ? {
        XForwardedFor: 'on',
        XForwardedFor_proto: 'on',
        ...(sticky ? { StickySession: 'on', StickySessionType: 'insert', CookieTimeout: MAX_COOKIE_TIMEOUT_SECONDS } : { StickySession: 'off' }),
      }
      : undefined;
    this.resource = new ros.RosResource(this, logicalId, {
      type: 'ALIYUN::SLB::Listener',
      properties: {
        LoadBalancerId: props.loadBalancerId,
        Protocol: props.protocol.value,
        ListenerPort: props.listenerPort,
        BackendServerPort: props.backendServerPort,
        // -1: no bandwidth cap (pay-by-traffic balancers), as the public CLB templates set it.
        Bandwidth: -1,
        Scheduler: sticky && !https ? 'sch' : 'wrr',
        HealthCheck: healthCheck,
        Persistence: persistence,
        ServerCertificateId: https ? props.serverCertificateId : undefined,
        IdleTimeout: https ? MAX_IDLE_TIMEOUT_SECONDS : undefined,
        RequestTimeout: https ? MAX_REQUEST_TIMEOUT_SECONDS : undefined,
        AclStatus: props.aclId === undefined ? undefined : 'on',
        AclType: props.aclId === undefined ? undefined : 'white',
        AclId: props.aclId,
      },
    });
  }
}

/** Props for {@link ClbBackendServers}. */
export interface ClbBackendServersProps {
  /** The balancer's id. */
  readonly loadBalancerId: string;
  /** The instances (a list token such as an instance group's `InstanceIds`, or literal ids). */
  readonly instanceIds: string[];
  /**
   * Prefix of the logical id (`SlbBackendServerAttachment`). Logical ids are stack-wide, so a second one in a stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/**
 * An `ALIYUN::SLB::BackendServerAttachment` of a list of instances, each with weight 100. The
 * flat `BackendServerList` takes an instance group's `InstanceIds` as they are, whatever their
 * number, and one weight is enough: "If the length is small than BackendServerList, it will copy
 * the last one to fill the array" (spec 1.0.13; used so by
 * aliyun-computenest/springboot-scaling-ecs-demo .computenest/ros_templates/template.yaml).
 */
export class ClbBackendServers extends ros.Construct {
  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;

  constructor(scope: ros.Construct, id: string, props: ClbBackendServersProps) {
    super(scope, id);
    const logicalId = `${props.logicalIdPrefix ?? ''}SlbBackendServerAttachment`;
    assertLogicalIdFree(this, logicalId, 'ClbBackendServers', 'logicalIdPrefix');
    if (!ros.Token.isUnresolved(props.instanceIds) && (!Array.isArray(props.instanceIds) || props.instanceIds.length === 0)) {
      throw new Error(`ClbBackendServers: instanceIds ${JSON.stringify(props.instanceIds)} is not allowed: give the instances' ids, e.g. an instance group's instanceIds.`);
    }
    this.resource = new ros.RosResource(this, logicalId, {
      type: 'ALIYUN::SLB::BackendServerAttachment',
      properties: {
        LoadBalancerId: props.loadBalancerId,
        BackendServerList: props.instanceIds,
        BackendServerWeightList: [100],
      },
    });
  }
}

/** Props for {@link ClbAccessControlList}. */
export interface ClbAccessControlListProps {
  /** The IPv4 CIDR blocks (literals or tokens) the list holds. */
  readonly entries: readonly string[];
  /**
   * The list's name.
   * @default - `<stack name>-clients`
   */
  readonly aclName?: string;
  /**
   * Prefix of the logical id (`SlbAccessControl`). Logical ids are stack-wide, so a second one in a stack needs a prefix.
   * @default ''
   */
  readonly logicalIdPrefix?: string;
}

/** An `ALIYUN::SLB::AccessControl`: address blocks a listener admits (or refuses). */
export class ClbAccessControlList extends ros.Construct {
  /** The resource (escape hatch). */
  public readonly resource: ros.RosResource;
  /** The list's id (`Fn::GetAtt AclId`). */
  public readonly aclId: string;

  constructor(scope: ros.Construct, id: string, props: ClbAccessControlListProps) {
    super(scope, id);
    const logicalId = `${props.logicalIdPrefix ?? ''}SlbAccessControl`;
    assertLogicalIdFree(this, logicalId, 'ClbAccessControlList', 'logicalIdPrefix');
    if (props.entries.length === 0) {
      throw new Error('ClbAccessControlList: entries is empty: give at least one CIDR block, e.g. the SourceCidrIp parameter\'s value.');
    }
    this.resource = new ros.RosResource(this, logicalId, {
      type: 'ALIYUN::SLB::AccessControl',
      properties: {
        AclName: props.aclName ?? ros.Fn.join('-', [ros.Fn.ref('ALIYUN::StackName'), 'clients']),
        // The sub-property names are lower case in the spec (ALIYUN::SLB::AccessControl.AclEntrys: entry, comment).
        AclEntrys: props.entries.map((entry) => ({ entry, comment: 'clients' })),
      },
    });
    this.aclId = ros.Token.asString(this.resource.getAtt('AclId'));
  }
}

function port(owner: string, prop: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${owner}: ${prop} ${value} is not allowed: give a whole port number from 1 to 65535.`);
  }
}

function whole(owner: string, prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${owner}: ${prop} ${value} is not allowed: give a whole number from ${min} to ${max}.`);
  }
  return value;
}
