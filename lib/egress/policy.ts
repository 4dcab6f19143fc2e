import { addressRange, PUBLIC_RANGE, parseIp } from './address';
import { allowsAddress, allowsName, type EgressAllowList, normalizeName } from './allow-list';
import type { Refusal } from './errors';

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };
const ALLOW_HINT = 'add it to HANDSHAKE_EGRESS_ALLOW to allow it';

/** Where a request goes, as the policy sees it: never a path or a query. */
export interface Destination {
  readonly protocol: 'http:' | 'https:';
  /** Lower-case, no root dot, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  /** The host is an IP address rather than a name. */
  readonly literal: boolean;
  /** The allow list names this host and port: both rules are lifted whatever it resolves to. */
  readonly allowedByName: boolean;
}

/** `https://api.example.com:443`: what messages may say about a destination. */
export const describe = (destination: Pick<Destination, 'protocol' | 'host' | 'port'>): string => {
  const host = destination.host.includes(':') ? `[${destination.host}]` : destination.host;
  return `${destination.protocol}//${host}:${destination.port}`;
};

/** A refusal carries the destination (`scheme://host:port`) once the URL has parsed that far. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly refusal: Refusal; readonly destination?: string };

const refuse = (reason: string, message: string, destination?: Destination): Checked<never> =>
  destination === undefined
    ? { ok: false, refusal: { reason, message } }
    : { ok: false, refusal: { reason, message }, destination: describe(destination) };

/**
 * The destination of a URL host as WHATWG URL gives it (`hostname`, `port` as a possibly empty
 * string). The same Destination is judged before the request and by the lookup that connects.
 */
export function destinationOf(
  protocol: 'http:' | 'https:',
  hostname: string,
  port: string,
  allow: EgressAllowList,
): Destination {
  const host = normalizeName(hostname.replace(/^\[(.*)\]$/, '$1'));
  const portNumber = port === '' ? (DEFAULT_PORTS[protocol] ?? 0) : Number(port);
  const literal = parseIp(host) !== undefined;
  return {
    protocol,
    host,
    port: portNumber,
    literal,
    allowedByName: !literal && allowsName(allow, host, portNumber),
  };
}

/**
 * Decide about an address the connection would go to: the IP of a literal host or each
 * address a name resolved to. Undefined means it may be connected to.
 */
export function checkAddress(
  destination: Destination,
  address: string,
  allow: EgressAllowList,
): Refusal | undefined {
  const ip = parseIp(address);
  if (ip === undefined) return { reason: 'address', message: `"${address}" is not an IP address` };
  if (destination.allowedByName || allowsAddress(allow, ip, destination.port)) return undefined;
  if (destination.literal) {
    return { reason: 'ip_literal', message: `IP address hosts are refused unless listed; ${ALLOW_HINT}` };
  }
  if (destination.protocol !== 'https:') {
    return {
      reason: 'scheme',
      message: `plain http to ${address} is not allowed (https only); ${ALLOW_HINT}`,
    };
  }
  const range = addressRange(ip);
  if (range !== PUBLIC_RANGE) {
    return {
      reason: 'address',
      message: `${destination.host} resolves to ${address}, a ${range} address; ${ALLOW_HINT}`,
    };
  }
  return undefined;
}

/**
 * Everything that can be decided from the URL alone, before any DNS query or connection:
 * the scheme, credentials, IP literal hosts, and plain http when no range could lift it.
 */
export function checkUrl(
  raw: string,
  allow: EgressAllowList,
): Checked<{ url: URL; destination: Destination }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The text is not repeated: it may hold a token.
    return refuse('url', 'the URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse('scheme', `the ${url.protocol.slice(0, 16)} scheme is not allowed (https only)`);
  }
  if (url.username !== '' || url.password !== '') {
    return refuse('credentials', 'URLs with credentials (user:pass@) are not allowed');
  }
  const destination = destinationOf(url.protocol, url.hostname, url.port, allow);
  if (destination.literal) {
    const refusal = checkAddress(destination, destination.host, allow);
    if (refusal !== undefined) return refuse(refusal.reason, refusal.message, destination);
  } else if (destination.protocol === 'http:' && !destination.allowedByName && allow.ranges.length === 0) {
    return refuse('scheme', `plain http is not allowed (https only); ${ALLOW_HINT}`, destination);
  }
  return { ok: true, value: { url, destination } };
}
