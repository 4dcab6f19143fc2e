/**
 * Auth events end to end: real handshakes in Chromium against oidc-provider, the refresh sweep
 * against its token endpoint, the functions behind a real HTTP API, the outbox on DynamoDB
 * Local, and a real HTTP receiver that the deliver function POSTs to.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
// The receiver recipe of docs/webhooks.md, as published.
import { verifyHandshakeEvent } from '../../examples/verify-webhook.mjs';
import { RETRY_DELAYS_MS } from '../../lib/events/deliver';
import { accountSk, EVENT_PK_PREFIX, eventPk, installationPk } from '../../lib/store/layout';
import { lambdaContext } from '../support/events';
import {
  ADMIN,
  bearer,
  createInstallation,
  linkFor,
  partition,
  personConnects,
  storedTokens,
  testInfrastructure,
  useHarness,
  world,
} from '../support/harness';
import { PROVIDER_CLIENTS } from '../support/provider-app';
import { type Receiver, startReceiver } from '../support/receiver';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
// Failing episodes are reported at their first failure here; the threshold itself is unit-tested.
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url, HANDSHAKE_FAILING_AFTER_MINUTES: '0' }) });

/** Every secret the tests handle, so the last test can check that no event body carries one. */
const secrets = new Set<string>([
  ADMIN,
  ...Object.values(PROVIDER_CLIENTS).map((client) => client.clientSecret),
]);

beforeEach(() => receiver.clear());

type Handler = (event: unknown, context: Context) => Promise<Record<string, number>>;
const deliverHandler = async () =>
  ((await import('../../functions/deliver')) as unknown as { handler: Handler }).handler;
const refreshHandler = async () =>
  ((await import('../../functions/refresh')) as unknown as { handler: Handler }).handler;

interface OutboxItem {
  pk: string;
  id: string;
  type: string;
  state: string;
  attempts: number;
  dueAt?: number;
  lastError?: string;
}

async function outbox(): Promise<OutboxItem[]> {
  const result = await world.table.client.send(
    new ScanCommand({
      TableName: world.table.tableName,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': EVENT_PK_PREFIX },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []) as OutboxItem[];
}

const seen = new Set<string>();

/** What DynamoDB Streams hands the deliver function for the events written since the last call. */
async function streamNewEvents(): Promise<Record<string, number>> {
  const fresh = (await outbox()).filter((item) => !seen.has(item.id));
  for (const item of fresh) seen.add(item.id);
  // events/deliver/stream.json — the payload `serverless invoke local` uses — one record per event.
  const template = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'events', 'deliver', 'stream.json'), 'utf8'),
  ) as DynamoDBStreamEvent;
  const [record] = template.Records;
  const event: DynamoDBStreamEvent = {
    Records: fresh.map((item, index) => ({
      ...record,
      eventID: `${record?.eventID}${index}`,
      dynamodb: { ...record?.dynamodb, Keys: { pk: { S: item.pk }, sk: { S: 'EVENT' } } },
    })),
  };
  return (await deliverHandler())(event, lambdaContext('handshake-dev-deliver'));
}

const runSchedule = async () =>
  (await deliverHandler())(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-deliver'),
  );

/** The backoff is over: the event is due now (what waiting would do). */
async function makeEventDue(id: string): Promise<void> {
  await world.table.client.send(
    new UpdateCommand({
      TableName: world.table.tableName,
      Key: { pk: eventPk(id), sk: 'EVENT' },
      UpdateExpression: 'SET dueAt = :now',
      ExpressionAttributeValues: { ':now': Date.now() - 1 },
    }),
  );
}

/** The account's refresh time has come (record and index key together). */
async function makeAccountDue(installationId: string, account: string): Promise<void> {
  await world.table.client.send(
    new UpdateCommand({
      TableName: world.table.tableName,
      Key: { pk: installationPk(installationId), sk: accountSk({ integration: 'crew', account }) },
      UpdateExpression: 'SET refreshDueAt = :at, dueAt = :at',
      ExpressionAttributeValues: { ':at': Date.now() - 1 },
    }),
  );
}

async function sweepAccount(installationId: string, account: string): Promise<void> {
  await makeAccountDue(installationId, account);
  await (await refreshHandler())({ source: 'aws.events' }, lambdaContext('handshake-dev-refresh'));
}

async function connect(installationId: string, account: string): Promise<void> {
  const { page } = await personConnects(await linkFor(installationId, { integration: 'crew', account }), {
    login: account,
  });
  await page.context().close();
  const { tokens } = await storedTokens(installationId, 'crew', account);
  for (const token of [tokens?.accessToken, tokens?.refreshToken]) if (token) secrets.add(token);
}

async function newInstallation() {
  const installation = await createInstallation();
  secrets.add(installation.apiKey);
  return installation;
}

const webhookSecret = async () => {
  const secret = (await (await testInfrastructure()).secrets.get('webhook-signing')) ?? '';
  secrets.add(secret);
  return secret;
};

/** Every request the receiver saw in all tests, for the last one. */
const allBodies: string[] = [];
afterEach(() => {
  allBodies.push(...receiver.received.map((request) => request.raw));
});

describe('auth events', () => {
  it('a handshake sends one signed account.authorized that the documented recipe verifies', async () => {
    const installation = await newInstallation();
    await connect(installation.id, 'ann');
    expect(receiver.received).toHaveLength(0); // the callback itself never calls the receiver
    expect(await streamNewEvents()).toMatchObject({ delivered: 1 });

    const [request, ...more] = receiver.received;
    expect(more).toHaveLength(0);
    expect(request?.event).toMatchObject({
      type: 'account.authorized',
      installation: installation.id,
      integration: 'crew',
      account: 'ann',
      status: 'authorized',
      data: { reauthorization: false },
    });
    expect(request?.event.id).toMatch(/^evt_[a-z2-7]{26}$/);
    expect(request?.headers['handshake-event-id']).toBe(request?.event.id);
    expect(request?.headers['content-type']).toBe('application/json');

    const secret = await webhookSecret();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const headers = request?.headers ?? {};
    expect(verifyHandshakeEvent(secret, headers, request?.raw)).toBe(true);
    expect(verifyHandshakeEvent(secret, headers, request?.raw.replace('"ann"', '"bob"'))).toBe(false);
    expect(verifyHandshakeEvent(secret, headers, `${request?.raw} `)).toBe(false);
    expect(verifyHandshakeEvent(`${secret}x`, headers, request?.raw)).toBe(false);
    // An old capture replayed later fails the timestamp check.
    expect(verifyHandshakeEvent(secret, headers, request?.raw, Date.now() / 1000 + 600)).toBe(false);

    // Delivered means done: neither the stream nor the schedule sends it again.
    expect(await runSchedule()).toMatchObject({ delivered: 0, retry: 0 });
    expect(receiver.received).toHaveLength(1);
    const [stored] = (await outbox()).filter((item) => item.id === request?.event.id);
    expect(stored).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(stored?.dueAt).toBeUndefined();
  });

  it('an outage sends refresh_failing once per episode and recovered when it ends', async () => {
    const installation = await newInstallation();
    await connect(installation.id, 'olga');
    await streamNewEvents();
    receiver.clear();

    await world.oauth.failTokenEndpoint({ status: 503 });
    await sweepAccount(installation.id, 'olga');
    await streamNewEvents();
    await sweepAccount(installation.id, 'olga');
    await streamNewEvents();
    expect(receiver.received.map((request) => request.event.type)).toEqual(['account.refresh_failing']);
    expect(receiver.received[0]?.event).toMatchObject({
      account: 'olga',
      status: 'failing',
      data: { failureCount: 1 },
    });

    await world.oauth.failTokenEndpoint(null);
    await sweepAccount(installation.id, 'olga');
    await streamNewEvents();
    expect(receiver.received.map((request) => request.event.type)).toEqual([
      'account.refresh_failing',
      'account.recovered',
    ]);
    expect(receiver.received[1]?.event).toMatchObject({
      account: 'olga',
      status: 'authorized',
      data: { previousStatus: 'failing' },
    });
  });

  it('a grant revoked at the provider sends reauthorization_required; reconnecting sends authorized and recovered', async () => {
    const installation = await newInstallation();
    await connect(installation.id, 'rita');
    await streamNewEvents();
    receiver.clear();

    await world.oauth.revokeAllGrants();
    await sweepAccount(installation.id, 'rita');
    await streamNewEvents();
    expect(receiver.received.map((request) => request.event)).toEqual([
      expect.objectContaining({
        type: 'account.reauthorization_required',
        account: 'rita',
        status: 'reauthorization_required',
        data: expect.objectContaining({ error: expect.objectContaining({ code: 'invalid_grant' }) }),
      }),
    ]);

    await connect(installation.id, 'rita');
    await streamNewEvents();
    // Written together, sent side by side: their order at the receiver is not defined.
    const after = receiver.received.slice(1).map((request) => [request.event.type, request.event.data]);
    expect(after.sort()).toEqual([
      ['account.authorized', expect.objectContaining({ reauthorization: true })],
      ['account.recovered', { previousStatus: 'reauthorization_required' }],
    ]);
  });

  it('deleting an installation sends installation.deleted, which outlives the installation', async () => {
    const installation = await newInstallation();
    await connect(installation.id, 'dan');
    await streamNewEvents();
    receiver.clear();

    const response = await fetch(`${world.api.url}/installations/${installation.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(response.status).toBe(204);
    expect(await partition(installation.id)).toEqual([]);
    await streamNewEvents();
    expect(receiver.received.map((request) => request.event)).toEqual([
      expect.objectContaining({
        type: 'installation.deleted',
        installation: installation.id,
        integration: null,
        account: null,
        status: 'deleted',
        data: { accounts: [{ integration: 'crew', account: 'dan' }] },
      }),
    ]);

    // A second DELETE finds nothing and reports nothing.
    const again = await fetch(`${world.api.url}/installations/${installation.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(again.status).toBe(404);
    await streamNewEvents();
    expect(receiver.received).toHaveLength(1);
  });

  it('disconnecting one account sends account.disconnected; the installation and its other account stay', async () => {
    const installation = await newInstallation();
    await connect(installation.id, 'erin');
    await connect(installation.id, 'finn');
    await streamNewEvents();
    receiver.clear();

    const response = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/crew/accounts/erin`,
      { method: 'DELETE', headers: bearer(ADMIN) },
    );
    expect(response.status).toBe(204);
    await streamNewEvents();
    expect(receiver.received.map((request) => request.event)).toEqual([
      expect.objectContaining({
        type: 'account.disconnected',
        installation: installation.id,
        integration: 'crew',
        account: 'erin',
        status: 'disconnected',
        data: { previousStatus: 'authorized' },
      }),
    ]);
    const left = (await partition(installation.id)).map((item) => item.sk);
    expect(left).toContain(accountSk({ integration: 'crew', account: 'finn' }));
    expect(left).not.toContain(accountSk({ integration: 'crew', account: 'erin' }));
  });

  it('a receiver that answers 500 three times gets the event on the fourth try, same id, with backoff', async () => {
    receiver.script([500, 500, 500]);
    const installation = await newInstallation();
    await connect(installation.id, 'fay');
    const started = Date.now();
    expect(await streamNewEvents()).toMatchObject({ retry: 1 });
    const [event] = (await outbox()).filter((item) => item.state === 'pending');
    const id = event?.id ?? '';

    for (const [index, delay] of RETRY_DELAYS_MS.slice(0, 3).entries()) {
      const pending = (await outbox()).find((item) => item.id === id);
      expect(pending).toMatchObject({
        state: 'pending',
        attempts: index + 1,
        lastError: 'the receiver answered HTTP 500',
      });
      // Not retried before its time…
      expect(pending?.dueAt).toBeGreaterThanOrEqual(started + delay);
      expect(await runSchedule()).toMatchObject({ delivered: 0, retry: 0 });
      // …and retried once it has come.
      await makeEventDue(id);
      await runSchedule();
    }
    const requests = receiver.received;
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((request) => request.event.id))).toEqual(new Set([id]));
    expect(new Set(requests.map((request) => request.raw)).size).toBe(1);
    expect((await outbox()).find((item) => item.id === id)).toMatchObject({
      state: 'delivered',
      attempts: 4,
    });
    expect(await runSchedule()).toMatchObject({ delivered: 0 });
    expect(receiver.received).toHaveLength(4);
  });

  it('a receiver that never answers delays neither the API nor more than one attempt of a sweep', async () => {
    receiver.script([], 'hang');
    const installation = await newInstallation();
    await connect(installation.id, 'hal');
    const deleteStarted = Date.now();
    const deleted = await fetch(`${world.api.url}/installations/${installation.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(deleted.status).toBe(204);
    // The attempt timeout is 10 s: an API that waited for the receiver would take that long.
    expect(Date.now() - deleteStarted).toBeLessThan(3_000);
    expect((await outbox()).filter((item) => item.state === 'pending' && !seen.has(item.id))).toHaveLength(2);

    const sweepStarted = Date.now();
    expect(await streamNewEvents()).toMatchObject({ retry: 2 });
    // Both attempts ran side by side, each cut off at its timeout.
    expect(Date.now() - sweepStarted).toBeLessThan(15_000);
    const pending = (await outbox()).filter((item) => item.state === 'pending');
    expect(pending.map((item) => item.lastError)).toEqual([
      expect.stringMatching(/timed out|timeout/i),
      expect.stringMatching(/timed out|timeout/i),
    ]);
    // Leave nothing pending for the tests after this one.
    receiver.script([]);
    for (const item of pending) await makeEventDue(item.id);
    expect(await runSchedule()).toMatchObject({ delivered: 2 });
  }, 30_000);

  it('POST /installations/{id}/events/test sends a signed webhook.test and reports what the receiver said', async () => {
    const installation = await newInstallation();
    const send = (key: string) =>
      fetch(`${world.api.url}/installations/${installation.id}/events/test`, {
        method: 'POST',
        headers: bearer(key),
      });

    const ok = await send(ADMIN);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(body).toEqual({ eventId: expect.stringMatching(/^evt_/), delivered: true, receiverStatus: 204 });
    const [request] = receiver.received;
    expect(request?.event).toMatchObject({
      id: body.eventId,
      type: 'webhook.test',
      installation: installation.id,
      status: 'test',
    });
    expect(verifyHandshakeEvent(await webhookSecret(), request?.headers ?? {}, request?.raw)).toBe(true);

    receiver.script([500]);
    const failed = await send(ADMIN);
    expect(failed.status).toBe(200);
    expect(await failed.json()).toMatchObject({
      delivered: false,
      receiverStatus: 500,
      error: 'the receiver answered HTTP 500',
    });

    // The installation's own key may not; an unknown installation is a 404.
    expect((await send(installation.apiKey)).status).toBe(403);
    const missing = await fetch(`${world.api.url}/installations/in_aaaaaaaaaaaaaaaaaaaa/events/test`, {
      method: 'POST',
      headers: bearer(ADMIN),
    });
    expect(missing.status).toBe(404);
    // A test event is sent, not stored: the outbox holds no webhook.test.
    expect((await outbox()).filter((item) => item.type === 'webhook.test')).toEqual([]);
  });

  it('no event body carries a token, client secret, API key or the signing secret', async () => {
    await webhookSecret();
    expect(allBodies.length).toBeGreaterThanOrEqual(15);
    const found = [...secrets].filter(
      (secret) => secret.length >= 8 && allBodies.some((body) => body.includes(secret)),
    );
    expect(found).toEqual([]);
  });
});
