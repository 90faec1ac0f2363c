import * as ros from '@alicloud/ros-cdk-core';
import { GpuInstanceOptions, InstanceChargeType, PeriodUnit } from '../compute/instance-options';
import { QwenGpuInstance } from '../compute/qwen-gpu-instance';
import { QwenModel, qwenAppArguments } from '../compute/models';
import { BilingualText, bilingual, ConsoleInterface } from '../computenest/console-metadata';
import { instanceCountParameter, InstanceCountParameterProps } from '../computenest/instance-count-parameter';
import { NetworkParameters, sourceCidrIpParameter } from '../computenest/network-parameters';
import { ScriptedDeployment } from '../deployment/scripted-deployment';
import { ImageLayout } from '../image/image-layout';
import { AddressType, ListenerProtocol } from '../loadbalancer/classic-load-balancer';
import { NginxHealthEndpoint } from '../loadbalancer/nginx-health-endpoint';
import { instanceTls } from '../loadbalancer/instance-tls';
import { LoadBalancerOptions, ServiceLoadBalancer, SessionAffinity } from '../loadbalancer/service-load-balancer';
import { INetwork } from '../network/network';
import { IngressPort } from '../network/service-network';
import { applyRulePack, RuleSuppression } from '../rules';
import { DeployScript, IScriptPart } from '../script/deploy-script';
import { DeployScriptRunCommand } from '../script/deploy-script-run-command';
import { HealthCheck } from '../script/health-check';
import { NginxBasicAuth, PasswordHash } from '../script/nginx-basic-auth';
import { NginxTls, TlsMode } from '../script/nginx-tls';
import { OosSecretParameter } from '../secrets/oos-secret-parameter';
import { checkSecretDelivery, SecretDelivery } from '../secrets/secret-delivery';
import { SecretReaderRole } from '../secrets/secret-reader-role';
import { PortRequirement, PreflightChecks } from '../script/preflight-checks';
import { ScriptValue } from '../script/script-value';
import { IServiceProxy } from '../script/service-proxy';
import { PASSWORD_ALLOWED_PATTERN, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE } from '../secrets/password-pattern';
import { SystemdService } from '../script/systemd-service';
import { WaitConditionCallback } from '../signal/wait-condition-callback';
import { qwenChatImageLayout } from './image-layout';
import { CryptScheme, OsBase } from '../image/os-base';

/**
 * Makes the network a {@link QwenChatStack} deploys into, in place of its new VPC, VSwitch and
 * security group (and their `VpcCidrBlock` / `VSwitchCidrBlock` parameters).
 */
export interface IQwenChatNetworkProvider {
  /**
   * Called once while the stack is built, after its parameters exist (`stack.parameters`); may
   * add parameters and console groups (`stack.addParameterGroup`).
   * @param stack the stack being built
   * @param ingressPorts what the service must admit: the proxy's port from the `SourceCidrIp`
   *   parameter (give them to a new security group, e.g. `ServiceNetwork.fromExisting`)
   */
  provideNetwork(stack: QwenChatStack, ingressPorts: readonly IngressPort[]): INetwork;
}

/** Makes the proxy in front of the app, in place of the nginx basic-auth proxy. */
export interface IQwenChatProxyProvider {
  /**
   * Called once while the stack is built, after its parameters exist. The proxy must listen on
   * `stack.listenPort` and forward to the app on `stack.model.app.port`.
   * @param stack the stack being built
   */
  provideProxy(stack: QwenChatStack): IServiceProxy;
}

/** Props for {@link QwenChatStack}. */
export interface QwenChatStackProps extends ros.StackProps {
  /**
   * The model to serve; decides the allowed instance types and the demo app.
   * @default QwenModel.QWEN_14B_CHAT (16-bit)
   */
  readonly model?: QwenModel;
  /**
   * The image id the instances start from; Compute Nest maps it to the service's image artifact
   * (config.yaml ArtifactRelation).
   * @default 'centos_7'
   */
  readonly imageId?: string;
  /**
   * Where the image keeps Python, OpenSSL and the app (the image build installs there).
   * @default qwenChatImageLayout(model, osBase)
   */
  readonly imageLayout?: ImageLayout;
  /**
   * The operating system of the image the instances start from (the service package builds it on this
   * base). The legacy OsBase.CENTOS_7 prints an end-of-life warning at synth.
   * @default OsBase.ALIBABA_CLOUD_LINUX_3
   */
  readonly osBase?: OsBase;
  /**
   * Other bases the deploy script must run on as well. The default keeps updating stacks made from the
   * reference template in place: their instances run the reference's CentOS 7 image.
   * @default [OsBase.CENTOS_7]
   */
  readonly alsoRunsOn?: OsBase[];
  /**
   * How the login password is hashed; nginx verifies it with the image's crypt(), so the scheme must be one
   * that osBase and every alsoRunsOn base verify (checked at synth: PasswordHash.BCRYPT with CentOS 7 is refused).
   * @default PasswordHash.SHA512_CRYPT (every base)
   */
  readonly passwordHash?: PasswordHash;
  /**
   * The port the proxy serves the demo on, opened in the security group.
   * @default 5000
   */
  readonly listenPort?: number;
  /**
   * Seconds the deploy script waits for the app to answer on its local port (loading the model)
   * before it signals FAILURE.
   * @default 1800
   */
  readonly appCheckTimeoutSeconds?: number;
  /**
   * Seconds the nginx checks (401 without credentials, 200 with them) may keep failing.
   * @default 60
   */
  readonly proxyCheckTimeoutSeconds?: number;
  /**
   * Name of the systemd unit of the app (kept from the reference so an update replaces it).
   * @default 'tongyi'
   */
  readonly serviceName?: string;
  /**
   * Options of the GPU instances: count (`amount`, a fixed number), RAM role, tags, data disks,
   * spot, disks and public access.
   * @default - one instance with the reference's disk, bandwidth and public IP
   */
  readonly instanceOptions?: GpuInstanceOptions;
  /**
   * Let the deployer choose the number of GPU instances: an `InstanceCount` console parameter
   * whose value the instance group's MaxAmount, the RunCommand's targets and the wait's Count all
   * follow. Not with `instanceOptions.amount` (one count, one place).
   * @default - no parameter: `instanceOptions.amount` (default 1) instances
   */
  readonly instanceCountParameter?: InstanceCountParameterProps;
  /**
   * The Classic Load Balancer in front of the instances. There is one whenever the count can
   * exceed one (`instanceCountParameter`, or `instanceOptions.amount` above 1); give this to have
   * one in front of a single instance too, or to choose its listener. With a balancer the
   * instances get no public IP (unless `instanceOptions.allocatePublicIp` is true), each answers
   * its health check on `healthCheckPort`, and the outputs give the balancer's address.
   * @default - TCP pass-through on listenPort, sticky sessions (the Gradio UI keeps its queue and
   *   websocket on one instance), health check `/healthz` on 8008; none for a single instance
   */
  readonly loadBalancer?: LoadBalancerOptions;
  /**
   * The network to deploy into.
   * @default - the console's choice (NetworkParameters): a new VPC and VSwitch (VpcCidrBlock,
   *   VSwitchCidrBlock) or existing ones (VpcId, VSwitchId), the stack's own security group, and
   *   public access or not (EnablePublicAccess, SourceCidrIp)
   */
  readonly network?: IQwenChatNetworkProvider;
  /**
   * The proxy in front of the app.
   * @default - nginx with HTTP basic auth from the UserName and Password parameters, over `tls`
   */
  readonly proxy?: IQwenChatProxyProvider;
  /**
   * TLS of the stack's own nginx proxy: a certificate made on each instance at deploy time (its
   * SHA-256 fingerprint is the `TlsCertificateFingerprint` output), a given one
   * (`NginxTls.fromPem`), or plain HTTP chosen explicitly (`NginxTls.plainHttp({ reason })`, e.g.
   * behind a load balancer listener that ends TLS with its own certificate).
   * @default NginxTls.generated()
   */
  readonly tls?: NginxTls;
  /**
   * How the Password reaches the instance: from an OOS secret parameter Cloud Assistant reads on the
   * instance (the command's content and records never hold it; the deployer needs
   * `oos:GetSecretParameter` and `kms:GetSecretValue`), or base64-encoded in the command's content
   * (for deployers without that permission; anyone who may read the invocation records can decode it).
   * @default SecretDelivery.OOS_SECRET_PARAMETER
   */
  readonly secretDelivery?: SecretDelivery;
  /**
   * Parts of the deploy script that run before the stack's own parts of the same phase (e.g. a
   * ScriptPhase.PREFLIGHT check, or a COMMANDS step that runs before the htpasswd step).
   * @default - none
   */
  readonly scriptPartsBefore?: readonly IScriptPart[];
  /**
   * Parts of the deploy script that run after the stack's own parts of the same phase (e.g. a
   * ScriptPhase.HEALTH_CHECKS check after the proxy's).
   * @default - none
   */
  readonly scriptPartsAfter?: readonly IScriptPart[];
  /**
   * Findings of the template rule pack to accept, each with a reason; synth fails on any other
   * finding, and on a suppression that matches nothing.
   * @default - none
   */
  readonly ruleSuppressions?: RuleSuppression[];
}

/** The console parameters of a {@link QwenChatStack}, by their role. */
export interface QwenChatParameters {
  /** `PayType`: PostPaid or PrePaid. */
  readonly payType: ros.RosParameter;
  /** `PayPeriodUnit`: Month or Year (PrePaid only). */
  readonly payPeriodUnit: ros.RosParameter;
  /** `PayPeriod`: 1 to 9 (PrePaid only). */
  readonly payPeriod: ros.RosParameter;
  /** `ZoneId`: the zone, filtered by the instance type. */
  readonly zoneId: ros.RosParameter;
  /** `VpcOption`: a new or an existing VPC; only with the stack's own network (no `network` prop). */
  readonly vpcOption?: ros.RosParameter;
  /** `VpcCidrBlock`: only with the stack's own network (no `network` prop). */
  readonly vpcCidrBlock?: ros.RosParameter;
  /** `VSwitchCidrBlock`: only with the stack's own network (no `network` prop). */
  readonly vSwitchCidrBlock?: ros.RosParameter;
  /** `VpcId`: the existing VPC; only with the stack's own network (no `network` prop). */
  readonly vpcId?: ros.RosParameter;
  /** `VSwitchId`: the existing VSwitch; only with the stack's own network (no `network` prop). */
  readonly vSwitchId?: ros.RosParameter;
  /** `EnablePublicAccess` (Boolean): public IPs and endpoint, or private only; only with the stack's own network. */
  readonly enablePublicAccess?: ros.RosParameter;
  /** `SourceCidrIp`: who may reach the proxy's port. */
  readonly sourceCidrIp: ros.RosParameter;
  /** `InstanceCount`: how many GPU instances; only with `instanceCountParameter`. */
  readonly instanceCount?: ros.RosParameter;
  /** `EcsInstanceType`: the GPU instance types that fit the model. */
  readonly instanceType: ros.RosParameter;
  /** `InstancePassword`: the instances' login password (NoEcho). */
  readonly instancePassword: ros.RosParameter;
  /** `UserName`: the demo's login name. */
  readonly userName: ros.RosParameter;
  /** `Password`: the demo's login password (NoEcho). */
  readonly password: ros.RosParameter;
}

/**
 * What the stack's own nginx basic-auth proxy knowingly does with SecretDelivery.COMMAND_TEXT, said in the
 * template's Metadata so `lint` gives synth's verdict: the Password reaches the instance base64-encoded
 * inside the RunCommand content.
 */
const BASIC_AUTH_PROXY_SUPPRESSIONS: readonly RuleSuppression[] = [
  {
    id: 'secret-in-command-text',
    target: 'Password',
    reason: 'SecretDelivery.COMMAND_TEXT chosen: the Password reaches the instance base64-encoded in the RunCommand content, for deployers without OOS secret parameter permission.',
  },
];

/** A user name htpasswd and the deploy script accept: no ':' (htpasswd's separator), no leading '-'. */
export const USER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.@-]*$';
export { CIDR_PATTERN } from '../computenest/network-parameters';

/**
 * The Qwen chat Compute Nest service: a new VPC, VSwitch and security group (or the network it is
 * given), GPU ECS instances sized for the model, and a RunCommand whose script installs the app's
 * systemd unit and an nginx basic-auth reverse proxy, checks both answer, and signals the
 * WaitCondition.
 *
 * Parameter names, resource logical ids, outputs and the console metadata are those of the
 * hand-written template it replaces, so a stack made from that template can be updated to it, with
 * the caveats the README lists (stricter parameter constraints, a replaced WaitCondition).
 */
export class QwenChatStack extends ros.Stack {
  /** The console group of the network parameters (the reference's label), for `addParameterGroup`. */
  public static readonly NETWORK_GROUP: BilingualText = { en: 'Choose existing Infrastructure Configuration', 'zh-cn': '选择网络配置' };

  /** The console parameters. */
  public readonly parameters: QwenChatParameters;
  /** The model served. */
  public readonly model: QwenModel;
  /** The image layout the unit runs from. */
  public readonly imageLayout: ImageLayout;
  /** The port the proxy listens on. */
  public readonly listenPort: number;
  /** The network. */
  public readonly network: INetwork;
  /** The console's network choices (VpcOption, ..., EnablePublicAccess); only with the stack's own network. */
  public readonly networkParameters?: NetworkParameters;
  /** How many GPU instances: a literal, or the `InstanceCount` parameter's value (a number token). */
  public readonly instanceCount: number;
  /** The GPU instances. */
  public readonly instance: QwenGpuInstance;
  /** The load balancer in front of the instances, when there is one. */
  public readonly loadBalancer?: ServiceLoadBalancer;
  /** Each instance's health endpoint for the load balancer, when there is one. */
  public readonly healthEndpoint?: NginxHealthEndpoint;
  /** The script, its RunCommand and its wait, wired to the instances. */
  public readonly deployment: ScriptedDeployment;
  /** The wait for the deploy script's signal. */
  public readonly callback: WaitConditionCallback;
  /** The deploy script. */
  public readonly script: DeployScript;
  /** The RunCommand that runs the script. */
  public readonly runCommand: DeployScriptRunCommand;
  /** The app's systemd unit. */
  public readonly appService: SystemdService;
  /** The proxy in front of the app. */
  public readonly proxy: IServiceProxy;
  /** The operating system of the image. */
  public readonly osBase: OsBase;
  /** Every base the deploy script must run on: osBase, then alsoRunsOn. */
  public readonly deployBases: readonly OsBase[];
  /** The Password's OOS secret parameter (SecretDelivery.OOS_SECRET_PARAMETER with the stack's own proxy). */
  public readonly passwordSecret?: OosSecretParameter;
  /** The RAM role the instances read their secret parameters with. */
  public readonly secretReader?: SecretReaderRole;
  private readonly consoleInterface = new ConsoleInterface(['acs:integrate:计算巢:ModelScope']);

  constructor(scope: ros.Construct, id: string, props: QwenChatStackProps = {}) {
    super(scope, id, props);
    const model = props.model ?? QwenModel.QWEN_14B_CHAT;
    this.model = model;
    this.osBase = props.osBase ?? OsBase.ALIBABA_CLOUD_LINUX_3;
    this.deployBases = [...new Set([this.osBase, ...props.alsoRunsOn ?? [OsBase.CENTOS_7]])];
    this.osBase.warnIfLegacy(`QwenChatStack '${id}'`, this);
    // nginx checks the hash with the image's crypt() (CentOS 7's glibc 2.17 knows SHA-512 crypt, not bcrypt).
    const passwordHash = props.passwordHash ?? PasswordHash.SHA512_CRYPT;
    const scheme = passwordHash === PasswordHash.BCRYPT ? CryptScheme.BCRYPT : CryptScheme.SHA512_CRYPT;
    this.osBase.assertVerifiesCrypt('QwenChatStack', 'passwordHash', scheme);
    for (const base of this.deployBases.filter((b) => !b.verifiesCrypt(scheme))) {
      throw new Error(`QwenChatStack: prop 'passwordHash' '${passwordHash}' is not allowed with alsoRunsOn ${base.displayName}: its crypt() verifies only `
        + `${base.cryptSchemes.join(', ')}, so nginx there would answer 500 to every login. Use PasswordHash.SHA512_CRYPT, or leave ${base.displayName} `
        + `out of alsoRunsOn (it is there by default so that stacks made from the reference template update in place).`);
    }
    this.imageLayout = props.imageLayout ?? qwenChatImageLayout(model, this.osBase);
    this.listenPort = props.listenPort ?? 5000;
    const listenPort = this.listenPort;
    if (!Number.isInteger(listenPort) || listenPort < 1 || listenPort > 65535) {
      throw new Error(`QwenChatStack: listenPort ${listenPort} is not allowed: give a whole port number from 1 to 65535, e.g. 5000.`);
    }
    const allowedTypes = QwenGpuInstance.allowedInstanceTypesFor(model);
    const serviceName = props.serviceName ?? 'tongyi';
    if (serviceName === 'nginx') {
      throw new Error("QwenChatStack: serviceName 'nginx' is not allowed: it would overwrite nginx's own unit. Give another name, e.g. 'tongyi'.");
    }

    new ros.RosInfo(this, ros.RosInfo.description, description(model, listenPort, props));

    if (props.instanceCountParameter !== undefined && props.instanceOptions?.amount !== undefined) {
      throw new Error(`QwenChatStack: instanceOptions.amount ${props.instanceOptions.amount} is not allowed with instanceCountParameter: the InstanceCount parameter decides the count. Leave one of them out.`);
    }
    const { params: p, networkParameters } = parameters(this, allowedTypes, listenPort, props);
    this.parameters = p;
    this.networkParameters = networkParameters;
    this.instanceCount = p.instanceCount?.valueAsNumber ?? props.instanceOptions?.amount ?? 1;
    this.consoleInterface.addParameterGroup({ label: { en: 'PayType Configuration', 'zh-cn': '付费类型配置' }, parameters: [p.payType, p.payPeriodUnit, p.payPeriod] });
    this.consoleInterface.addParameterGroup({
      label: { en: 'Instance', 'zh-cn': 'ECS实例配置' },
      parameters: [p.instanceType, p.instancePassword, ...(p.instanceCount ? [p.instanceCount] : [])],
    });
    this.consoleInterface.addParameterGroup({ label: { en: 'Login Information', 'zh-cn': '登录信息' }, parameters: [p.userName, p.password] });
    this.consoleInterface.addParameterGroup({ label: { en: 'Zone Configuration', 'zh-cn': '可用区配置' }, parameters: [p.zoneId] });
    this.consoleInterface.addParameterGroup({
      label: QwenChatStack.NETWORK_GROUP,
      parameters: networkParameters?.parameters ?? [p.sourceCidrIp],
    });

    // The proxy's port admits SourceCidrIp; without public access in a new VPC, the new VPC's block.
    const clientSource = networkParameters?.clientSourceCidrIp ?? p.sourceCidrIp.valueAsString;
    // A balancer whenever more than one instance may run, or when asked for.
    const amount = this.instanceCount;
    const balanced = props.loadBalancer !== undefined || ros.Token.isUnresolved(amount) || amount > 1;
    const lbOptions: LoadBalancerOptions = { sessionAffinity: SessionAffinity.STICKY, ...props.loadBalancer };
    // TLS of the stack's own proxy: made on each instance by default (behind a TCP listener, which passes
    // TLS through, the certificate also names the balancer's address); behind an HTTPS listener the balancer
    // ends TLS with its certificate and speaks plain HTTP to the instances, which then have no public IP.
    const tls = instanceTls({ owner: 'QwenChatStack', balanced, loadBalancer: lbOptions, tls: props.tls, balancerAddress: () => this.loadBalancer!.address });
    const delivery = checkSecretDelivery('QwenChatStack', props.secretDelivery);
    const oos = props.proxy === undefined && delivery === SecretDelivery.OOS_SECRET_PARAMETER;
    if (oos) {
      this.passwordSecret = new OosSecretParameter(this, 'PasswordSecret', {
        value: p.password.valueAsString,
        namePrefix: 'qwen-chat',
        nameSuffix: 'password',
        description: 'Login password of the Qwen chat demo (the stack\'s Password parameter)',
        // OOS checks the value too; no line break can end the script's here-document.
        constraints: { allowedPattern: PASSWORD_ALLOWED_PATTERN, minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH },
        logicalIdPrefix: 'Password',
      });
      // An instance has one RAM role: a given one gets the read policy instead of a new role.
      this.secretReader = new SecretReaderRole(this, 'SecretReader', {
        secrets: [this.passwordSecret],
        existingRoleName: props.instanceOptions?.ramRoleName,
        namePrefix: 'qwen-chat',
      });
    }
    this.proxy = props.proxy?.provideProxy(this) ?? new NginxBasicAuth({
      // Both patterns allow ASCII only: MaxLength is the most bytes (for the RunCommand size check).
      userName: ScriptValue.fromParameter(p.userName, { maxBytes: 32 }),
      password: this.passwordSecret
        // The reference ROS writes: `{{oos-secret:` + `qwen-chat-<stack id>-password` (55) + `}}`.
        ? ScriptValue.fromCloudAssistantParameter('Password', this.passwordSecret.commandReference, { maxBytes: 70 })
        : ScriptValue.fromParameter(p.password, { maxBytes: PASSWORD_MAX_LENGTH }),
      listenPort,
      upstreamPort: model.app.port,
      proxyCheckTimeoutSeconds: props.proxyCheckTimeoutSeconds,
      passwordHash,
      opensslPath: this.imageLayout.opensslPath,
      tls,
    });
    if (props.proxy !== undefined && props.tls !== undefined) {
      throw new Error('QwenChatStack: tls is not allowed with proxy: it sets the TLS of the stack\'s own nginx proxy; give your proxy its own NginxTls.');
    }
    if (this.proxy.listenPort !== listenPort) {
      throw new Error(`QwenChatStack: the proxy from props.proxy listens on port ${this.proxy.listenPort}, but listenPort is ${listenPort}; build the proxy on stack.listenPort, or set listenPort to its port.`);
    }

    const ingressPorts: IngressPort[] = balanced
      ? ServiceLoadBalancer.instanceIngress({ ...lbOptions, port: listenPort, clientSourceCidrIp: clientSource })
      : [{ port: listenPort, sourceCidrIp: clientSource }];
    this.network = props.network?.provideNetwork(this, ingressPorts)
      ?? networkParameters!.createNetwork(this, 'Network', { ingressPorts });

    // Behind a balancer the instances need no public IP: it is the only way in (TCP passes the
    // clients' addresses through, so the security group still admits only SourceCidrIp).
    const allocatePublicIp = props.instanceOptions?.allocatePublicIp ?? !balanced;
    this.instance = new QwenGpuInstance(this, 'Instance', {
      ...props.instanceOptions,
      ramRoleName: this.secretReader?.roleName ?? props.instanceOptions?.ramRoleName,
      amount: this.instanceCount,
      allocatePublicIp,
      publicIpCondition: allocatePublicIp ? props.instanceOptions?.publicIpCondition ?? networkParameters?.publicAccess : undefined,
      model,
      instanceType: p.instanceType.valueAsString,
      allowedInstanceTypes: allowedTypes,
      network: this.network,
      imageId: props.imageId ?? 'centos_7',
      password: p.instancePassword.valueAsString,
      instanceChargeType: InstanceChargeType.of(p.payType.valueAsString),
      periodUnit: PeriodUnit.of(p.payPeriodUnit.valueAsString),
      period: p.payPeriod.valueAsNumber,
    });

    // The instances (and so the command) wait until the role may read the secret parameters.
    this.secretReader?.requiredBy(this.instance.instanceGroup);

    this.appService = new SystemdService({
      name: serviceName,
      description: `${model.displayName} Gradio demo`,
      workingDirectory: this.imageLayout.appDirectory,
      // A checkpoint-taking demo (the Int8/Int4 presets' web_demo.py) is told its checkpoint and address.
      execStart: [this.imageLayout.pythonPath, model.app.entrypoint, ...qwenAppArguments(model, this.imageLayout.modelCacheDirectory)],
      environment: {
        GRADIO_SERVER_NAME: '127.0.0.1',
        GRADIO_SERVER_PORT: String(model.app.port),
        ...this.imageLayout.serviceEnvironment,
        // The app's lines reach the journal (and the deploy log) as they are printed.
        PYTHONUNBUFFERED: '1',
      },
      // It still runs as root: the image keeps the app and the weights under /root (the reference's layout).
      sandbox: true,
    });
    const appCheck = new HealthCheck({
      description: `the app answers on 127.0.0.1:${model.app.port}`,
      url: `http://127.0.0.1:${model.app.port}/`,
      timeoutSeconds: props.appCheckTimeoutSeconds ?? 1800,
      watchUnit: this.appService.unitName,
    });
    this.healthEndpoint = balanced
      ? new NginxHealthEndpoint({ appPort: model.app.port, port: lbOptions.healthCheckPort, path: lbOptions.healthCheckPath })
      : undefined;
    if (this.healthEndpoint !== undefined && this.healthEndpoint.port === listenPort) {
      throw new Error(`QwenChatStack: loadBalancer.healthCheckPort ${listenPort} is listenPort; the health endpoint needs a port of its own. Give another, e.g. 8008.`);
    }
    // Seconds after the script starts: the model's GPU memory, room for the app and the logs, and
    // the ports (each may be held by its own service, restarted by this script on an update).
    const ports: PortRequirement[] = [{ port: model.app.port, ownerUnit: this.appService.unitName }];
    if (this.proxy instanceof NginxBasicAuth) {
      ports.push({ port: listenPort, ownerUnit: 'nginx.service' });
    }
    if (this.healthEndpoint !== undefined) {
      ports.push({ port: this.healthEndpoint.port, ownerUnit: 'nginx.service' });
    }
    const preflight = new PreflightChecks({
      gpu: model,
      disks: [
        { path: this.imageLayout.appDirectory, freeGiB: 2, neededBy: 'the app and its caches' },
        { path: '/var/log', freeGiB: 1, neededBy: 'the logs' },
      ],
      freePorts: ports,
    });
    this.deployment = new ScriptedDeployment(this, 'Deploy', {
      instances: this.instance,
      logFile: '/var/log/qwen-chat-deploy.log',
      parts: [
        ...props.scriptPartsBefore ?? [], preflight, ...this.appService.parts, appCheck, ...this.proxy.parts,
        ...this.healthEndpoint?.parts ?? [], ...props.scriptPartsAfter ?? [],
      ],
    });
    if (balanced) {
      const publicAccess = networkParameters?.publicAccess;
      this.loadBalancer = new ServiceLoadBalancer(this, 'LoadBalancer', {
        ...lbOptions,
        instances: this.instance,
        network: this.network,
        port: listenPort,
        // Public with public access; a private address in the VSwitch without it.
        addressType: publicAccess === undefined
          ? AddressType.INTERNET
          : AddressType.of(ros.Token.asString(ros.Fn.conditionIf(publicAccess.logicalId, AddressType.INTERNET.value, AddressType.INTRANET.value))),
        clientSourceCidrIp: lbOptions.protocol === ListenerProtocol.HTTPS ? clientSource : undefined,
      });
    }
    this.callback = this.deployment.callback;
    this.script = this.deployment.script;
    this.runCommand = this.deployment.runCommand;

    const ownTls = this.proxy instanceof NginxBasicAuth ? this.proxy.tls : undefined;
    // https when the balancer's HTTPS listener ends TLS, or when the instances' proxy serves it (a TCP
    // listener passes it through).
    const endpointScheme = this.loadBalancer?.protocol === ListenerProtocol.HTTPS ? 'https' : this.proxy.scheme ?? 'http';
    const endpoint = (name: string, address: string, text: BilingualText, condition?: ros.RosCondition) =>
      new ros.RosOutput(this, name, {
        description: bilingual(text),
        value: ros.Fn.sub(`${endpointScheme}://\${ServerAddress}:${listenPort}`, { ServerAddress: address }),
        condition,
      });
    const tlsNote = ownTls?.enabled
      ? { en: '; TLS, pin the certificate by TlsCertificateFingerprint', zh: '；TLS 加密，请按 TlsCertificateFingerprint 固定证书' }
      : { en: '', zh: '' };
    const publicText: BilingualText = {
      en: `Public address of the chat demo (HTTP basic auth with UserName and Password${tlsNote.en})`,
      'zh-cn': `对话演示的公网访问地址（使用软件登录名和密码进行 HTTP 基本认证${tlsNote.zh}）`,
    };
    const privateText: BilingualText = {
      en: 'Private address of the chat demo, reachable inside the VPC',
      'zh-cn': '对话演示的内网访问地址，在专有网络内可达',
    };
    if (this.loadBalancer === undefined) {
      // Without public access there is no public IP: only the private endpoint is output.
      endpoint('Endpoint', ros.Token.asString(ros.Fn.select(0, this.instance.publicIps)), publicText, networkParameters?.publicAccess);
      endpoint('PrivateEndpoint', ros.Token.asString(ros.Fn.select(0, this.instance.privateIps)), privateText);
    } else {
      // The balancer's one address: public with public access, private (in the VSwitch) without.
      endpoint('Endpoint', this.loadBalancer.address, publicText, networkParameters?.publicAccess);
      if (networkParameters !== undefined) {
        endpoint('PrivateEndpoint', this.loadBalancer.address, privateText, networkParameters.privateAccess);
      }
    }
    if (ownTls?.enabled) {
      // The SUCCESS signal's data is the certificate's fingerprint; the WaitCondition's Data holds the
      // signals' data by signal id (aliyun/ros-templates solutions/middleware/existing-vpc-cluster-zookeeper.yml
      // reads it with jq), and Fn::Jq picks it out (https://help.aliyun.com/en/ros/user-guide/function-jq).
      const one = !ros.Token.isUnresolved(this.instanceCount) && this.instanceCount === 1;
      new ros.RosOutput(this, 'TlsCertificateFingerprint', {
        description: bilingual(ownTls.mode === TlsMode.GENERATED
          ? {
            en: `SHA-256 fingerprint of the TLS certificate each instance made for itself${one ? '' : ' (one per instance)'}: before you send the password, check that the certificate your browser shows has it`,
            'zh-cn': `各实例自行生成的 TLS 证书的 SHA-256 指纹${one ? '' : '（每台实例一个）'}：发送密码前，请确认浏览器显示的证书指纹与此一致`,
          }
          : { en: 'SHA-256 fingerprint of the TLS certificate the instances serve', 'zh-cn': '实例所用 TLS 证书的 SHA-256 指纹' }),
        value: ros.Fn.jq(one ? 'First' : 'All', '.[]', ros.Token.asString(this.callback.condition.attrData)),
      });
    }

    const plainHttp = ownTls !== undefined && !ownTls.enabled && this.loadBalancer?.protocol !== ListenerProtocol.HTTPS
      ? [{ id: 'credentials-over-plain-http', target: 'InstanceRunCommand', reason: `plain HTTP chosen (NginxTls.plainHttp): ${ownTls.plainHttpReason}` }]
      : [];
    const commandText = props.proxy === undefined && !oos ? BASIC_AUTH_PROXY_SUPPRESSIONS : [];
    applyRulePack(this, { suppressions: [...props.ruleSuppressions ?? [], ...commandText, ...plainHttp] });
    this.templateOptions.metadata = this.consoleInterface.toMetadata();
  }

  /**
   * Show parameters in the console under a heading: added to the group with the same English
   * label (such as `QwenChatStack.NETWORK_GROUP`), or as a new group at the end.
   */
  public addParameterGroup(label: BilingualText, parameters: ros.RosParameter[]): void {
    this.consoleInterface.addParameterGroup({ label, parameters });
  }
}

/** The template's Description: what it deploys, where, and behind what. */
function description(model: QwenModel, listenPort: number, props: QwenChatStackProps): BilingualText {
  const amount = props.instanceCountParameter !== undefined ? ros.Token.asNumber(ros.Fn.ref('InstanceCount')) : props.instanceOptions?.amount ?? 1;
  const count = ros.Token.isUnresolved(amount)
    ? { en: 'GPU ECS instances', zh: '多台 GPU ECS 实例' }
    : amount === 1 ? { en: 'one GPU ECS instance', zh: '一台 GPU ECS 实例' } : { en: `${amount} GPU ECS instances`, zh: `${amount} 台 GPU ECS 实例` };
  const where = props.network === undefined ? { en: ' in a new or an existing VPC', zh: '新建或已有专有网络中的' } : { en: '', zh: '' };
  const proxy = props.proxy === undefined
    ? { en: 'an nginx reverse proxy with HTTP basic auth', zh: '带 HTTP 基本认证的 nginx 反向代理' }
    : { en: 'a reverse proxy', zh: '反向代理' };
  const balanced = props.loadBalancer !== undefined || ros.Token.isUnresolved(amount) || amount > 1;
  const lb = balanced ? { en: ' A Classic Load Balancer spreads the users over the instances.', zh: '传统型负载均衡（CLB）将用户分摊到各实例。' } : { en: '', zh: '' };
  return {
    en: `Deploys the ${model.displayName} Gradio chat demo on ${count.en}${where.en}, behind ${proxy.en} on port ${listenPort}.${lb.en}`,
    'zh-cn': `在${where.zh}${count.zh}上部署 ${model.displayName} Gradio 对话演示，通过端口 ${listenPort} 上${proxy.zh}访问。${lb.zh}`,
  };
}

/**
 * The template's parameters, named and described as in the reference template, in the
 * reference's order; with the stack's own network, the console's network choices
 * (NetworkParameters: VpcOption, VpcCidrBlock, VSwitchCidrBlock, VpcId, VSwitchId,
 * EnablePublicAccess, SourceCidrIp), else SourceCidrIp alone; InstanceCount with `instanceCountParameter`.
 */
function parameters(stack: QwenChatStack, allowedTypes: string[], listenPort: number, props: QwenChatStackProps): {
  params: QwenChatParameters; networkParameters?: NetworkParameters;
} {
  // ROS renders bilingual labels, but RosParameterProps types `label` and the descriptions as strings.
  type Props = Omit<ros.RosParameterProps, 'label' | 'description' | 'constraintDescription'> & {
    readonly label: BilingualText; readonly description?: BilingualText; readonly constraintDescription?: BilingualText;
  };
  const param = (name: string, p: Props) => new ros.RosParameter(stack, name, {
    ...p,
    label: bilingual(p.label),
    description: p.description && bilingual(p.description),
    constraintDescription: p.constraintDescription && bilingual(p.constraintDescription),
  });
  const visibleWhenPrePaid = { Visible: { Condition: { 'Fn::Not': { 'Fn::Equals': ['${PayType}', 'PostPaid'] } } } };
  const S = ros.RosParameterType.STRING;
  const payType = param('PayType', {
    type: S,
    label: { en: 'ECS Instance Charge Type', 'zh-cn': '付费类型' },
    defaultValue: 'PostPaid',
    allowedValues: ['PostPaid', 'PrePaid'],
    associationProperty: 'ChargeType',
    associationPropertyMetadata: { LocaleKey: 'InstanceChargeType' },
  });
  const payPeriodUnit = param('PayPeriodUnit', {
    type: S,
    label: { en: 'Pay Period Unit', 'zh-cn': '购买资源时长周期' },
    defaultValue: 'Month',
    allowedValues: ['Month', 'Year'],
    associationProperty: 'PayPeriodUnit',
    associationPropertyMetadata: visibleWhenPrePaid,
  });
  const payPeriod = param('PayPeriod', {
    type: ros.RosParameterType.NUMBER,
    label: { en: 'Period', 'zh-cn': '购买资源时长' },
    defaultValue: 1,
    allowedValues: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    associationProperty: 'PayPeriod',
    associationPropertyMetadata: visibleWhenPrePaid,
  });
  const zoneId = param('ZoneId', {
    type: S,
    label: { en: 'VSwitch Availability Zone', 'zh-cn': '交换机可用区' },
    associationProperty: 'ALIYUN::ECS::Instance::ZoneId',
    // Only zones with stock of the chosen type and charge type (ROS "ECS resources" AssociationPropertyMetadata).
    associationPropertyMetadata: {
      InstanceType: '${EcsInstanceType}',
      InstanceChargeType: '${PayType}',
      SystemDiskCategory: 'cloud_essd',
    },
  });
  const sourceDescription: BilingualText = {
    en: `Who may connect to port ${listenPort}: an IPv4 CIDR block. 0.0.0.0/0 lets the whole internet reach the login prompt; narrow it to your office's range.`,
    'zh-cn': `允许访问端口 ${listenPort} 的来源 IPv4 网段。0.0.0.0/0 表示整个互联网均可访问登录页，建议缩小为您办公网络的网段。`,
  };
  const networkParameters = props.network !== undefined ? undefined : new NetworkParameters(stack, 'NetworkParameters', {
    zoneId, servicePort: listenPort, sourceCidrIpDescription: sourceDescription,
  });
  const sourceCidrIp = networkParameters?.sourceCidrIp ?? sourceCidrIpParameter(stack, listenPort, sourceDescription);
  const rest = {
    instanceType: param('EcsInstanceType', {
      type: S,
      label: { en: 'Instance Type', 'zh-cn': '实例类型' },
      associationProperty: 'ALIYUN::ECS::Instance::InstanceType',
      // The type is chosen first (its group comes before the zone's); ZoneId is then filtered by it.
      // Filtering this list by ZoneId too would make the two parameters depend on each other.
      associationPropertyMetadata: { InstanceChargeType: '${PayType}' },
      allowedValues: allowedTypes,
    }),
    instancePassword: param('InstancePassword', {
      type: S,
      noEcho: true,
      description: {
        en: "Server login password, Length 8-30, must contain three(Capital letters, lowercase letters, numbers, ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ Special symbol in)",
        'zh-cn': "服务器登录密码,长度8-30，必须包含三项（大写字母、小写字母、数字、 ()`~!@#$%^&*_-+=|{}[]:;'<>,.?/ 中的特殊符号）",
      },
      allowedPattern: PASSWORD_ALLOWED_PATTERN,
      label: { en: 'Instance Password', 'zh-cn': '实例密码' },
      constraintDescription: PASSWORD_RULE,
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      associationProperty: 'ALIYUN::ECS::Instance::Password',
    }),
    userName: param('UserName', {
      type: S,
      label: { en: 'User Name', 'zh-cn': '软件登录名' },
      description: {
        en: 'User name for the chat demo\'s login: 1-32 letters, digits and _.@-, starting with a letter or digit.',
        'zh-cn': '对话演示的登录名：1-32 位字母、数字及 _.@-，以字母或数字开头。',
      },
      defaultValue: 'admin',
      allowedPattern: USER_NAME_PATTERN,
      minLength: 1,
      maxLength: 32,
      constraintDescription: {
        en: '1-32 letters, digits and _.@-, starting with a letter or digit.',
        'zh-cn': '1-32 位字母、数字及 _.@-，以字母或数字开头。',
      },
    }),
    password: param('Password', {
      type: S,
      noEcho: true,
      description: { en: `Software login password, ${PASSWORD_RULE.en}`, 'zh-cn': `软件登录密码，${PASSWORD_RULE['zh-cn']}` },
      allowedPattern: PASSWORD_ALLOWED_PATTERN,
      label: { en: 'Software Login Password', 'zh-cn': '软件登录密码' },
      constraintDescription: PASSWORD_RULE,
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      associationProperty: 'ALIYUN::ECS::Instance::Password',
    }),
  };
  return {
    networkParameters,
    params: {
      payType, payPeriodUnit, payPeriod, zoneId,
      vpcOption: networkParameters?.vpcOption,
      vpcCidrBlock: networkParameters?.vpcCidrBlock,
      vSwitchCidrBlock: networkParameters?.vSwitchCidrBlock,
      vpcId: networkParameters?.vpcId,
      vSwitchId: networkParameters?.vSwitchId,
      enablePublicAccess: networkParameters?.enablePublicAccess,
      sourceCidrIp,
      ...rest,
      instanceCount: props.instanceCountParameter === undefined ? undefined : instanceCountParameter(stack, props.instanceCountParameter),
    },
  };
}
