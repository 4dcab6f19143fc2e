import { type IpAddress, ipLiteral, UNICAST } from './ip';

export { IpAddress, parseIp } from './ip';

/** The one range name an address must have to be reached without the allow list. */
export const PUBLIC_RANGE = UNICAST;

// Only the well-known NAT64 prefix embeds an IPv4 in its last 32 bits; 64:ff9b:1::/48 is for
// local translators by definition, so it stays refused as `rfc6052`.
const WELL_KNOWN_NAT64 = ipLiteral('64:ff9b::');
// Deprecated IPv4-compatible addresses (::a.b.c.d): the range tables call them unicast.
const IPV4_COMPATIBLE = ipLiteral('::');

/**
 * The IPv4 address a packet to this IPv6 address ends up at: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-translated (RFC 6145) and well-known NAT64 (`64:ff9b::/96`, what DNS64 answers in an
 * IPv6-only VPC). Undefined for every other IPv6 address, and for an IPv4 address.
 */
export function embeddedIpv4(address: IpAddress): IpAddress | undefined {
  if (address.kind() !== 'ipv6') return undefined;
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return address.lastFourBytes();
  if (range === 'rfc6052' && address.match(WELL_KNOWN_NAT64, 96)) return address.lastFourBytes();
  return undefined;
}

/** An IPv4-mapped IPv6 address as the IPv4 address it reaches; any other address as is. */
export const unmapped = (address: IpAddress): IpAddress =>
  address.kind() === 'ipv6' && address.range() === 'ipv4Mapped' ? address.lastFourBytes() : address;

/**
 * The range of an address (ip.ts, ipaddr.js's names), judged by the IPv4 it embeds where it embeds one.
 * Only PUBLIC_RANGE (`unicast`) may be reached without the allow list; every other name
 * (loopback, private, linkLocal, uniqueLocal, carrierGradeNat, 6to4, teredo, …) is refused.
 */
export function addressRange(address: IpAddress): string {
  if (address.kind() === 'ipv4') return address.range();
  const embedded = embeddedIpv4(address);
  if (embedded !== undefined) {
    const inner = embedded.range();
    return inner === PUBLIC_RANGE ? PUBLIC_RANGE : `${inner} (in ${address.range()})`;
  }
  const range = address.range();
  if (range === PUBLIC_RANGE && address.match(IPV4_COMPATIBLE, 96)) return 'ipv4Compatible';
  return range;
}
