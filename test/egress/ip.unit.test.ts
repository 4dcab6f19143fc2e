/**
 * lib/egress/ip.ts against ipaddr.js 2.5.0, the library it replaces in the bundles (a
 * devDependency since): for every special-range boundary, the IPv4-embedding forms and a few
 * thousand seeded pseudo-random addresses, each written in many ways and mutated, our parser
 * must accept what ipaddr.js accepts and read the same bytes, range, text and prefix matches,
 * and address.ts must give what it gave on ipaddr.js — but for the three deliberate differences
 * of `where parseIp deliberately differs from ipaddr.js`.
 */
import ipaddr from 'ipaddr.js';
import { addressRange, embeddedIpv4, unmapped } from '../../lib/egress/address';
import { IPV4_RANGES, IPV6_RANGES, IpAddress, parseIp, type SpecialRange } from '../../lib/egress/ip';

type Theirs = ipaddr.IPv4 | ipaddr.IPv6;

// --- A seeded generator (mulberry32): the same samples on every run.
let state = 0x5eed_1dea;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const below = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
const randomBytes = (length: number): number[] => Array.from({ length }, () => below(256));
const times = <T>(count: number, make: () => T): T[] => Array.from({ length: count }, make);

// --- Addresses as numbers, for range boundaries.
const toBig = (bytes: ArrayLike<number>): bigint =>
  Array.from(bytes).reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
const fromBig = (value: bigint, length: number): number[] =>
  Array.from({ length }, (_, index) => Number((value >> BigInt(8 * (length - 1 - index))) & 0xffn));
const hostBits = (length: number, prefix: number): bigint => (1n << BigInt(length * 8 - prefix)) - 1n;

/** The first and last address of a range and the two just outside it. */
function boundaries([, network, prefix]: SpecialRange): number[][] {
  const length = network.bytes.length;
  const first = toBig(network.bytes);
  const last = first | hostBits(length, prefix);
  const max = hostBits(length, 0);
  return [first - 1n, first, last, last + 1n]
    .filter((value) => value >= 0n && value <= max)
    .map((value) => fromBig(value, length));
}

/** A random address in a range: its network bits, random host bits. */
function inside([, network, prefix]: SpecialRange): number[] {
  const length = network.bytes.length;
  const host = hostBits(length, prefix);
  return fromBig((toBig(network.bytes) & ~host) | (toBig(randomBytes(length)) & host), length);
}

/** IPv6 prefixes of 12 bytes before an IPv4: mapped, RFC 6145, NAT64 (both), IPv4-compatible. */
const EMBEDDINGS = ['::ffff:0:0', '::ffff:0:0:0', '64:ff9b::', '64:ff9b:1::', '::'].map((text) =>
  Array.from(ipaddr.IPv6.parse(text).toByteArray().slice(0, 12)),
);
const embed = (ipv4: number[]): number[][] => EMBEDDINGS.map((prefix) => [...prefix, ...ipv4]);
const wordBytes = (word: number): number[] => [word >> 8, word & 0xff];
/** Words that are often zero, so that texts compress in many ways. */
const sparseIpv6 = (): number[] => times(8, () => (below(2) === 0 ? 0 : below(0x10000))).flatMap(wordBytes);

const ipv4Boundaries = IPV4_RANGES.flatMap(boundaries);
const ADDRESSES: number[][] = [
  ...ipv4Boundaries,
  ...ipv4Boundaries.flatMap(embed),
  ...IPV6_RANGES.flatMap(boundaries),
  ...times(1500, () => randomBytes(4)),
  ...times(1500, () => inside(pick(IPV4_RANGES))),
  ...times(1500, () => randomBytes(16)),
  ...times(1500, () => inside(pick(IPV6_RANGES))),
  ...times(300, () => randomBytes(4)).flatMap(embed),
  ...times(500, sparseIpv6),
];

// --- Texts: each address written in several ways, and mutations of them.
const words = (bytes: readonly number[]): number[] =>
  Array.from(
    { length: bytes.length / 2 },
    (_, index) => ((bytes[2 * index] ?? 0) << 8) | (bytes[2 * index + 1] ?? 0),
  );

/** The groups with `::` for a random run of zero words (any run, even of one), or all of them. */
function compressedRandomly(groups: readonly string[], values: readonly number[]): string {
  const zeros = values.flatMap((value, index) => (value === 0 ? [index] : []));
  if (zeros.length === 0) return groups.join(':');
  const start = pick(zeros);
  let end = start + 1;
  while (values[end] === 0 && below(4) !== 0) end += 1;
  return `${groups.slice(0, start).join(':')}::${groups.slice(end).join(':')}`;
}

const mixedCase = (text: string): string =>
  [...text].map((char) => (below(2) === 0 ? char.toUpperCase() : char)).join('');

/** The dotted tail form, `x:…:a.b.c.d`, its first six words compressed or not. */
function withDottedTail(bytes: readonly number[], compress: boolean): string {
  const head = words(bytes.slice(0, 12));
  const groups = head.map((word) => word.toString(16));
  const text = compress ? compressedRandomly(groups, head) : groups.join(':');
  return `${text}${text.endsWith(':') ? '' : ':'}${bytes.slice(12).join('.')}`;
}

function texts(bytes: number[]): string[] {
  if (bytes.length === 4)
    return [bytes.join('.'), bytes.map((byte) => byte.toString().padStart(2, '0')).join('.')];
  const values = words(bytes);
  const plain = values.map((word) => word.toString(16));
  const padded = values.map((word) => word.toString(16).padStart(4, '0'));
  return [
    ipaddr.fromByteArray(bytes).toString(),
    plain.join(':'),
    padded.join(':').toUpperCase(),
    compressedRandomly(plain, values),
    mixedCase(compressedRandomly(padded, values)),
    withDottedTail(bytes, false),
    withDottedTail(bytes, true),
  ];
}

const MUTATION_CHARS = [...':.0123456789abcdefABCDEFxg% '];
const AFFIXES = ['%eth0', '%1', ':', '::', '.0', ' ', '\n', '/64', '0', ':0', '1:'];

function mutated(text: string): string {
  const at = below(text.length + 1);
  const kind = below(5);
  if (kind === 0) return text.slice(0, at) + text.slice(at + 1);
  if (kind === 1) return text.slice(0, at) + pick(MUTATION_CHARS) + text.slice(at);
  if (kind === 2) return text.slice(0, at) + pick(MUTATION_CHARS) + text.slice(at + 1);
  if (kind === 3) return text + pick(AFFIXES);
  return pick(AFFIXES) + text;
}

const WRITTEN = ADDRESSES.flatMap(texts);
const TEXTS = [...new Set([...WRITTEN, ...times(15_000, () => mutated(pick(WRITTEN)))])];

// --- ipaddr.js as lib/egress used it before, the oracle.
function theirParse(text: string): Theirs | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

const THEIR_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const THEIR_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const theirLastFour = (address: ipaddr.IPv6) => new ipaddr.IPv4(address.toByteArray().slice(12));

function theirEmbedded(address: Theirs): ipaddr.IPv4 | undefined {
  if (!(address instanceof ipaddr.IPv6)) return undefined;
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return theirLastFour(address);
  if (range === 'rfc6052' && address.match(THEIR_NAT64)) return theirLastFour(address);
  return undefined;
}

function theirAddressRange(address: Theirs): string {
  if (address instanceof ipaddr.IPv4) return address.range();
  const embedded = theirEmbedded(address);
  if (embedded !== undefined) {
    const inner = embedded.range();
    return inner === 'unicast' ? 'unicast' : `${inner} (in ${address.range()})`;
  }
  const range = address.range();
  return range === 'unicast' && address.match(THEIR_COMPATIBLE) ? 'ipv4Compatible' : range;
}

const theirUnmapped = (address: Theirs): Theirs =>
  address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;

/** `::a.b.c.d` alone: the deprecated IPv4-compatible form, which ipaddr.js reads as mapped. */
const COMPATIBLE_TEXT = /^::[^:]*\.[^:]*$/;

/**
 * The bytes our parser must read from a text: ipaddr.js's, but refusing a zone id and an
 * embedded IPv4 that is not four-part decimal, and reading `::a.b.c.d` as the bytes it spells.
 */
function expectedBytes(text: string): number[] | undefined {
  const tail = text.slice(text.lastIndexOf(':') + 1);
  const dottedTail = text.includes(':') && tail.includes('.');
  if (text.includes('%') || (dottedTail && !ipaddr.IPv4.isValidFourPartDecimal(tail))) return undefined;
  const theirs = theirParse(text);
  if (theirs === undefined) return undefined;
  if (COMPATIBLE_TEXT.test(text))
    return [...new Array<number>(12).fill(0), ...ipaddr.IPv4.parse(tail).octets];
  return theirs.toByteArray();
}

const describeOurs = (ours: IpAddress): string[] => [
  Array.from(ours.bytes).join('.'),
  ours.kind(),
  ours.toString(),
  ours.range(),
  addressRange(ours),
  String(embeddedIpv4(ours)),
  unmapped(ours).toString(),
];

const describeTheirs = (theirs: Theirs): string[] => [
  theirs.toByteArray().join('.'),
  theirs.kind(),
  theirs.toString(),
  theirs.range(),
  theirAddressRange(theirs),
  String(theirEmbedded(theirs)),
  theirUnmapped(theirs).toString(),
];

function parseDifference(text: string): string | undefined {
  const ours = parseIp(text);
  const bytes = expectedBytes(text);
  if (bytes === undefined) return ours === undefined ? undefined : `${JSON.stringify(text)} accepted`;
  if (ours === undefined) return `${JSON.stringify(text)} refused`;
  const seen = describeOurs(ours).join(' | ');
  const wanted = describeTheirs(ipaddr.fromByteArray(bytes)).join(' | ');
  return seen === wanted ? undefined : `${JSON.stringify(text)}: ${seen} ≠ ${wanted}`;
}

/** Prefix matches of an address against every special range and around one of its bits. */
function matchDifferences(bytes: number[]): string[] {
  const ours = new IpAddress(bytes);
  const theirs = ipaddr.fromByteArray(bytes);
  const bits = bytes.length * 8;
  const flipped = bits - 1 - below(bits);
  const near = fromBig(toBig(bytes) ^ (1n << BigInt(flipped)), bytes.length);
  const table = bytes.length === 4 ? IPV4_RANGES : IPV6_RANGES;
  const cases: [number[], number][] = [
    ...table.map(([, network, prefix]): [number[], number] => [Array.from(network.bytes), prefix]),
    ...[0, bits - flipped - 1, bits - flipped, below(bits + 1), bits].map((prefix): [number[], number] => [
      near,
      prefix,
    ]),
  ];
  return cases
    .filter(
      ([network, prefix]) =>
        ours.match(new IpAddress(network), prefix) !== theirs.match(ipaddr.fromByteArray(network), prefix),
    )
    .map(([network, prefix]) => `${theirs} in ${ipaddr.fromByteArray(network)}/${prefix}`);
}

describe('the special ranges', () => {
  type Their = Record<string, [Theirs, number] | [Theirs, number][]>;
  const flattened = (ranges: Their) =>
    Object.entries(ranges).flatMap(([name, entry]) =>
      (Array.isArray(entry[0]) ? (entry as [Theirs, number][]) : [entry as [Theirs, number]]).map(
        ([network, prefix]) => [name, network.toString(), prefix],
      ),
    );
  const ours = (table: readonly SpecialRange[]) =>
    table.map(([name, network, prefix]) => [name, network.toString(), prefix]);

  it.each([
    ['IPv4', IPV4_RANGES, ipaddr.IPv4.prototype],
    ['IPv6', IPV6_RANGES, ipaddr.IPv6.prototype],
  ])('are, for %s, those of ipaddr.js in the order its range() tries them', (_, table, prototype) => {
    // Act & Assess
    expect(ours(table)).toEqual(flattened((prototype as unknown as { SpecialRanges: Their }).SpecialRanges));
  });
});

describe('parseIp against ipaddr.js', () => {
  it('reads every text as ipaddr.js reads it: accepted or not, bytes, text, range and policy range', () => {
    // Act
    const differences = TEXTS.map(parseDifference).filter((difference) => difference !== undefined);

    // Assess
    expect(ADDRESSES.length).toBeGreaterThan(8000);
    expect(TEXTS.length).toBeGreaterThan(45_000);
    expect(TEXTS.filter((text) => parseIp(text) === undefined).length).toBeGreaterThan(10_000);
    expect(differences).toEqual([]);
  });

  it('matches prefixes as ipaddr.js does', () => {
    // Act & Assess
    expect(ADDRESSES.flatMap(matchDifferences)).toEqual([]);
  });
});

describe('parseIp refuses', () => {
  it.each([
    '1.2.3',
    '1.2.3.256',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.4.5',
    '::ffff:1.2.3',
    '::ffff:1.2.3.256',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2:3:4:5:6:7:8',
    '12345::',
    'g::1',
    '1.2.3.4::',
    '',
    ' ',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '::1 ',
    '\t::1',
    '::1\n',
    '10.0.0.0/8',
    '[::1]',
  ])('%j, as ipaddr.js does', (text) => {
    // Act & Assess
    expect(parseIp(text)).toBeUndefined();
    expect(theirParse(text)).toBeUndefined();
  });
});

describe('where parseIp deliberately differs from ipaddr.js', () => {
  it.each(['fe80::1%eth0', '::1%1', '::ffff:1.2.3.4%eth0'])('refuses the zone id of %j', (text) => {
    // Act & Assess
    expect(theirParse(text)).toBeDefined();
    expect(parseIp(text)).toBeUndefined();
  });

  it.each(['::ffff:01.2.3.4', '::ffff:0x7f.0.0.1', '::0xa.1.1.1', '1::0177.0.0.1'])(
    'refuses %j: an embedded IPv4 is four-part decimal, as a bare one, node:net and WHATWG URL want it',
    (text) => {
      // Act & Assess
      expect(theirParse(text)).toBeDefined();
      expect(parseIp(text)).toBeUndefined();
      expect(() => new URL(`http://[${text}]/`)).toThrow();
    },
  );

  it.each([
    ['::127.0.0.1', '::7f00:1'],
    ['::8.8.8.8', '::808:808'],
  ])('reads %j as the IPv4-compatible %s it spells (ipaddr.js: IPv4-mapped), refused', (text, address) => {
    // Act
    const ours = parseIp(text);

    // Assess
    expect(theirParse(text)?.toString()).toBe(`::ffff:${address.slice(2)}`);
    expect(ours?.toString()).toBe(address);
    expect(new URL(`http://[${text}]/`).hostname).toBe(`[${address}]`);
    expect(ours && addressRange(ours)).toBe('ipv4Compatible');
  });
});

describe('IpAddress', () => {
  it('never matches a network of the other family', () => {
    // Act & Assess
    expect(new IpAddress([0, 0, 0, 0]).match(new IpAddress(new Array(16).fill(0)), 0)).toBe(false);
    expect(new IpAddress(new Array(16).fill(0)).match(new IpAddress([0, 0, 0, 0]), 0)).toBe(false);
  });

  it.each([[[1, 2, 3]], [[1, 2, 3, 256]], [[1, 2, 3, 1.5]], [new Array(8).fill(0)]])(
    'refuses the bytes %j',
    (bytes) => {
      // Act & Assess
      expect(() => new IpAddress(bytes)).toThrow(RangeError);
    },
  );

  it.each([-1, 33, 1.5])('refuses a prefix length of %d for IPv4', (prefix) => {
    // Act & Assess
    expect(() => new IpAddress([10, 0, 0, 1]).match(new IpAddress([10, 0, 0, 0]), prefix)).toThrow(
      RangeError,
    );
  });

  it('keeps its own copy of the bytes', () => {
    // Prepare
    const bytes = [10, 0, 0, 1];
    const address = new IpAddress(bytes);

    // Act
    bytes[0] = 127;

    // Assess
    expect(address.toString()).toBe('10.0.0.1');
    expect(address.lastFourBytes().toString()).toBe('10.0.0.1');
  });
});
