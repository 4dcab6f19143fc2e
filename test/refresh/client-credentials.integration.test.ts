/**
 * token_type "client" (issue 18): a server-to-server API's token, from the client-credentials
 * grant, through the HTTP API on DynamoDB Local. A small token endpoint in the test records what
 * it receives and issues tokens only to the right client (Basic auth); the harness's upstream
 * echoes what it got. No person, no connect page: the first invoke fetches the token.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { accountSk, installationPk } from '../../lib/store/layout';
import { type Installation, installationOn, invoke, useUpstream } from '../invoke/support/invoke-api';
import { lambdaContext, loadEvent } from '../support/events';
import { ADMIN, accountsOf, bearer, itemsOfKind, storedTokens, useHarness, world } from '../support/harness';
import { type Receiver, startReceiver } from '../support/receiver';

const CLIENT = { id: 'svc-client', secret: 'svc-secret-Qm7' };

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly form: URLSearchParams;
}

/** A client-credentials token endpoint: a new token per request to the right client, else invalid_client. */
function startTokenEndpoint() {
  const received: Received[] = [];
  let issued = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      received.push({ headers: request.headers, form });
      const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
      const ok = request.headers.authorization === basic && form.get('grant_type') === 'client_credentials';
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      issued += ok ? 1 : 0;
      response.end(
        JSON.stringify(
          ok
            ? {
                access_token: `cc-token-${issued}`,
                token_type: 'Bearer',
                expires_in: 3600,
                scope: 'reports:read',
              }
            : { error: 'invalid_client', error_description: 'client authentication failed' },
        ),
      );
    });
  });
  return { server, received };
}

const endpoint = startTokenEndpoint();
let tokenUrl = '';

const write = (dir: string, name: string, value: unknown) => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), JSON.stringify(value));
};

const echo = (oauth: string) => ({
  schema: {
    method: 'GET',
    protocol: 'http',
    host: '<%= iparam.upstream %>',
    path: '/echo/<%= context.id %>',
    headers: { Authorization: 'Bearer <%= access_token %>' },
  },
  options: { oauth },
});

function writeClientApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-cc-app-'));
  const integration = (secret: string) => ({
    client_id: CLIENT.id,
    client_secret: secret,
    token_url: tokenUrl,
    options: { scope: 'reports:read' },
    token_type: 'client',
    handshake: { client_auth: 'client_secret_basic', token_params: { audience: 'https://api.example.test' } },
  });
  write(dir, 'manifest.json', {
    'platform-version': '3.1',
    modules: { common: { requests: { report: {}, badReport: {}, refused: {} } } },
    engines: { node: '18.18.2', fdk: '9.1.0' },
  });
  write(dir, 'config/iparams.json', { upstream: { display_name: 'Upstream host', type: 'text' } });
  write(dir, 'config/requests.json', {
    report: echo('svc'),
    badReport: echo('svcbad'),
    refused: { ...echo('svc'), schema: { ...echo('svc').schema, path: '/status/401' } },
  });
  write(dir, 'config/oauth_config.json', {
    integrations: { svc: integration(CLIENT.secret), svcbad: integration('wrong-secret-Zz9') },
  });
  return dir;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}/oauth/token`;
});
afterAll(() => new Promise<void>((resolve) => endpoint.server.close(() => resolve())));

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
useHarness({ env: () => ({ APP_DIR: writeClientApp(), HANDSHAKE_WEBHOOK_URL: receiver.url }) });
const upstream = useUpstream();

let installation: Installation;
beforeEach(async () => {
  installation = await installationOn(upstream().host);
  endpoint.received.length = 0;
});

/** What the upstream received as Authorization on the echo of `id`. */
const sentToUpstream = (id: string) =>
  upstream().requests.find((request) => request.url.startsWith(`/echo/${id}`))?.headers.authorization;

async function deliveredTo(installationId: string) {
  const { handler } = (await import('../../functions/deliver')) as unknown as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
  await handler(loadEvent('deliver.json'), lambdaContext('handshake-test-deliver'));
  return receiver.received.filter((received) => received.event.installation === installationId);
}

async function runSweep() {
  const { handler } = (await import('../../functions/refresh')) as unknown as {
    handler: (event: unknown, context: Context) => Promise<{ outcomes: Record<string, number> }>;
  };
  return handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-refresh'),
  );
}

describe('token_type "client"', () => {
  it('fetches the token at the first invoke, with the client auth and scope, and reuses it', async () => {
    const first = await invoke(installation, { template: 'report', context: { id: 'first' } });
    expect(first.envelope).toMatchObject({ status: 200 });
    expect(endpoint.received).toHaveLength(1);
    const [request] = endpoint.received;
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      grant_type: 'client_credentials',
      scope: 'reports:read',
      audience: 'https://api.example.test',
    });
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
    );
    const token = sentToUpstream('first');
    expect(token).toMatch(/^Bearer cc-token-\d+$/);

    const second = await invoke(installation, { template: 'report', context: { id: 'second' } });
    expect(second.envelope).toMatchObject({ status: 200 });
    expect(endpoint.received).toHaveLength(1);
    expect(sentToUpstream('second')).toBe(token);

    const [account] = await accountsOf(installation.id, 'svc');
    expect(account).toMatchObject({ account: 'default', status: 'authorized', scope: 'reports:read' });
    const { tokens, item } = await storedTokens(installation.id, 'svc');
    expect(`Bearer ${tokens?.accessToken}`).toBe(token);
    expect(tokens?.refreshToken).toBeUndefined();
    // Sealed: the stored item never holds the token in plain text.
    expect(JSON.stringify(item)).not.toContain(tokens?.accessToken);
    // In the sweep, before expiry.
    expect(item.refreshDueAt).toBeLessThan(Date.now() + 3600_000);
    const events = await deliveredTo(installation.id);
    expect(events.map((received) => received.event.type)).toEqual(['account.authorized']);
    expect(events[0]?.raw).not.toContain(tokens?.accessToken);
  });

  it('is renewed by the sweep before it expires, and the next invoke sends the new token', async () => {
    await invoke(installation, { template: 'report', context: { id: 'before-sweep' } });
    const before = await storedTokens(installation.id, 'svc');
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: {
          pk: installationPk(installation.id),
          sk: accountSk({ integration: 'svc', account: 'default' }),
        },
        UpdateExpression: 'SET refreshDueAt = :at, dueAt = :at',
        ExpressionAttributeValues: { ':at': Date.now() - 1000 },
      }),
    );
    const report = await runSweep();
    expect(report.outcomes.refreshed).toBeGreaterThanOrEqual(1);
    const after = await storedTokens(installation.id, 'svc');
    expect(after.tokens?.accessToken).not.toBe(before.tokens?.accessToken);
    expect(endpoint.received.map((r) => r.form.get('grant_type'))).toEqual([
      'client_credentials',
      'client_credentials',
    ]);
    await invoke(installation, { template: 'report', context: { id: 'after-sweep' } });
    expect(sentToUpstream('after-sweep')).toBe(`Bearer ${after.tokens?.accessToken}`);
    expect(endpoint.received).toHaveLength(2);
  });

  it('answers a refused client with the FDK envelope, stores nothing and sends nothing upstream', async () => {
    const { http, envelope } = await invoke(installation, {
      template: 'badReport',
      context: { id: 'refused' },
    });
    expect(http).toBe(503);
    expect(envelope).toMatchObject({ status: 503, errorSource: 'PLATFORM' });
    expect(envelope.response).toContain('issued no token (invalid_client)');
    expect(endpoint.received).toHaveLength(1);
    expect(sentToUpstream('refused')).toBeUndefined();
    expect(await itemsOfKind(installation.id, 'ACCOUNT#svcbad#')).toEqual([]);
    expect(await accountsOf(installation.id, 'svcbad')).toEqual([]);
  });

  it('asks for a new token once when the upstream answers 401, and sends it', async () => {
    const { envelope } = await invoke(installation, { template: 'refused' });
    expect(envelope).toMatchObject({ status: 401 });
    expect(endpoint.received.map((r) => r.form.get('grant_type'))).toEqual([
      'client_credentials',
      'client_credentials',
    ]);
    const sent = upstream()
      .requests.filter((request) => request.url === '/status/401')
      .slice(-2)
      .map((request) => request.headers.authorization);
    expect(sent).toHaveLength(2);
    expect(sent[0]).not.toBe(sent[1]);
    expect(sent[1]).toBe(`Bearer ${(await storedTokens(installation.id, 'svc')).tokens?.accessToken}`);
  });

  it('is fetched by POST …/refresh, per account label', async () => {
    const response = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/svc/refresh`,
      {
        method: 'POST',
        headers: bearer(ADMIN),
        body: JSON.stringify({ account: 'reports' }),
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'refreshed', account: { account: 'reports' } });
    expect(endpoint.received).toHaveLength(1);
    expect((await accountsOf(installation.id, 'svc')).map((a) => a.account)).toEqual(['reports']);
  });

  it('refuses a connect link and a grant import (400), storing nothing', async () => {
    const link = await fetch(`${world.api.url}/installations/${installation.id}/connect-links`, {
      method: 'POST',
      headers: bearer(ADMIN),
      body: JSON.stringify({ integration: 'svc' }),
    });
    expect(link.status).toBe(400);
    expect(JSON.stringify(await link.json())).toContain('client-credentials grant');
    const imported = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/svc/import`,
      {
        method: 'POST',
        headers: bearer(ADMIN),
        body: JSON.stringify({ access_token: 'imported-token', expires_in: 3600 }),
      },
    );
    expect(imported.status).toBe(400);
    expect(JSON.stringify(await imported.json())).toContain('client-credentials grant');
    expect(await accountsOf(installation.id, 'svc')).toEqual([]);
    expect(endpoint.received).toHaveLength(0);
  });
});
