import { Artifact } from '../../lib/computenest/artifact';
import { ComputeNestServicePackage } from '../../lib/computenest/compute-nest-service-package';
import { DeployMetadata } from '../../lib/computenest/deploy-metadata';
import { ImageBuilder } from '../../lib/computenest/image-builder';
import { renderImageBuildScript } from '../../lib/qwen-chat/image-build-script';
import { Service } from '../../lib/computenest/service';
import { validateServicePackage } from '../../lib/computenest/validate-service-package';
import { OsBase } from '../../lib/image/os-base';
import { samplePackage, sampleTemplate } from './fixtures';

/** A package built piece by piece so each cross-check can be broken alone. */
function build(o: {
  imageId?: unknown; relationKeys?: string[]; allowedRegions?: string[]; supportRegionIds?: string[];
  builderRegion?: string; instanceType?: string; timeout?: number; templates?: Record<string, unknown>; script?: string;
} = {}): ComputeNestServicePackage {
  const builder = new ImageBuilder({
    regionId: o.builderRegion ?? 'ap-southeast-1',
    instanceType: o.instanceType,
    timeoutSeconds: o.timeout,
    commandContent: o.script ?? renderImageBuildScript(),
  });
  const artifact = new Artifact({ name: 'qwen', source: builder, supportRegionIds: o.supportRegionIds ?? ['ap-southeast-1'] });
  const service = new Service({
    serviceInfo: [{ locale: 'zh-CN', name: 'n', shortDescription: 'd' }],
    deployMetadata: new DeployMetadata({
      templateConfigs: [{ name: 't', url: 'templates/template.yaml', allowedRegions: o.allowedRegions ?? ['ap-southeast-1'] }],
      artifactRelation: Object.fromEntries((o.relationKeys ?? ['centos_7']).map((k) => [k, artifact.relation()])),
    }),
  });
  return new ComputeNestServicePackage({
    service, artifacts: [artifact], imageBuilders: [builder],
    templates: (o.templates as any) ?? { 'templates/template.yaml': sampleTemplate(o.imageId ?? 'centos_7') },
  });
}

describe('validateServicePackage', () => {
  test('the default Qwen package and the piecewise package pass', () => {
    expect(() => validateServicePackage(samplePackage())).not.toThrow();
    expect(() => validateServicePackage(build())).not.toThrow();
  });

  describe('placeholder ImageId <-> ArtifactRelation', () => {
    test('template ImageId given as YAML text, or as a Ref to a parameter Default, passes', () => {
      const yamlText = 'Resources:\n  EcsInstanceGroup:\n    Type: ALIYUN::ECS::InstanceGroup\n    Properties:\n      ImageId: centos_7\n';
      expect(() => validateServicePackage(build({ templates: { 'templates/template.yaml': yamlText } }))).not.toThrow();
      const t = sampleTemplate({ Ref: 'ImageId' });
      (t.Parameters as any).ImageId = { Type: 'String', Default: 'centos_7' };
      expect(() => validateServicePackage(build({ templates: { 'templates/template.yaml': t } }))).not.toThrow();
    });
    test('YAML text with the short tag ImageId: !Ref Img reads the parameter Default (no false ArtifactRelation error)', () => {
      const yamlText = [
        "ROSTemplateFormatVersion: '2015-09-01'",
        'Parameters:',
        '  Img:',
        '    Type: String',
        '    Default: centos_7',
        'Resources:',
        '  EcsInstanceGroup:',
        '    Type: ALIYUN::ECS::InstanceGroup',
        '    Properties:',
        '      ImageId: !Ref Img',
        '',
      ].join('\n');
      expect(() => validateServicePackage(build({ templates: { 'templates/template.yaml': yamlText } }))).not.toThrow();
      const wrongDefault = yamlText.replace('Default: centos_7', 'Default: ubuntu_22');
      expect(() => validateServicePackage(build({ templates: { 'templates/template.yaml': wrongDefault } }))).toThrow(/ImageId 'ubuntu_22' is not a key/);
    });
    test('template text that is not a template fails naming it', () => {
      expect(() => validateServicePackage(build({ templates: { 'templates/template.yaml': 'a: [unclosed\n' } }))).toThrow(
        /validateServicePackage: templates\['templates\/template.yaml'\]: not a JSON or YAML template/,
      );
    });
    test('a template ImageId that is not a relation key fails', () => {
      expect(() => validateServicePackage(build({ imageId: 'ubuntu_22' }))).toThrow(
        /templates\['templates\/template.yaml'\] resource EcsInstanceGroup \(ALIYUN::ECS::InstanceGroup\) ImageId 'ubuntu_22' is not a key of Service.DeployMetadata.SupplierDeployMetadata.ArtifactRelation \(keys: 'centos_7'\); add artifactRelation/,
      );
    });
    test('an unused relation key fails', () => {
      expect(() => validateServicePackage(build({ relationKeys: ['centos_7', 'aliyun_3'] }))).toThrow(
        /ArtifactRelation key 'aliyun_3' is not the ImageId of any ECS instance resource in the templates \(ImageIds found: 'centos_7'\); remove it/,
      );
    });
  });

  describe('regions', () => {
    test('AllowedRegions within SupportRegionIds and builder region among them passes', () => {
      expect(() => validateServicePackage(build({ allowedRegions: ['ap-southeast-1'], supportRegionIds: ['ap-southeast-1', 'cn-hongkong'] }))).not.toThrow();
    });
    test('an AllowedRegion outside SupportRegionIds fails', () => {
      expect(() => validateServicePackage(build({ allowedRegions: ['ap-southeast-1', 'cn-beijing'] }))).toThrow(
        /TemplateConfigs\[0\].AllowedRegions \["ap-southeast-1","cn-beijing"\] include 'cn-beijing' outside Artifact 'Artifact_1' SupportRegionIds \["ap-southeast-1"\]; add the region/,
      );
    });
    test('an image builder region outside SupportRegionIds fails', () => {
      expect(() => validateServicePackage(build({ builderRegion: 'cn-hangzhou' }))).toThrow(
        /ImageBuilder 'Image_1' RegionId 'cn-hangzhou' is not among Artifact 'Artifact_1' SupportRegionIds \["ap-southeast-1"\]; build in one of those regions/,
      );
    });
  });

  describe('template paths', () => {
    test('a TemplateConfigs Url without a template fails, and so does an unnamed template', () => {
      expect(() => validateServicePackage(build({ templates: { 'ros/t.yaml': sampleTemplate() } }))).toThrow(
        /TemplateConfigs\[0\].Url 'templates\/template.yaml' has no template; pass templates: \{ 'templates\/template.yaml': <template> \} \(supplied: 'ros\/t.yaml'\)/,
      );
      expect(() => validateServicePackage(build({ templates: { 'ros/t.yaml': sampleTemplate() } }))).toThrow(
        /templates\['ros\/t.yaml'\] is not named by any TemplateConfigs Url/,
      );
    });
    test('a ServiceInfo Image without an icon fails', () => {
      const pkg = samplePackage({ icon: undefined });
      const withImage = new ComputeNestServicePackage({
        ...pkg.props,
        service: new Service({ ...pkg.service.props, serviceInfo: [{ locale: 'zh-CN', name: 'n', shortDescription: 'd', image: 'icons/logo.png' }] }),
      });
      expect(() => validateServicePackage(withImage)).toThrow(/ServiceInfo Image 'icons\/logo.png' has no file; pass icon: \{ path: 'icons\/logo.png', content \} \(icon given: none\)/);
    });
  });

  describe('model fit of the image builder instance type', () => {
    test('the default gn7i type (2 x A10) fits Qwen-14B-Chat', () => {
      expect(samplePackage().imageBuilders[0].instanceType).toBe('ecs.gn7i-c32g1.16xlarge');
      expect(() => validateServicePackage(build({ instanceType: 'ecs.gn7i-c32g1.16xlarge' }))).not.toThrow();
    });
    test("the reference's ecs.gn6i-c4g1.xlarge (1 x T4 16 GiB) cannot load Qwen-14B-Chat in 16-bit", () => {
      expect(() => validateServicePackage(build({ instanceType: 'ecs.gn6i-c4g1.xlarge' }))).toThrow(
        /ImageBuilder 'Image_1' InstanceType 'ecs.gn6i-c4g1.xlarge' has 16 GiB GPU memory in total \(1 x 16 GiB NVIDIA T4\); Qwen-14B-Chat \(bf16\) needs [0-9.]+ GiB.*Choose one of: .*ecs.gn7i-c32g1.16xlarge/,
      );
    });
    test('an unknown instance type fails', () => {
      expect(() => validateServicePackage(build({ instanceType: 'ecs.g7.large' }))).toThrow(
        /ImageBuilder 'Image_1' InstanceType 'ecs.g7.large' is not in the GPU instance type catalog/,
      );
    });
  });

  describe('timeouts and command limits', () => {
    test('10800 s covers the 1800 s health check plus the build steps', () => {
      expect(() => validateServicePackage(build({ timeout: 10800 }))).not.toThrow();
      expect(() => validateServicePackage(build({ timeout: 86400 }))).not.toThrow();
    });
    test('a timeout above the Cloud Assistant limit fails', () => {
      expect(() => validateServicePackage(build({ timeout: 90000 }))).toThrow(
        /ImageBuilder 'Image_1' Timeout 90000 exceeds the Cloud Assistant command limit of 86400 s; set timeoutSeconds \(config.yaml Timeout\) to at most 86400/,
      );
    });
    test('a timeout shorter than build steps + health check fails', () => {
      expect(() => validateServicePackage(build({ timeout: 3000 }))).toThrow(
        /ImageBuilder 'Image_1' Timeout 3000 s is shorter than the build needs: 3600 s for the build steps \+ HEALTH_TIMEOUT 1800 s of the script's health check; set timeoutSeconds \(config.yaml Timeout\) to at least 5400/,
      );
    });
    test('a script rendered for another base than the builder\'s image fails', () => {
      const pkg = build({ script: renderImageBuildScript({ osBase: OsBase.UBUNTU_22_04 }) });
      expect(() => validateServicePackage(pkg)).toThrow(
        "ImageBuilder 'Image_1' CommandContent was rendered for the base 'ubuntu2204' but SourceImageId "
        + "'{{oos:aliyun/services/computenest/images/aliyun_3_2104_docker_26_gpu_cuda_12_4_60g}}' is Alibaba Cloud Linux 3 ('alinux3'); "
        + "render the script with osBase: OsBase.fromKey('alinux3') or build on that base's image.");
      expect(() => validateServicePackage(samplePackage({ osBase: OsBase.UBUNTU_22_04 }))).not.toThrow();
    });
    test('a script over 16 KB Base64 or with placeholder braces fails', () => {
      expect(() => validateServicePackage(build({ script: `#!/bin/bash\n${'echo padding-line\n'.repeat(800)}` }))).toThrow(
        /CommandContent is [0-9]+ bytes Base64-encoded, over the Cloud Assistant limit of 16384/,
      );
      expect(() => validateServicePackage(build({ script: '#!/bin/bash\necho "${HOME}"\n' }))).toThrow(
        /CommandContent line 2 contains '\$\{', which config.yaml reserves for placeholders/,
      );
    });
  });
});
