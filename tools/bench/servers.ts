/**
 * The loopback stand-ins for providers: an OAuth token endpoint for the sweep and an upstream
 * API for invoke. Both count what they answered, so the bench can check every result.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Loopback {
  readonly port: number;
  close(): Promise<void>;
}

export const secretToken = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

async function listen(listener: RequestListener): Promise<Loopback & { connections(): number }> {
  let connections = 0;
  const server = createServer(listener);
  server.on('connection', () => {
    connections += 1;
  });
  // Every client keeps its one connection busy without pause; no idle timeout should end it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

interface Issued {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Answers every refresh_token grant with new tokens, remembering which it issued for which. */
export interface TokenEndpoint extends Loopback {
  readonly tokenUrl: string;
  calls(): number;
  issuedFor(refreshToken: string): Issued | undefined;
}

export async function startTokenEndpoint(): Promise<TokenEndpoint> {
  let calls = 0;
  const issued = new Map<string, Issued>();
  const handle = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const form = new URLSearchParams(body);
    const presented = form.get('refresh_token');
    if (request.method !== 'POST' || form.get('grant_type') !== 'refresh_token' || presented === null) {
      return answer(response, 400, JSON.stringify({ error: 'unsupported_grant_type' }));
    }
    calls += 1;
    const fresh = { accessToken: secretToken('at'), refreshToken: secretToken('rt') };
    issued.set(presented, fresh);
    const { accessToken: access_token, refreshToken: refresh_token } = fresh;
    answer(
      response,
      200,
      JSON.stringify({ access_token, refresh_token, expires_in: 3600, token_type: 'Bearer' }),
    );
  };
  const server = await listen((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  return {
    ...server,
    tokenUrl: `http://127.0.0.1:${server.port}/token`,
    calls: () => calls,
    issuedFor: (refreshToken) => issued.get(refreshToken),
  };
}

/** The upstream's answer to every authorized `GET /ping`. */
export const PONG = JSON.stringify({ ok: true, pong: 'handshake-bench' });

/** `GET /ping` with the expected bearer token answers PONG; anything else is refused. */
export interface Upstream extends Loopback {
  readonly url: string;
  refused(): number;
  connections(): number;
}

export async function startUpstream(accessToken: string): Promise<Upstream> {
  let refused = 0;
  const server = await listen((request, response) => {
    const right = request.url === '/ping' && request.headers.authorization === `Bearer ${accessToken}`;
    if (!right) refused += 1;
    answer(response, right ? 200 : 401, right ? PONG : JSON.stringify({ error: 'unauthorized' }));
  });
  return { ...server, url: `http://localhost:${server.port}/ping`, refused: () => refused };
}
