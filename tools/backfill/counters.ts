/**
 * `npm run recount`: sets the overview's installation and account counters to what the records
 * hold (docs/DECISIONS.md, "Issue 19: overview") — for a stage deployed before the counters, or
 * after a count was lost. A Scan, as a tool an operator runs may; the counters are then moved by
 * the difference (one ADD each, in shard 0), so writes that land meanwhile still count. Refresh
 * and delivery outcomes are history and cannot be recounted.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { eventStatusOf, LISTED_STATUSES } from '../../lib/accounts/events';
import { accountFromItem } from '../../lib/store/account-item';
import type { TableRef } from '../../lib/store/dynamo';
import { readShard } from '../../lib/store/dynamo-counters';
import { ACCOUNT_SK_PREFIX, COUNTERS, INSTALLATION_SK, TABLE } from '../../lib/store/layout';

type Counts = Map<string, Record<string, number>>;

export interface RecountReport {
  readonly installations: number;
  readonly accounts: number;
  /** Counters that were off, and moved. */
  readonly corrected: number;
}

const bump = (counts: Counts, sk: string, attribute: string, by: number) => {
  const entry = counts.get(sk) ?? {};
  entry[attribute] = (entry[attribute] ?? 0) + by;
  counts.set(sk, entry);
};

async function recorded(
  table: TableRef,
): Promise<{ counts: Counts; installations: number; accounts: number }> {
  const counts: Counts = new Map([[COUNTERS.installations, { [COUNTERS.total]: 0 }]]);
  let installations = 0;
  let accounts = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: '#sk = :installation OR begins_with(#sk, :account)',
        ExpressionAttributeNames: { '#sk': TABLE.sortKey },
        ExpressionAttributeValues: { ':installation': INSTALLATION_SK, ':account': ACCOUNT_SK_PREFIX },
        ConsistentRead: true,
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item[TABLE.sortKey] === INSTALLATION_SK) {
        installations += 1;
        bump(counts, COUNTERS.installations, COUNTERS.total, 1);
        continue;
      }
      try {
        const record = accountFromItem(item);
        accounts += 1;
        for (const status of LISTED_STATUSES) bump(counts, COUNTERS.accounts(record.integration), status, 0);
        bump(counts, COUNTERS.accounts(record.integration), eventStatusOf(record), 1);
      } catch {
        // A malformed item is counted by nothing, as by the API.
      }
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor !== undefined);
  return { counts, installations, accounts };
}

async function counted(table: TableRef): Promise<Counts> {
  const counts: Counts = new Map();
  const shards = Array.from({ length: COUNTERS.shards }, (_, shard) => readShard(table, shard));
  for (const item of (await Promise.all(shards)).flat()) {
    const sk = String(item[TABLE.sortKey]);
    if (sk !== COUNTERS.installations && !sk.startsWith(COUNTERS.accountsPrefix)) continue;
    for (const [name, value] of Object.entries(item))
      if (typeof value === 'number' && name !== TABLE.ttl) bump(counts, sk, name, value);
  }
  return counts;
}

export async function recountCounters(table: TableRef): Promise<RecountReport> {
  const truth = await recorded(table);
  const current = await counted(table);
  // Counters of an integration no record has any more go to zero too.
  for (const [sk, values] of current) for (const name of Object.keys(values)) bump(truth.counts, sk, name, 0);
  let corrected = 0;
  for (const [sk, values] of truth.counts) {
    for (const [name, value] of Object.entries(values)) {
      const delta = value - (current.get(sk)?.[name] ?? 0);
      if (delta === 0) continue;
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { [TABLE.partitionKey]: COUNTERS.pk(0), [TABLE.sortKey]: sk },
          UpdateExpression: 'ADD #name :delta',
          ExpressionAttributeNames: { '#name': name },
          ExpressionAttributeValues: { ':delta': delta },
        }),
      );
      corrected += 1;
    }
  }
  return { installations: truth.installations, accounts: truth.accounts, corrected };
}
