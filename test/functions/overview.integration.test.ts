/**
 * GET /overview through the HTTP API against DynamoDB Local: the counters the writes keep match
 * the records they count — installations, accounts by integration and status (as GET
 * /installations lists them), refresh outcomes and webhook deliveries (as GET /events lists
 * them) — after connects, imports, failures, dead grants, a disconnect, deletes, and concurrent
 * writers.
 */
import type { Context } from 'aws-lambda';
import type { OverviewView } from '../../lib/overview/view';
import { lambdaContext } from '../support/events';
import {
  ADMIN,
  accountsOf,
  bearer,
  createInstallation,
  linkFor,
  personConnects,
  useHarness,
  world,
} from '../support/harness';
import { type Receiver, startReceiver } from '../support/receiver';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url, HANDSHAKE_FAILING_AFTER_MINUTES: '0' }) });

async function get<T>(path: string, key = ADMIN): Promise<{ status: number; body: T }> {
  const response = await fetch(`${world.api.url}${path}`, { headers: bearer(key) });
  return { status: response.status, body: (await response.json()) as T };
}

const overview = async () => {
  const answer = await get<OverviewView>('/overview');
  expect(answer.status).toBe(200);
  return answer.body;
};

const post = (path: string, body: object) =>
  fetch(`${world.api.url}${path}`, { method: 'POST', headers: bearer(ADMIN), body: JSON.stringify(body) });

async function imported(id: string, integration: string, account?: string) {
  const response = await post(`/installations/${id}/integrations/${integration}/import`, {
    ...(account === undefined ? {} : { account }),
    access_token: `made-up-access-${Math.random()}`,
    refresh_token: `made-up-refresh-${Math.random()}`,
    expires_in: 3600,
    validate: 'none',
  });
  expect(response.status).toBe(200);
}

const refreshNow = (id: string, integration: string, account?: string) =>
  post(`/installations/${id}/integrations/${integration}/refresh`, account === undefined ? {} : { account });

interface Row {
  readonly id: string;
  readonly integrations: Array<{
    name: string;
    accounts: Array<{ account: string; status: string; failingSince?: string }>;
  }>;
}

/** What the records say: every installation and account, read through GET /installations. */
async function counted() {
  const ids: string[] = [];
  const byIntegration: Record<string, Record<string, number>> = {};
  let cursor: string | null = null;
  do {
    const path: string = `/installations?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const page = await get<{ installations: Row[]; next: string | null }>(path);
    for (const row of page.body.installations) {
      ids.push(row.id);
      for (const integration of row.integrations)
        for (const account of integration.accounts) {
          const counts = byIntegration[integration.name] ?? {};
          const status = account.failingSince === undefined ? account.status : 'failing';
          counts[status] = (counts[status] ?? 0) + 1;
          byIntegration[integration.name] = counts;
        }
    }
    cursor = page.body.next;
  } while (cursor !== null);
  return { installations: ids.length, byIntegration };
}

/** The overview's non-zero account counts, in the shape `counted` gives. */
const nonZero = (view: OverviewView) =>
  Object.fromEntries(
    Object.entries(view.accounts.byIntegration)
      .map(([name, counts]) => [name, Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0))])
      .filter(([, counts]) => Object.keys(counts as object).length > 0),
  );

type DeliverHandler = (event: unknown, context: Context) => Promise<Record<string, number>>;
const runDeliverySchedule = async () =>
  ((await import('../../functions/deliver')) as unknown as { handler: DeliverHandler }).handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-deliver'),
  );

describe('GET /overview', () => {
  it('starts at zero, with a bucket for each of the last 24 hours and 30 days and every integration', async () => {
    // Act
    const view = await overview();
    // Assess
    expect(view.installations.total).toBe(0);
    expect(view.accounts.byStatus).toEqual({ authorized: 0, failing: 0, reauthorization_required: 0 });
    expect(Object.keys(view.accounts.byIntegration).sort()).toEqual(['acme', 'beta', 'crew']);
    expect(view.refreshes.hourly).toHaveLength(24);
    expect(view.refreshes.daily).toHaveLength(30);
    expect(view.deliveries.last30d).toEqual({ delivered: 0, retried: 0, dead: 0 });
    const hours = view.refreshes.hourly.map((bucket) => Date.parse(bucket.start));
    expect(hours.slice(1).map((hour, index) => hour - (hours[index] ?? 0))).toEqual(
      Array(23).fill(3_600_000),
    );
    expect(Date.now() - (hours[23] ?? 0)).toBeLessThan(3_600_000);
  });

  it('counts what the records hold after connects, failures, dead grants, a disconnect and a delete', async () => {
    // Prepare
    const connected = await createInstallation();
    const { page } = await personConnects(await linkFor(connected.id, { integration: 'beta' }));
    await page.context().close();
    expect((await refreshNow(connected.id, 'beta')).status).toBe(200);
    const mixed = (await createInstallation()).id;
    await imported(mixed, 'crew', 'agent-1');
    await imported(mixed, 'crew', 'agent-2');
    await imported(mixed, 'beta');
    await world.oauth.failTokenEndpoint({ status: 503, times: 1 });
    await refreshNow(mixed, 'crew', 'agent-1');
    await refreshNow(mixed, 'beta'); // the made-up refresh token is refused: the grant died
    expect((await accountsOf(mixed, 'beta'))[0]?.status).toBe('reauthorization_required');
    const disconnect = await fetch(
      `${world.api.url}/installations/${mixed}/integrations/crew/accounts/agent-2`,
      {
        method: 'DELETE',
        headers: bearer(ADMIN),
      },
    );
    expect(disconnect.status).toBe(204);
    const doomed = (await createInstallation()).id;
    await imported(doomed, 'crew', 'agent-7');
    await imported(doomed, 'beta');
    expect(
      (await fetch(`${world.api.url}/installations/${doomed}`, { method: 'DELETE', headers: bearer(ADMIN) }))
        .status,
    ).toBe(204);
    // Act
    const view = await overview();
    const records = await counted();
    // Assess: the counts are the records'
    expect(view.installations.total).toBe(records.installations);
    expect(nonZero(view)).toEqual(records.byIntegration);
    expect(records.byIntegration).toEqual({
      beta: { authorized: 1, reauthorization_required: 1 },
      crew: { failing: 1 },
    });
    expect(view.accounts.byStatus).toEqual({ authorized: 1, failing: 1, reauthorization_required: 1 });
    // Assess: one refresh of each outcome, in this hour and today
    const outcomes = { refreshed: 1, failed: 1, grant_died: 1 };
    expect(view.refreshes.last24h).toEqual(outcomes);
    expect(view.refreshes.last30d).toEqual(outcomes);
    expect(view.refreshes.hourly.at(-1)).toMatchObject(outcomes);
    expect(view.refreshes.daily.at(-1)).toMatchObject(outcomes);
  });

  it('counts deliveries as GET /events lists them: delivered, and retried', async () => {
    // Prepare: the receiver refuses the first attempt of each pending event, then takes them.
    const before = await overview();
    const { id } = await createInstallation();
    await imported(id, 'beta');
    const pending = async () =>
      (await get<{ events: Array<{ id: string }> }>('/events?state=pending&limit=100')).body.events.length;
    const waiting = await pending();
    expect(waiting).toBeGreaterThan(0);
    receiver.script([], 500);
    await runDeliverySchedule();
    // Act
    const afterFailure = await overview();
    receiver.script([], 204);
    // The failed attempts are due again after their backoff; make them due now.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { eventPk, EVENT_SK } = await import('../../lib/store/layout');
    for (const event of (await get<{ events: Array<{ id: string }> }>('/events?state=pending&limit=100')).body
      .events)
      await world.table.client.send(
        new UpdateCommand({
          TableName: world.table.tableName,
          Key: { pk: eventPk(event.id), sk: EVENT_SK },
          UpdateExpression: 'SET dueAt = :now',
          ExpressionAttributeValues: { ':now': Date.now() - 1 },
        }),
      );
    await runDeliverySchedule();
    const afterDelivery = await overview();
    const delivered = (await get<{ events: unknown[] }>('/events?state=delivered&limit=100')).body.events
      .length;
    // Assess
    expect(afterFailure.deliveries.last24h.retried - before.deliveries.last24h.retried).toBe(waiting);
    expect(afterDelivery.deliveries.last24h.delivered).toBe(delivered);
    expect(afterDelivery.deliveries.daily.at(-1)?.delivered).toBe(delivered);
    expect(await pending()).toBe(0);
  });

  it('stays exact under concurrent writers', async () => {
    // Prepare
    const before = await overview();
    const ids = await Promise.all(Array.from({ length: 4 }, async () => (await createInstallation()).id));
    // Act: 24 accounts imported at once, then half of them refused at once
    await Promise.all(
      ids.flatMap((id) => Array.from({ length: 6 }, (_, index) => imported(id, 'crew', `agent-${index}`))),
    );
    await Promise.all(
      ids.flatMap((id) => [0, 1, 2].map((index) => refreshNow(id, 'crew', `agent-${index}`))),
    );
    const view = await overview();
    const records = await counted();
    // Assess
    expect(view.installations.total).toBe(records.installations);
    expect(nonZero(view)).toEqual(records.byIntegration);
    expect(view.accounts.byIntegration.crew?.authorized).toBe(
      (before.accounts.byIntegration.crew?.authorized ?? 0) + 12,
    );
    expect(view.refreshes.last24h.grant_died - before.refreshes.last24h.grant_died).toBe(12);
  });

  it('is the admin’s', async () => {
    const { apiKey } = await createInstallation();
    expect((await get('/overview', apiKey)).status).toBe(403);
    expect((await fetch(`${world.api.url}/overview`)).status).toBe(401);
  });
});
