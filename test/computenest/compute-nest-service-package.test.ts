import * as fs from 'fs';
import * as YAML from 'yaml';
import { Artifact } from '../../lib/computenest/artifact';
import { ComputeNestServicePackage } from '../../lib/computenest/compute-nest-service-package';
import { DeployMetadata } from '../../lib/computenest/deploy-metadata';
import { ImageBuilder } from '../../lib/computenest/image-builder';
import { Service } from '../../lib/computenest/service';
import { ApprovalType, CommandType, ServiceType, ShareType } from '../../lib/computenest/service-types';
import { samplePackage } from './fixtures';
import { REFERENCE_CONFIG } from '../support/reference';

const REFERENCE = REFERENCE_CONFIG;

describe('ComputeNestServicePackage config.yaml model', () => {
  test('YAML written and read back equals the typed object', () => {
    const pkg = samplePackage();
    const text = pkg.toYaml();
    const back = ComputeNestServicePackage.fromYaml(text);
    expect(back.toConfig()).toEqual(pkg.toConfig());
    expect(YAML.parse(text)).toEqual(pkg.toConfig());
    expect(back.toYaml()).toBe(text);
    // typed fields survive the round trip
    const [b0, b1] = [pkg.imageBuilders[0], back.imageBuilders[0]];
    expect(b1).toMatchObject({
      id: b0.id, regionId: b0.regionId, instanceType: b0.instanceType, timeoutSeconds: b0.timeoutSeconds,
      internetMaxBandwidthOutMbps: b0.internetMaxBandwidthOutMbps, commandType: b0.commandType, commandContent: b0.commandContent,
    });
    expect(back.artifacts[0].supportRegionIds).toEqual(pkg.artifacts[0].supportRegionIds);
    expect(back.artifacts[0].imageBuilderId).toBe('Image_1');
    expect(back.service.deployMetadata.props.artifactRelation).toEqual(pkg.service.deployMetadata.props.artifactRelation);
  });

  test('the reference config.yaml is expressible: parsed, re-rendered, equal as data', () => {
    const text = fs.readFileSync(REFERENCE, 'utf8');
    const pkg = ComputeNestServicePackage.fromYaml(text);
    expect(pkg.toConfig()).toEqual(YAML.parse(text));
    expect(pkg.service.serviceType).toBe('private');
    expect(pkg.service.deployMetadata.props.artifactRelation).toEqual({
      centos_7: { artifactId: '${Artifact.Artifact_1.ArtifactId}', artifactVersion: '${Artifact.Artifact_1.ArtifactVersion}' },
    });
    expect(pkg.artifacts[0].imageBuilderId).toBe('Image_1');
    expect(pkg.imageBuilders[0]).toMatchObject({ regionId: 'ap-southeast-1', instanceType: 'ecs.gn6i-c4g1.xlarge', timeoutSeconds: 10800 });
  });

  test('unknown future keys pass through at every level', () => {
    const builder = new ImageBuilder({ regionId: 'ap-southeast-1', commandContent: 'echo', extraProperties: { SystemDiskSize: 200 } });
    const artifact = new Artifact({
      name: 'a', source: builder, supportRegionIds: ['ap-southeast-1'],
      propertyExtraProperties: { Architecture: 'x86_64' }, extraProperties: { ArtifactBuildProperty: { X: 1 } },
    });
    const service = new Service({
      serviceInfo: [{ locale: 'en-US', name: 'n', shortDescription: 'd', extraProperties: { Softwares: [] } }],
      deployMetadata: new DeployMetadata({
        templateConfigs: [{ name: 't', url: 't.yaml', allowedRegions: ['ap-southeast-1'], extraProperties: { PredefinedParameters: [] } }],
        artifactRelation: { centos_7: artifact.relation() },
        supplierExtraProperties: { FileArtifactRelation: {} },
        extraProperties: { ServiceInstanceNameRule2: 1 },
      }),
      extraProperties: { UpgradeMetadata: { Description: 'u' } },
    });
    const pkg = new ComputeNestServicePackage({ service, artifacts: [artifact], imageBuilders: [builder], extraProperties: { Version: 2 } });
    const cfg = pkg.toConfig() as any;
    expect(cfg.Version).toBe(2);
    expect(cfg.Service.UpgradeMetadata).toEqual({ Description: 'u' });
    expect(cfg.Service.ServiceInfo.Softwares).toEqual([]);
    expect(cfg.Service.DeployMetadata.SupplierDeployMetadata.FileArtifactRelation).toEqual({});
    expect(cfg.Service.DeployMetadata.TemplateConfigs[0].PredefinedParameters).toEqual([]);
    expect(cfg.Artifact.Artifact_1.ArtifactProperty.Architecture).toBe('x86_64');
    expect(cfg.ImageBuilder.Image_1.SystemDiskSize).toBe(200);
    expect(ComputeNestServicePackage.fromYaml(pkg.toYaml()).toConfig()).toEqual(cfg);
  });

  test('a pass-through key may not shadow a typed field', () => {
    const builder = new ImageBuilder({ regionId: 'r', commandContent: 'echo', extraProperties: { Timeout: 5 } });
    expect(() => builder.toConfig()).toThrow(/ImageBuilder 'Image_1': extraProperties key 'Timeout' is a typed field/);
  });

  test('typed validation names the prop and the value (also for a JavaScript caller that bypasses the enums)', () => {
    expect(() => new Service({ serviceType: 'hosted' as ServiceType, serviceInfo: [{ locale: 'zh-CN', name: 'n', shortDescription: 'd' }],
      deployMetadata: new DeployMetadata({ templateConfigs: [{ name: 't', url: 't.yaml', allowedRegions: ['r'] }] }) }))
      .toThrow(/Service: serviceType 'hosted' is not supported; use one of: private, managed/);
    expect(() => new DeployMetadata({ templateConfigs: [{ name: 't', url: '../t.yaml', allowedRegions: ['r'] }] }))
      .toThrow(/templateConfigs\[0\].url '..\/t.yaml' must be a relative path/);
    expect(() => new ImageBuilder({ regionId: 'r', commandContent: 'x', commandType: 'RunPython' as CommandType }))
      .toThrow(/commandType 'RunPython' is not supported/);
    expect(() => new Artifact({ name: 'a', source: { regionId: 'r', imageId: 'm' }, supportRegionIds: [] }))
      .toThrow(/Artifact 'Artifact_1': supportRegionIds is empty/);
  });

  test('config.yaml values outside the closed sets are refused on parse, naming the key', () => {
    const pkg = samplePackage();
    const withService = (service: string) => pkg.toYaml().replace('ServiceType: private', `ServiceType: ${service}`);
    expect(() => ComputeNestServicePackage.fromYaml(withService('hosted'))).toThrow(/Service: ServiceType 'hosted' is not supported; use one of: private, managed/);
    const withDeploy = pkg.toYaml().replace('DeployType: ros', 'DeployType: helm');
    expect(() => ComputeNestServicePackage.fromYaml(withDeploy)).toThrow(/Service: DeployType 'helm' is not supported; use one of: ros, terraform, ack, spi, operation/);
  });

  test('share and approval types: the known constants round-trip, another API value through of()', () => {
    const pkg = samplePackage();
    expect(ShareType.of('Public')).toBe(ShareType.PUBLIC);
    expect(ApprovalType.of('Manual')).toBe(ApprovalType.MANUAL);
    const other = pkg.toYaml().replace('ShareType: Public', 'ShareType: Restricted');
    expect(ComputeNestServicePackage.fromYaml(other).service.shareType.value).toBe('Restricted');
    expect(() => ShareType.of('Pub lic')).toThrow(/ShareType.of: "Pub lic" is not allowed/);
    expect(() => ApprovalType.of('')).toThrow(/ApprovalType.of: "" is not allowed/);
  });
});
