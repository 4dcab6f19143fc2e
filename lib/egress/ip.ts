import { isIPv4, isIPv6 } from 'node:net';

export type IpKind = 'ipv4' | 'ipv6';

/** The range name of an address in none of the special ranges below (ipaddr.js's default). */
export const UNICAST = 'unicast';

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** `a.b.c.d`, already known to be a dotted four-part decimal IPv4, as its 4 bytes. */
const dottedBytes = (text: string): number[] => text.split('.').map(Number);

/** The zero-word run `::` stands for in RFC 5952 text: the longest of 2 or more, the first of equals. */
function longestZeroRun(words: readonly number[]): { start: number; length: number } {
  let best = { start: -1, length: 1 };
  let start = 0;
  while (start < words.length) {
    let end = start;
    while (end < words.length && words[end] === 0) end += 1;
    if (end - start > best.length) best = { start, length: end - start };
    start = end + 1;
  }
  return best;
}

/**
 * An IPv4 (4 bytes) or IPv6 (16 bytes) address, in network order. `bytes` is a copy made when
 * the address is built: nothing else holds it, and nothing may change it.
 */
export class IpAddress {
  readonly bytes: Uint8Array;

  constructor(bytes: ArrayLike<number>) {
    if (bytes.length !== 4 && bytes.length !== 16) {
      throw new RangeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
    }
    if (!Array.from(bytes).every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)) {
      throw new RangeError('an IP address byte is an integer from 0 to 255');
    }
    this.bytes = Uint8Array.from(bytes);
  }

  kind(): IpKind {
    return this.bytes.length === 4 ? 'ipv4' : 'ipv6';
  }

  /**
   * Whether the first `prefix` bits equal those of `network`. An address never matches a
   * network of the other family (ipaddr.js throws there; every caller here checks the kind).
   */
  match(network: IpAddress, prefix: number): boolean {
    const bits = this.bytes.length * 8;
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
      throw new RangeError(
        `a prefix length of an ${this.kind()} address is from 0 to ${bits}, not ${prefix}`,
      );
    }
    if (network.bytes.length !== this.bytes.length) return false;
    const whole = prefix >> 3;
    for (let index = 0; index < whole; index += 1) {
      if (this.bytes[index] !== network.bytes[index]) return false;
    }
    const mask = (0xff00 >> (prefix & 7)) & 0xff;
    return (((this.bytes[whole] ?? 0) ^ (network.bytes[whole] ?? 0)) & mask) === 0;
  }

  /** The IPv4 address in the last 4 bytes (an IPv4 address is its own). */
  lastFourBytes(): IpAddress {
    return new IpAddress(this.bytes.subarray(this.bytes.length - 4));
  }

  /** The name of the first special range (IPV4_RANGES or IPV6_RANGES) holding it, else `unicast`. */
  range(): string {
    const table = this.kind() === 'ipv4' ? IPV4_RANGES : IPV6_RANGES;
    return table.find(([, network, prefix]) => this.match(network, prefix))?.[0] ?? UNICAST;
  }

  /**
   * What ipaddr.js 2.5.0 prints: IPv4 dotted; IPv6 in RFC 5952 form, lower-case hex and the
   * longest zero run as `::`, but an IPv4-mapped address in hex too (`::ffff:7f00:1`).
   */
  toString(): string {
    if (this.bytes.length === 4) return this.bytes.join('.');
    const words = Array.from({ length: 8 }, (_, index) => this.word(index));
    const hex = words.map((word) => word.toString(16));
    const run = longestZeroRun(words);
    if (run.start < 0) return hex.join(':');
    return `${hex.slice(0, run.start).join(':')}::${hex.slice(run.start + run.length).join(':')}`;
  }

  private word(index: number): number {
    return ((this.bytes[2 * index] ?? 0) << 8) | (this.bytes[2 * index + 1] ?? 0);
  }
}

/** The 16-bit words of the groups of one side of `::`; a dotted IPv4 only as the last group. */
function groupWords(part: string, endsAddress: boolean): number[] | undefined {
  if (part === '') return [];
  const groups = part.split(':');
  const words: number[] = [];
  for (const [index, group] of groups.entries()) {
    if (HEX_GROUP.test(group)) {
      words.push(Number.parseInt(group, 16));
    } else if (endsAddress && index === groups.length - 1 && isIPv4(group)) {
      const [a = 0, b = 0, c = 0, d = 0] = dottedBytes(group);
      words.push((a << 8) | b, (c << 8) | d);
    } else {
      return undefined;
    }
  }
  return words;
}

/** The 8 words of an IPv6 text (RFC 4291 section 2.2, no zone id), or undefined. */
function ipv6Words(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [head = '', tail] = halves;
  const left = groupWords(head, tail === undefined);
  const right = tail === undefined ? [] : groupWords(tail, true);
  if (left === undefined || right === undefined) return undefined;
  if (tail === undefined) return left.length === 8 ? left : undefined;
  // `::` stands for one or more zero words.
  const missing = 8 - left.length - right.length;
  return missing < 1 ? undefined : [...left, ...new Array<number>(missing).fill(0), ...right];
}

/**
 * A dotted-decimal IPv4 or an IPv6 address, or undefined. Deliberately strict: `127.1` or
 * `0x7f000001` are not addresses here — URL parsing has already turned such hosts into the
 * dotted form, so anything else reaching this function is not a normalized address.
 *
 * IPv4: four decimal parts from 0 to 255 without leading zeros (ipaddr.js's
 * `isValidFourPartDecimal`). IPv6: what ipaddr.js's `IPv6.isValid` accepts, except a zone id
 * (`%eth0`) and an embedded IPv4 written other than that way (`::ffff:01.2.3.4`, `::0x7f.0.0.1`)
 * — both refused, as by node:net and WHATWG URL. And `::a.b.c.d` is the IPv4-compatible address
 * these bytes spell (RFC 4291 2.5.5.1, as inet_pton reads it), not, as ipaddr.js reads it, the
 * IPv4-mapped `::ffff:a.b.c.d`.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) return new IpAddress(dottedBytes(text));
  if (text.includes('%') || !isIPv6(text)) return undefined;
  const words = ipv6Words(text);
  return words === undefined ? undefined : new IpAddress(words.flatMap((word) => [word >> 8, word & 0xff]));
}

/** A literal address of this module's source, such as a range's network; throws if it is none. */
export function ipLiteral(text: string): IpAddress {
  const address = parseIp(text);
  if (address === undefined) throw new Error(`not an IP address: ${text}`);
  return address;
}

/** A special range: its name, network and prefix length. */
export type SpecialRange = readonly [name: string, network: IpAddress, prefix: number];

const table = (rows: readonly (readonly [string, string, number])[]): readonly SpecialRange[] =>
  rows.map(([name, network, prefix]) => [name, ipLiteral(network), prefix]);

/**
 * ipaddr.js 2.5.0's `IPv4.prototype.SpecialRanges`, in the order its `range()` tries them: the
 * first that holds an address names it. See https://en.wikipedia.org/wiki/Reserved_IP_addresses
 */
export const IPV4_RANGES: readonly SpecialRange[] = table([
  ['unspecified', '0.0.0.0', 8],
  ['broadcast', '255.255.255.255', 32],
  // RFC3171
  ['multicast', '224.0.0.0', 4],
  // RFC3927
  ['linkLocal', '169.254.0.0', 16],
  // RFC5735
  ['loopback', '127.0.0.0', 8],
  // RFC6598
  ['carrierGradeNat', '100.64.0.0', 10],
  // RFC1918
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  // Reserved and testing-only ranges; RFCs 5735, 5737, 2544, 1700
  ['reserved', '192.0.0.0', 24],
  ['reserved', '192.0.2.0', 24],
  ['reserved', '192.88.99.0', 24],
  ['reserved', '198.18.0.0', 15],
  ['reserved', '198.51.100.0', 24],
  ['reserved', '203.0.113.0', 24],
  ['reserved', '240.0.0.0', 4],
  // RFC7534, RFC7535
  ['as112', '192.175.48.0', 24],
  ['as112', '192.31.196.0', 24],
  // RFC7450
  ['amt', '192.52.193.0', 24],
]);

/**
 * ipaddr.js 2.5.0's `IPv6.prototype.SpecialRanges`, in the order its `range()` tries them (so
 * 2001::/32 is `teredo` before 2001::/23 is `reserved`).
 */
export const IPV6_RANGES: readonly SpecialRange[] = table([
  // RFC4291, here and after
  ['unspecified', '::', 128],
  ['linkLocal', 'fe80::', 10],
  ['multicast', 'ff00::', 8],
  ['loopback', '::1', 128],
  ['uniqueLocal', 'fc00::', 7],
  ['ipv4Mapped', '::ffff:0:0', 96],
  // RFC3879
  ['deprecatedSiteLocal', 'fec0::', 10],
  // RFC6666
  ['discard', '100::', 64],
  // RFC6145
  ['rfc6145', '::ffff:0:0:0', 96],
  // RFC6052
  ['rfc6052', '64:ff9b::', 96],
  // RFC8215
  ['rfc6052', '64:ff9b:1::', 48],
  // RFC3056
  ['6to4', '2002::', 16],
  // RFC6052, RFC6146
  ['teredo', '2001::', 32],
  // RFC5180
  ['benchmarking', '2001:2::', 48],
  // RFC7450
  ['amt', '2001:3::', 32],
  // RFC7535
  ['as112v6', '2001:4:112::', 48],
  // RFC7534
  ['as112v6', '2620:4f:8000::', 48],
  // RFC4843
  ['deprecatedOrchid', '2001:10::', 28],
  // RFC7343
  ['orchid2', '2001:20::', 28],
  // RFC9374
  ['droneRemoteIdProtocolEntityTags', '2001:30::', 28],
  // RFC9602
  ['segmentRouting', '5f00::', 16],
  // RFC3849
  ['reserved', '2001::', 23],
  // RFC2928
  ['reserved', '2001:db8::', 32],
  // RFC9637
  ['reserved', '3fff::', 20],
]);
