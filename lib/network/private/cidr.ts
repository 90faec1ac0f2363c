/** IPv4 CIDR helpers for synth-time validation. Internal. */

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  readonly network: number;
  readonly prefix: number;
}

/** Parse `a.b.c.d/n`; undefined when it is not a CIDR block. */
export function parseCidr(value: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) {
    return undefined;
  }
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    return undefined;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { network: address - (address % size), prefix };
}

/** True when `inner` lies inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  if (inner.prefix < outer.prefix) {
    return false;
  }
  const size = 2 ** (32 - outer.prefix);
  return inner.network - (inner.network % size) === outer.network;
}

/** The private ranges a VPC may use (RFC 1918). */
export const VPC_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
