import type { Egress, EgressRequest } from '../../lib/egress';
import { type DeliverySweepDeps, deliverDue, deliverInserted } from '../../lib/events/deliver-due';
import type { Outbox, OutboxEntry, TableStreamBatch } from '../../lib/store/outbox-ports';
import type { DueQueue } from '../../lib/store/ports';
import { memorySource } from '../secrets/memory-source';

const NOW = Date.parse('2026-11-26T10:00:00.000Z');

/** Pending events in memory, due from NOW, in two shards of pages of two. */
function world(ids: readonly string[]) {
  const entries = new Map<string, OutboxEntry>(
    ids.map((id) => [
      id,
      {
        id,
        type: 'account.authorized',
        installation: 'in_1',
        body: `{"id":"${id}"}`,
        state: 'pending',
        attempts: 0,
        createdAt: new Date(NOW).toISOString(),
        dueAt: NOW,
      },
    ]),
  );
  const claimedBy: number[] = [];
  const outbox: Outbox = {
    insertedIds: (batch) => batch.Records.map((record) => record.dynamodb?.Keys?.pk?.S ?? ''),
    async get(id) {
      return entries.get(id);
    },
    async claim(id, dueBy, leaseUntil) {
      const entry = entries.get(id);
      claimedBy.push(dueBy);
      if (entry === undefined || entry.state !== 'pending' || (entry.dueAt ?? 0) > dueBy) return undefined;
      const claimed = { ...entry, attempts: entry.attempts + 1, dueAt: leaseUntil };
      entries.set(id, claimed);
      return claimed;
    },
    async settle(id, _attempt, result) {
      const entry = entries.get(id);
      if (entry !== undefined)
        entries.set(id, { ...entry, state: result.kind === 'retry' ? 'pending' : result.kind });
      return true;
    },
  };
  const queried: string[] = [];
  const shards = {
    'event#0': ids.filter((_, index) => index % 2 === 0),
    'event#1': ids.filter((_, index) => index % 2 === 1),
  };
  const queue: DueQueue = {
    shards: (kind) => (kind === 'delivery' ? Object.keys(shards) : ['due#0']),
    async due(kind, shard, _now, limit, cursor) {
      queried.push(`${kind} ${shard}`);
      const all = shards[shard as keyof typeof shards] ?? [];
      const start = Number(cursor?.at ?? 0);
      const items = all.slice(start, start + limit) as never[];
      const next = start + limit < all.length ? { at: start + limit } : undefined;
      return { items, itemsRead: items.length, cursor: next };
    },
  };
  let inFlight = 0;
  let most = 0;
  const sent: EgressRequest[] = [];
  const egress: Egress = {
    async send(request) {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      sent.push(request);
      return { status: 204, headers: {}, body: Buffer.alloc(0) };
    },
    async close() {},
  };
  const deps: DeliverySweepDeps = {
    outbox,
    queue,
    egress,
    secrets: memorySource({ 'webhook-signing': 'signing-secret' }),
    webhookUrl: 'https://app.example.com/hooks',
    now: () => new Date(NOW),
    userAgent: 'Handshake-Webhooks/test',
  };
  return { deps, sent, queried, claimedBy, most: () => most };
}

const ids = (count: number) => Array.from({ length: count }, (_, index) => `evt_${index}`);

describe('deliverDue', () => {
  it('delivers every due event of every delivery shard, at most `concurrency` at once', async () => {
    const { deps, sent, queried, most } = world(ids(120));
    const report = await deliverDue(deps, { concurrency: 3, startBefore: Date.now() + 60_000 });
    expect(report).toEqual({ delivered: 120, retry: 0, dead: 0, not_due: 0 });
    expect(new Set(sent.map((request) => request.body)).size).toBe(120);
    expect(most()).toBe(3);
    expect(queried.every((query) => query.startsWith('delivery event#'))).toBe(true);
  });

  it('starts nothing once its time is up, and reads nothing when webhooks are off', async () => {
    const late = world(ids(4));
    expect(await deliverDue(late.deps, { concurrency: 2, startBefore: Date.now() - 1 })).toEqual({
      delivered: 0,
      retry: 0,
      dead: 0,
      not_due: 0,
    });
    expect(late.sent).toEqual([]);
    const off = world(ids(4));
    await deliverDue(
      { ...off.deps, webhookUrl: undefined },
      { concurrency: 2, startBefore: Date.now() + 60_000 },
    );
    expect(off.queried).toEqual([]);
    expect(off.sent).toEqual([]);
  });
});

describe('deliverInserted', () => {
  it('attempts each inserted event once, claiming up to the clock skew ahead', async () => {
    const { deps, sent, claimedBy, most } = world(ids(10));
    const batch: TableStreamBatch = {
      Records: ids(10).map((id) => ({ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: id } } } })),
    };
    const report = await deliverInserted(deps, batch, { concurrency: 4 });
    expect(report.delivered).toBe(10);
    expect(sent).toHaveLength(10);
    expect(most()).toBeLessThanOrEqual(4);
    expect(new Set(claimedBy)).toEqual(new Set([NOW + 5_000]));
  });
});
