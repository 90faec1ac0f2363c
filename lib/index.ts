// The public API of ros-cdk-qwen-chat. Each name is exported on purpose; anything not named here is
// internal and may change without notice. The template rule pack has its own entry point,
// `ros-cdk-qwen-chat/rules` (lib/rules/index.ts).
//
// Logical ids: ROS CDK takes a construct id verbatim as the logical id, and logical ids are
// stack-wide. Every construct here that makes ROS resources names them with the reference
// template's ids (`EcsVpc`, `EcsInstanceGroup`, `WaitCondition`, ...) and takes one prop,
// `logicalIdPrefix`, prepended to all of them; a second construct of a kind in one stack needs a
// prefix, and the constructor says so, naming the construct and the prop, before ROS CDK would fail.

// Deploy scripts: an ordered list of typed parts rendered once into one Fn::Sub.
export { DeployScript, ScriptEncoding, ScriptPhase } from './script/deploy-script';
export type { DeployScriptProps, IScriptPart, IScriptSignal, RenderedDeployScript } from './script/deploy-script';
export { ScriptValue, ScriptValueEncoding } from './script/script-value';
export type { ScriptValueOptions } from './script/script-value';
export { ScriptCommands, ScriptFile } from './script/script-file';
export type { ScriptCommandsProps, ScriptFileProps } from './script/script-file';
export { RestartPolicy, SystemdService } from './script/systemd-service';
export type { ServiceUser, SystemdServiceProps } from './script/systemd-service';
export { HealthCheck } from './script/health-check';
export type { HealthCheckCredentials, HealthCheckProps, HealthCheckRequest } from './script/health-check';
export { PreflightChecks } from './script/preflight-checks';
export type { DiskRequirement, PortRequirement, PreflightChecksProps } from './script/preflight-checks';
export { NginxBasicAuth, PasswordHash } from './script/nginx-basic-auth';
export { NginxTls, TlsMode } from './script/nginx-tls';
export type { GeneratedCertificateProps, PemCertificateProps, PlainHttpProps, TlsProbe } from './script/nginx-tls';
export { NginxRateLimit } from './script/nginx-rate-limit';
export type { NginxRateLimitProps } from './script/nginx-rate-limit';
export type { NginxBasicAuthProps } from './script/nginx-basic-auth';
export type { IServiceProxy } from './script/service-proxy';
export { API_KEY_PATTERN, NginxApiKey } from './script/nginx-api-key';
export type { NginxApiKeyProps } from './script/nginx-api-key';
// The nginx start step of a custom IServiceProxy: SELinux port and labels, the site-included check, the workers' group.
export { NginxSiteStart } from './script/nginx-site-start';
export type { NginxSiteStartProps } from './script/nginx-site-start';
export { DeployScriptRunCommand } from './script/deploy-script-run-command';
export type { ContentSize, DeployScriptRunCommandProps } from './script/deploy-script-run-command';

// The wait for the script's signal.
export { WaitConditionCallback } from './signal/wait-condition-callback';
export type { WaitConditionCallbackProps } from './signal/wait-condition-callback';

// A script run on a group of instances, with its wait: one call.
export { ScriptedDeployment } from './deployment/scripted-deployment';
export type { ScriptedDeploymentProps } from './deployment/scripted-deployment';

// Network: a new VPC, an existing one, or the console's choice between them (NetworkParameters, below).
export { ServiceNetwork } from './network/service-network';
export type { ExistingNetworkProps, IngressPort, ServiceNetworkProps } from './network/service-network';
export type { INetwork } from './network/network';

// Load balancing: a Classic Load Balancer in front of an instance group, its parts, and the instances' health endpoint.
export { CLB_SYSTEM_CIDR, ServiceLoadBalancer, SessionAffinity } from './loadbalancer/service-load-balancer';
export type { LoadBalancerIngressProps, LoadBalancerOptions, ServiceLoadBalancerProps } from './loadbalancer/service-load-balancer';
export {
  AddressType, ClbAccessControlList, ClbBackendServers, ClbListener, ClbLoadBalancer, ListenerProtocol,
} from './loadbalancer/classic-load-balancer';
export type {
  ClbAccessControlListProps, ClbBackendServersProps, ClbHealthCheck, ClbListenerProps, ClbLoadBalancerProps,
} from './loadbalancer/classic-load-balancer';
export { NginxHealthEndpoint } from './loadbalancer/nginx-health-endpoint';
export type { NginxHealthEndpointProps } from './loadbalancer/nginx-health-endpoint';

// Auto scaling: an ESS scaling group whose instances run the deploy script from their user data, and its parts.
export { ScriptedScalingGroup } from './scaling/scripted-scaling-group';
export type { ScriptedScalingGroupProps } from './scaling/scripted-scaling-group';
export {
  ESS_MAX_SIZE, ESS_USER_DATA_MAX_BYTES, EssScalingConfiguration, EssScalingGroup, EssScalingGroupEnable,
} from './scaling/ess';
export type { EssScalingConfigurationProps, EssScalingGroupEnableProps, EssScalingGroupProps } from './scaling/ess';

// Compute: GPU instance groups sized by what a model needs, and the Qwen models.
export { GpuInstanceGroup } from './compute/gpu-instance-group';
export type { GpuInstanceGroupBaseProps, GpuInstanceGroupProps, IInstanceGroup } from './compute/gpu-instance-group';
export { DiskCategory, InstanceChargeType, PeriodUnit, SpotStrategy } from './compute/instance-options';
export type { DataDisk, GpuInstanceOptions } from './compute/instance-options';
export type { GpuRequirement } from './compute/gpu-requirement';
export { GPU_INSTANCE_TYPES, GpuCatalog, findGpuInstanceType, validateGpuInstanceTypeSpec } from './compute/gpu-types';
export type { GpuInstanceTypeSpec } from './compute/gpu-types';
export { checkModelFit } from './compute/model-fit';
export type { FitResult } from './compute/model-fit';
export { QwenGpuInstance } from './compute/qwen-gpu-instance';
export type { QwenGpuInstanceProps } from './compute/qwen-gpu-instance';
export { QwenModel } from './compute/models';
export type { QwenAppSpec, QwenModelSpec, QwenPrecision } from './compute/models';

// Current models (Qwen2.5, Qwen3) as vLLM serves them, and which GPU types fit them with which flags.
export { LlmCheckpoint, WeightFormat } from './models/llm-checkpoint';
export type { LlmCheckpointSpec, TransformerShape } from './models/llm-checkpoint';
export {
  ACTIVATION_PEAK_GIB, DEFAULT_GPU_MEMORY_UTILIZATION, USABLE_MEMORY_FRACTION, VllmFit, fitVllm, nonTorchMemoryGiB,
} from './models/vllm-fit';
export type { VllmFitOptions, VllmPlacement, VllmTypeFit } from './models/vllm-fit';

// Model servers: what a deploy needs from a served app (command, port, readiness, environment, model source).
export { HttpMethod, ModelSource, ModelSourceKind, validateModelServer } from './serving/model-server';
export type { IModelServer, ReadinessProbe } from './serving/model-server';
export { COMPLETION_BODY_PATTERN, TORCH_VERSION, VLLM_VERSION, VllmFlagValue, VllmServer, completionProbeBody } from './serving/vllm-server';
export type { VllmServerProps } from './serving/vllm-server';
export { GradioCheckpointDemo, GradioStudioDemo } from './serving/gradio-demo';
export type { GradioCheckpointDemoProps, GradioStudioDemoProps } from './serving/gradio-demo';
export { ModelServerDeployment } from './serving/model-server-parts';
export type { ModelServerDeploymentProps } from './serving/model-server-parts';

// Images: where an image keeps what the deploy script relies on.
export { ImageLayout } from './image/image-layout';
export type { ImageLayoutProps } from './image/image-layout';

// Operating system bases of images: source image, packages, nginx, Python, crypt() schemes.
export { CryptScheme, OsBase, PackageManager, compareVersions, cryptSchemePrefix } from './image/os-base';
export type { OsBaseSpec, OsGpuDriver, OsNginx, OsPackageNames, OsToolVersions } from './image/os-base';

// Secrets: OOS secret parameters Cloud Assistant reads as {{oos-secret:NAME}}, the RAM role that may
// read them, and the password rule as an AllowedPattern.
export { OosSecretParameter } from './secrets/oos-secret-parameter';
export type { ISecretParameter, OosSecretParameterProps, SecretParameterConstraints } from './secrets/oos-secret-parameter';
export { SecretReaderRole } from './secrets/secret-reader-role';
export type { SecretReaderRoleProps } from './secrets/secret-reader-role';
export { SecretDelivery } from './secrets/secret-delivery';
export { PASSWORD_ALLOWED_PATTERN } from './secrets/password-pattern';

// ROS templates: the resolver users render their scripts with, the YAML writer, limits.
export { IntrinsicResolver, renderRunCommandScript, rosBase64Encode } from './ros/resolver';
export type { IntrinsicResolverProps, RenderRunCommandScriptProps } from './ros/resolver';
export { applyConditions, ConditionEvaluator } from './ros/conditions';
export { parseTemplateText, readTemplateFile } from './ros/template';
export type { TemplateDocument, TemplateResource } from './ros/template';
export { templateToYaml } from './ros/yaml';

// Template rules run at synth (the whole pack: `ros-cdk-qwen-chat/rules`).
export { applyRulePack } from './rules/apply-rule-pack';
export type { ApplyRulePackOptions } from './rules/apply-rule-pack';
export type { RuleSuppression } from './rules/engine/rule-suppression';

// Compute Nest service packages (config.yaml, image builds, the service folder) and console text.
export { ComputeNestServicePackage } from './computenest/compute-nest-service-package';
export type { ComputeNestServicePackageProps, ServiceFile, TemplateSource } from './computenest/compute-nest-service-package';
export { Service } from './computenest/service';
export type { ServiceInfo, ServiceProps } from './computenest/service';
export { ApprovalType, CommandType, DeployType, ServiceType, ShareType } from './computenest/service-types';
export { DeployMetadata } from './computenest/deploy-metadata';
export type { ArtifactRelationTarget, DeployMetadataProps, TemplateConfig } from './computenest/deploy-metadata';
export { Artifact } from './computenest/artifact';
export type { ArtifactProps, EcsImageSource } from './computenest/artifact';
export { ImageBuilder } from './computenest/image-builder';
export type { ImageBuilderProps } from './computenest/image-builder';
export { validateServicePackage } from './computenest/validate-service-package';
export { writeServiceFolder } from './computenest/write-service-folder';
export { bilingual } from './computenest/console-metadata';
export type { BilingualText } from './computenest/console-metadata';
// Console parameters shared by products: the network choices (new/existing VPC, public access) and the instance count.
export { CIDR_PATTERN, NetworkParameters, sourceCidrIpParameter, VpcOption } from './computenest/network-parameters';
export type { NetworkFromParametersProps, NetworkParametersProps } from './computenest/network-parameters';
export { instanceCountParameter } from './computenest/instance-count-parameter';
export type { InstanceCountParameterProps } from './computenest/instance-count-parameter';

// The Qwen chat product: the stack, its presets, its service package, image layout and image build.
export { QwenChatStack } from './qwen-chat/qwen-chat-stack';
export type {
  IQwenChatNetworkProvider, IQwenChatProxyProvider, QwenChatParameters, QwenChatStackProps,
} from './qwen-chat/qwen-chat-stack';
export { QWEN_CHAT_PRESETS, addQwenChatStacks } from './qwen-chat/presets';
export type { QwenChatPreset } from './qwen-chat/presets';
export { qwenChatServiceEntries, synthesizeQwenChat } from './qwen-chat/synth';
export type { SynthesizeQwenChatOptions, SynthesizedQwenChat } from './qwen-chat/synth';
export { qwenChatServicePackage } from './qwen-chat/service-package';
export type { QwenChatServicePackageProps } from './qwen-chat/service-package';
export { qwenChatImageLayout } from './qwen-chat/image-layout';
export { renderImageBuildScript } from './qwen-chat/image-build-script';

// The Qwen API product: an OpenAI-compatible API (vLLM) with an API key, its presets, service package and image build.
export { API_KEY_PARAMETER_PATTERN, QwenApiStack } from './qwen-api/qwen-api-stack';
export type { QwenApiParameters, QwenApiStackProps } from './qwen-api/qwen-api-stack';
export { QWEN_API_PRESETS, addQwenApiStacks } from './qwen-api/presets';
export type { QwenApiPreset } from './qwen-api/presets';
export { qwenApiServiceEntries, synthesizeQwenApi } from './qwen-api/synth';
export type { SynthesizeQwenApiOptions } from './qwen-api/synth';
export { UBUNTU_22_04_SOURCE_IMAGE, qwenApiServicePackage } from './qwen-api/service-package';
export type { QwenApiServicePackageProps } from './qwen-api/service-package';
export { qwenApiImageLayout } from './qwen-api/image-layout';
export {
  MODELSCOPE_VERSION, VLLM_DRIVER_PACKAGES, VLLM_IMAGE_BUILD_SCRIPT_PARAMETERS, VLLM_MIN_CUDA, VLLM_MIN_GLIBC, VLLM_OS_BASE, renderVllmImageBuildScript,
} from './qwen-api/image-build-script';
export type { VllmImageBuildScriptProps } from './qwen-api/image-build-script';
export { synthesizeServices } from './computenest/synthesize-services';
export type { ServiceStackEntry, SynthesizedServices } from './computenest/synthesize-services';
export type { ImageBuildScriptProps, PinnedDownload } from './qwen-chat/image-build-script';
