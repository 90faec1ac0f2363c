import * as ros from '@alicloud/ros-cdk-core';
import { GpuInstanceGroup } from '../compute/gpu-instance-group';
import { GpuInstanceOptions, InstanceChargeType, PeriodUnit } from '../compute/instance-options';
import { BilingualText, bilingual, ConsoleInterface } from '../computenest/console-metadata';
import { instanceCountParameter, InstanceCountParameterProps } from '../computenest/instance-count-parameter';
import { NetworkParameters } from '../computenest/network-parameters';
import { ScriptedDeployment } from '../deployment/scripted-deployment';
import { ImageLayout } from '../image/image-layout';
import { AddressType, ListenerProtocol } from '../loadbalancer/classic-load-balancer';
import { NginxHealthEndpoint } from '../loadbalancer/nginx-health-endpoint';
import { instanceTls } from '../loadbalancer/instance-tls';
import { LoadBalancerOptions, ServiceLoadBalancer, SessionAffinity } from '../loadbalancer/service-load-balancer';
import { LlmCheckpoint } from '../models/llm-checkpoint';
import { VllmFit, VllmFitOptions } from '../models/vllm-fit';
import { INetwork } from '../network/network';
import { IngressPort } from '../network/service-network';
import { applyRulePack, RuleSuppression } from '../rules';
import { API_KEY_PATTERN, NginxApiKey } from '../script/nginx-api-key';
import { PortRequirement, PreflightChecks } from '../script/preflight-checks';
import { NginxTls } from '../script/nginx-tls';
import { OosSecretParameter } from '../secrets/oos-secret-parameter';
import { checkSecretDelivery, SecretDelivery } from '../secrets/secret-delivery';
import { SecretReaderRole } from '../secrets/secret-reader-role';
import { ScriptValue } from '../script/script-value';
import { ModelSource } from '../serving/model-server';
import { ModelServerDeployment } from '../serving/model-server-parts';
import { VllmFlagValue, VllmServer } from '../serving/vllm-server';
import { qwenApiImageLayout } from './image-layout';

/** Props for {@link QwenApiStack}. */
export interface QwenApiStackProps extends ros.StackProps {
  /**
   * The checkpoint served; decides the allowed instance types and, per type, vLLM's flags.
   * @default LlmCheckpoint.QWEN3_8B
   */
  readonly checkpoint?: LlmCheckpoint;
  /**
   * How the fit sizes the context and the KV cache.
   * @default - 8192 tokens at least, 4 sequences, utilization 0.9, the built-in GPU catalog
   */
  readonly fit?: VllmFitOptions;
  /**
   * The ModelScope revision the image has the checkpoint at (a tag or branch).
   * @default 'master' (the image build says the model is UNPINNED)
   */
  readonly modelRevision?: string;
  /**
   * The image id the instances start from; Compute Nest maps it to the service's image artifact.
   * @default 'ubuntu_22_04_x64_20G_alibase_20240926.vhd'
   */
  readonly imageId?: string;
  /**
   * Where the image keeps Python (with vLLM) and the models.
   * @default qwenApiImageLayout()
   */
  readonly imageLayout?: ImageLayout;
  /**
   * The port the API is served on (nginx, with the API key), opened in the security group.
   * @default 8080
   */
  readonly listenPort?: number;
  /**
   * The name of the systemd unit of vLLM.
   * @default 'qwen-api'
   */
  readonly serviceName?: string;
  /**
   * Seconds vLLM may take to load the model and answer `/health`.
   * @default 1800
   */
  readonly startupTimeoutSeconds?: number;
  /**
   * Seconds the readiness chat completion may keep failing after `/health` answered.
   * @default 300
   */
  readonly completionTimeoutSeconds?: number;
  /**
   * Options of the GPU instances: count (`amount`, a fixed number), RAM role, tags, disks, spot
   * and public access.
   * @default - one instance with a public IP (when the deployer chooses public access)
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
   * its health check on `healthCheckPort` (200 only while vLLM's `/health` does), and the
   * `BaseUrl` output gives the balancer's address.
   * @default - TCP pass-through on listenPort (no HTTP timeout cuts a streamed answer), no session
   *   affinity (each API request stands alone), health check `/healthz` on 8008; none for a
   *   single instance
   */
  readonly loadBalancer?: LoadBalancerOptions;
  /**
   * TLS of the nginx API-key proxy: a certificate made on each instance at deploy time (its SHA-256
   * fingerprint is the `TlsCertificateFingerprint` output), a given one (`NginxTls.fromPem`), or plain HTTP
   * chosen explicitly (`NginxTls.plainHttp({ reason })`, which the stack writes as the suppression of
   * `credentials-over-plain-http`).
   * @default NginxTls.generated()
   */
  readonly tls?: NginxTls;
  /**
   * How the API key reaches the instance: from an OOS secret parameter Cloud Assistant reads on the
   * instance (the command's content and records never hold it), or base64-encoded in the command's
   * content (for deployers without OOS secret parameter, KMS and RAM permissions).
   * @default SecretDelivery.OOS_SECRET_PARAMETER
   */
  readonly secretDelivery?: SecretDelivery;
  /**
   * Findings of the template rule pack to accept, each with a reason.
   * @default - none
   */
  readonly ruleSuppressions?: RuleSuppression[];
}

/**
 * What the stack knowingly does with SecretDelivery.COMMAND_TEXT, said in the template's Metadata so `lint`
 * gives synth's verdict: the key reaches the instance base64-encoded inside the RunCommand content.
 */
const API_KEY_SUPPRESSIONS: readonly RuleSuppression[] = [
  {
    id: 'secret-in-command-text',
    target: 'CustomApiKey',
    reason: 'SecretDelivery.COMMAND_TEXT chosen: a deployer-given API key reaches the instance base64-encoded in the RunCommand content, for deployers without OOS secret parameter permission.',
  },
];

/** The console parameters of a {@link QwenApiStack}. */
export interface QwenApiParameters {
  /** `PayType`. */
  readonly payType: ros.RosParameter;
  /** `PayPeriodUnit`. */
  readonly payPeriodUnit: ros.RosParameter;
  /** `PayPeriod`. */
  readonly payPeriod: ros.RosParameter;
  /** `ZoneId`. */
  readonly zoneId: ros.RosParameter;
  /** `VpcOption`: a new or an existing VPC. */
  readonly vpcOption: ros.RosParameter;
  /** `VpcCidrBlock`: the new VPC's block. */
  readonly vpcCidrBlock: ros.RosParameter;
  /** `VSwitchCidrBlock`: the new VSwitch's block. */
  readonly vSwitchCidrBlock: ros.RosParameter;
  /** `VpcId`: the existing VPC. */
  readonly vpcId: ros.RosParameter;
  /** `VSwitchId`: the existing VSwitch, in `VpcId` and the zone. */
  readonly vSwitchId: ros.RosParameter;
  /** `EnablePublicAccess` (Boolean): a public address, or the private one only. */
  readonly enablePublicAccess: ros.RosParameter;
  /** `SourceCidrIp`: who may reach the API port. */
  readonly sourceCidrIp: ros.RosParameter;
  /** `InstanceCount`: how many GPU instances; only with `instanceCountParameter`. */
  readonly instanceCount?: ros.RosParameter;
  /** `EcsInstanceType`: the types the fit allows. */
  readonly instanceType: ros.RosParameter;
  /** `InstancePassword` (NoEcho). */
  readonly instancePassword: ros.RosParameter;
  /** `CustomApiKey` (NoEcho): the deployer's key, or empty to have one generated. */
  readonly apiKey: ros.RosParameter;
}

/** The deployer's key, or empty (then one is generated): the key pattern, or nothing. */
export const API_KEY_PARAMETER_PATTERN = `^$|${API_KEY_PATTERN}`;
const PASSWORD_PATTERN = '^[a-zA-Z0-9-\\(\\)\\`\\~\\!\\@\\#\\$\\%\\^\\&\\*\\_\\-\\+\\=\\|\\{\\}\\[\\]\\:\\;\\<\\>\\,\\.\\?\\/]*$';

/**
 * An OpenAI-compatible API for a current Qwen model: GPU ECS instances of a type the vLLM fit allows (in a
 * new or an existing VPC, public or private, one or several behind a Classic Load Balancer), vLLM
 * on loopback with the flags that fit the chosen type (a Mappings entry per type, read at deploy time with
 * Fn::FindInMap), and nginx in front admitting `Authorization: Bearer <key>`. The key is the deployer's
 * (`CustomApiKey`, NoEcho, pattern-checked) or generated (`ALIYUN::RandomString`, 48 letters and digits); the
 * `ApiKey` output shows it, NoEcho. The deploy signals SUCCESS only after vLLM answered `/health`, a real
 * chat completion, and the key check through nginx.
 */
export class QwenApiStack extends ros.Stack {
  /** The console parameters. */
  public readonly parameters: QwenApiParameters;
  /** The checkpoint served. */
  public readonly checkpoint: LlmCheckpoint;
  /** The fit: allowed types and per-type flags. */
  public readonly fit: VllmFit;
  /** The vLLM server. */
  public readonly server: VllmServer;
  /** The proxy. */
  public readonly proxy: NginxApiKey;
  /** The GPU instances. */
  public readonly instances: GpuInstanceGroup;
  /** How many GPU instances: a literal, or the `InstanceCount` parameter's value (a number token). */
  public readonly instanceCount: number;
  /** The console's network choices (VpcOption, ..., EnablePublicAccess, SourceCidrIp). */
  public readonly networkParameters: NetworkParameters;
  /** The network: the new or existing VPC and VSwitch, and the stack's own security group. */
  public readonly network: INetwork;
  /** The load balancer in front of the instances, when there is one. */
  public readonly loadBalancer?: ServiceLoadBalancer;
  /** Each instance's health endpoint for the load balancer, when there is one. */
  public readonly healthEndpoint?: NginxHealthEndpoint;
  /** The deploy script, its RunCommand and wait. */
  public readonly deployment: ScriptedDeployment;
  /** The port the API is served on. */
  public readonly listenPort: number;
  /** The API key's OOS secret parameter (SecretDelivery.OOS_SECRET_PARAMETER). */
  public readonly apiKeySecret?: OosSecretParameter;
  /** The RAM role the instances read the API key with (SecretDelivery.OOS_SECRET_PARAMETER). */
  public readonly secretReader?: SecretReaderRole;
  private readonly consoleInterface = new ConsoleInterface(['acs:integrate:计算巢:ModelScope']);

  constructor(scope: ros.Construct, id: string, props: QwenApiStackProps = {}) {
    super(scope, id, props);
    const checkpoint = props.checkpoint ?? LlmCheckpoint.QWEN3_8B;
    this.checkpoint = checkpoint;
    this.fit = VllmFit.of(checkpoint, props.fit);
    const layout = props.imageLayout ?? qwenApiImageLayout();
    this.listenPort = props.listenPort ?? 8080;
    if (!Number.isInteger(this.listenPort) || this.listenPort < 1 || this.listenPort > 65535) {
      throw new Error(`QwenApiStack: listenPort ${this.listenPort} is not allowed: give a whole port number from 1 to 65535, e.g. 8080.`);
    }

    if (props.instanceCountParameter !== undefined && props.instanceOptions?.amount !== undefined) {
      throw new Error(`QwenApiStack: instanceOptions.amount ${props.instanceOptions.amount} is not allowed with instanceCountParameter: the InstanceCount parameter decides the count. Leave one of them out.`);
    }
    const fixedCount = props.instanceOptions?.amount ?? 1;
    // A balancer whenever more than one instance may run, or when asked for.
    const balanced = props.loadBalancer !== undefined || props.instanceCountParameter !== undefined || fixedCount > 1;
    const lb = balanced ? { en: ' A Classic Load Balancer spreads the requests over the instances.', zh: '传统型负载均衡（CLB）将请求分摊到各实例。' } : { en: '', zh: '' };
    new ros.RosInfo(this, ros.RosInfo.description, bilingual({
      en: `Deploys ${checkpoint.displayName} behind an OpenAI-compatible API (vLLM) with an API key, on GPU ECS instances in a new or an existing VPC, port ${this.listenPort}.${lb.en}`,
      'zh-cn': `在新建或已有专有网络中的 GPU ECS 实例上部署 ${checkpoint.displayName}，通过端口 ${this.listenPort} 提供带 API 密钥的 OpenAI 兼容接口（vLLM）。${lb.zh}`,
    }));
    const { params: p, networkParameters } = parameters(this, this.fit.instanceTypes, this.listenPort, props);
    this.parameters = p;
    this.networkParameters = networkParameters;
    this.instanceCount = p.instanceCount?.valueAsNumber ?? fixedCount;
    this.consoleInterface.addParameterGroup({ label: { en: 'PayType Configuration', 'zh-cn': '付费类型配置' }, parameters: [p.payType, p.payPeriodUnit, p.payPeriod] });
    this.consoleInterface.addParameterGroup({
      label: { en: 'Instance', 'zh-cn': 'ECS实例配置' },
      parameters: [p.instanceType, p.instancePassword, ...(p.instanceCount ? [p.instanceCount] : [])],
    });
    this.consoleInterface.addParameterGroup({ label: { en: 'API Key', 'zh-cn': 'API 密钥' }, parameters: [p.apiKey] });
    this.consoleInterface.addParameterGroup({ label: { en: 'Zone Configuration', 'zh-cn': '可用区配置' }, parameters: [p.zoneId] });
    this.consoleInterface.addParameterGroup({ label: { en: 'Network', 'zh-cn': '选择网络配置' }, parameters: networkParameters.parameters });

    // vLLM's flags per allowed type, read at deploy time for the chosen one: never a flag that does not fit.
    new ros.RosMapping(this, 'VllmFlags', {
      mapping: Object.fromEntries(this.fit.placements.map((pl) => [pl.instanceType, {
        TensorParallelSize: String(pl.tensorParallelSize),
        MaxModelLen: String(pl.maxModelLen),
      }])),
    });
    const flag = (name: string) => ros.Fn.findInMap('VllmFlags', p.instanceType.valueAsString, name);

    // The key: the deployer's, or 48 random letters and digits (ALIYUN::RandomString; ROS's resource after
    // OpenStack Heat's OS::Heat::RandomString: Length, Sequence, attribute Value).
    new ros.RosCondition(this, 'ApiKeyGiven', {
      expression: ros.Fn.conditionNot(ros.Fn.conditionEquals(p.apiKey.valueAsString, '')),
    });
    const generated = new ros.RosResource(this, 'ApiKeyGenerated', {
      type: 'ALIYUN::RandomString',
      properties: { Length: 48, Sequence: 'lettersdigits' },
    });
    const keyToken = ros.Token.asString(ros.Fn.conditionIf('ApiKeyGiven', p.apiKey.valueAsString, generated.getAtt('Value')));
    // Issue 15: by default the key reaches the script from an OOS secret parameter Cloud Assistant puts in on
    // the instance (the RunCommand's content and records hold only {{oos-secret:NAME}}); the instances' role
    // may read only that parameter. SecretDelivery.COMMAND_TEXT keeps the base64 path.
    const delivery = checkSecretDelivery('QwenApiStack', props.secretDelivery);
    let apiKey: ScriptValue;
    if (delivery === SecretDelivery.OOS_SECRET_PARAMETER) {
      this.apiKeySecret = new OosSecretParameter(this, 'ApiKeySecret', {
        value: keyToken,
        namePrefix: 'qwen-api',
        nameSuffix: 'api-key',
        description: 'API key of the Qwen OpenAI-compatible API (CustomApiKey, or the generated one)',
        constraints: { allowedPattern: API_KEY_PATTERN, minLength: 32, maxLength: 128 },
        logicalIdPrefix: 'ApiKey',
      });
      this.secretReader = new SecretReaderRole(this, 'SecretReader', {
        secrets: [this.apiKeySecret],
        existingRoleName: props.instanceOptions?.ramRoleName,
        namePrefix: 'qwen-api',
      });
      // `{{oos-secret:` + `qwen-api-<stack id>-api-key` (54) + `}}`.
      apiKey = ScriptValue.fromCloudAssistantParameter('ApiKey', this.apiKeySecret.commandReference, { maxBytes: 69 });
    } else {
      apiKey = ScriptValue.fromToken('ApiKey', keyToken, { secret: true, maxBytes: 128 });
    }

    const modelSource = ModelSource.modelScope(checkpoint.modelScopeId, props.modelRevision ?? 'master', layout.modelCacheDirectory);
    this.server = new VllmServer({
      checkpoint,
      pythonPath: layout.pythonPath,
      modelSource,
      tensorParallelSize: VllmFlagValue.atDeploy('VLLM_TENSOR_PARALLEL_SIZE',
        ScriptValue.fromToken('VllmTensorParallelSize', ros.Token.asString(flag('TensorParallelSize')), { maxBytes: 2 })),
      maxModelLen: VllmFlagValue.atDeploy('VLLM_MAX_MODEL_LEN',
        ScriptValue.fromToken('VllmMaxModelLen', ros.Token.asString(flag('MaxModelLen')), { maxBytes: 7 })),
      gpuMemoryUtilization: this.fit.gpuMemoryUtilization,
      startupTimeoutSeconds: props.startupTimeoutSeconds,
      completionTimeoutSeconds: props.completionTimeoutSeconds,
    });
    const served = new ModelServerDeployment({
      server: this.server,
      serviceName: props.serviceName ?? 'qwen-api',
      environment: layout.serviceEnvironment,
      // Issue 15: vLLM runs as its own system user in a sandbox (its files are outside /root and /home);
      // it writes its caches (torch.compile, Triton) under its home.
      user: { name: 'qwen-api', homeDirectory: '/var/lib/qwen-api/home', readablePaths: [layout.pythonPath, modelSource.path] },
      sandbox: true,
    });
    // The OpenAI API keeps no session on the server: every request may go to any instance.
    const lbOptions: LoadBalancerOptions = { sessionAffinity: SessionAffinity.NONE, ...props.loadBalancer };
    // TLS on the instances by default (behind a TCP listener, which passes it through, the certificate also
    // names the balancer's address); behind an HTTPS listener the balancer ends TLS and speaks plain HTTP to
    // the instances, which then have no public IP.
    const tls = instanceTls({ owner: 'QwenApiStack', balanced, loadBalancer: lbOptions, tls: props.tls, balancerAddress: () => this.loadBalancer!.address });
    this.proxy = new NginxApiKey({
      apiKey,
      listenPort: this.listenPort,
      upstreamPort: this.server.port,
      expectModel: this.server.servedModelName,
      tls,
    });

    // The API port admits SourceCidrIp; without public access in a new VPC, the new VPC's block.
    // Behind a balancer: the API port from the clients (TCP passes their addresses through), the
    // health port from the balancer's health checks only.
    const clientSource = networkParameters.clientSourceCidrIp;
    const ingressPorts: IngressPort[] = balanced
      ? ServiceLoadBalancer.instanceIngress({ ...lbOptions, port: this.listenPort, clientSourceCidrIp: clientSource })
      : [{ port: this.listenPort, sourceCidrIp: clientSource }];
    this.network = networkParameters.createNetwork(this, 'Network', { ingressPorts });
    // Behind a balancer the instances need no public IP: it is the only way in.
    const allocatePublicIp = props.instanceOptions?.allocatePublicIp ?? !balanced;
    this.instances = new GpuInstanceGroup(this, 'Instance', {
      ...props.instanceOptions,
      ramRoleName: this.secretReader?.roleName ?? props.instanceOptions?.ramRoleName,
      amount: this.instanceCount,
      allocatePublicIp,
      publicIpCondition: allocatePublicIp ? props.instanceOptions?.publicIpCondition ?? networkParameters.publicAccess : undefined,
      requirement: this.fit.requirement,
      allowedInstanceTypes: this.fit.instanceTypes,
      gpuCatalog: props.fit?.catalog,
      instanceType: p.instanceType.valueAsString,
      network: this.network,
      imageId: props.imageId ?? 'ubuntu_22_04_x64_20G_alibase_20240926.vhd',
      password: p.instancePassword.valueAsString,
      instanceChargeType: InstanceChargeType.of(p.payType.valueAsString),
      periodUnit: PeriodUnit.of(p.payPeriodUnit.valueAsString),
      period: p.payPeriod.valueAsNumber,
    });
    this.secretReader?.requiredBy(this.instances.instanceGroup);
    // Behind a balancer each instance answers /healthz (200 only while vLLM's /health does) on a port of its own.
    this.healthEndpoint = balanced
      ? new NginxHealthEndpoint({ appPort: this.server.port, appProbePath: '/health', port: lbOptions.healthCheckPort, path: lbOptions.healthCheckPath })
      : undefined;
    if (this.healthEndpoint !== undefined && this.healthEndpoint.port === this.listenPort) {
      throw new Error(`QwenApiStack: loadBalancer.healthCheckPort ${this.listenPort} is listenPort; the health endpoint needs a port of its own. Give another, e.g. 8008.`);
    }
    const ports: PortRequirement[] = [{ port: this.server.port, ownerUnit: served.service.unitName }, { port: this.listenPort, ownerUnit: 'nginx.service' }];
    if (this.healthEndpoint !== undefined) {
      ports.push({ port: this.healthEndpoint.port, ownerUnit: 'nginx.service' });
    }
    const preflight = new PreflightChecks({
      gpu: this.fit.requirement,
      disks: [{ path: layout.modelCacheDirectory, freeGiB: 2, neededBy: 'the model cache and logs' }],
      freePorts: ports,
    });
    this.deployment = new ScriptedDeployment(this, 'Deploy', {
      instances: this.instances,
      parts: [preflight, ...served.parts, ...this.proxy.parts, ...this.healthEndpoint?.parts ?? []],
    });
    if (balanced) {
      this.loadBalancer = new ServiceLoadBalancer(this, 'LoadBalancer', {
        ...lbOptions,
        instances: this.instances,
        network: this.network,
        port: this.listenPort,
        // Public with public access; a private address in the VSwitch without it.
        addressType: AddressType.of(ros.Token.asString(ros.Fn.conditionIf(networkParameters.publicAccess.logicalId, AddressType.INTERNET.value, AddressType.INTRANET.value))),
        clientSourceCidrIp: lbOptions.protocol === ListenerProtocol.HTTPS ? clientSource : undefined,
      });
    }

    // The address clients use: the balancer's (public or private by EnablePublicAccess), else the
    // first instance's public IP, or its private IP without public access.
    const publicAccess = networkParameters.publicAccess.logicalId;
    const address = this.loadBalancer?.address ?? ros.Token.asString(ros.Fn.conditionIf(publicAccess,
      ros.Fn.select(0, this.instances.publicIps), ros.Fn.select(0, this.instances.privateIps)));
    const scheme = this.loadBalancer?.protocol === ListenerProtocol.HTTPS ? 'https' : this.proxy.scheme;
    const baseUrl = ros.Fn.sub(`${scheme}://\${Address}:${this.listenPort}/v1`, { Address: address });
    new ros.RosOutput(this, 'BaseUrl', {
      description: bilingual({ en: 'Base URL of the OpenAI-compatible API (send Authorization: Bearer <ApiKey>)', 'zh-cn': 'OpenAI 兼容接口的基础地址（请求头 Authorization: Bearer <ApiKey>）' }),
      value: baseUrl,
      condition: networkParameters.publicAccess,
    });
    new ros.RosOutput(this, 'PrivateBaseUrl', {
      description: bilingual({
        en: 'Private base URL of the OpenAI-compatible API, reachable inside the VPC (send Authorization: Bearer <ApiKey>)',
        'zh-cn': 'OpenAI 兼容接口的内网基础地址，在专有网络内可达（请求头 Authorization: Bearer <ApiKey>）',
      }),
      value: baseUrl,
      condition: networkParameters.privateAccess,
    });
    new ros.RosOutput(this, 'ModelName', {
      description: bilingual({ en: 'The model name to send as "model"', 'zh-cn': '请求中 "model" 字段的模型名' }),
      value: this.server.servedModelName,
    });
    new ros.RosOutput(this, 'ApiKey', {
      description: bilingual({ en: 'The API key (hidden; shown on request)', 'zh-cn': 'API 密钥（隐藏显示）' }),
      value: keyToken,
      noEcho: true,
    });
    const servesTls = this.proxy.tls.enabled;
    if (servesTls) {
      // The SUCCESS signal's data is the certificate's fingerprint; the WaitCondition's Data holds it by
      // signal id (docs/tls.md).
      const one = !ros.Token.isUnresolved(this.instances.amount) && this.instances.amount === 1;
      new ros.RosOutput(this, 'TlsCertificateFingerprint', {
        description: bilingual({
          en: `SHA-256 fingerprint of the TLS certificate ${one ? 'the instance' : 'each instance (one per instance; with more than one, give NginxTls.fromPem one certificate so every answer carries the same)'} made for itself: save the certificate (openssl s_client -connect <address>:<port> </dev/null | openssl x509 > qwen-api.pem), check its fingerprint (openssl x509 -in qwen-api.pem -noout -fingerprint -sha256) is this one, then trust that file (curl --cacert, SSL_CERT_FILE)`,
          'zh-cn': '实例自行生成的 TLS 证书的 SHA-256 指纹：保存证书后核对其指纹与此一致，再信任该证书文件（curl --cacert、SSL_CERT_FILE）',
        }),
        value: ros.Fn.jq(one ? 'First' : 'All', '.[]', ros.Token.asString(this.deployment.callback.condition.attrData)),
      });
    }
    new ros.RosOutput(this, 'CurlExample', {
      description: bilingual({
        en: `A chat completion with curl (set API_KEY to the ApiKey output first${servesTls ? '; qwen-api.pem: see TlsCertificateFingerprint' : ''})`,
        'zh-cn': `使用 curl 调用对话接口（先将 API_KEY 设为 ApiKey 输出${servesTls ? '；qwen-api.pem 见 TlsCertificateFingerprint' : ''}）`,
      }),
      value: ros.Fn.sub(
        `curl ${servesTls ? '--cacert qwen-api.pem ' : ''}\${BaseUrl}/chat/completions -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' -d '${JSON.stringify({
          model: this.server.servedModelName, messages: [{ role: 'user', content: 'Hello' }],
        })}'`,
        { BaseUrl: baseUrl },
      ),
    });

    const plainHttp = this.proxy.tls.enabled || this.loadBalancer?.protocol === ListenerProtocol.HTTPS ? [] : [{
      id: 'credentials-over-plain-http', target: 'InstanceRunCommand', reason: `plain HTTP chosen (NginxTls.plainHttp): ${this.proxy.tls.plainHttpReason}`,
    }];
    const commandText = delivery === SecretDelivery.COMMAND_TEXT ? API_KEY_SUPPRESSIONS : [];
    applyRulePack(this, { suppressions: [...props.ruleSuppressions ?? [], ...commandText, ...plainHttp] });
    this.templateOptions.metadata = this.consoleInterface.toMetadata();
  }

  /** Show parameters in the console under a heading. */
  public addParameterGroup(label: BilingualText, parameters: ros.RosParameter[]): void {
    this.consoleInterface.addParameterGroup({ label, parameters });
  }
}

/**
 * The template's parameters: pay type, zone, the console's network choices (NetworkParameters: VpcOption,
 * VpcCidrBlock, VSwitchCidrBlock, VpcId, VSwitchId, EnablePublicAccess, SourceCidrIp), the instance,
 * the key, and InstanceCount with `instanceCountParameter`.
 */
function parameters(stack: QwenApiStack, allowedTypes: string[], listenPort: number, stackProps: QwenApiStackProps): {
  params: QwenApiParameters; networkParameters: NetworkParameters;
} {
  type Props = Omit<ros.RosParameterProps, 'label' | 'description' | 'constraintDescription'> & {
    readonly label: BilingualText; readonly description?: BilingualText; readonly constraintDescription?: BilingualText;
  };
  const param = (name: string, props: Props) => new ros.RosParameter(stack, name, {
    ...props,
    label: bilingual(props.label),
    description: props.description && bilingual(props.description),
    constraintDescription: props.constraintDescription && bilingual(props.constraintDescription),
  });
  const visibleWhenPrePaid = { Visible: { Condition: { 'Fn::Not': { 'Fn::Equals': ['${PayType}', 'PostPaid'] } } } };
  const S = ros.RosParameterType.STRING;
  const head = {
    payType: param('PayType', {
      type: S, label: { en: 'ECS Instance Charge Type', 'zh-cn': '付费类型' }, defaultValue: 'PostPaid',
      allowedValues: ['PostPaid', 'PrePaid'], associationProperty: 'ChargeType', associationPropertyMetadata: { LocaleKey: 'InstanceChargeType' },
    }),
    payPeriodUnit: param('PayPeriodUnit', {
      type: S, label: { en: 'Pay Period Unit', 'zh-cn': '购买资源时长周期' }, defaultValue: 'Month',
      allowedValues: ['Month', 'Year'], associationProperty: 'PayPeriodUnit', associationPropertyMetadata: visibleWhenPrePaid,
    }),
    payPeriod: param('PayPeriod', {
      type: ros.RosParameterType.NUMBER, label: { en: 'Period', 'zh-cn': '购买资源时长' }, defaultValue: 1,
      allowedValues: [1, 2, 3, 4, 5, 6, 7, 8, 9], associationProperty: 'PayPeriod', associationPropertyMetadata: visibleWhenPrePaid,
    }),
  };
  const zoneId = param('ZoneId', {
    type: S, label: { en: 'VSwitch Availability Zone', 'zh-cn': '交换机可用区' }, associationProperty: 'ALIYUN::ECS::Instance::ZoneId',
    associationPropertyMetadata: { InstanceType: '${EcsInstanceType}', InstanceChargeType: '${PayType}', SystemDiskCategory: 'cloud_essd' },
  });
  const networkParameters = new NetworkParameters(stack, 'NetworkParameters', {
    zoneId,
    servicePort: listenPort,
    sourceCidrIpDescription: {
      en: `Who may connect to the API on port ${listenPort}: an IPv4 CIDR block. The API key is still required.`,
      'zh-cn': `允许访问端口 ${listenPort} 上接口的来源 IPv4 网段；仍需 API 密钥。`,
    },
  });
  const rest = {
    instanceType: param('EcsInstanceType', {
      type: S, label: { en: 'Instance Type', 'zh-cn': '实例类型' }, associationProperty: 'ALIYUN::ECS::Instance::InstanceType',
      associationPropertyMetadata: { InstanceChargeType: '${PayType}' }, allowedValues: allowedTypes,
    }),
    instancePassword: param('InstancePassword', {
      type: S, noEcho: true, label: { en: 'Instance Password', 'zh-cn': '实例密码' }, allowedPattern: PASSWORD_PATTERN,
      minLength: 8, maxLength: 30, associationProperty: 'ALIYUN::ECS::Instance::Password',
      constraintDescription: { en: 'Length 8-30, three of: upper case, lower case, digits, special characters.', 'zh-cn': '长度8-30，须包含大写字母、小写字母、数字、特殊符号中的三项。' },
    }),
    apiKey: param('CustomApiKey', {
      type: S, noEcho: true, defaultValue: '', label: { en: 'API Key', 'zh-cn': 'API 密钥' },
      description: {
        en: 'The key clients send as "Authorization: Bearer <key>": 32 to 128 letters, digits, _ or -. Leave empty to have one generated (shown in the ApiKey output).',
        'zh-cn': '客户端以 "Authorization: Bearer <key>" 发送的密钥：32 到 128 位字母、数字、_ 或 -。留空则自动生成（见 ApiKey 输出）。',
      },
      allowedPattern: API_KEY_PARAMETER_PATTERN, maxLength: 128,
      constraintDescription: { en: 'Empty, or 32 to 128 letters, digits, _ or -.', 'zh-cn': '留空，或 32 到 128 位字母、数字、_ 或 -。' },
    }),
  };
  return {
    networkParameters,
    params: {
      ...head,
      zoneId,
      vpcOption: networkParameters.vpcOption,
      vpcCidrBlock: networkParameters.vpcCidrBlock,
      vSwitchCidrBlock: networkParameters.vSwitchCidrBlock,
      vpcId: networkParameters.vpcId,
      vSwitchId: networkParameters.vSwitchId,
      enablePublicAccess: networkParameters.enablePublicAccess,
      sourceCidrIp: networkParameters.sourceCidrIp,
      ...rest,
      instanceCount: stackProps.instanceCountParameter === undefined ? undefined : instanceCountParameter(stack, stackProps.instanceCountParameter),
    },
  };
}
