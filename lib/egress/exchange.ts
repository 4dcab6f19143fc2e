import {
  type ClientRequest,
  type Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { LookupFunction } from 'node:net';
import { readLimited } from './body';
import { refused, toEgressError } from './errors';
import { responseHeaders } from './headers';
import { type Destination, describe } from './policy';

/** The keep-alive pools of one Egress, one per scheme. */
export interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

/**
 * PEM text for one request. node:https keys its pooled connections by this material too
 * (https.Agent#getName), so a connection made with one client certificate is never reused for
 * a request with another, or with none.
 */
export interface TlsMaterial {
  /** Replaces the public CAs for this request. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
}

/** One request, already checked against the policy. */
export interface PreparedRequest {
  readonly url: URL;
  readonly destination: Destination;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | undefined;
  /** Resolves and checks the host; Node calls it only when it opens a new connection. */
  readonly lookup: LookupFunction;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly tls: TlsMaterial | undefined;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function requestOptions(prepared: PreparedRequest, agents: Agents, signal: AbortSignal): RequestOptions {
  const { url, destination } = prepared;
  const common: RequestOptions = {
    host: destination.host,
    port: destination.port,
    method: prepared.method,
    path: `${url.pathname}${url.search}`,
    // The Host header is the URL's, as written: the connection goes to an address, not a name.
    headers: { ...prepared.headers, host: url.host },
    lookup: prepared.lookup,
    signal,
  };
  if (destination.protocol === 'http:') return { ...common, agent: agents.http };
  return {
    ...common,
    ...prepared.tls,
    agent: agents.https,
    // SNI and certificate verification use the host name, never the address connected to.
    // An IP host sends no SNI (RFC 6066) and its certificate is verified against the IP.
    servername: destination.literal ? '' : destination.host,
  };
}

/** Start the request; Node rejects some arguments synchronously (e.g. a header it cannot send). */
function start(options: RequestOptions, prepared: PreparedRequest): ClientRequest {
  try {
    return prepared.destination.protocol === 'https:' ? httpsRequest(options) : httpRequest(options);
  } catch {
    throw refused(describe(prepared.destination), {
      reason: 'invalid_request',
      message: 'the HTTP client rejected the request',
    });
  }
}

/** The response head, or the first error of the request (DNS, policy, connect, TLS, abort). */
function responseOf(request: ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request.once('response', resolve);
    // Stays attached: a late error on a finished request must not become an uncaught 'error'.
    request.on('error', reject);
  });
}

/**
 * Send one HTTP/1.1 request over node:http(s) and read the whole answer. A single deadline
 * covers DNS, connect, TLS, the response head and the body: when it fires, the request (and
 * with it the socket and the body) is destroyed and the error is a timeout whatever surfaced.
 * node:http never follows a 3xx, so a redirect comes back as it is.
 */
export async function exchange(prepared: PreparedRequest, agents: Agents): Promise<Answer> {
  const destination = describe(prepared.destination);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, prepared.timeoutMs);
  try {
    const request = start(requestOptions(prepared, agents, controller.signal), prepared);
    const answered = responseOf(request);
    request.end(prepared.body);
    const response = await answered;
    const body = await readLimited(
      response,
      response.headers['content-length'],
      prepared.maxResponseBytes,
      destination,
    );
    return { status: response.statusCode ?? 0, headers: responseHeaders(response.headersDistinct), body };
  } catch (error) {
    throw toEgressError(error, destination, timedOut ? prepared.timeoutMs : undefined);
  } finally {
    clearTimeout(timer);
  }
}
