import * as ros from '@alicloud/ros-cdk-core';
import { GpuInstanceGroup, GpuInstanceGroupProps } from '../../lib/compute/gpu-instance-group';
import { GpuRequirement } from '../../lib/compute/gpu-requirement';
import { DiskCategory, InstanceChargeType, PeriodUnit, SpotStrategy } from '../../lib/compute/instance-options';
import { checkModelFit } from '../../lib/compute/model-fit';
import { findGpuInstanceType } from '../../lib/compute/gpu-types';
import { QwenModel } from '../../lib/compute/models';
import { esc, newApp, synthTemplate } from '../script/script-test-support';

/** A model that is not Qwen: 30 GiB, cc 8.0, 12 GiB per GPU when split (a plain object). */
const OTHER: GpuRequirement = { displayName: 'Other-13B (fp16)', gpuMemoryGiB: 30, contextTokens: 4096, minComputeCapability: 8.0, minGpuMemoryPerGpuGiB: 12 };
const NETWORK = { vpcId: 'vpc-1', vSwitchId: 'vsw-1', securityGroupId: 'sg-1', zoneId: 'cn-hangzhou-k' };

function build(props: Partial<GpuInstanceGroupProps> = {}) {
  const app = newApp();
  const stack = new ros.Stack(app, 'S');
  const group = new GpuInstanceGroup(stack, 'Gpus', {
    requirement: OTHER, instanceType: 'ecs.gn7i-c32g1.16xlarge', network: NETWORK, imageId: 'm-1', password: 'x', ...props,
  });
  return { app, stack, group };
}

describe('GpuInstanceGroup: sized by a generic requirement', () => {
  test('the allowed types are exactly the catalog types the requirement fits (no Qwen model involved)', () => {
    const allowed = GpuInstanceGroup.allowedInstanceTypesFor(OTHER);
    expect(allowed).toContain('ecs.gn7i-c32g1.16xlarge'); // 2 x A10 24 GiB = 48, cc 8.6, 24 >= 12 per GPU
    expect(allowed).not.toContain('ecs.gn7i-c8g1.2xlarge'); // 24 GiB < 30
    expect(allowed).not.toContain('ecs.gn6e-c12g1.3xlarge'); // V100 32 GiB, cc 7.0 < 8.0
    expect(allowed).toContain('ecs.gn7i-4x.8xlarge'); // 4 x A10: 24 GiB per GPU >= the 12 GiB floor
    expect(checkModelFit(OTHER, findGpuInstanceType('ecs.gn7i-4x.8xlarge')!).fits).toBe(true);
    const { group } = build();
    expect(group.allowedInstanceTypes).toEqual(allowed);
    expect(group.requirement).toBe(OTHER);
  });

  test('a type the requirement does not fit is refused with the figures and the requirement\'s name', () => {
    expect(() => build({ instanceType: 'ecs.gn6e-c12g1.3xlarge' }))
      .toThrow(/GpuInstanceGroup: instanceType\[0\] 'ecs\.gn6e-c12g1\.3xlarge' has NVIDIA V100 GPUs of compute capability 7\.0; Other-13B \(fp16\) needs compute capability 8\.0 or higher/);
  });

  test('the per-GPU floor applies when split: 2 x 16 GiB is refused for a 12 GiB-per-GPU model of 24 GiB', () => {
    const split: GpuRequirement = { displayName: 'Split', gpuMemoryGiB: 24, contextTokens: 2048, minComputeCapability: 7.0, minGpuMemoryPerGpuGiB: 17 };
    expect(() => build({ requirement: split, instanceType: 'ecs.gn6i-c24g1.12xlarge' }))
      .toThrow(/has 16 GiB per GPU \(2 x 16 GiB NVIDIA T4\); Split split across GPUs needs 17 GiB on each GPU/);
  });

  test.each([
    ['displayName', { displayName: ' ' }, /requirement\.displayName " " is not allowed/],
    ['gpuMemoryGiB', { gpuMemoryGiB: 0 }, /requirement\.gpuMemoryGiB 0 is not allowed: give the GiB of GPU memory the model needs, > 0/],
    ['contextTokens', { contextTokens: 10.5 }, /requirement\.contextTokens 10\.5 is not allowed/],
    ['minComputeCapability', { minComputeCapability: -1 }, /requirement\.minComputeCapability -1 is not allowed/],
    ['minGpuMemoryPerGpuGiB', { minGpuMemoryPerGpuGiB: -2 }, /requirement\.minGpuMemoryPerGpuGiB -2 is not allowed/],
  ])('a requirement with a bad %s is refused, naming the field', (_field, change, message) => {
    expect(() => build({ requirement: { ...OTHER, ...change } })).toThrow(message as RegExp);
  });

  test('QwenModel is a GpuRequirement: the same allowed types either way', () => {
    expect(GpuInstanceGroup.allowedInstanceTypesFor(QwenModel.QWEN_7B_CHAT_INT4))
      .toEqual(GpuInstanceGroup.allowedInstanceTypesFor({ ...QwenModel.QWEN_7B_CHAT_INT4, displayName: 'copy' }));
  });
});

describe('GpuInstanceGroup: instance options', () => {
  test('RAM role, tags, data disks and spot reach the InstanceGroup', () => {
    const { app, stack } = build({
      ramRoleName: 'QwenReadOss',
      tags: { app: 'qwen', team: 'ml' },
      dataDisks: [{ sizeGiB: 500 }, { sizeGiB: 100, category: DiskCategory.CLOUD_AUTO, device: '/dev/xvdc' }],
      spotStrategy: SpotStrategy.SPOT_WITH_PRICE_LIMIT,
      spotPriceLimit: 3.125,
    });
    expect(synthTemplate(app, stack).Resources.EcsInstanceGroup.Properties).toMatchObject({
      RamRoleName: 'QwenReadOss',
      Tags: [{ Key: 'app', Value: 'qwen' }, { Key: 'team', Value: 'ml' }],
      DiskMappings: [{ Size: '500', Category: 'cloud_essd' }, { Size: '100', Category: 'cloud_auto', Device: '/dev/xvdc' }],
      SpotStrategy: 'SpotWithPriceLimit',
      SpotPriceLimit: '3.125',
    });
  });

  test('without options the InstanceGroup has none of those properties', () => {
    const { app, stack } = build();
    const props = synthTemplate(app, stack).Resources.EcsInstanceGroup.Properties;
    for (const key of ['RamRoleName', 'Tags', 'DiskMappings', 'SpotStrategy', 'SpotPriceLimit', 'PeriodUnit', 'Period']) {
      expect({ key, value: props[key] }).toEqual({ key, value: undefined });
    }
  });

  test('the market-price spot strategy needs no limit', () => {
    const { app, stack } = build({ spotStrategy: SpotStrategy.SPOT_AS_PRICE_GO });
    expect(synthTemplate(app, stack).Resources.EcsInstanceGroup.Properties.SpotStrategy).toBe('SpotAsPriceGo');
  });

  test.each([
    ['spot with PrePaid', { spotStrategy: SpotStrategy.SPOT_AS_PRICE_GO, instanceChargeType: InstanceChargeType.PRE_PAID },
      /spotStrategy 'SpotAsPriceGo' is not allowed with instanceChargeType 'PrePaid': spot instances are pay-as-you-go/],
    ['a price limit strategy without a limit', { spotStrategy: SpotStrategy.SPOT_WITH_PRICE_LIMIT },
      /spotStrategy 'SpotWithPriceLimit' needs spotPriceLimit/],
    ['a limit without the strategy', { spotPriceLimit: 2 }, /spotPriceLimit 2 is not allowed without spotStrategy SpotStrategy\.SPOT_WITH_PRICE_LIMIT/],
    ['a limit with four decimals', { spotStrategy: SpotStrategy.SPOT_WITH_PRICE_LIMIT, spotPriceLimit: 1.2345 }, /spotPriceLimit 1\.2345 is not allowed: give an hourly price > 0 with at most three decimals/],
    ['21 tags', { tags: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, /tags has 21 entries; ALIYUN::ECS::InstanceGroup takes at most 20/],
    ['an empty tag key', { tags: { '': 'v' } }, /tags has an empty key/],
    ['17 data disks', { dataDisks: Array.from({ length: 17 }, () => ({ sizeGiB: 20 })) }, /dataDisks has 17 entries; ALIYUN::ECS::InstanceGroup takes at most 16/],
    ['a data disk of 10 GiB', { dataDisks: [{ sizeGiB: 10 }] }, /dataDisks\[0\]\.sizeGiB 10 is not allowed: give a whole number of GiB from 20 to 32768/],
  ])('refused: %s', (_name, props, message) => {
    expect(() => build(props as Partial<GpuInstanceGroupProps>)).toThrow(message as RegExp);
  });

  test('a spot strategy from a parameter (a token) is not checked against the charge type', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const strategy = new ros.RosParameter(stack, 'Spot', { type: ros.RosParameterType.STRING });
    new GpuInstanceGroup(stack, 'Gpus', {
      requirement: OTHER, instanceType: 'ecs.gn7i-c32g1.16xlarge', network: NETWORK, imageId: 'm', password: 'x',
      instanceChargeType: InstanceChargeType.PRE_PAID, spotStrategy: SpotStrategy.of(strategy.valueAsString), periodUnit: PeriodUnit.WEEK,
    });
    expect(synthTemplate(app, stack).Resources.EcsInstanceGroup.Properties).toMatchObject({ SpotStrategy: { Ref: 'Spot' }, PeriodUnit: 'Week' });
  });
});

describe('GpuInstanceGroup: amount', () => {
  test('a Number parameter is carried through to MaxAmount and to the group\'s amount field', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const count = new ros.RosParameter(stack, 'InstanceCount', { type: ros.RosParameterType.NUMBER, defaultValue: 2 });
    const group = new GpuInstanceGroup(stack, 'Gpus', {
      requirement: OTHER, instanceType: 'ecs.gn7i-c32g1.16xlarge', network: NETWORK, imageId: 'm', password: 'x', amount: count.valueAsNumber,
    });
    expect(ros.Token.isUnresolved(group.amount)).toBe(true);
    expect(stack.resolve(group.amount)).toEqual({ Ref: 'InstanceCount' });
    expect(synthTemplate(app, stack).Resources.EcsInstanceGroup.Properties.MaxAmount).toEqual({ Ref: 'InstanceCount' });
  });

  test.each([[0], [101], [1.5]])('a literal %p outside 1..100 is refused, pointing to the parameter way', (amount) => {
    expect(() => build({ amount })).toThrow(new RegExp(`GpuInstanceGroup: amount ${esc(String(amount))} is not allowed: give a whole number from 1 to 100, or a Number parameter's valueAsNumber`));
  });
});

describe('GpuInstanceGroup: logical ids', () => {
  test('a second group in one stack is refused before ROS CDK would fail, naming the construct path and logicalIdPrefix', () => {
    const { stack } = build();
    expect(() => new GpuInstanceGroup(stack, 'More', {
      requirement: OTHER, instanceType: 'ecs.gn7i-c32g1.16xlarge', network: NETWORK, imageId: 'm', password: 'x',
    })).toThrow("GpuInstanceGroup 'S/More': logical id 'EcsInstanceGroup' is already used by 'S/Gpus/EcsInstanceGroup' (a resource); logical ids are stack-wide, so give this construct another logicalIdPrefix.");
  });

  test('with a prefix both groups synthesize', () => {
    const { app, stack } = build();
    new GpuInstanceGroup(stack, 'More', {
      requirement: OTHER, instanceType: 'ecs.gn7i-c32g1.16xlarge', network: NETWORK, imageId: 'm', password: 'x', logicalIdPrefix: 'Second',
    });
    expect(Object.keys(synthTemplate(app, stack).Resources).sort()).toEqual(['EcsInstanceGroup', 'SecondEcsInstanceGroup']);
  });

  test('a parameter of the same name is a clash too (a Ref would be ambiguous)', () => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    new ros.RosParameter(stack, 'EcsInstanceGroup', { type: ros.RosParameterType.STRING });
    expect(() => new GpuInstanceGroup(stack, 'Gpus', { requirement: OTHER, instanceType: 'ecs.gn7i-c32g1.16xlarge', network: NETWORK, imageId: 'm', password: 'x' }))
      .toThrow(/logical id 'EcsInstanceGroup' is already used by 'S\/EcsInstanceGroup' \(a parameter\)/);
  });
});

describe('GpuInstanceGroup: public IP switched at deploy time (publicIpCondition)', () => {
  const withSwitch = (props: Partial<GpuInstanceGroupProps> = {}) => {
    const app = newApp();
    const stack = new ros.Stack(app, 'S');
    const enable = new ros.RosParameter(stack, 'EnablePublicAccess', { type: ros.RosParameterType.BOOLEAN, defaultValue: true });
    const condition = new ros.RosCondition(stack, 'PublicAccess', { expression: ros.Fn.conditionEquals(true, enable.value) });
    new GpuInstanceGroup(stack, 'Gpus', {
      requirement: OTHER, instanceType: 'ecs.gn7i-c32g1.16xlarge', network: NETWORK, imageId: 'm-1', password: 'x', publicIpCondition: condition, ...props,
    });
    return { app, stack };
  };

  test('AllocatePublicIP and the bandwidth follow the condition: a public IP with the bandwidth, or neither', () => {
    const { app, stack } = withSwitch({ internetMaxBandwidthOutMbps: 5 });
    expect(synthTemplate(app, stack).Resources.EcsInstanceGroup.Properties).toMatchObject({
      AllocatePublicIP: { 'Fn::If': ['PublicAccess', true, false] },
      InternetMaxBandwidthOut: { 'Fn::If': ['PublicAccess', 5, 0] },
    });
  });

  test('with allocatePublicIp false it is refused: the switch could never turn the IP on', () => {
    expect(() => withSwitch({ allocatePublicIp: false, internetMaxBandwidthOutMbps: 0 }))
      .toThrow(/GpuInstanceGroup: publicIpCondition is not allowed with allocatePublicIp false: the instances would never get a public IP/);
  });
});
