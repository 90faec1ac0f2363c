import { QwenModel } from '../compute/models';
import { Artifact } from '../computenest/artifact';
import { ComputeNestServicePackage, ServiceFile, TemplateSource } from '../computenest/compute-nest-service-package';
import { DeployMetadata } from '../computenest/deploy-metadata';
import { ImageBuildScriptProps, renderImageBuildScript } from './image-build-script';
import { ImageBuilder } from '../computenest/image-builder';
import { OsBase } from '../image/os-base';
import { Service } from '../computenest/service';
import { ApprovalType, DeployType, ServiceType, ShareType } from '../computenest/service-types';

/** Props of {@link qwenChatServicePackage}. */
export interface QwenChatServicePackageProps {
  /** The ROS template (synthesized QwenChatStack template object, or YAML text). */
  readonly template: TemplateSource;
  /**
   * Path of the template in the service folder.
   * @default 'templates/template.yaml'
   */
  readonly templatePath?: string;
  /**
   * The placeholder ImageId of the template's EcsInstanceGroup (the stack's imageId prop).
   * @default 'centos_7'
   */
  readonly placeholderImageId?: string;
  /**
   * The model the image is built for.
   * @default QwenModel.QWEN_14B_CHAT
   */
  readonly model?: QwenModel;
  /**
   * Regions the service deploys to; the image is built in the first and distributed to all.
   * @default ['ap-southeast-1']
   */
  readonly regions?: string[];
  /**
   * Image builder instance type.
   * @default 'ecs.gn7i-c32g1.16xlarge'
   */
  readonly builderInstanceType?: string;
  /**
   * The operating system the image is built on (its GPU image is the builder's source image).
   * @default OsBase.ALIBABA_CLOUD_LINUX_3
   */
  readonly osBase?: OsBase;
  /**
   * Image build script parameters (model and osBase are taken from `model` and `osBase`).
   * @default {}
   */
  readonly script?: Omit<ImageBuildScriptProps, 'model' | 'osBase'>;
  /**
   * Seconds the image build may run (the ImageBuilder's Timeout).
   * @default 10800
   */
  readonly imageBuildTimeoutSeconds?: number;
  /**
   * Service doc file.
   * @default - none
   */
  readonly serviceDoc?: ServiceFile;
  /**
   * Service icon; its path becomes ServiceInfo Image.
   * @default - no icon
   */
  readonly icon?: ServiceFile;
}

/**
 * The Qwen chat service package shaped like the reference config.yaml (private ROS service, ShareType Public,
 * ApprovalType Manual, instance name prefix `ty`, one EcsImage artifact built by one ImageBuilder).
 */
export function qwenChatServicePackage(props: QwenChatServicePackageProps): ComputeNestServicePackage {
  const model = props.model ?? QwenModel.QWEN_14B_CHAT;
  const regions = props.regions ?? ['ap-southeast-1'];
  if (regions.length === 0) throw new Error('qwenChatServicePackage: regions is empty; list at least one region, e.g. [\'ap-southeast-1\'].');
  const templatePath = props.templatePath ?? 'templates/template.yaml';
  const osBase = props.osBase ?? OsBase.ALIBABA_CLOUD_LINUX_3;
  const builder = new ImageBuilder({
    osBase,
    regionId: regions[0],
    instanceType: props.builderInstanceType,
    timeoutSeconds: props.imageBuildTimeoutSeconds,
    commandContent: renderImageBuildScript({ ...props.script, model, osBase }),
  });
  const artifact = new Artifact({
    name: `${model.key}-demo`,
    description: `${model.displayName} Gradio demo image`,
    source: builder,
    supportRegionIds: regions,
  });
  const service = new Service({
    regionId: 'cn-hangzhou',
    deployType: DeployType.ROS,
    serviceType: ServiceType.PRIVATE,
    shareType: ShareType.PUBLIC,
    approvalType: ApprovalType.MANUAL,
    instanceNamePrefix: 'ty',
    serviceInfo: [{
      locale: 'zh-CN',
      name: `通义千问-${model.name}-demo`,
      shortDescription: `通义千问 ${model.displayName} 快速部署`,
      image: props.icon?.path,
    }],
    deployMetadata: new DeployMetadata({
      templateConfigs: [{ name: '模板1', url: templatePath, allowedRegions: regions }],
      artifactRelation: { [props.placeholderImageId ?? 'centos_7']: artifact.relation() },
    }),
  });
  return new ComputeNestServicePackage({
    service,
    artifacts: [artifact],
    imageBuilders: [builder],
    templates: { [templatePath]: props.template },
    model,
    serviceDoc: props.serviceDoc,
    icon: props.icon,
  });
}
