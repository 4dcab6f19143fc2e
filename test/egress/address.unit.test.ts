import { addressRange, PUBLIC_RANGE, parseIp } from '../../lib/egress/address';
import { type EgressAllowList, parseAllowList } from '../../lib/egress/allow-list';
import { allowsPlainHttp } from '../../lib/egress/plain-http';
import { checkAddress, checkUrl, type Destination, destinationOf } from '../../lib/egress/policy';

const NOTHING: EgressAllowList = parseAllowList([]);

function range(text: string): string {
  const address = parseIp(text);
  if (address === undefined) throw new Error(`test setup: ${text} is not an address`);
  return addressRange(address);
}

const httpsName = (host: string, allow: EgressAllowList = NOTHING): Destination =>
  destinationOf('https:', host, '', allow);

function refusalOf(url: string, allow: EgressAllowList = NOTHING) {
  const checked = checkUrl(url, allow);
  if (checked.ok) throw new Error(`expected ${url} to be refused`);
  return checked;
}

function destinationFor(url: string, allow: EgressAllowList = NOTHING): Destination {
  const checked = checkUrl(url, allow);
  if (!checked.ok) throw new Error(`expected ${url} to pass, got: ${checked.refusal.message}`);
  return checked.value.destination;
}

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
  ])('parses %s', (text, normalized) => {
    // Act & Assess
    expect(parseIp(text)?.toString()).toBe(normalized);
  });

  // Non-dotted forms never reach it from a URL (WHATWG parsing normalizes them); anything
  // else calling itself an address is not one.
  it.each(['127.1', '2130706433', '0x7f000001', '0177.0.0.1', 'localhost', '', '1.2.3.4.5'])(
    'is strict: %j is not an address',
    (text) => {
      // Act & Assess
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('addressRange and checkAddress: refused classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback (in ipv4Mapped)'],
    ['::ffff:10.0.0.1', 'private (in ipv4Mapped)'],
    ['::ffff:169.254.169.254', 'linkLocal (in ipv4Mapped)'],
    ['::ffff:0:a00:1', 'private (in rfc6145)'],
    ['64:ff9b::7f00:1', 'loopback (in rfc6052)'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal (in rfc6052)'],
    ['64:ff9b:1::5db8:d70e', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
    ['2002:5db8:d70e::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['::7f00:1', 'ipv4Compatible'],
  ])('%s is %s and refused', (address, expected) => {
    // Act
    const actual = range(address);
    const refusal = checkAddress(httpsName('api.example.com'), address, NOTHING);

    // Assess
    expect(actual).toBe(expected);
    expect(refusal?.reason).toBe('address');
    expect(refusal?.message).toContain(`api.example.com resolves to ${address}, a ${expected} address`);
    expect(refusal?.message).toContain('HANDSHAKE_EGRESS_ALLOW');
  });
});

describe('addressRange and checkAddress: public addresses', () => {
  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700::1111',
    '2a00:1450:4001:80b::200e',
    // Well-known NAT64, as DNS64 answers in an IPv6-only VPC, of a public IPv4 address.
    '64:ff9b::5db8:d70e',
    '::ffff:93.184.215.14',
  ])('%s is unicast and allowed over https', (address) => {
    // Act & Assess
    expect(range(address)).toBe(PUBLIC_RANGE);
    expect(checkAddress(httpsName('api.example.com'), address, NOTHING)).toBeUndefined();
  });

  it('refuses a public address over plain http', () => {
    // Act
    const refusal = checkAddress(
      destinationOf('http:', 'api.example.com', '', NOTHING),
      '93.184.215.14',
      NOTHING,
    );

    // Assess
    expect(refusal?.reason).toBe('scheme');
  });

  it('refuses an answer that is not an IP address', () => {
    // Act & Assess
    expect(checkAddress(httpsName('api.example.com'), 'not-an-ip', NOTHING)?.reason).toBe('address');
  });
});

describe('checkAddress with an allow list', () => {
  it('lifts both rules for a name on the list, whatever it resolves to', () => {
    // Prepare
    const allow = parseAllowList(['localhost']);
    const destination = destinationOf('http:', 'localhost', '3000', allow);

    // Act & Assess
    expect(destination.allowedByName).toBe(true);
    expect(checkAddress(destination, '127.0.0.1', allow)).toBeUndefined();
    expect(checkAddress(destination, '::1', allow)).toBeUndefined();
  });

  it('lifts both rules for exactly the port of a name:port entry', () => {
    // Prepare
    const allow = parseAllowList(['localhost:8080']);

    // Act
    const onPort = destinationOf('http:', 'localhost', '8080', allow);
    const otherPort = destinationOf('http:', 'localhost', '8081', allow);

    // Assess
    expect(checkAddress(onPort, '127.0.0.1', allow)).toBeUndefined();
    expect(checkAddress(otherPort, '127.0.0.1', allow)?.reason).toBe('scheme');
    expect(
      checkAddress(destinationOf('https:', 'localhost', '8081', allow), '127.0.0.1', allow)?.reason,
    ).toBe('address');
  });

  it('lifts both rules for addresses in a CIDR range, and only for those', () => {
    // Prepare
    const allow = parseAllowList(['10.0.0.0/8']);
    const destination = destinationOf('http:', 'db.internal', '5984', allow);

    // Act & Assess
    expect(checkAddress(destination, '10.1.2.3', allow)).toBeUndefined();
    expect(checkAddress(destination, '192.168.1.1', allow)?.reason).toBe('scheme');
    expect(checkAddress(httpsName('db.internal', allow), '192.168.1.1', allow)?.reason).toBe('address');
  });
});

describe('checkUrl', () => {
  it.each([
    'ftp://example.com/',
    'file:///etc/passwd',
    'ws://example.com/',
    'gopher://example.com/',
    'data:,x',
  ])('refuses the scheme of %s', (url) => {
    // Act & Assess
    expect(refusalOf(url, parseAllowList(['example.com', '0.0.0.0/0'])).refusal.reason).toBe('scheme');
  });

  it('refuses URLs with credentials, even to an allowed host', () => {
    // Act
    const checked = refusalOf('https://user:secret@api.example.com/', parseAllowList(['api.example.com']));

    // Assess
    expect(checked.refusal.reason).toBe('credentials');
    expect(checked.refusal.message).not.toContain('secret');
  });

  it('refuses a URL that does not parse, without repeating it', () => {
    // Act
    const checked = refusalOf('/relative?token=abc123');

    // Assess
    expect(checked.refusal.reason).toBe('url');
    expect(checked.refusal.message).not.toContain('abc123');
    expect(checked.destination).toBeUndefined();
  });

  it('passes an https name (its addresses are checked when connecting), normalized', () => {
    // Act
    const destination = destinationFor('HTTPS://API.Example.COM./v1?token=x');

    // Assess
    expect(destination).toEqual({
      protocol: 'https:',
      host: 'api.example.com',
      port: 443,
      literal: false,
      allowedByName: false,
    });
  });

  it('refuses plain http to a name before any DNS query when no range could lift it', () => {
    // Act
    const checked = refusalOf('http://api.example.com/?token=abc123');

    // Assess
    expect(checked.refusal.reason).toBe('scheme');
    expect(checked.destination).toBe('http://api.example.com:80');
  });

  it('defers plain http to a name to the address check when a range is allowed', () => {
    // Act
    const destination = destinationFor('http://db.internal:5984/', parseAllowList(['10.0.0.0/8']));

    // Assess
    expect(destination.port).toBe(5984);
    expect(destination.allowedByName).toBe(false);
  });

  it.each(['https://93.184.215.14/', 'https://[2606:4700::1111]/', 'http://127.0.0.1:8080/'])(
    'refuses the IP literal host of %s: hosts are names unless the address is listed',
    (url) => {
      // Act & Assess
      expect(refusalOf(url).refusal.reason).toBe('ip_literal');
    },
  );

  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[0:0:0:0:0:0:0:1]/', '::1'],
  ])('checks the normalized address of %s (%s)', (url, normalized) => {
    // Prepare
    const loopback = parseAllowList(['127.0.0.0/8', '::1/128']);
    const elsewhere = parseAllowList(['10.0.0.0/8']);

    // Act
    const withoutList = refusalOf(url);
    const withOtherRange = refusalOf(url, elsewhere);
    const destination = destinationFor(url, loopback);

    // Assess
    expect(withoutList.refusal.reason).toBe('ip_literal');
    expect(withOtherRange.refusal.reason).toBe('ip_literal');
    expect(destination.literal).toBe(true);
    expect(destination.host).toBe(normalized);
  });

  it('passes an IP literal in an allowed range, on the allowed port only', () => {
    // Prepare
    const allow = parseAllowList(['127.0.0.1:8080']);

    // Act & Assess
    expect(destinationFor('http://127.0.0.1:8080/', allow).host).toBe('127.0.0.1');
    expect(refusalOf('http://127.0.0.1:8081/', allow).refusal.reason).toBe('ip_literal');
  });
});

describe('allowsPlainHttp', () => {
  const allow = parseAllowList(['127.0.0.0/8', '::1/128', 'localhost', 'api.internal:8080']);

  it.each([
    ['http://localhost:3000/done', true],
    ['http://LOCALHOST./done', true],
    ['http://127.0.0.1:3000/', true],
    ['http://[::1]:3000/', true],
    ['http://api.internal:8080/', true],
    ['http://api.internal:8081/', false],
    ['http://example.com/', false],
    ['http://10.0.0.1/', false],
    // Not known without DNS, even though it may resolve into 127.0.0.0/8.
    ['http://dev.local/', false],
  ])('%s → %s', (url, expected) => {
    // Act & Assess
    expect(allowsPlainHttp(allow, new URL(url))).toBe(expected);
  });

  it('allows nothing with an empty list', () => {
    // Act & Assess
    expect(allowsPlainHttp(NOTHING, new URL('http://localhost:3000/'))).toBe(false);
  });
});
