import * as ros from '@alicloud/ros-cdk-core';
import { QwenModel } from '../../lib/compute/models';
import { DiskCategory, InstanceChargeType, PeriodUnit } from '../../lib/compute/instance-options';
import { QwenGpuInstance, QwenGpuInstanceProps } from '../../lib/compute/qwen-gpu-instance';
import { allowedInstanceTypes } from '../../lib/compute/model-fit';
import { esc, newApp, synthTemplate } from '../script/script-test-support';

const FITS_14B = QwenGpuInstance.allowedInstanceTypesFor(QwenModel.QWEN_14B_CHAT);
const NETWORK = { vpcId: 'vpc-1', vSwitchId: 'vsw-1', securityGroupId: 'sg-1', zoneId: 'cn-hangzhou-k' };

function build(props: Partial<QwenGpuInstanceProps> = {}) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const instance = new QwenGpuInstance(stack, 'Instance', {
    instanceType: FITS_14B[0],
    network: NETWORK, imageId: 'centos_7', password: 'x',
    ...props,
  });
  return { app, stack, instance };
}

describe('QwenGpuInstance', () => {
  test('allowedInstanceTypesFor is the model-fit catalog list, and excludes 16 GiB and 24 GiB single-GPU types for 14B bf16', () => {
    expect(FITS_14B).toEqual(allowedInstanceTypes(QwenModel.QWEN_14B_CHAT).map((t) => t.instanceType));
    expect(FITS_14B.length).toBeGreaterThan(0);
    expect(FITS_14B).not.toContain('ecs.gn6i-c4g1.xlarge');
    expect(FITS_14B).not.toContain('ecs.gn7i-c8g1.2xlarge');
    expect(QwenGpuInstance.allowedInstanceTypesFor()).toEqual(FITS_14B);
  });

  test('template: one InstanceGroup with the reference defaults (cloud_essd 200 GiB, public IP, 2 Mbit/s, PostPaid)', () => {
    const { app, stack, instance } = build();
    const t = synthTemplate(app, stack);
    expect(Object.keys(t.Resources)).toEqual(['EcsInstanceGroup']);
    expect(t.Resources.EcsInstanceGroup).toMatchObject({
      Type: 'ALIYUN::ECS::InstanceGroup',
      Properties: {
        InstanceName: { 'Fn::Join': ['-', [{ Ref: 'ALIYUN::StackName' }, '[1,4]']] },
        IoOptimized: 'optimized',
        InstanceChargeType: 'PostPaid',
        VpcId: 'vpc-1', VSwitchId: 'vsw-1', SecurityGroupId: 'sg-1', ZoneId: 'cn-hangzhou-k',
        SystemDiskCategory: 'cloud_essd',
        SystemDiskSize: 200,
        MaxAmount: 1,
        ImageId: 'centos_7',
        InstanceType: FITS_14B[0],
        Password: 'x',
        AllocatePublicIP: true,
        InternetMaxBandwidthOut: 2,
      },
    });
    expect(t.Resources.EcsInstanceGroup.Properties.Period).toBeUndefined();
    expect(instance.model).toBe(QwenModel.QWEN_14B_CHAT);
    expect(instance.amount).toBe(1);
    expect(stack.resolve(instance.instanceIds)).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'InstanceIds'] });
    expect(stack.resolve(instance.publicIps)).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'PublicIps'] });
    expect(stack.resolve(instance.privateIps)).toEqual({ 'Fn::GetAtt': ['EcsInstanceGroup', 'PrivateIps'] });
  });

  test('props reach the template; tokens skip the literal checks', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const p = (id: string, type = ros.RosParameterType.STRING) => new ros.RosParameter(stack, id, { type });
    new QwenGpuInstance(stack, 'Instance', {
      instanceType: p('EcsInstanceType').valueAsString,
      network: { vpcId: 'v', vSwitchId: 'w', securityGroupId: 's', zoneId: 'z' }, imageId: 'i', password: p('InstancePassword').valueAsString,
      instanceChargeType: InstanceChargeType.of(p('PayType').valueAsString), periodUnit: PeriodUnit.of(p('PayPeriodUnit').valueAsString),
      period: p('PayPeriod', ros.RosParameterType.NUMBER).valueAsNumber,
      systemDiskCategory: DiskCategory.CLOUD_AUTO, systemDiskSizeGiB: 300, allocatePublicIp: false, internetMaxBandwidthOutMbps: 0, amount: 3,
      instanceName: 'qwen', logicalIdPrefix: 'Gpu',
    });
    expect(synthTemplate(app, stack).Resources.GpuEcsInstanceGroup.Properties).toMatchObject({
      InstanceType: { Ref: 'EcsInstanceType' }, Password: { Ref: 'InstancePassword' },
      InstanceChargeType: { Ref: 'PayType' }, PeriodUnit: { Ref: 'PayPeriodUnit' }, Period: { Ref: 'PayPeriod' },
      SystemDiskCategory: 'cloud_auto', SystemDiskSize: 300, AllocatePublicIP: false, InternetMaxBandwidthOut: 0, MaxAmount: 3, InstanceName: 'qwen',
    });
  });

  test('PrePaid with a period', () => {
    const { app, stack } = build({ instanceChargeType: InstanceChargeType.PRE_PAID, periodUnit: PeriodUnit.YEAR, period: 9 });
    expect(synthTemplate(app, stack).Resources.EcsInstanceGroup.Properties).toMatchObject({ InstanceChargeType: 'PrePaid', PeriodUnit: 'Year', Period: 9 });
  });

  describe('validation', () => {
    test('an instance type that cannot run the model, with the figures', () => {
      expect(() => build({ instanceType: 'ecs.gn6i-c4g1.xlarge' }))
        .toThrow(/QwenGpuInstance: instanceType\[0\] 'ecs\.gn6i-c4g1\.xlarge' has 16 GiB GPU memory in total \(1 x 16 GiB NVIDIA T4\); Qwen-14B-Chat \(bf16\) needs 42\.9 GiB for 8192 tokens of context\. Choose one of: ecs\./);
    });

    test('an instance type unknown to the catalog', () => {
      expect(() => build({ instanceType: 'ecs.g7.large' })).toThrow(/QwenGpuInstance: instanceType\[0\] 'ecs\.g7\.large' is not in the GPU instance type catalog/);
    });

    test('an allowed list with a type too small names its index', () => {
      expect(() => build({ allowedInstanceTypes: [FITS_14B[0], 'ecs.gn6i-c4g1.xlarge'] }))
        .toThrow(/QwenGpuInstance: allowedInstanceTypes\[1\] 'ecs\.gn6i-c4g1\.xlarge' has 16 GiB GPU memory in total/);
    });

    test('an empty allowed list', () => {
      expect(() => build({ allowedInstanceTypes: [] })).toThrow(/QwenGpuInstance: allowedInstanceTypes is empty/);
    });

    test('a fitting type missing from the allowed list', () => {
      expect(() => build({ instanceType: FITS_14B[1], allowedInstanceTypes: [FITS_14B[0]] }))
        .toThrow(new RegExp(`QwenGpuInstance: instanceType '${esc(FITS_14B[1])}' is not in allowedInstanceTypes; add it there or choose one of: ${esc(FITS_14B[0])}`));
    });

    test('a smaller model accepts a smaller type', () => {
      expect(() => build({ model: QwenModel.QWEN_7B_CHAT_INT4, instanceType: 'ecs.gn6i-c4g1.xlarge' })).not.toThrow();
    });

    test.each([[0], [10], [1.5], [61]])('period %p', (period) => {
      expect(() => build({ period })).toThrow(new RegExp(`QwenGpuInstance: period ${esc(String(period))} is not allowed: give one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60`));
    });

    test.each([[102], [2049], [150.5]])('disk too small / too large / fractional: %p', (systemDiskSizeGiB) => {
      expect(() => build({ systemDiskSizeGiB }))
        .toThrow(new RegExp(`QwenGpuInstance: systemDiskSizeGiB ${esc(String(systemDiskSizeGiB))} is not allowed: give a whole number of GiB from 103 \\(room for Qwen-14B-Chat \\(bf16\\)'s weights`));
    });

    test('bandwidth 0 with a public IP', () => {
      expect(() => build({ internetMaxBandwidthOutMbps: 0 })).toThrow(/QwenGpuInstance: internetMaxBandwidthOutMbps 0 with allocatePublicIp true gives no public IP/);
      expect(() => build({ internetMaxBandwidthOutMbps: 0, allocatePublicIp: false })).not.toThrow();
    });

    test.each([[101], [-1], [2.5]])('bandwidth %p', (internetMaxBandwidthOutMbps) => {
      expect(() => build({ internetMaxBandwidthOutMbps })).toThrow(new RegExp(`QwenGpuInstance: internetMaxBandwidthOutMbps ${esc(String(internetMaxBandwidthOutMbps))} is not allowed: give a whole number of Mbit/s from 0 to 100`));
    });

    test.each([[0], [101], [1.5]])('amount %p', (amount) => {
      expect(() => build({ amount })).toThrow(new RegExp(`QwenGpuInstance: amount ${esc(String(amount))} is not allowed: give a whole number from 1 to 100, or a Number parameter's valueAsNumber`));
    });
  });

  // Regression: the default disk was a flat 200 GiB, below Qwen-72B-Chat bf16's minimum of 220 GiB.
  test('the default disk fits every preset model (Qwen-72B-Chat bf16 needs 220 GiB)', () => {
    for (const model of QwenModel.ALL) {
      const type = QwenGpuInstance.allowedInstanceTypesFor(model)[0];
      expect(() => build({ model, instanceType: type })).not.toThrow();
    }
  });
});
