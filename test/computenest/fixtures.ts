import { qwenChatServicePackage, QwenChatServicePackageProps } from '../../lib/qwen-chat/service-package';
import { ComputeNestServicePackage } from '../../lib/computenest/compute-nest-service-package';

/** A minimal ROS template with the reference's placeholder ImageId on EcsInstanceGroup. */
export function sampleTemplate(imageId: unknown = 'centos_7'): Record<string, unknown> {
  return {
    ROSTemplateFormatVersion: '2015-09-01',
    Parameters: { EcsInstanceType: { Type: 'String', Default: 'ecs.gn7i-c32g1.16xlarge' } },
    Resources: {
      EcsInstanceGroup: {
        Type: 'ALIYUN::ECS::InstanceGroup',
        Properties: { ImageId: imageId, InstanceType: { Ref: 'EcsInstanceType' }, MaxAmount: 1 },
      },
    },
    Outputs: { Endpoint: { Value: 'http://x:5000' } },
  };
}

/** The Qwen chat package over the sample template, with overrides. */
export function samplePackage(overrides: Partial<QwenChatServicePackageProps> = {}): ComputeNestServicePackage {
  return qwenChatServicePackage({
    template: sampleTemplate(),
    serviceDoc: { path: 'docs/index.md', content: '# 通义千问\n' },
    icon: { path: 'icons/service_logo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
    ...overrides,
  });
}
