/**
 * The admin listings through the HTTP API against DynamoDB Local: GET /installations (paged,
 * newest first, by status and by integration, from the byListing index) and GET /events with
 * POST /events/{id}/replay — account states made the way they happen (an imported grant, a
 * refresh the provider refuses or fails), events delivered by the deliver function to a receiver.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { MAX_ATTEMPTS } from '../../lib/events/deliver';
import { eventPk } from '../../lib/store/layout';
import { lambdaContext } from '../support/events';
import { ADMIN, accountsOf, bearer, createInstallation, useHarness, world } from '../support/harness';
import { type Receiver, startReceiver } from '../support/receiver';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
// Failing episodes are reported (the account listed as `failing`) at their first failure here.
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url, HANDSHAKE_FAILING_AFTER_MINUTES: '0' }) });

/** Every installation this file made, oldest first: the unfiltered listing is all of them. */
const made: string[] = [];
async function install(): Promise<string> {
  const { id } = await createInstallation();
  made.push(id);
  return id;
}

async function get(path: string, key = ADMIN) {
  const response = await fetch(`${world.api.url}${path}`, { headers: bearer(key) });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { next?: string | null },
  };
}

interface Row {
  readonly id: string;
  readonly integrations: Array<{ name: string; accounts: Array<{ account: string; status: string }> }>;
}

const query = (params: Record<string, string | undefined>) => {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined).toString()}`;
};

/** Every page of GET /installations with `params`, following `next` until it is null. */
async function allPages(params: Record<string, string | undefined>) {
  const pages: Row[][] = [];
  let cursor: string | undefined;
  do {
    const page = await get(`/installations${query({ ...params, cursor })}`);
    expect(page.status).toBe(200);
    pages.push(page.body.installations as Row[]);
    cursor = page.body.next ?? undefined;
  } while (cursor !== undefined && pages.length < 20);
  return { pages, ids: pages.flat().map((row) => row.id) };
}

/** An authorized account by the import route, its refresh token made up (the provider refuses it). */
async function imported(id: string, integration: string, account?: string) {
  const response = await fetch(`${world.api.url}/installations/${id}/integrations/${integration}/import`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({
      ...(account === undefined ? {} : { account }),
      access_token: `made-up-access-${Math.random()}`,
      refresh_token: `made-up-refresh-${Math.random()}`,
      expires_in: 3600,
      validate: 'none',
    }),
  });
  expect(response.status).toBe(200);
}

const refreshNow = (id: string, integration: string, account?: string) =>
  fetch(`${world.api.url}/installations/${id}/integrations/${integration}/refresh`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify(account === undefined ? {} : { account }),
  });

/** A transient failure at the token endpoint: the account stays authorized, in a failing episode. */
async function failing(id: string, integration: string, account?: string) {
  await world.oauth.failTokenEndpoint({ status: 503, times: 1 });
  await refreshNow(id, integration, account);
  const accounts = await accountsOf(id, integration);
  expect(accounts.find((entry) => entry.account === (account ?? 'default'))?.status).toBe('authorized');
}

/** The provider refuses the made-up refresh token (invalid_grant): the grant is dead. */
async function dead(id: string, integration: string) {
  await refreshNow(id, integration);
  expect((await accountsOf(id, integration))[0]?.status).toBe('reauthorization_required');
}

describe('GET /installations', () => {
  it('pages newest first across several pages, without duplicates, `next` null at the end', async () => {
    // Prepare
    for (let index = 0; index < 7; index += 1) await install();
    // Act
    const { pages, ids } = await allPages({ limit: '3' });
    // Assess
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(ids).toEqual([...made].reverse());
    const first = (await get('/installations?limit=3')).body.installations as Row[];
    // Each row is GET /installations/{id}'s answer for it.
    expect(first[0]).toEqual((await get(`/installations/${first[0]?.id}`)).body);
    const whole = await get('/installations');
    expect(whole.body.next).toBeNull();
    expect((whole.body.installations as Row[]).map((row) => row.id)).toEqual([...made].reverse());
  });

  it('filters by status and by integration, an installation with two failing accounts listed once', async () => {
    // Prepare: two crew agents failing (one partition), and its beta account failing too (another).
    const twoFailing = await install();
    await imported(twoFailing, 'crew', 'agent-1');
    await imported(twoFailing, 'crew', 'agent-2');
    await imported(twoFailing, 'beta');
    await failing(twoFailing, 'crew', 'agent-1');
    await failing(twoFailing, 'crew', 'agent-2');
    await failing(twoFailing, 'beta');
    const deadBeta = await install();
    await imported(deadBeta, 'beta');
    await dead(deadBeta, 'beta');
    const healthyCrew = await install();
    await imported(healthyCrew, 'crew', 'agent-9');
    // Act
    const byStatus = (status: string) => allPages({ status, limit: '1' });
    const failingIds = (await byStatus('failing')).ids;
    const reauthIds = (await byStatus('reauthorization_required')).ids;
    const authorizedIds = (await byStatus('authorized')).ids;
    const crewIds = (await allPages({ integration: 'crew', limit: '1' })).ids;
    const crewFailing = (await allPages({ integration: 'crew', status: 'failing' })).ids;
    const betaAuthorized = (await allPages({ integration: 'beta', status: 'authorized' })).ids;
    // Assess
    expect(failingIds).toEqual([twoFailing]);
    expect(reauthIds).toEqual([deadBeta]);
    expect(authorizedIds).toEqual([healthyCrew]);
    expect(crewIds).toEqual([healthyCrew, twoFailing]);
    expect(crewFailing).toEqual([twoFailing]);
    expect(betaAuthorized).toEqual([]);
    const [row] = (await get(`/installations?status=failing`)).body.installations as Row[];
    expect(row?.integrations.find((entry) => entry.name === 'crew')?.accounts.map((a) => a.account)).toEqual([
      'agent-1',
      'agent-2',
    ]);
  });

  it('refuses a limit out of range, an unknown status or integration, and a cursor it did not issue', async () => {
    // Prepare
    await install();
    await install();
    const { body } = await get('/installations?limit=1');
    const cursor = String(body.next);
    const altered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}${cursor.slice(-1)}`;
    // Act
    const answers = await Promise.all(
      [
        '/installations?limit=0',
        '/installations?limit=101',
        '/installations?limit=ten',
        '/installations?status=broken',
        '/installations?integration=nope',
        `/installations?limit=1&cursor=${encodeURIComponent(altered)}`,
        `/installations?limit=1&status=failing&cursor=${encodeURIComponent(cursor)}`,
        '/installations?cursor=v1.made.up.cursor',
      ].map((path) => get(path)),
    );
    const followed = await get(`/installations?limit=1&cursor=${encodeURIComponent(cursor)}`);
    // Assess
    for (const answer of answers)
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    const messages = answers.map((answer) => (answer.body.error as { message: string }).message);
    expect(messages[0]).toContain('limit must be a whole number from 1 to 100 (default 25)');
    expect(messages[3]).toContain('status must be one of authorized, failing, reauthorization_required');
    expect(messages[4]).toContain("integration must be one of the app's integrations: acme, beta, crew");
    for (const message of messages.slice(5))
      expect(message).toContain('cursor is not one this listing issued');
    expect(followed.status).toBe(200);
  });

  it('is the admin’s: an installation key is refused', async () => {
    // Prepare
    const { apiKey } = await createInstallation();
    // Act
    const own = await get('/installations', apiKey);
    const none = await fetch(`${world.api.url}/installations`);
    // Assess
    expect(own.status).toBe(403);
    expect(none.status).toBe(401);
  });
});

type DeliverHandler = (event: unknown, context: Context) => Promise<Record<string, number>>;
const runDeliverySchedule = async () =>
  ((await import('../../functions/deliver')) as unknown as { handler: DeliverHandler }).handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-deliver'),
  );

interface EventRow {
  id: string;
  type: string;
  state: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  event: { id: string; installation: string };
}

/** The event is on its last attempt (what a day of failures does). */
async function onLastAttempt(id: string) {
  await world.table.client.send(
    new UpdateCommand({
      TableName: world.table.tableName,
      Key: { pk: eventPk(id), sk: 'EVENT' },
      UpdateExpression: 'SET attempts = :attempts',
      ExpressionAttributeValues: { ':attempts': MAX_ATTEMPTS - 1 },
    }),
  );
}

const replay = async (id: string) => {
  const response = await fetch(`${world.api.url}/events/${id}/replay`, {
    method: 'POST',
    headers: bearer(ADMIN),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('GET /events and POST /events/{id}/replay', () => {
  it('lists deliveries newest first with their last answer; a dead one replayed is delivered, then refused', async () => {
    // Prepare: an account.authorized event; its last attempt fails with a 500, so it is dead.
    const id = await install();
    await imported(id, 'beta');
    const pending = (await get('/events?state=pending&limit=100')).body.events as EventRow[];
    const authorizedEvent = pending.find(
      (row) => row.event.installation === id && row.type === 'account.authorized',
    );
    if (authorizedEvent === undefined) throw new Error('the import wrote no account.authorized event');
    await onLastAttempt(authorizedEvent.id);
    receiver.script([], 500);
    await runDeliverySchedule();
    // Act
    const deadPage = await get('/events?state=dead');
    receiver.clear();
    receiver.script([], 204);
    const replayed = await replay(authorizedEvent.id);
    const again = await replay(authorizedEvent.id);
    const unknown = await replay('evt_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    // Assess: listed dead with the receiver's status, never its body
    expect(deadPage.status).toBe(200);
    expect(deadPage.body.events).toEqual([
      expect.objectContaining({
        id: authorizedEvent.id,
        state: 'dead',
        attempts: MAX_ATTEMPTS,
        lastStatus: 500,
        lastError: 'the receiver answered HTTP 500',
      }),
    ]);
    expect(JSON.stringify(deadPage.body)).not.toContain('receiver failure');
    // Assess: replayed — back to pending, attempts reset, sent at once and delivered
    expect(replayed).toMatchObject({
      status: 200,
      body: { id: authorizedEvent.id, state: 'delivered', attempts: 1, lastStatus: 204, lastError: null },
    });
    expect(receiver.received.map((received) => received.event.id)).toEqual([authorizedEvent.id]);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: {
        code: 'CONFLICT',
        message: expect.stringContaining('is delivered: only a dead event can be replayed'),
      },
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const delivered = (await get('/events?state=delivered')).body.events as EventRow[];
    expect(delivered.map((row) => row.id)).toContain(authorizedEvent.id);
  });

  it('pages every state newest first, and refuses an unknown state, a bad limit and a foreign cursor', async () => {
    // Prepare: more events (each installation's delete writes one)
    for (let index = 0; index < 3; index += 1) {
      const id = await install();
      await fetch(`${world.api.url}/installations/${id}`, { method: 'DELETE', headers: bearer(ADMIN) });
    }
    const installationsCursor = String((await get('/installations?limit=1')).body.next);
    // Act
    const rows: EventRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/events${query({ limit: '2', cursor })}`);
      expect(page.status).toBe(200);
      rows.push(...(page.body.events as EventRow[]));
      cursor = page.body.next ?? undefined;
    } while (cursor !== undefined);
    const refusals = await Promise.all(
      [
        '/events?state=lost',
        '/events?limit=500',
        `/events?cursor=${encodeURIComponent(installationsCursor)}`,
      ].map((path) => get(path)),
    );
    // Assess
    const times = rows.map((row) => (row as unknown as { createdAt: string }).createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(['pending', 'delivered']));
    expect(rows.filter((row) => row.type === 'installation.deleted')).toHaveLength(3);
    for (const refusal of refusals) expect(refusal.status).toBe(400);
    expect(refusals[0]?.body).toMatchObject({
      error: { message: expect.stringContaining('state must be one of pending, delivered, dead') },
    });
  });
});
