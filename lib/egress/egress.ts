import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { EgressAllowList } from './allow-list';
import { refused } from './errors';
import { type Agents, exchange, type PreparedRequest, type TlsMaterial } from './exchange';
import { checkRequestHeaders } from './headers';
import { type DnsLookup, pinnedLookup, systemLookup } from './lookup';
import { checkUrl, describe } from './policy';

export type EgressMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: ReadonlySet<string> = new Set<EgressMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

export interface EgressRequest {
  /** Absolute URL. Only its scheme, host and port are ever repeated in an error. */
  readonly url: string;
  readonly method: EgressMethod;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** The whole request: DNS, connect, response headers and reading the body. */
  readonly timeoutMs: number;
  /** A bigger body fails with kind `response_too_large`; it is never truncated. */
  readonly maxResponseBytes: number;
  /** TLS material for this request only (https): a CA to trust instead of the public ones, a client certificate. */
  readonly tls?: TlsMaterial;
}

export interface EgressResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ', ', Set-Cookie lines with '\n'. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** The one way Handshake sends HTTP. Create it once per container and keep it: it pools connections. */
export interface Egress {
  /**
   * Send one request under the egress policy. A 3xx is returned as is, never followed.
   * Rejects with an EgressError (kinds `refused`, `network`, `timeout`, `response_too_large`),
   * or a RangeError for a non-positive `timeoutMs` / `maxResponseBytes`: a programming error.
   */
  send(request: EgressRequest): Promise<EgressResponse>;
  /** Close pooled connections (tests, shutdown). */
  close(): Promise<void>;
}

export interface EgressOptions {
  readonly allow: EgressAllowList;
  /** Replaces node:dns lookup, for tests. */
  readonly lookup?: DnsLookup;
}

function checkLimits(request: EgressRequest): void {
  if (!(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)) {
    throw new RangeError('EgressRequest.timeoutMs must be a positive number');
  }
  if (!(Number.isSafeInteger(request.maxResponseBytes) && request.maxResponseBytes >= 0)) {
    throw new RangeError('EgressRequest.maxResponseBytes must be a whole number of bytes');
  }
}

/**
 * Everything decided before any DNS query or connection: limits, URL (scheme, credentials, IP
 * hosts), method and headers. What the host resolves to is decided by the pinned lookup.
 */
function prepare(request: EgressRequest, allow: EgressAllowList, lookup: DnsLookup): PreparedRequest {
  checkLimits(request);
  const checked = checkUrl(request.url, allow);
  if (!checked.ok) throw refused(checked.destination, checked.refusal);
  const { url, destination } = checked.value;
  const label = describe(destination);
  if (!METHODS.has(request.method)) {
    throw refused(label, { reason: 'method', message: 'the method is not one Handshake sends' });
  }
  const headers = request.headers ?? {};
  const headerRefusal = checkRequestHeaders(headers);
  if (headerRefusal !== undefined) throw refused(label, headerRefusal);
  if (request.tls !== undefined && destination.protocol !== 'https:') {
    throw refused(label, { reason: 'scheme', message: 'TLS material can only be used over https' });
  }
  return {
    url,
    destination,
    method: request.method,
    headers,
    body: request.body,
    lookup: pinnedLookup(destination, allow, lookup),
    timeoutMs: request.timeoutMs,
    maxResponseBytes: request.maxResponseBytes,
    tls: request.tls,
  };
}

/**
 * An Egress with its own keep-alive pools, one per scheme. Every connection they open goes
 * through the pinned lookup, so the policy holds for each new socket, not just for each request.
 */
export function createEgress(options: EgressOptions): Egress {
  const lookup = options.lookup ?? systemLookup;
  // Agent options override request options. autoSelectFamily: try every checked address in
  // turn (`localhost` often answers ::1 first while a server listens on 127.0.0.1 only); Node
  // then asks the lookup for all addresses at once.
  const connect = { keepAlive: true, autoSelectFamily: true };
  const agents: Agents = {
    http: new HttpAgent(connect),
    https: new HttpsAgent({ ...connect, rejectUnauthorized: true }),
  };
  return {
    // async: a refusal from prepare() rejects the promise rather than throwing.
    send: async (request) => exchange(prepare(request, options.allow, lookup), agents),
    close: async () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
