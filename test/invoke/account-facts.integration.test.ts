/**
 * Account facts in request templates (issue 18), through the HTTP API on DynamoDB Local: a small
 * provider whose token response carries Salesforce's `instance_url` and whose callback carries
 * QuickBooks' `realmId`, and the real upstream the invoke reaches with them. An `instance_url`
 * that leads elsewhere than `handshake.allowed_hosts` is refused with nothing sent.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  callback,
  createInstallation,
  linkFor,
  startAuthorization,
  storedTokens,
  useHarness,
} from '../support/harness';
import { startUpstream, type Upstream } from '../support/upstream';
import { invoke } from './support/invoke-api';

interface TokenCall {
  readonly body: string;
}

/** The provider's token endpoint: answers `answer()` to each POST, 404 to anything else (discovery). */
interface Provider {
  readonly port: number;
  readonly calls: TokenCall[];
  answer: () => Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

async function startProvider(): Promise<Provider> {
  const calls: TokenCall[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      calls.push({ body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(provider.answer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const provider: Provider = {
    port: (server.address() as AddressInfo).port,
    calls,
    answer: () => ({}),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return provider;
}

const write = (dir: string, name: string, value: unknown) => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify(value, null, 2));
};

/** A Salesforce-and-QuickBooks-like integration: the API host from the token response, the company id from the callback. */
function writeApp(provider: Provider, upstream: Upstream): string {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-account-facts-'));
  const [, upstreamPort] = upstream.host.split(':');
  write(dir, 'manifest.json', {
    'platform-version': '3.1',
    modules: { common: { requests: { companyInfo: {} } } },
  });
  write(dir, 'config/requests.json', {
    companyInfo: {
      schema: {
        method: 'GET',
        protocol: 'http',
        host: '<%= account.instance_url %>',
        path: '/echo/v3/company/<%= account.realmId %>/companyinfo',
        query: { org: '<%= account.org %>' },
        headers: { Authorization: 'Bearer <%= access_token %>' },
      },
      options: { oauth: 'books' },
    },
  });
  write(dir, 'config/oauth_config.json', {
    integrations: {
      books: {
        display_name: 'Books',
        client_id: 'books-client',
        client_secret: 'books-secret-Zq8',
        authorize_url: `http://localhost:${provider.port}/oauth/authorize`,
        token_url: `http://localhost:${provider.port}/oauth/token`,
        token_type: 'account',
        oauth_iparams: { org: { display_name: 'Organisation', type: 'text', required: true } },
        handshake: {
          keep_fields: ['instance_url'],
          callback_params: ['realmId'],
          allowed_hosts: [`localhost:${provider.port}`, `localhost:${upstreamPort}`],
        },
      },
    },
  });
  return dir;
}

let provider: Provider;
let upstream: Upstream;

// Before the harness: the app it loads names both servers' ports.
beforeAll(async () => {
  provider = await startProvider();
  upstream = await startUpstream('http://127.0.0.1:9/unused');
});
useHarness({ env: () => ({ APP_DIR: writeApp(provider, upstream) }) });
afterAll(async () => {
  await upstream.close();
  await provider.close();
});

/** The whole handshake over the HTTP API: link, connect form (with `org`), callback with `realmId`. */
async function connect(installationId: string, account: string, realmId: string): Promise<void> {
  const link = await linkFor(installationId, { integration: 'books', account });
  const started = await startAuthorization(link, { org: 'acme-eu' });
  const response = await callback({ state: started.state, code: `code-${account}`, realmId }, started.cookie);
  expect(response.status).toBe(200);
  expect(await response.text()).not.toMatch(/went wrong|failed/i);
}

describe('account.NAME in a request template', () => {
  it('reaches the host of instance_url, under its path, with realmId in the path and the oauth_iparam in the query', async () => {
    // Prepare
    const installation = await createInstallation();
    provider.answer = () => ({
      access_token: 'at-books-1',
      refresh_token: 'rt-books-1',
      expires_in: 3600,
      instance_url: `http://${upstream.host}/api/`,
    });
    await connect(installation.id, 'main', '9130357');
    upstream.requests.length = 0;
    // Act
    const { http, envelope } = await invoke(installation, { template: 'companyInfo', account: 'main' });
    // Assess
    expect(http).toBe(200);
    expect(envelope.status).toBe(200);
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]?.body).not.toContain('realmId');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.url).toBe('/api/echo/v3/company/9130357/companyinfo?org=acme-eu');
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer at-books-1');
  });

  it('keeps the facts across a refresh whose answer does not repeat them', async () => {
    // Prepare: a token that is due at once, so the invoke refreshes it inline.
    const installation = await createInstallation();
    provider.answer = () => ({
      access_token: 'at-books-old',
      refresh_token: 'rt-books-old',
      expires_in: 1,
      instance_url: `http://${upstream.host}`,
    });
    await connect(installation.id, 'refreshed', '4620816365');
    provider.answer = () => ({
      access_token: 'at-books-new',
      refresh_token: 'rt-books-new',
      expires_in: 3600,
    });
    upstream.requests.length = 0;
    // Act
    const { envelope } = await invoke(installation, { template: 'companyInfo', account: 'refreshed' });
    // Assess
    expect(envelope.status).toBe(200);
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer at-books-new');
    expect(upstream.requests[0]?.url).toBe('/echo/v3/company/4620816365/companyinfo?org=acme-eu');
    const { tokens } = await storedTokens(installation.id, 'books', 'refreshed');
    expect(tokens?.extra).toEqual({ realmId: '4620816365', instance_url: `http://${upstream.host}` });
  });

  it('refuses an instance_url whose host handshake.allowed_hosts does not name, with nothing sent', async () => {
    // Prepare
    const installation = await createInstallation();
    const [, port] = upstream.host.split(':');
    provider.answer = () => ({
      access_token: 'at-books-2',
      expires_in: 3600,
      // The same server under a name the list does not hold: the egress policy alone would let it go.
      instance_url: `http://127.0.0.1:${port}`,
    });
    await connect(installation.id, 'other', '1');
    upstream.requests.length = 0;
    // Act
    const { http, envelope } = await invoke(installation, { template: 'companyInfo', account: 'other' });
    // Assess
    expect(http).toBe(400);
    expect(envelope.code).toBe('INVALID_HOST');
    expect(envelope.response).toContain('is not in handshake.allowed_hosts');
    expect(envelope.attempts).toBe(0);
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses an instance_url with user information, with nothing sent', async () => {
    // Prepare
    const installation = await createInstallation();
    provider.answer = () => ({
      access_token: 'at-books-3',
      expires_in: 3600,
      instance_url: `http://evil.example@${upstream.host}`,
    });
    await connect(installation.id, 'userinfo', '2');
    upstream.requests.length = 0;
    // Act
    const { http, envelope } = await invoke(installation, { template: 'companyInfo', account: 'userinfo' });
    // Assess
    expect(http).toBe(400);
    expect(envelope.code).toBe('INVALID_HOST');
    expect(upstream.requests).toHaveLength(0);
  });
});
