import { Artifact } from '../computenest/artifact';
import { ComputeNestServicePackage, TemplateSource } from '../computenest/compute-nest-service-package';
import { DeployMetadata } from '../computenest/deploy-metadata';
import { ImageBuilder } from '../computenest/image-builder';
import { Service } from '../computenest/service';
import { ApprovalType, DeployType, ServiceType, ShareType } from '../computenest/service-types';
import { VllmFit } from '../models/vllm-fit';
import { renderVllmImageBuildScript, VllmImageBuildScriptProps, VLLM_OS_BASE } from './image-build-script';

/** The vLLM image's source image: the Ubuntu 22.04 base's (OsBase.UBUNTU_22_04.sourceImageId). */
export const UBUNTU_22_04_SOURCE_IMAGE = VLLM_OS_BASE.sourceImageId;

/** Props of {@link qwenApiServicePackage}. */
export interface QwenApiServicePackageProps {
  /** The ROS template (a synthesized QwenApiStack's). */
  readonly template: TemplateSource;
  /** The stack's fit (checkpoint, allowed types, per-type flags). */
  readonly fit: VllmFit;
  /**
   * The image builder's instance type; it must be one the fit allows (the build runs vLLM with its flags).
   * @default the fit's first allowed type with one GPU, else its first
   */
  readonly builderInstanceType?: string;
  /**
   * The placeholder ImageId of the template's instance group (the stack's imageId prop).
   * @default UBUNTU_22_04_SOURCE_IMAGE
   */
  readonly placeholderImageId?: string;
  /**
   * Regions; the image is built in the first.
   * @default ['ap-southeast-1']
   */
  readonly regions?: string[];
  /**
   * Image build parameters beyond the checkpoint and placement.
   * @default {}
   */
  readonly script?: Omit<VllmImageBuildScriptProps, 'checkpoint' | 'placement'>;
  /**
   * Image builder timeout, seconds.
   * @default 10800
   */
  readonly imageBuildTimeoutSeconds?: number;
}

/**
 * The Qwen API service package: a private ROS service whose image is built on Ubuntu 22.04 by
 * assets/vllm-image-build.sh on a builder type the fit allows, with that type's vLLM flags.
 */
export function qwenApiServicePackage(props: QwenApiServicePackageProps): ComputeNestServicePackage {
  const fit = props.fit;
  const c = fit.checkpoint;
  const regions = props.regions ?? ['ap-southeast-1'];
  if (regions.length === 0) throw new Error("qwenApiServicePackage: regions is empty; list at least one region, e.g. ['ap-southeast-1'].");
  const builderType = props.builderInstanceType
    ?? (fit.placements.find((p) => p.tensorParallelSize === 1) ?? fit.placements[0]).instanceType;
  const placement = fit.placementFor(builderType);
  if (placement === undefined) {
    throw new Error(`qwenApiServicePackage: builderInstanceType '${builderType}' cannot run ${c.displayName} under vLLM; choose one of: ${fit.instanceTypes.join(', ')}.`);
  }
  const templatePath = 'templates/template.yaml';
  const builder = new ImageBuilder({
    regionId: regions[0],
    osBase: VLLM_OS_BASE,
    instanceType: builderType,
    timeoutSeconds: props.imageBuildTimeoutSeconds,
    commandContent: renderVllmImageBuildScript({ ...props.script, checkpoint: c, placement }),
  });
  const artifact = new Artifact({
    name: `${c.key}-vllm`,
    description: `${c.displayName} on vLLM (Ubuntu 22.04)`,
    source: builder,
    supportRegionIds: regions,
  });
  const service = new Service({
    regionId: 'cn-hangzhou',
    deployType: DeployType.ROS,
    serviceType: ServiceType.PRIVATE,
    shareType: ShareType.PUBLIC,
    approvalType: ApprovalType.MANUAL,
    instanceNamePrefix: 'qwen-api',
    serviceInfo: [{
      locale: 'zh-CN',
      name: `通义千问-${c.checkpointName}-API`,
      shortDescription: `通义千问 ${c.displayName} OpenAI 兼容接口（vLLM）`,
    }],
    deployMetadata: new DeployMetadata({
      templateConfigs: [{ name: '模板1', url: templatePath, allowedRegions: regions }],
      artifactRelation: { [props.placeholderImageId ?? UBUNTU_22_04_SOURCE_IMAGE]: artifact.relation() },
    }),
  });
  return new ComputeNestServicePackage({
    service,
    artifacts: [artifact],
    imageBuilders: [builder],
    templates: { [templatePath]: props.template },
    model: fit.requirement,
  });
}
