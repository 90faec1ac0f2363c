import { allowedInstanceTypes, checkModelFit } from '../compute/model-fit';
import { findGpuInstanceType } from '../compute/gpu-types';
import { isMap } from './private/config-fields';
import { CLOUD_ASSISTANT_TIMEOUT_MAX_SECONDS, RUN_COMMAND_CONTENT_MAX_BYTES } from '../ros/limits';
import { parseTemplateText } from '../ros/template';
import { ComputeNestServicePackage, TemplateSource } from './compute-nest-service-package';

/**
 * Upper bound of the image build command's Timeout, in seconds: the Cloud Assistant command timeout
 * limit (lib/ros/limits.ts) that the ImageBuilder's OOS execution (ACS-ECS-UpdateImage -> ACS::ECS::RunCommand
 * -> Cloud Assistant) runs under. See docs/compute-nest.md "Limits".
 */
export const MAX_IMAGE_BUILDER_TIMEOUT_SECONDS = CLOUD_ASSISTANT_TIMEOUT_MAX_SECONDS;

/**
 * Time the build steps before the health check need at least (compile OpenSSL and CPython, pip install
 * torch & co., download a ~28 GB model): the ImageBuilder Timeout must cover this plus the script's
 * HEALTH_TIMEOUT.
 */
export const IMAGE_BUILD_STEPS_BUDGET_SECONDS = 3600;

/** ECS resource types whose ImageId Compute Nest maps through ArtifactRelation. */
const ECS_INSTANCE_TYPES = ['ALIYUN::ECS::InstanceGroup', 'ALIYUN::ECS::Instance', 'ALIYUN::ECS::InstanceGroupClone'];

/** One placeholder ImageId found in a template. */
interface ImageIdUse {
  readonly templatePath: string;
  readonly resource: string;
  readonly type: string;
  readonly imageId: string;
}

/**
 * Parses a template source into an object with the library's one template parser (JSON, or YAML with ROS short
 * tags such as `ImageId: !Ref Img`, which a plain YAML reader turns into the string 'Img').
 */
export function parseTemplate(path: string, source: TemplateSource): Record<string, unknown> {
  const where = `validateServicePackage: templates['${path}']`;
  if (typeof source === 'string') return parseTemplateText(source, where);
  if (!isMap(source)) throw new Error(`${where} is not a template mapping.`);
  return source;
}

function imageIdUses(path: string, template: Record<string, unknown>): ImageIdUse[] {
  const uses: ImageIdUse[] = [];
  const resources = isMap(template.Resources) ? template.Resources : {};
  const parameters = isMap(template.Parameters) ? template.Parameters : {};
  for (const [name, res] of Object.entries(resources)) {
    if (!isMap(res) || typeof res.Type !== 'string' || !ECS_INSTANCE_TYPES.includes(res.Type)) continue;
    const props = isMap(res.Properties) ? res.Properties : {};
    let imageId = props.ImageId;
    // A Ref to a template parameter: its Default is the placeholder the service deploys.
    if (isMap(imageId) && typeof imageId.Ref === 'string' && isMap(parameters[imageId.Ref])) {
      imageId = (parameters[imageId.Ref] as Record<string, unknown>).Default;
    }
    if (typeof imageId === 'string') uses.push({ templatePath: path, resource: name, type: res.Type, imageId });
  }
  return uses;
}

/** A parameter of the rendered image build script (`export NAME='value'`, or `param NAME 'value'` in the asset itself). */
function scriptParameter(commandContent: string, name: string): string | undefined {
  const m = new RegExp(`^(?:export ${name}=|param ${name} )'([^']*)'$`, 'm').exec(commandContent);
  return m ? m[1] : undefined;
}

function healthTimeoutOf(commandContent: string): number | undefined {
  const value = scriptParameter(commandContent, 'HEALTH_TIMEOUT');
  return value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : undefined;
}

/**
 * Cross-checks a service package before it is written; throws one Error listing every problem, each naming
 * the field, the value and the fix:
 * - every template's placeholder ImageId (ECS InstanceGroup/Instance) is an ArtifactRelation key, every
 *   ArtifactRelation key is used, and every relation points at a declared artifact;
 * - TemplateConfigs AllowedRegions are within the related artifacts' SupportRegionIds, and each artifact's
 *   image builder exists and builds in one of those regions;
 * - every TemplateConfigs Url has a template, every template is named by a Url, the icon is the ServiceInfo Image;
 * - each image builder's instance type can run the package's model (lib/compute/model-fit.ts);
 * - each image builder's Timeout is within the Cloud Assistant limit and covers the script's health check,
 *   and its CommandContent fits the Cloud Assistant size limit;
 * - a build script rendered for one operating system base (its OS_BASE) runs on that base's source image.
 */
export function validateServicePackage(pkg: ComputeNestServicePackage): void {
  const errors: string[] = [];
  const meta = pkg.service.deployMetadata.props;
  const relation = meta.artifactRelation ?? {};
  const relationPath = 'Service.DeployMetadata.SupplierDeployMetadata.ArtifactRelation';
  const artifactsById = new Map(pkg.artifacts.map((a) => [a.id, a]));
  const buildersById = new Map(pkg.imageBuilders.map((b) => [b.id, b]));

  // Template paths.
  const urls = meta.templateConfigs.map((t) => t.url);
  meta.templateConfigs.forEach((t, i) => {
    if (pkg.templates[t.url] === undefined) {
      errors.push(`TemplateConfigs[${i}].Url '${t.url}' has no template; pass templates: { '${t.url}': <template> } `
        + `(supplied: ${Object.keys(pkg.templates).map((k) => `'${k}'`).join(', ') || 'none'}).`);
    }
  });
  for (const path of Object.keys(pkg.templates)) {
    if (!urls.includes(path)) {
      errors.push(`templates['${path}'] is not named by any TemplateConfigs Url (${urls.map((u) => `'${u}'`).join(', ')}); `
        + 'add a TemplateConfig for it or remove it.');
    }
  }
  const infoImages = pkg.service.props.serviceInfo.map((s) => s.image).filter((x): x is string => x !== undefined);
  for (const image of new Set(infoImages)) {
    if (pkg.props.icon?.path !== image) {
      errors.push(`ServiceInfo Image '${image}' has no file; pass icon: { path: '${image}', content } `
        + `(icon given: ${pkg.props.icon ? `'${pkg.props.icon.path}'` : 'none'}).`);
    }
  }

  // Placeholder ImageIds <-> ArtifactRelation.
  const uses: ImageIdUse[] = [];
  for (const t of meta.templateConfigs) {
    const source = pkg.templates[t.url];
    if (source !== undefined) uses.push(...imageIdUses(t.url, parseTemplate(t.url, source)));
  }
  const keys = Object.keys(relation);
  for (const use of uses) {
    if (!keys.includes(use.imageId)) {
      errors.push(`templates['${use.templatePath}'] resource ${use.resource} (${use.type}) ImageId '${use.imageId}' is not a key of `
        + `${relationPath} (keys: ${keys.map((k) => `'${k}'`).join(', ') || 'none'}); add artifactRelation: { '${use.imageId}': artifact.relation() } `
        + 'or set the template ImageId to one of the keys.');
    }
  }
  const usedIds = new Set(uses.map((u) => u.imageId));
  for (const key of keys) {
    if (!usedIds.has(key)) {
      errors.push(`${relationPath} key '${key}' is not the ImageId of any ECS instance resource in the templates `
        + `(ImageIds found: ${[...usedIds].map((u) => `'${u}'`).join(', ') || 'none'}); remove it or use it as the template's ImageId.`);
    }
  }
  const relatedArtifacts = new Set<string>();
  for (const [key, target] of Object.entries(relation)) {
    const m = /^\$\{Artifact\.([A-Za-z0-9_]+)\.ArtifactId\}$/.exec(target.artifactId);
    if (!m || !artifactsById.has(m[1])) {
      errors.push(`${relationPath}['${key}'].ArtifactId '${target.artifactId}' does not reference a declared artifact `
        + `(declared: ${[...artifactsById.keys()].join(', ') || 'none'}); use artifact.relation().`);
    } else {
      relatedArtifacts.add(m[1]);
    }
  }

  // Regions.
  const regionArtifacts = relatedArtifacts.size > 0 ? [...relatedArtifacts].map((id) => artifactsById.get(id)!) : pkg.artifacts;
  for (const artifact of regionArtifacts) {
    const supported = artifact.supportRegionIds;
    meta.templateConfigs.forEach((t, i) => {
      const outside = t.allowedRegions.filter((r) => !supported.includes(r));
      if (outside.length > 0) {
        errors.push(`TemplateConfigs[${i}].AllowedRegions ${JSON.stringify(t.allowedRegions)} include ${outside.map((r) => `'${r}'`).join(', ')} `
          + `outside Artifact '${artifact.id}' SupportRegionIds ${JSON.stringify(supported)}; add the region to supportRegionIds or remove it from allowedRegions.`);
      }
    });
  }
  for (const artifact of pkg.artifacts) {
    const builderId = artifact.imageBuilderId;
    if (builderId === undefined) continue;
    const builder = buildersById.get(builderId);
    if (builder === undefined) {
      errors.push(`Artifact '${artifact.id}' ArtifactProperty.ImageId '${artifact.sourceImageId}' references ImageBuilder '${builderId}', `
        + `which is not declared (declared: ${[...buildersById.keys()].join(', ') || 'none'}); pass the ImageBuilder in imageBuilders.`);
    } else if (!artifact.supportRegionIds.includes(builder.regionId)) {
      errors.push(`ImageBuilder '${builder.id}' RegionId '${builder.regionId}' is not among Artifact '${artifact.id}' SupportRegionIds `
        + `${JSON.stringify(artifact.supportRegionIds)}; build in one of those regions or add '${builder.regionId}' to supportRegionIds.`);
    }
  }

  // Model fit and limits of each image builder.
  for (const builder of pkg.imageBuilders) {
    const where = `ImageBuilder '${builder.id}'`;
    const allowed = allowedInstanceTypes(pkg.model).map((t) => t.instanceType);
    const spec = findGpuInstanceType(builder.instanceType);
    if (spec === undefined) {
      errors.push(`${where} InstanceType '${builder.instanceType}' is not in the GPU instance type catalog (lib/compute/gpu-types.ts), `
        + `so it cannot be checked against ${pkg.model.displayName}. Choose one of: ${allowed.join(', ')}.`);
    } else {
      const fit = checkModelFit(pkg.model, spec);
      if (!fit.fits) errors.push(`${where} InstanceType ${fit.reason}. Choose one of: ${allowed.join(', ')}.`);
    }
    if (builder.timeoutSeconds > MAX_IMAGE_BUILDER_TIMEOUT_SECONDS) {
      errors.push(`${where} Timeout ${builder.timeoutSeconds} exceeds the Cloud Assistant command limit of ${MAX_IMAGE_BUILDER_TIMEOUT_SECONDS} s; `
        + `set timeoutSeconds (config.yaml Timeout) to at most ${MAX_IMAGE_BUILDER_TIMEOUT_SECONDS}.`);
    }
    const health = healthTimeoutOf(builder.commandContent);
    const needed = (health ?? 0) + IMAGE_BUILD_STEPS_BUDGET_SECONDS;
    if (builder.timeoutSeconds < needed) {
      errors.push(`${where} Timeout ${builder.timeoutSeconds} s is shorter than the build needs: ${IMAGE_BUILD_STEPS_BUDGET_SECONDS} s for the build steps`
        + `${health === undefined ? '' : ` + HEALTH_TIMEOUT ${health} s of the script's health check`}; set timeoutSeconds (config.yaml Timeout) to at least ${needed} `
        + `(and at most ${MAX_IMAGE_BUILDER_TIMEOUT_SECONDS}).`);
    }
    const scriptBase = scriptParameter(builder.commandContent, 'OS_BASE');
    if (scriptBase !== undefined && builder.osBase !== undefined && scriptBase !== builder.osBase.key) {
      errors.push(`${where} CommandContent was rendered for the base '${scriptBase}' but SourceImageId '${builder.sourceImageId}' is `
        + `${builder.osBase.displayName} ('${builder.osBase.key}'); render the script with osBase: OsBase.fromKey('${builder.osBase.key}') `
        + 'or build on that base\'s image.');
    }
    const base64Bytes = Buffer.from(builder.commandContent, 'utf8').toString('base64').length;
    if (base64Bytes > RUN_COMMAND_CONTENT_MAX_BYTES) {
      errors.push(`${where} CommandContent is ${base64Bytes} bytes Base64-encoded, over the Cloud Assistant limit of `
        + `${RUN_COMMAND_CONTENT_MAX_BYTES}; shorten the script or download the rest from a pinned URL.`);
    }
    const brace = /\$\{|\{\{/.exec(builder.commandContent);
    if (brace) {
      const line = builder.commandContent.slice(0, brace.index).split('\n').length;
      errors.push(`${where} CommandContent line ${line} contains '${brace[0]}', which config.yaml reserves for placeholders `
        + '(${Artifact...}, ${ImageBuilder...}, {{oos:...}}); write $VAR instead of ${VAR} in the script.');
    }
  }

  if (errors.length > 0) {
    throw new Error(`validateServicePackage: ${errors.length} problem(s):\n- ${errors.join('\n- ')}`);
  }
}
