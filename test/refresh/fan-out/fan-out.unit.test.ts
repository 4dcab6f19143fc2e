/**
 * The fan-out's pure parts: the message a due key travels as (and the refusal of every other
 * body), the producer's batches (one integration each, at most 10) over a due queue read shard
 * by shard, and the worker's verdict on each message — done, or delivered again.
 */
import { EVENTS_OFF } from '../../../lib/accounts/events';
import type { AccountKey } from '../../../lib/accounts/record';
import type { App } from '../../../lib/app/model';
import { encodeRefreshMessage, parseRefreshMessage } from '../../../lib/refresh/fan-out/message';
import { batchesOf, fanOutDue, type RefreshSender } from '../../../lib/refresh/fan-out/producer';
import { refreshBatch } from '../../../lib/refresh/fan-out/worker';
import type { RefreshDeps } from '../../../lib/refresh/refresh-account';
import type { AccountStore, DueQueue } from '../../../lib/store/ports';

const ID = 'in_aaaaaaaaaaaaaaaaaaaa';
const key = (account: string, integration = 'hubspot'): AccountKey => ({
  installationId: ID,
  integration,
  account,
});
const knows = (name: string) => name === 'hubspot' || name === 'slack';

describe('the fan-out message', () => {
  it('carries a key and nothing else, and reads back as the same key', () => {
    const body = encodeRefreshMessage(key('agent-42'));
    expect(JSON.parse(body)).toEqual({
      v: 1,
      installationId: ID,
      integration: 'hubspot',
      account: 'agent-42',
    });
    expect(parseRefreshMessage(body, knows)).toEqual({ ok: true, key: key('agent-42') });
  });

  it.each([
    ['not JSON', '{', 'the body is not JSON'],
    ['an array', '[]', 'not a refresh message'],
    [
      'another version',
      JSON.stringify({ v: 2, installationId: ID, integration: 'hubspot', account: 'a' }),
      '(v)',
    ],
    [
      'a bad installation id',
      JSON.stringify({ v: 1, installationId: 'in_x', integration: 'hubspot', account: 'a' }),
      'installationId',
    ],
    [
      'an account with a #',
      JSON.stringify({ v: 1, installationId: ID, integration: 'hubspot', account: 'a#b' }),
      'account',
    ],
    [
      'an extra field',
      JSON.stringify({ v: 1, installationId: ID, integration: 'hubspot', account: 'a', token: 'x' }),
      'token',
    ],
    [
      'an integration the app lacks',
      JSON.stringify({ v: 1, installationId: ID, integration: 'gone', account: 'a' }),
      'no integration "gone"',
    ],
  ])('refuses %s, saying what is wrong', (_, body, says) => {
    const parsed = parseRefreshMessage(body, knows);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(says);
  });
});

describe('the producer', () => {
  it('batches a page by integration, at most 10 keys a batch', () => {
    const keys = [
      ...Array.from({ length: 23 }, (_, i) => key(`h${i}`)),
      ...Array.from({ length: 4 }, (_, i) => key(`s${i}`, 'slack')),
    ];
    const batches = batchesOf(keys);
    expect(batches.map((b) => [b.integration, b.keys.length])).toEqual([
      ['hubspot', 10],
      ['hubspot', 10],
      ['hubspot', 3],
      ['slack', 4],
    ]);
    expect(batches.flatMap((b) => b.keys)).toHaveLength(27);
  });

  function dueQueue(byShard: Record<string, AccountKey[]>): DueQueue {
    return {
      shards: () => Object.keys(byShard),
      due: async (_kind, shard, _now, limit, cursor) => {
        const all = byShard[shard] ?? [];
        const from = Number((cursor as { at?: number } | undefined)?.at ?? 0);
        const items = all.slice(from, from + limit);
        const next = from + limit < all.length ? { at: from + limit } : undefined;
        return { items, itemsRead: items.length, cursor: next } as never;
      },
    };
  }

  it('sends every due key of every shard once, and counts what the queue refused', async () => {
    // Arrange: 3 shards, 250 keys; the queue refuses the first key of every slack batch.
    const byShard = {
      '0': Array.from({ length: 120 }, (_, i) => key(`a${i}`)),
      '1': Array.from({ length: 100 }, (_, i) => key(`b${i}`, i % 2 === 0 ? 'slack' : 'hubspot')),
      '2': Array.from({ length: 30 }, (_, i) => key(`c${i}`)),
    };
    const sent: AccountKey[] = [];
    const sender: RefreshSender = {
      send: async (integration, keys) => {
        expect(keys.length).toBeLessThanOrEqual(10);
        expect(keys.every((k) => k.integration === integration)).toBe(true);
        const failed = integration === 'slack' ? keys.slice(0, 1) : [];
        sent.push(...keys.slice(failed.length));
        return { failed };
      },
      waiting: async () => 0,
    };
    // Act
    const report = await fanOutDue(
      { queue: dueQueue(byShard), sender, now: () => new Date() },
      { pageSize: 40, startBefore: Number.POSITIVE_INFINITY },
    );
    // Assess
    const slackBatches = batchesOf(byShard['1'].slice(0, 100)).filter(
      (b) => b.integration === 'slack',
    ).length;
    expect(report).toEqual({
      durationMs: expect.any(Number),
      due: 250,
      itemsRead: 250,
      sent: 250 - slackBatches,
      unsent: slackBatches,
      held: 0,
      unfinished: false,
    });
    expect(new Set(sent.map((k) => k.account)).size).toBe(sent.length);
  });

  it('stops reading when its time is up, and says the sweep is unfinished', async () => {
    let clock = 0;
    const sender: RefreshSender = { send: async () => ({ failed: [] }), waiting: async () => 0 };
    const report = await fanOutDue(
      {
        queue: dueQueue({ '0': Array.from({ length: 500 }, (_, i) => key(`a${i}`)) }),
        sender,
        now: () => new Date(),
      },
      { pageSize: 50, startBefore: 10, clock: () => clock++ },
    );
    expect(report.unfinished).toBe(true);
    expect(report.sent).toBeLessThan(500);
    expect(report.sent).toBeGreaterThan(0);
  });

  it('sends nothing to a queue that still holds keys waiting for a worker, and asks each queue once', async () => {
    // Arrange: hubspot's queue holds 3 waiting messages; slack's is empty.
    const asked: string[] = [];
    const sent: AccountKey[] = [];
    const sender: RefreshSender = {
      send: async (_integration, keys) => {
        sent.push(...keys);
        return { failed: [] };
      },
      waiting: async (integration) => {
        asked.push(integration);
        return integration === 'hubspot' ? 3 : 0;
      },
    };
    const byShard = {
      '0': Array.from({ length: 45 }, (_, i) => key(`a${i}`, i % 3 === 0 ? 'slack' : 'hubspot')),
      '1': Array.from({ length: 15 }, (_, i) => key(`b${i}`, 'hubspot')),
    };
    // Act
    const report = await fanOutDue(
      { queue: dueQueue(byShard), sender, now: () => new Date() },
      { pageSize: 10, startBefore: Number.POSITIVE_INFINITY },
    );
    // Assess
    expect(report).toMatchObject({ due: 60, sent: 15, held: 45, unsent: 0 });
    expect(sent.every((k) => k.integration === 'slack')).toBe(true);
    expect(asked.sort()).toEqual(['hubspot', 'slack']);
  });
});

describe('the worker', () => {
  const app = {
    integrations: new Map([['hubspot', { name: 'hubspot', settings: {}, options: {} }]]),
  } as unknown as App;
  const deps = (acquireLease: AccountStore['acquireLease']): RefreshDeps =>
    ({
      app,
      accounts: { acquireLease } as AccountStore,
      now: () => new Date(),
      leaseOwner: () => 'test',
      tokenTimeoutMs: 15_000,
      events: EVENTS_OFF,
    }) as unknown as RefreshDeps;

  it('lets go of a message whose key needs nothing (no record, not due), retries a crash and a malformed body', async () => {
    // Arrange: the lease is refused for a1 (no record), and the table throws for a2.
    const lease: AccountStore['acquireLease'] = async (k) => {
      if (k.account === 'a2') throw new Error('ProvisionedThroughputExceededException');
      return { acquired: false, current: undefined };
    };
    const messages = [
      { messageId: 'm1', body: encodeRefreshMessage(key('a1')) },
      { messageId: 'm2', body: encodeRefreshMessage(key('a2')) },
      { messageId: 'm3', body: 'not json' },
    ];
    // Act
    const report = await refreshBatch(deps(lease), messages);
    // Assess
    expect(report.retry).toEqual(['m2', 'm3']);
    expect(report.outcomes).toMatchObject({ skipped: 1, crashed: 1, malformed: 1, refreshed: 0 });
  });

  it('asks the lease for a due record, so a second delivery of a refreshed key is a no-op', async () => {
    const conditions: unknown[] = [];
    const lease: AccountStore['acquireLease'] = async (_k, _l, condition) => {
      conditions.push(condition);
      return { acquired: false, current: undefined };
    };
    await refreshBatch(deps(lease), [{ messageId: 'm1', body: encodeRefreshMessage(key('a1')) }]);
    expect(conditions).toEqual([{ kind: 'due', now: expect.any(Number) }]);
  });
});
