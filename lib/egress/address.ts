import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** The one range name an address must have to be reached without the allow list. */
export const PUBLIC_RANGE = 'unicast';

// Only the well-known NAT64 prefix embeds an IPv4 in its last 32 bits; 64:ff9b:1::/48 is for
// local translators by definition, so it stays refused as `rfc6052`.
const WELL_KNOWN_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
// Deprecated IPv4-compatible addresses (::a.b.c.d): ipaddr.js calls them unicast.
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/**
 * A dotted-decimal IPv4 or an IPv6 address, or undefined. Deliberately strict: `127.1` or
 * `0x7f000001` are not addresses here — URL parsing has already turned such hosts into the
 * dotted form, so anything else reaching this function is not a normalized address.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

const lastFourBytes = (address: ipaddr.IPv6): ipaddr.IPv4 => new ipaddr.IPv4(address.toByteArray().slice(12));

/**
 * The IPv4 address a packet to this IPv6 address ends up at: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-translated (RFC 6145) and well-known NAT64 (`64:ff9b::/96`, what DNS64 answers in an
 * IPv6-only VPC). Undefined for every other IPv6 address.
 */
export function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return lastFourBytes(address);
  if (range === 'rfc6052' && address.match(WELL_KNOWN_NAT64)) return lastFourBytes(address);
  return undefined;
}

/** An IPv4-mapped IPv6 address as the IPv4 address it reaches; any other address as is. */
export const unmapped = (address: IpAddress): IpAddress =>
  address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;

/**
 * The ipaddr.js range of an address, judged by the IPv4 it embeds where it embeds one.
 * Only PUBLIC_RANGE (`unicast`) may be reached without the allow list; every other name
 * (loopback, private, linkLocal, uniqueLocal, carrierGradeNat, 6to4, teredo, …) is refused.
 */
export function addressRange(address: IpAddress): string {
  if (address instanceof ipaddr.IPv4) return address.range();
  const embedded = embeddedIpv4(address);
  if (embedded !== undefined) {
    const inner = embedded.range();
    return inner === PUBLIC_RANGE ? PUBLIC_RANGE : `${inner} (in ${address.range()})`;
  }
  const range = address.range();
  if (range === PUBLIC_RANGE && address.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return range;
}
