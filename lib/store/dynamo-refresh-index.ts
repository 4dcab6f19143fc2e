import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo';
import { translate } from './dynamo-errors';
import { accountKeyOf } from './keys';
import type { AccountKey, RefreshIndex } from './ports';
import { REFRESH_SHARDS, TABLE } from './table';

/**
 * The sparse `byRefreshDue` index: only authorized token records with a refresh time are in
 * it, keyed by shard and due time, keys only. A sweep therefore reads one small index item per
 * due token, however many tokens are stored.
 */
export function dynamoRefreshIndex(table: TableRef): RefreshIndex {
  const { client, tableName } = table;
  return {
    shards: Array.from({ length: REFRESH_SHARDS }, (_, index) => `due#${index}`),
    async due(shard, now, limit, cursor) {
      try {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: TABLE.refreshIndex,
            KeyConditionExpression: '#shard = :shard AND #due <= :now',
            ExpressionAttributeNames: { '#shard': TABLE.refreshShardKey, '#due': TABLE.refreshDueKey },
            ExpressionAttributeValues: { ':shard': shard, ':now': now },
            Limit: limit,
            ExclusiveStartKey: cursor,
          }),
        );
        const keys: AccountKey[] = [];
        for (const item of page.Items ?? []) {
          const key = accountKeyOf(String(item.pk), String(item.sk));
          if (key !== undefined) keys.push(key);
        }
        return { keys, itemsRead: page.ScannedCount ?? keys.length, cursor: page.LastEvaluatedKey };
      } catch (error) {
        return translate(error, 'query the refresh index');
      }
    },
  };
}
