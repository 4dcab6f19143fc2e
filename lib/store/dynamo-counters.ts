import { randomInt } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LISTED_STATUSES, type ListedStatus } from '../accounts/events';
import { describeError, logger } from '../observability/logger';
import { count } from '../observability/metrics';
import {
  type BucketCounts,
  type CounterSnapshot,
  DELIVERY_OUTCOMES,
  type DeliveryTally,
  type OverviewCounters,
  REFRESH_OUTCOMES,
  type RefreshTally,
} from './counter-ports';
import type { TableRef } from './dynamo';
import { translate } from './dynamo-errors';
import { bucketStart, COUNTERS, type CounterGrain, type CounterSeries, TABLE } from './layout';

/** What one committed write changes in the overview's counters. */
export type CounterChange =
  | { readonly kind: 'installation'; readonly delta: 1 | -1 }
  | {
      readonly kind: 'account';
      readonly integration: string;
      /** The status it leaves (absent for a new account) and the one it takes (absent when deleted). */
      readonly from?: ListedStatus | undefined;
      readonly to?: ListedStatus | undefined;
    }
  | { readonly kind: 'refresh'; readonly outcome: RefreshTally; readonly at: number }
  | { readonly kind: 'delivery'; readonly outcome: DeliveryTally; readonly at: number };

type Update = { sk: string; add: Record<string, number>; ttl?: number };

const GRAINS: readonly CounterGrain[] = ['hour', 'day'];

function bucketUpdates(series: CounterSeries, outcome: string, at: number): Update[] {
  return GRAINS.map((grain) => ({
    sk: COUNTERS.bucket(series, grain, bucketStart(grain, at)),
    add: { [outcome]: 1 },
    ttl: Math.floor((at + COUNTERS.keepMs[grain]) / 1000),
  }));
}

function updatesOf(change: CounterChange): Update[] {
  switch (change.kind) {
    case 'installation':
      return [{ sk: COUNTERS.installations, add: { [COUNTERS.total]: change.delta } }];
    case 'account': {
      if (change.from === change.to) return [];
      const add: Record<string, number> = {};
      if (change.from !== undefined) add[change.from] = -1;
      if (change.to !== undefined) add[change.to] = 1;
      return [{ sk: COUNTERS.accounts(change.integration), add }];
    }
    case 'refresh':
      return bucketUpdates('REFRESH', change.outcome, change.at);
    case 'delivery':
      return bucketUpdates('DELIVERY', change.outcome, change.at);
  }
}

/** One update per item: an installation's delete moves many accounts off the same counters. */
function merged(updates: readonly Update[]): Update[] {
  const bySk = new Map<string, Update>();
  for (const update of updates) {
    const known = bySk.get(update.sk);
    if (known === undefined) {
      bySk.set(update.sk, { ...update, add: { ...update.add } });
      continue;
    }
    for (const [name, delta] of Object.entries(update.add)) known.add[name] = (known.add[name] ?? 0) + delta;
  }
  return [...bySk.values()];
}

function updateCommand(tableName: string, shard: number, update: Update): UpdateCommand {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = Object.entries(update.add).map(([attribute, delta], index) => {
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = delta;
    return `#a${index} :a${index}`;
  });
  const ttl = update.ttl === undefined ? '' : ' SET #ttl = :ttl';
  if (update.ttl !== undefined) {
    names['#ttl'] = TABLE.ttl;
    values[':ttl'] = update.ttl;
  }
  return new UpdateCommand({
    TableName: tableName,
    Key: { [TABLE.partitionKey]: COUNTERS.pk(shard), [TABLE.sortKey]: update.sk },
    UpdateExpression: `ADD ${adds.join(', ')}${ttl}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Adds the changes of a write that has committed. Not in the write's transaction on purpose: a
 * counter item shared by every refresh inside transactions would make concurrent refreshes
 * cancel each other (TransactionConflict), while plain ADDs on one item serialize. The price
 * is that a container dying between the write and this ADD loses one count
 * (docs/console.md says how to recount). A failure here is logged, never the caller's error:
 * the write it counts has happened.
 */
export async function addCounts(table: TableRef, changes: readonly CounterChange[]): Promise<void> {
  const updates = merged(changes.flatMap(updatesOf));
  if (updates.length === 0) return;
  const shard = randomInt(COUNTERS.shards);
  const results = await Promise.allSettled(
    updates.map((update) => table.client.send(updateCommand(table.tableName, shard, update))),
  );
  for (const result of results) {
    if (result.status === 'rejected') {
      count('OverviewCounterFailed');
      logger.warn('overview counter not updated', describeError(result.reason));
    }
  }
}

/** Where a store sends the counter changes of the writes it committed. */
export interface CounterSink {
  add(changes: readonly CounterChange[]): Promise<void>;
}

/** Each write's changes sent as it commits: what a request's writes do. */
export const immediateCounts = (table: TableRef): CounterSink => ({
  add: (changes) => addCounts(table, changes),
});

/** Changes a sweep keeps back before sending them merged (two refreshes in the same hour: one ADD). */
export const SWEEP_COUNTS_BATCH = 100;

/**
 * Changes kept and sent merged, every `batch` changes and at `flush()`: a sweep of N refreshes
 * makes a few ADDs, not 2N, which would double its DynamoDB requests. The price: the overview
 * lags the sweep by up to a batch, and a container that dies mid-sweep loses at most a batch.
 */
export function batchedCounts(
  table: TableRef,
  batch = SWEEP_COUNTS_BATCH,
): CounterSink & { flush(): Promise<void> } {
  let pending: CounterChange[] = [];
  const flush = async () => {
    const sent = pending;
    pending = [];
    await addCounts(table, sent);
  };
  return {
    add: async (changes) => {
      pending.push(...changes);
      if (pending.length >= batch) await flush();
    },
    flush,
  };
}

type MutableCounts = Map<string, Record<string, number>>;

function addInto(
  target: MutableCounts,
  key: string,
  item: Record<string, unknown>,
  names: readonly string[],
) {
  const entry = target.get(key) ?? {};
  for (const name of names) {
    const value = item[name];
    if (typeof value === 'number') entry[name] = (entry[name] ?? 0) + value;
  }
  target.set(key, entry);
}

function readItem(
  item: Record<string, unknown>,
  into: {
    installations: { n: number };
    accounts: MutableCounts;
    series: Record<CounterSeries, Record<CounterGrain, MutableCounts>>;
  },
) {
  const sk = String(item[TABLE.sortKey]);
  if (sk === COUNTERS.installations) {
    const n = item[COUNTERS.total];
    if (typeof n === 'number') into.installations.n += n;
    return;
  }
  if (sk.startsWith(COUNTERS.accountsPrefix)) {
    addInto(into.accounts, sk.slice(COUNTERS.accountsPrefix.length), item, LISTED_STATUSES);
    return;
  }
  const [series, grain, start] = sk.split('#');
  if ((series === 'REFRESH' || series === 'DELIVERY') && (grain === 'hour' || grain === 'day') && start) {
    const outcomes = series === 'REFRESH' ? REFRESH_OUTCOMES : DELIVERY_OUTCOMES;
    addInto(into.series[series][grain], start, item, outcomes);
  }
}

/** Every counter item of one shard (the read, and `npm run recount`). */
export async function readShard(table: TableRef, shard: number): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': COUNTERS.pk(shard) },
        ConsistentRead: true,
        ExclusiveStartKey: cursor,
      }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor !== undefined);
  return items;
}

const readOf = (table: TableRef) => async (): Promise<CounterSnapshot> => {
  try {
    const shards = await Promise.all(
      Array.from({ length: COUNTERS.shards }, (_, shard) => readShard(table, shard)),
    );
    const into = {
      installations: { n: 0 },
      accounts: new Map() as MutableCounts,
      series: {
        REFRESH: { hour: new Map(), day: new Map() },
        DELIVERY: { hour: new Map(), day: new Map() },
      } as Record<CounterSeries, Record<CounterGrain, MutableCounts>>,
    };
    for (const item of shards.flat()) readItem(item, into);
    return {
      installations: into.installations.n,
      accounts: into.accounts,
      refreshes: into.series.REFRESH as { hour: BucketCounts<RefreshTally>; day: BucketCounts<RefreshTally> },
      deliveries: into.series.DELIVERY as {
        hour: BucketCounts<DeliveryTally>;
        day: BucketCounts<DeliveryTally>;
      },
    };
  } catch (error) {
    return translate(error, 'read overview counters');
  }
};

export function dynamoOverviewCounters(table: TableRef): OverviewCounters {
  return { read: readOf(table) };
}
