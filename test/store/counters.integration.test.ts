/**
 * The overview's counters on DynamoDB Local: the ADDs a request's write sends at once, and the
 * batches a sweep keeps back — sent every SWEEP_COUNTS_BATCH changes and at its end, merged so
 * that a hundred refreshes in one hour are one ADD per bucket, never a count lost or doubled.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  addCounts,
  batchedCounts,
  type CounterChange,
  dynamoOverviewCounters,
  immediateCounts,
} from '../../lib/store/dynamo-counters';
import { bucketStart } from '../../lib/store/layout';
import { createTestTable, type TestTable } from '../support/dynamo';

let table: TestTable;
beforeEach(async () => {
  table = await createTestTable();
});
afterEach(async () => {
  await table.drop();
});

const AT = Date.UTC(2026, 11, 3, 10, 30);
const refresh = (outcome: 'refreshed' | 'failed' | 'grant_died', at = AT): CounterChange => ({
  kind: 'refresh',
  outcome,
  at,
});
const hourOf = async (at = AT) =>
  (await dynamoOverviewCounters(table).read()).refreshes.hour.get(bucketStart('hour', at)) ?? {};
const itemCount = async () =>
  (await table.client.send(new ScanCommand({ TableName: table.tableName }))).Count;

describe('the counters a sweep sends in batches', () => {
  it('keeps changes back until a batch is full, then sends them merged; the rest at flush', async () => {
    // Arrange
    const counts = batchedCounts(table, 10);
    // Act: 9 kept back.
    for (let i = 0; i < 9; i++) await counts.add([refresh('refreshed')]);
    const before = await hourOf();
    // The 10th fills the batch; then 5 more are kept until flush.
    await counts.add([refresh('failed')]);
    const full = await hourOf();
    for (let i = 0; i < 5; i++) await counts.add([refresh('grant_died')]);
    const kept = await hourOf();
    await counts.flush();
    const flushed = await hourOf();
    // Assess
    expect(before).toEqual({});
    expect(full).toEqual({ refreshed: 9, failed: 1 });
    expect(kept).toEqual({ refreshed: 9, failed: 1 });
    expect(flushed).toEqual({ refreshed: 9, failed: 1, grant_died: 5 });
  });

  it('merges a batch into one item per bucket and counter, whatever the number of changes', async () => {
    // Arrange
    const counts = batchedCounts(table);
    const nextHour = AT + 3_600_000;
    // Act
    for (let i = 0; i < 60; i++) await counts.add([refresh('refreshed', i % 2 === 0 ? AT : nextHour)]);
    await counts.add([
      { kind: 'account', integration: 'hubspot', from: 'authorized', to: 'reauthorization_required' },
    ]);
    await counts.flush();
    // Assess: two hourly buckets, one daily, one account counter (one shard per batch).
    expect(await itemCount()).toBe(4);
    expect(await hourOf()).toEqual({ refreshed: 30 });
    expect(await hourOf(nextHour)).toEqual({ refreshed: 30 });
    const snapshot = await dynamoOverviewCounters(table).read();
    expect(snapshot.refreshes.day.get(bucketStart('day', AT))).toEqual({ refreshed: 60 });
    expect(snapshot.accounts.get('hubspot')).toEqual({ authorized: -1, reauthorization_required: 1 });
  });

  it('a flush with nothing kept sends nothing; a second flush sends nothing again', async () => {
    const counts = batchedCounts(table);
    await counts.flush();
    await counts.add([refresh('refreshed')]);
    await counts.flush();
    await counts.flush();
    expect(await hourOf()).toEqual({ refreshed: 1 });
  });
});

describe('the counters a request sends at once', () => {
  it('adds each write as it commits, on top of what is there', async () => {
    const counts = immediateCounts(table);
    await addCounts(table, [refresh('refreshed')]);
    await counts.add([refresh('refreshed'), refresh('grant_died')]);
    expect(await hourOf()).toEqual({ refreshed: 2, grant_died: 1 });
  });
});
