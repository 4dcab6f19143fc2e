import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo';
import { translate } from './dynamo-errors';
import { TABLE } from './layout';
import type { ListingPage, ListingReader } from './ports';

/**
 * Up to `wanted` distinct positions of one listing partition, newest first, older than
 * `before`. Several items may share a position (an installation's accounts in one partition):
 * pages are read until `wanted` distinct ones are in hand or the partition ends.
 */
async function positionsOf(
  table: TableRef,
  partition: string,
  before: string | undefined,
  wanted: number,
): Promise<Set<string>> {
  const positions = new Set<string>();
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: TABLE.listIndex,
        KeyConditionExpression: before === undefined ? '#key = :key' : '#key = :key AND #order < :before',
        ExpressionAttributeNames: { '#key': TABLE.listKey, '#order': TABLE.listOrder },
        ExpressionAttributeValues: {
          ':key': partition,
          ...(before === undefined ? {} : { ':before': before }),
        },
        ProjectionExpression: '#order',
        ScanIndexForward: false,
        Limit: wanted,
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) positions.add(String(item[TABLE.listOrder]));
    cursor = page.LastEvaluatedKey;
  } while (cursor !== undefined && positions.size < wanted);
  return positions;
}

/**
 * One page of a listing that spans `partitions`: each is read for `limit + 1` distinct
 * positions (the one more says whether a next page exists), the union taken newest first. An
 * item found in two partitions, or twice in one, is one position: listed once. The next page
 * starts strictly below the last position shown, so nothing is shown twice across pages.
 */
async function page(
  table: TableRef,
  partitions: readonly string[],
  limit: number,
  before: string | undefined,
): Promise<ListingPage> {
  try {
    const found = await Promise.all(
      partitions.map((partition) => positionsOf(table, partition, before, limit + 1)),
    );
    const all = [...new Set(found.flatMap((positions) => [...positions]))].sort().reverse();
    return { positions: all.slice(0, limit), more: all.length > limit };
  } catch (error) {
    return translate(error, 'read listing');
  }
}

export const dynamoListing = (table: TableRef): ListingReader => ({
  page: (partitions, limit, before) => page(table, partitions, limit, before),
});
