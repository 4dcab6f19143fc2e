import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent, type Dispatcher, request as undiciRequest } from 'undici';
import type { EgressAllowList } from './allow-list';
import { readLimited } from './body';
import { type DnsLookup, pinnedConnector, systemLookup } from './connector';
import { refused, toEgressError } from './errors';
import { checkRequestHeaders, responseHeaders } from './headers';
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

function prepare(request: EgressRequest, allow: EgressAllowList): { url: URL; destination: string } {
  checkLimits(request);
  const checked = checkUrl(request.url, allow);
  if (!checked.ok) throw refused(checked.destination, checked.refusal);
  const destination = describe(checked.value.destination);
  if (!METHODS.has(request.method)) {
    throw refused(destination, { reason: 'method', message: 'the method is not one Handshake sends' });
  }
  const headerRefusal = checkRequestHeaders(request.headers ?? {});
  if (headerRefusal !== undefined) throw refused(destination, headerRefusal);
  return { url: checked.value.url, destination };
}

async function send(
  agent: Dispatcher,
  allow: EgressAllowList,
  request: EgressRequest,
): Promise<EgressResponse> {
  const { url, destination } = prepare(request, allow);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, request.timeoutMs);
  try {
    // No redirect interceptor is installed, so undici never follows a 3xx.
    const response = await undiciRequest(url, {
      dispatcher: agent,
      method: request.method,
      headers: { ...request.headers },
      body: request.body ?? null,
      signal: controller.signal,
    });
    const length = response.headers['content-length'];
    const body = await readLimited(
      response.body,
      typeof length === 'string' ? length : undefined,
      request.maxResponseBytes,
      destination,
    );
    // undici hands the connection back to its pool one event-loop turn after the body ends;
    // without this wait a caller's next request would open a second connection.
    await nextTurn();
    return { status: response.statusCode, headers: responseHeaders(response.headers), body };
  } catch (error) {
    throw toEgressError(error, destination, timedOut ? request.timeoutMs : undefined);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An Egress with its own connection pool. Every connection it opens goes through the pinned
 * connector, so the policy holds for each new socket, not just for each request.
 */
export function createEgress(options: EgressOptions): Egress {
  const agent = new Agent({
    connect: pinnedConnector(options.allow, options.lookup ?? systemLookup),
    allowH2: false,
  });
  return {
    send: (request) => send(agent, options.allow, request),
    close: () => agent.close(),
  };
}
