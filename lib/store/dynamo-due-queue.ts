import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo';
import { translate } from './dynamo-errors';
import { accountKeyOf, dueShards, eventIdOf, TABLE } from './layout';
import type { DueCursor, DueItems, DueKind, DuePage, DueQueue } from './ports';

/** What each kind's index entry (keys only) is the key of; entries of other items are skipped. */
const decoders: { readonly [K in DueKind]: (pk: string, sk: string) => DueItems[K] | undefined } = {
  refresh: accountKeyOf,
  delivery: (pk) => eventIdOf(pk),
};

const operations: Readonly<Record<DueKind, string>> = {
  refresh: 'query the refresh index',
  delivery: 'query due events',
};

async function due<K extends DueKind>(
  table: TableRef,
  kind: K,
  shard: string,
  now: number,
  limit: number,
  cursor: DueCursor,
): Promise<DuePage<K>> {
  try {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: TABLE.dueIndex,
        KeyConditionExpression: '#shard = :shard AND #due <= :now',
        ExpressionAttributeNames: { '#shard': TABLE.dueShardKey, '#due': TABLE.dueAtKey },
        ExpressionAttributeValues: { ':shard': shard, ':now': now },
        Limit: limit,
        ExclusiveStartKey: cursor,
      }),
    );
    const entries = page.Items ?? [];
    const decode = decoders[kind];
    const items = entries.flatMap((entry) => {
      const item = decode(String(entry[TABLE.partitionKey]), String(entry[TABLE.sortKey]));
      return item === undefined ? [] : [item];
    });
    return { items, itemsRead: page.ScannedCount ?? entries.length, cursor: page.LastEvaluatedKey };
  } catch (error) {
    return translate(error, operations[kind]);
  }
}

/**
 * The due queue over the sparse due index (TABLE.dueIndex): only token records the refresh
 * sweep must visit and pending outbox events carry its attributes, keyed by shard and due
 * time, keys only. A sweep therefore reads one small index entry per due item, however many
 * records are stored.
 */
export function dynamoDueQueue(table: TableRef): DueQueue {
  return {
    shards: dueShards,
    due: (kind, shard, now, limit, cursor) => due(table, kind, shard, now, limit, cursor),
  };
}
