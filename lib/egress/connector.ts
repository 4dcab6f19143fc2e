import { promises as dns } from 'node:dns';
import { buildConnector } from 'undici';
import type { EgressAllowList } from './allow-list';
import { EgressError, refused, toEgressError } from './errors';
import { checkAddress, type Destination, describe, destinationOf } from './policy';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to every address it has (node:dns `lookup` with `all: true`). */
export type DnsLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: DnsLookup = (hostname) => dns.lookup(hostname, { all: true });

/** The same bound undici puts on a TCP/TLS connect: a resolver that hangs must not pin a pool slot. */
export const DNS_TIMEOUT_MS = 10_000;

function withDeadline<T>(promise: Promise<T>, destination: Destination): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `Egress to ${describe(destination)} timed out resolving its host name`;
      reject(new EgressError('timeout', 'dns_timeout', message));
    }, DNS_TIMEOUT_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Every address the connection may go to, each checked. All answers are checked, not only
 * the first: a name that resolves to one public and one private address is refused outright.
 */
async function checkedAddresses(
  destination: Destination,
  allow: EgressAllowList,
  lookup: DnsLookup,
): Promise<readonly string[]> {
  const label = describe(destination);
  const addresses = destination.literal
    ? [destination.host]
    : (await withDeadline(lookup(destination.host), destination)).map((answer) => answer.address);
  if (addresses.length === 0)
    throw new EgressError('network', 'ENOTFOUND', `Egress to ${label} failed: ENOTFOUND`);
  for (const address of addresses) {
    const refusal = checkAddress(destination, address, allow);
    if (refusal !== undefined) throw refused(label, refusal);
  }
  return addresses;
}

type Connector = buildConnector.connector;

/**
 * Connect to the checked addresses in turn (a poor man's Happy Eyeballs: `localhost` often
 * answers ::1 first while a server listens on 127.0.0.1 only). The host name goes along as
 * `servername`, so TLS still sends it as SNI and verifies the certificate against it.
 */
function connectInTurn(
  base: Connector,
  options: buildConnector.Options,
  destination: Destination,
  addresses: readonly string[],
  callback: buildConnector.Callback,
  index = 0,
): void {
  const pinned: buildConnector.Options = { ...options, hostname: addresses[index] ?? destination.host };
  if (!destination.literal) pinned.servername = destination.host;
  try {
    base(pinned, (...result) => {
      if (result[0] !== null && index + 1 < addresses.length) {
        connectInTurn(base, options, destination, addresses, callback, index + 1);
        return;
      }
      callback(...result);
    });
  } catch (error) {
    callback(toEgressError(error, describe(destination)), null);
  }
}

/**
 * The undici connector of an Egress: it resolves the host itself, checks every address, and
 * hands undici a socket to one of them. Nothing resolves the name a second time, so a DNS
 * answer that changes between the check and the connect (rebinding) cannot reach anything
 * unchecked. Checking here rather than before the request also covers every new connection
 * a keep-alive pool opens later.
 */
export function pinnedConnector(allow: EgressAllowList, lookup: DnsLookup): Connector {
  // HTTP/1.1 only: one socket per request in flight, which keep-alive then reuses.
  const base = buildConnector({ allowH2: false });
  return (options, callback) => {
    const protocol =
      options.protocol === 'https:' || options.protocol === 'http:' ? options.protocol : undefined;
    if (protocol === undefined) {
      callback(new EgressError('refused', 'scheme', 'Egress refused: only http and https are spoken'), null);
      return;
    }
    const destination = destinationOf(protocol, options.hostname, options.port, allow);
    checkedAddresses(destination, allow, lookup).then(
      (addresses) => connectInTurn(base, options, destination, addresses, callback),
      (error: unknown) => callback(toEgressError(error, describe(destination)), null),
    );
  };
}
