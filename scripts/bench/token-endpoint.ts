import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback OAuth token endpoint for the refresh benchmark: answers every
 * `grant_type=refresh_token` POST at once with a new access token and a new (rotated) refresh
 * token, and remembers which refresh token it issued for which, so the benchmark can check that
 * every stored token is the one the provider handed out.
 */
export interface BenchTokenEndpoint {
  readonly tokenUrl: string;
  /** Refresh requests answered so far. */
  calls(): number;
  /** The tokens issued in exchange for `refreshToken`, if it was ever presented. */
  issuedFor(refreshToken: string): { accessToken: string; refreshToken: string } | undefined;
  close(): Promise<void>;
}

const token = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;

function answer(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export async function startTokenEndpoint(): Promise<BenchTokenEndpoint> {
  let calls = 0;
  const issued = new Map<string, { accessToken: string; refreshToken: string }>();

  const handle = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const form = new URLSearchParams(body);
    const presented = form.get('refresh_token');
    if (request.method !== 'POST' || request.url !== '/token') {
      answer(response, 404, { error: 'not_found' });
    } else if (form.get('grant_type') !== 'refresh_token' || presented === null) {
      answer(response, 400, { error: 'unsupported_grant_type' });
    } else {
      calls += 1;
      const fresh = { accessToken: token('at'), refreshToken: token('rt') };
      issued.set(presented, fresh);
      answer(response, 200, {
        access_token: fresh.accessToken,
        refresh_token: fresh.refreshToken,
        expires_in: 3600,
        token_type: 'Bearer',
      });
    }
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    tokenUrl: `http://127.0.0.1:${port}/token`,
    calls: () => calls,
    issuedFor: (refreshToken) => issued.get(refreshToken),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
