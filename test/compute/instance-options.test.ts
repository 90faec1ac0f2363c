import * as ros from '@alicloud/ros-cdk-core';
import { DiskCategory, InstanceChargeType, PeriodUnit, SpotStrategy } from '../../lib/compute/instance-options';

/** Each enum-like class: its constants' template values, and `of` for literals and tokens. */
const CLASSES = [
  ['InstanceChargeType', InstanceChargeType.of, [[InstanceChargeType.POST_PAID, 'PostPaid'], [InstanceChargeType.PRE_PAID, 'PrePaid']], 'Spot'],
  ['PeriodUnit', PeriodUnit.of, [[PeriodUnit.WEEK, 'Week'], [PeriodUnit.MONTH, 'Month'], [PeriodUnit.YEAR, 'Year']], 'Day'],
  ['SpotStrategy', SpotStrategy.of, [[SpotStrategy.NO_SPOT, 'NoSpot'], [SpotStrategy.SPOT_WITH_PRICE_LIMIT, 'SpotWithPriceLimit'], [SpotStrategy.SPOT_AS_PRICE_GO, 'SpotAsPriceGo']], 'Spot'],
  ['DiskCategory', DiskCategory.of, [[DiskCategory.CLOUD_ESSD, 'cloud_essd'], [DiskCategory.CLOUD_AUTO, 'cloud_auto'], [DiskCategory.CLOUD_SSD, 'cloud_ssd'], [DiskCategory.CLOUD_EFFICIENCY, 'cloud_efficiency']], 'ssd'],
] as const;

describe.each(CLASSES)('%s', (name, of, constants, bad) => {
  test('the constants carry the ROS template values', () => {
    expect(constants.map(([c]) => c.value)).toEqual(constants.map(([, v]) => v));
  });

  test('of() takes each allowed literal', () => {
    for (const [, value] of constants) {
      expect(of(value as string).value).toBe(value);
    }
  });

  test('of() refuses another literal, naming the class, the value and the allowed ones', () => {
    expect(() => of(bad)).toThrow(new RegExp(`^${name}\\.of: '${bad}' is not allowed: give one of '`));
  });

  test('of() takes a token (a parameter\'s value) and keeps it', () => {
    const stack = new ros.Stack(new ros.App(), 'S');
    const p = new ros.RosParameter(stack, 'P', { type: ros.RosParameterType.STRING });
    expect(stack.resolve(of(p.valueAsString).value)).toEqual({ Ref: 'P' });
  });
});
