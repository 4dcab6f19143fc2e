import { ConfigError } from '../config';
import { type IpAddress, parseIp, unmapped } from './address';

const VARIABLE = 'HANDSHAKE_EGRESS_ALLOW';
const ALLOWED_FORMS =
  'allowed: host, host:port, IP, IP:port, [IPv6]:port or CIDR ' +
  '(e.g. api.example.com, localhost:8080, 10.0.0.5, [::1]:9000, 127.0.0.0/8, ::1/128)';
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const MAX_NAME_LENGTH = 253;

/** A host name on the allow list; `port` undefined means any port. */
export interface AllowedName {
  readonly host: string;
  readonly port: number | undefined;
}

/** An address range on the allow list (a bare IP is a /32 or /128); `port` undefined means any port. */
export interface AllowedRange {
  readonly network: IpAddress;
  readonly prefix: number;
  readonly port: number | undefined;
}

/**
 * Parsed `HANDSHAKE_EGRESS_ALLOW`: destinations for which both the https-only and the
 * public-address rule are lifted.
 */
export interface EgressAllowList {
  readonly names: readonly AllowedName[];
  readonly ranges: readonly AllowedRange[];
}

const invalid = (entry: string, problem: string): ConfigError =>
  new ConfigError(VARIABLE, `entry "${entry}" ${problem}; ${ALLOWED_FORMS}`);

function parsePort(entry: string, raw: string): number {
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : 0;
  if (port < 1 || port > 65535) throw invalid(entry, 'has a port that is not a number from 1 to 65535');
  return port;
}

/** Lower-case, without the root dot: how host names are compared everywhere in this module. */
export const normalizeName = (host: string): string => host.toLowerCase().replace(/\.$/, '');

function parseName(entry: string, raw: string): string {
  const name = normalizeName(raw);
  const labels = name.split('.');
  if (name.length > MAX_NAME_LENGTH || !labels.every((label) => LABEL.test(label))) {
    throw invalid(entry, 'is not a valid host name');
  }
  // URLs read such a name as an IPv4 address (`127.1`, `0x7f000001`): it would never match.
  if (/^(?:0x[0-9a-f]*|\d+)$/.test(labels.at(-1) ?? '')) {
    throw invalid(entry, 'ends in a numeric label, which URLs read as an IPv4 address: write it dotted');
  }
  return name;
}

function parseAddress(entry: string, raw: string): IpAddress {
  const address = raw.includes('%') ? undefined : parseIp(raw);
  if (address === undefined) throw invalid(entry, 'is not a dotted IPv4 or an IPv6 address');
  return address;
}

function parseCidr(entry: string): AllowedRange {
  const [rawAddress = '', rawPrefix = '', ...rest] = entry.split('/');
  const network = parseAddress(entry, rawAddress);
  const maxPrefix = network.kind() === 'ipv4' ? 32 : 128;
  const prefix = /^\d{1,3}$/.test(rawPrefix) ? Number(rawPrefix) : -1;
  if (rest.length > 0 || prefix < 0 || prefix > maxPrefix) {
    throw invalid(entry, `has a prefix length that is not a number from 0 to ${maxPrefix}`);
  }
  return { network, prefix, port: undefined };
}

type Parsed = { readonly name: AllowedName } | { readonly range: AllowedRange };

function parseEntry(entry: string): Parsed {
  if (entry.includes('://')) throw invalid(entry, 'is a URL, not a destination: write only the host[:port]');
  if (entry.includes('/')) return { range: parseCidr(entry) };
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(entry);
  if (bracketed !== null) {
    const [, address = '', port = ''] = bracketed;
    return { range: hostRange(parseAddress(entry, address), parsePort(entry, port)) };
  }
  // Two or more colons can only be a bare IPv6 address; its port needs the bracketed form.
  if (entry.split(':').length > 2) return { range: hostRange(parseAddress(entry, entry), undefined) };
  const [host = '', rawPort] = entry.split(':');
  const port = rawPort === undefined ? undefined : parsePort(entry, rawPort);
  if (parseIp(host)?.kind() === 'ipv4') return { range: hostRange(parseAddress(entry, host), port) };
  return { name: { host: parseName(entry, host), port } };
}

const hostRange = (address: IpAddress, port: number | undefined): AllowedRange => ({
  network: address,
  prefix: address.kind() === 'ipv4' ? 32 : 128,
  port,
});

/**
 * Parse `HANDSHAKE_EGRESS_ALLOW` entries, already split on commas and trimmed
 * (`config().egressAllow`). Throws a ConfigError naming the first bad entry.
 */
export function parseAllowList(entries: readonly string[]): EgressAllowList {
  const names: AllowedName[] = [];
  const ranges: AllowedRange[] = [];
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if ('name' in parsed) names.push(parsed.name);
    else ranges.push(parsed.range);
  }
  return { names, ranges };
}

const portMatches = (allowed: number | undefined, port: number): boolean =>
  allowed === undefined || allowed === port;

/** Whether the list names this host (already normalized) on this port. */
export const allowsName = (list: EgressAllowList, host: string, port: number): boolean =>
  list.names.some((name) => name.host === host && portMatches(name.port, port));

/**
 * Whether an allowed range holds this address on this port. An IPv4-mapped IPv6 address is
 * matched as the IPv4 address it reaches.
 */
export function allowsAddress(list: EgressAllowList, address: IpAddress, port: number): boolean {
  const candidate = unmapped(address);
  return list.ranges.some(
    (range) =>
      portMatches(range.port, port) &&
      range.network.kind() === candidate.kind() &&
      candidate.match(range.network, range.prefix),
  );
}
