/**
 * The loopback stand-ins for providers: an OAuth token endpoint for the sweep and an upstream
 * API for invoke. Both count what they answered, so the bench can check every result.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const secretToken = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** The upstream's answer to every authorized `GET /ping`. */
export const PONG = JSON.stringify({ ok: true, pong: 'handshake-bench' });

/**
 * `answer` gets each request with its body read; it returns the status and the JSON to send,
 * which goes out `delayMs()` later (a provider's latency; 0 answers at once, with no timer).
 */
async function listen(
  answer: (request: IncomingMessage, body: string) => [number, string],
  delayMs: () => number = () => 0,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const [status, text] = answer(request, Buffer.concat(chunks).toString('utf8'));
      const send = () => {
        response.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      };
      const delay = delayMs();
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  // Every client keeps its one connection busy without pause; no idle timeout should end it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { port: (server.address() as AddressInfo).port, close };
}

/**
 * Answers every refresh_token grant with new tokens, remembering which it issued for which;
 * `setLatency(ms)` makes it answer that long after a request arrived, as a real provider would.
 */
export async function startTokenEndpoint() {
  const issued = new Map<string, { readonly accessToken: string; readonly refreshToken: string }>();
  // Counted apart from `issued`: a token refreshed twice must show as a second call.
  let calls = 0;
  let latencyMs = 0;
  const server = await listen(
    (request, body) => {
      const form = new URLSearchParams(body);
      const presented = form.get('refresh_token');
      if (request.method !== 'POST' || form.get('grant_type') !== 'refresh_token' || presented === null) {
        return [400, JSON.stringify({ error: 'unsupported_grant_type' })];
      }
      calls += 1;
      const fresh = { accessToken: secretToken('at'), refreshToken: secretToken('rt') };
      issued.set(presented, fresh);
      const tokens = { access_token: fresh.accessToken, refresh_token: fresh.refreshToken };
      return [200, JSON.stringify({ ...tokens, expires_in: 3600, token_type: 'Bearer' })];
    },
    () => latencyMs,
  );
  return {
    ...server,
    setLatency: (ms: number) => {
      latencyMs = ms;
    },
    tokenUrl: `http://127.0.0.1:${server.port}/token`,
    calls: () => calls,
    issuedFor: (refreshToken: string) => issued.get(refreshToken),
  };
}

/** `GET /ping` with the expected bearer token answers PONG; anything else is refused. */
export async function startUpstream(accessToken: string) {
  let refused = 0;
  const server = await listen((request) => {
    if (request.url === '/ping' && request.headers.authorization === `Bearer ${accessToken}`)
      return [200, PONG];
    refused += 1;
    return [401, JSON.stringify({ error: 'unauthorized' })];
  });
  return { ...server, url: `http://localhost:${server.port}/ping`, refused: () => refused };
}
