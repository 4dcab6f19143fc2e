import { ConfigError } from '../../lib/config';
import { parseIp } from '../../lib/egress/address';
import { allowsAddress, allowsName, type EgressAllowList, parseAllowList } from '../../lib/egress/allow-list';

function ip(text: string) {
  const address = parseIp(text);
  if (address === undefined) throw new Error(`test setup: ${text} is not an address`);
  return address;
}

function parseError(entry: string): ConfigError {
  try {
    parseAllowList(['api.example.com', entry]);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected "${entry}" to be refused`);
}

describe('parseAllowList', () => {
  it('is empty for no entries: a deployed stage allows nothing unless configured', () => {
    // Act
    const list = parseAllowList([]);

    // Assess
    expect(list).toEqual({ names: [], ranges: [] });
  });

  it('parses names with and without a port, lower-cased and without the root dot', () => {
    // Act
    const list = parseAllowList(['localhost', 'API.Example.com.:8443', 'my_host.internal']);

    // Assess
    expect(list.names).toEqual([
      { host: 'localhost', port: undefined },
      { host: 'api.example.com', port: 8443 },
      { host: 'my_host.internal', port: undefined },
    ]);
    expect(list.ranges).toEqual([]);
  });

  it.each([
    ['127.0.0.0/8', '127.0.0.0', 8, undefined],
    ['::1/128', '::1', 128, undefined],
    ['10.1.2.3', '10.1.2.3', 32, undefined],
    ['fd00::5', 'fd00::5', 128, undefined],
    ['10.1.2.3:8080', '10.1.2.3', 32, 8080],
    ['[::1]:9000', '::1', 128, 9000],
    ['0.0.0.0/0', '0.0.0.0', 0, undefined],
  ])('parses %s as a range', (entry, network, prefix, port) => {
    // Act
    const list = parseAllowList([entry]);

    // Assess
    expect(list.names).toEqual([]);
    expect(list.ranges).toHaveLength(1);
    expect(list.ranges[0]?.network.toString()).toBe(network);
    expect(list.ranges[0]?.prefix).toBe(prefix);
    expect(list.ranges[0]?.port).toBe(port);
  });

  it.each([
    ['', 'is not a valid host name'],
    ['exa mple.com', 'is not a valid host name'],
    ['*.example.com', 'is not a valid host name'],
    ['https://api.example.com', 'is a URL, not a destination'],
    ['api.example.com:0', 'has a port that is not a number'],
    ['api.example.com:65536', 'has a port that is not a number'],
    ['api.example.com:http', 'has a port that is not a number'],
    ['10.0.0.0/33', 'prefix length that is not a number from 0 to 32'],
    ['::1/129', 'prefix length that is not a number from 0 to 128'],
    ['10.0.0.0/8/1', 'prefix length'],
    ['10.0.0.0/', 'prefix length'],
    ['10.0.0/8', 'is not a dotted IPv4 or an IPv6 address'],
    ['fe80::1%eth0', 'is not a dotted IPv4 or an IPv6 address'],
    ['[::1]:', 'has a port that is not a number'],
    ['127.1', 'numeric label'],
    ['2130706433', 'numeric label'],
    ['0x7f000001', 'numeric label'],
    ['1.2.3.4.5', 'numeric label'],
  ])('refuses %j, naming the entry and the allowed forms', (entry, problem) => {
    // Act
    const error = parseError(entry);

    // Assess
    expect(error.message).toContain('HANDSHAKE_EGRESS_ALLOW');
    expect(error.message).toContain(`"${entry}"`);
    expect(error.message).toContain(problem);
    expect(error.message).toContain('allowed: host, host:port');
  });
});

describe('allowsName', () => {
  const list: EgressAllowList = parseAllowList(['localhost', 'api.example.com:8443']);

  it.each([
    ['localhost', 80, true],
    ['localhost', 3000, true],
    ['api.example.com', 8443, true],
    ['api.example.com', 443, false],
    ['example.com', 443, false],
    ['sub.localhost', 80, false],
  ])('%s port %d → %s', (host, port, expected) => {
    // Act & Assess
    expect(allowsName(list, host, port)).toBe(expected);
  });
});

describe('allowsAddress', () => {
  const list: EgressAllowList = parseAllowList(['127.0.0.0/8', '::1/128', '10.0.0.5:8080', 'fd00::/8']);

  it.each([
    ['127.0.0.1', 80, true],
    ['127.255.255.254', 5432, true],
    ['128.0.0.1', 80, false],
    ['::1', 443, true],
    ['::2', 443, false],
    ['10.0.0.5', 8080, true],
    ['10.0.0.5', 8081, false],
    ['10.0.0.6', 8080, false],
    ['fd12:3456::1', 443, true],
    ['fe80::1', 443, false],
    // An IPv4-mapped address reaches the IPv4 address, so the IPv4 range covers it.
    ['::ffff:127.0.0.1', 80, true],
    ['::ffff:10.0.0.5', 8080, true],
    // No cross-family match: ::7f00:1 is not 127.0.0.1.
    ['::7f00:1', 80, false],
  ])('%s port %d → %s', (address, port, expected) => {
    // Act & Assess
    expect(allowsAddress(list, ip(address), port)).toBe(expected);
  });

  it('allows nothing with an empty list', () => {
    // Act & Assess
    expect(allowsAddress(parseAllowList([]), ip('127.0.0.1'), 80)).toBe(false);
  });
});
