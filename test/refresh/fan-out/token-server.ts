/**
 * A provider's token endpoint as a real HTTP server on loopback, so a worker in another process
 * reaches the same provider as the test: every refresh token presented is recorded as it
 * arrives, and a request `hold` names is never answered (its worker waits on it as on a provider
 * that is slow) until the server closes.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { APP_FILE_NAMES } from '../../../tools/app/files';
import { REPO_ROOT } from '../../support/local-env';
import { renewedTokens } from './world';

export interface Presentation {
  readonly token: string;
  /** Epoch ms the request arrived. */
  readonly at: number;
  /** Whether it was answered (false: held, its worker got no answer). */
  answered: boolean;
}

export interface LoopbackTokenEndpoint {
  /** `localhost:<port>`: the egress allow list's entry for it. */
  readonly host: string;
  readonly tokenUrl: string;
  readonly presented: Presentation[];
  /** Which refresh tokens get no answer; by default none. */
  hold: (token: string) => boolean;
  close(): Promise<void>;
}

export async function startLoopbackTokenEndpoint(): Promise<LoopbackTokenEndpoint> {
  const presented: Presentation[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('refresh_token') ?? '';
      const presentation: Presentation = { token, at: Date.now(), answered: false };
      presented.push(presentation);
      if (endpoint.hold(token)) {
        held.push(response);
        return;
      }
      presentation.answered = true;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(renewedTokens(token)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint: LoopbackTokenEndpoint = {
    host: `localhost:${port}`,
    tokenUrl: `http://localhost:${port}/oauth/v1/token`,
    presented,
    hold: () => false,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return endpoint;
}

/**
 * The sample app in a temp folder, `integration`'s token URL replaced by `tokenUrl` (plain
 * http on loopback, which the egress allow list then has to name) and its host added to the
 * integration's allowed_hosts beside its authorize URL's (`localhost` fixes no registrable
 * domain, so a host list must say where its URLs may go): its path.
 */
export function sampleAppWithTokenUrl(integration: string, tokenUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-fanout-app-'));
  for (const name of APP_FILE_NAMES) {
    let text: string;
    try {
      text = readFileSync(join(REPO_ROOT, 'app', name), 'utf8');
    } catch {
      continue;
    }
    if (name === 'config/oauth_config.json') {
      const config = JSON.parse(text) as {
        integrations: Record<
          string,
          { authorize_url: string; token_url: string; handshake?: { allowed_hosts?: string[] } }
        >;
      };
      const target = config.integrations[integration];
      if (target === undefined) throw new Error(`the sample app has no integration "${integration}"`);
      target.token_url = tokenUrl;
      target.handshake ??= {};
      target.handshake.allowed_hosts = [
        ...(target.handshake.allowed_hosts ?? []),
        new URL(target.authorize_url).host,
        new URL(tokenUrl).host,
      ];
      text = JSON.stringify(config, null, 2);
    }
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
