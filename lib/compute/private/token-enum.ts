import * as ros from '@alicloud/ros-cdk-core';

/**
 * The value of an enum-like class's `of(value)`: a literal must be one of `allowed`; a token (such
 * as a parameter's value) passes, since it is known only at deploy time. Internal.
 */
export function enumValue(owner: string, value: string, allowed: readonly string[]): string {
  if (typeof value !== 'string' || (!ros.Token.isUnresolved(value) && !allowed.includes(value))) {
    throw new Error(`${owner}.of: '${value}' is not allowed: give one of ${allowed.map((a) => `'${a}'`).join(', ')}, or a token such as a parameter's value.`);
  }
  return value;
}
