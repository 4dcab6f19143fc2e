import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { parseIp } from './address';
import type { EgressAllowList } from './allow-list';
import { EgressError, refused } from './errors';
import { checkAddress, type Destination, describe } from './policy';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to every address it has (node:dns `lookup` with `all: true`). */
export type DnsLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: DnsLookup = (hostname) => dns.lookup(hostname, { all: true });

/**
 * A resolver that hangs must not hold a socket forever: a request's own `timeoutMs` ends the
 * request, but this also bounds the lookup itself.
 */
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

const notFound = (destination: Destination): EgressError =>
  new EgressError('network', 'ENOTFOUND', `Egress to ${describe(destination)} failed: ENOTFOUND`);

/**
 * Every address the connection may go to, each checked. All answers are checked, not only
 * the first: a name that resolves to one public and one private address is refused outright.
 * The family is taken from the address itself, not from the resolver's word.
 */
async function checkedAddresses(
  destination: Destination,
  allow: EgressAllowList,
  lookup: DnsLookup,
): Promise<LookupAddress[]> {
  const answers = await withDeadline(lookup(destination.host), destination);
  if (answers.length === 0) throw notFound(destination);
  return answers.map(({ address }) => {
    const refusal = checkAddress(destination, address, allow);
    if (refusal !== undefined) throw refused(describe(destination), refusal);
    return { address, family: parseIp(address)?.kind() === 'ipv4' ? 4 : 6 };
  });
}

/**
 * The `lookup` Node's socket uses to connect to this destination: it resolves the host with
 * the Egress's resolver, checks every answer, and gives Node only checked addresses, so the
 * connection can only go to one of them. Nothing resolves the name a second time, so a DNS
 * answer that changes between the check and the connect (rebinding) reaches nothing unchecked.
 * Node calls it once per new connection (never for an IP host, which checkUrl has already
 * judged), so a socket reused from the keep-alive pool costs no DNS query.
 *
 * With `all: true` (how Node asks when it tries every address in turn, autoSelectFamily) the
 * whole checked list goes back; otherwise the first checked address of the wanted family.
 */
export function pinnedLookup(
  destination: Destination,
  allow: EgressAllowList,
  lookup: DnsLookup,
): LookupFunction {
  return (_hostname, options, callback) => {
    checkedAddresses(destination, allow, lookup).then(
      (addresses) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const wanted =
          family === undefined ? addresses : addresses.filter((entry) => entry.family === family);
        const first = wanted[0];
        if (first === undefined) callback(notFound(destination), '');
        else if (options.all === true) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      // Usually an EgressError (a refusal); whatever else it is, toEgressError translates it.
      (error: unknown) => callback(error as NodeJS.ErrnoException, ''),
    );
  };
}
