/**
 * A real HTTP upstream for invoke tests: records every request exactly as it arrived (the raw
 * request target, headers, body) and answers by path — echo (also under /api), flaky, failing,
 * throttled, rate-limited as a provider says it (`/limited/…`), big, binary, an upload's receipt, never answering, and a protected `/me` (and a late `/lateme/<ms>`) that checks the bearer token
 * at the OAuth server.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamRequest {
  readonly method: string;
  /** The request target as sent: path and query, undecoded. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The body's bytes exactly as they arrived (an upload's, which UTF-8 would mangle). */
  readonly raw: Buffer;
  /** When it arrived (epoch ms), to measure the wait between retries. */
  readonly at: number;
}

export interface Upstream {
  /** `localhost:<port>`, for a template host. */
  readonly host: string;
  readonly requests: UpstreamRequest[];
  /** The bodies `/binary/<bytes>` answered, in order. */
  readonly served: Buffer[];
  /** The next request to /me with this token gets 401 (as if the provider revoked it early). */
  rejectOnce(token: string): void;
  /** Every request to /me with this token gets 401 from now on (the refresh token stays good). */
  rejectAlways(token: string): void;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const send = (
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'text/plain', ...headers });
  response.end(body);
};

export async function startUpstream(resourceUrl: string): Promise<Upstream> {
  const requests: UpstreamRequest[] = [];
  const served: Buffer[] = [];
  const counters = new Map<string, number>();
  const rejected = new Set<string>();
  const refused = new Set<string>();
  const bump = (key: string) => {
    const next = (counters.get(key) ?? 0) + 1;
    counters.set(key, next);
    return next;
  };

  type Handler = (
    request: IncomingMessage,
    response: ServerResponse,
    body: string,
    path: string,
    arg: string,
  ) => unknown;
  const big: Handler = async (_request, response, _body, _path, arg) => {
    const bytes = Number(arg);
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(bytes) });
    // Deterministic content, so a truncated or corrupted body shows.
    const chunk = Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789');
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      if (!response.write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)))) {
        await new Promise((resolve) => response.once('drain', resolve));
      }
    }
    response.end();
  };
  const me: Handler = async (request, response) => {
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (rejected.delete(token) || refused.has(token)) {
      return send(response, 401, 'token rejected', { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    const checked = await fetch(resourceUrl, { headers: { authorization: `Bearer ${token}` } });
    return send(response, checked.status, await checked.text(), { 'content-type': 'application/json' });
  };
  const echo: Handler = (request, response, body) =>
    send(
      response,
      200,
      JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body }),
      {
        'content-type': 'application/json',
        'x-upstream': 'echo',
      },
    );
  const handlers: Record<string, Handler> = {
    echo,
    // `/api/…`: a product API's paths (Freshdesk's /api/v2/…), echoed.
    api: echo,
    flaky: (_request, response, _body, path) =>
      bump(path) <= 2 ? send(response, 503, 'busy') : send(response, 200, 'ok after two 503s'),
    status: (_request, response, _body, _path, arg) => send(response, Number(arg), `status ${arg}`),
    throttle: (_request, response, _body, path) =>
      bump(path) === 1 ? send(response, 429, 'slow down', { 'retry-after': '1' }) : send(response, 200, 'ok'),
    /*
     * `/limited/<id>?status=429&times=1&<header>=<value>…`: the first `times` requests to the
     * path answer `status` with every other query parameter as a response header (`a|b`: `a`
     * on the first answer, `b` on the later ones), then 200.
     */
    limited: (request, response, _body, path) => {
      const query = new URL(request.url ?? '/', 'http://upstream').searchParams;
      const count = bump(path);
      if (count > Number(query.get('times') ?? '1')) return send(response, 200, 'ok after the limit');
      const headers = [...query]
        .filter(([name]) => name !== 'status' && name !== 'times')
        .map(([name, values]) => {
          const each = values.split('|');
          return [name, each[Math.min(count, each.length) - 1] ?? ''];
        });
      return send(
        response,
        Number(query.get('status') ?? '429'),
        'rate limited',
        Object.fromEntries(headers),
      );
    },
    big,
    // `/binary/<bytes>?type=<content type>`: random bytes, kept in `served` to compare.
    binary: (request, response, _body, _path, arg) => {
      const bytes = randomBytes(Number(arg));
      served.push(bytes);
      const type = new URL(request.url ?? '/', 'http://upstream').searchParams.get('type') ?? '';
      response.writeHead(200, { 'content-type': type, 'content-length': String(bytes.length) });
      response.end(bytes);
    },
    // `/upload/…`: an upload's receipt; what arrived is in `requests` (`raw`).
    upload: (request, response) =>
      send(response, 201, JSON.stringify({ received: Number(request.headers['content-length'] ?? -1) }), {
        'content-type': 'application/json',
      }),
    slow: () => undefined, // never answers
    me,
    // `/lateme/<ms>`: /me after a delay (an upstream that answers its 401 late).
    lateme: async (request, response, body, path, arg) => {
      await new Promise((resolve) => setTimeout(resolve, Number(arg)));
      return me(request, response, body, path, arg);
    },
  };

  async function answer(request: IncomingMessage, response: ServerResponse, body: string) {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const [, kind = '', arg = ''] = path.split('/');
    const handler = Object.hasOwn(handlers, kind) ? handlers[kind] : undefined;
    if (handler === undefined) return send(response, 404, 'no such path');
    return handler(request, response, body, path, arg);
  }

  const server: Server = createServer((request, response) => {
    const at = Date.now();
    void bodyOf(request).then(async (raw) => {
      const body = raw.toString('utf8');
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        raw,
        at,
      });
      await answer(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `localhost:${port}`,
    requests,
    served,
    rejectOnce: (token) => rejected.add(token),
    rejectAlways: (token) => refused.add(token),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
