import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountKey } from '../accounts/record';
import type { TableRef } from './dynamo';
import { translate } from './dynamo-errors';
import { accountKeyOf, refreshShards, TABLE } from './layout';
import type { RefreshIndex } from './ports';

export interface DueItems {
  readonly items: ReadonlyArray<Record<string, unknown>>;
  readonly itemsRead: number;
  readonly cursor: Record<string, unknown> | undefined;
}

/** One page of the sparse index: the keys of `shard` due at or before `now`, oldest first. */
export async function queryDue(
  table: TableRef,
  shard: string,
  now: number,
  limit: number,
  cursor: Readonly<Record<string, unknown>> | undefined,
  operation: string,
): Promise<DueItems> {
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
    const items = page.Items ?? [];
    return { items, itemsRead: page.ScannedCount ?? items.length, cursor: page.LastEvaluatedKey };
  } catch (error) {
    return translate(error, operation);
  }
}

/**
 * The sparse `byRefreshDue` index: only authorized token records with a refresh time are in
 * it, keyed by shard and due time, keys only. A sweep therefore reads one small index item per
 * due token, however many tokens are stored.
 */
export function dynamoRefreshIndex(table: TableRef): RefreshIndex {
  return {
    shards: refreshShards(),
    async due(shard, now, limit, cursor) {
      const page = await queryDue(table, shard, now, limit, cursor, 'query the refresh index');
      const keys: AccountKey[] = [];
      for (const item of page.items) {
        const key = accountKeyOf(String(item.pk), String(item.sk));
        if (key !== undefined) keys.push(key);
      }
      return { keys, itemsRead: page.itemsRead, cursor: page.cursor };
    },
  };
}
