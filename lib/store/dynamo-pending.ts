import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo';
import { failedConditions, isConditionFailure, translate } from './dynamo-errors';
import { writeWithinInstallation } from './dynamo-within-installation';
import { installationPk, pendingSk, TABLE } from './layout';
import type { PendingKind, PendingRecord, PendingStore } from './ports';

/**
 * A used link or state stays readable for a day after it expires, so a second click can be
 * told "already used" instead of "unknown"; DynamoDB TTL then removes it.
 */
const TTL_GRACE_SECONDS = 24 * 60 * 60;

function toRecord(item: Record<string, unknown>): PendingRecord {
  const { [TABLE.partitionKey]: _pk, [TABLE.sortKey]: _sk, [TABLE.ttl]: _ttl, ...record } = item;
  return record as unknown as PendingRecord;
}

async function get(table: TableRef, kind: PendingKind, installationId: string, hash: string) {
  const { client, tableName } = table;
  try {
    const result = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: installationPk(installationId), sk: pendingSk(kind, hash) },
        ConsistentRead: true,
      }),
    );
    return result.Item === undefined ? undefined : toRecord(result.Item);
  } catch (error) {
    return translate(error, `read ${kind}`);
  }
}
async function whyNotConsumed(table: TableRef, kind: PendingKind, installationId: string, hash: string) {
  const existing = await get(table, kind, installationId, hash);
  if (existing === undefined) return { outcome: 'unknown' } as const;
  return { outcome: existing.usedAt === undefined ? 'expired' : 'used' } as const;
}

const putOf =
  (table: TableRef): PendingStore['put'] =>
  async (record) => {
    const { tableName } = table;
    const item = {
      ...record,
      pk: installationPk(record.installationId),
      sk: pendingSk(record.kind, record.hash),
      [TABLE.ttl]: Math.ceil(record.expiresAt / 1000) + TTL_GRACE_SECONDS,
    };
    await writeWithinInstallation(
      table,
      record.installationId,
      [
        {
          Put: {
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          },
        },
      ],
      `write ${record.kind}`,
    );
  };

const consumeOf =
  (table: TableRef): PendingStore['consume'] =>
  async (kind, installationId, hash, now) => {
    const { client, tableName } = table;
    try {
      const result = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: installationPk(installationId), sk: pendingSk(kind, hash) },
          UpdateExpression: 'SET usedAt = :usedAt',
          // One conditional update decides the single winner: unused, unexpired, existing.
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':usedAt': new Date(now).toISOString(), ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'consumed', record: toRecord(result.Attributes ?? {}) };
    } catch (error) {
      if (!isConditionFailure(error)) return translate(error, `consume ${kind}`);
    }
    return whyNotConsumed(table, kind, installationId, hash);
  };

const consumeStateAndLinkOf =
  (table: TableRef): PendingStore['consumeStateAndLink'] =>
  async (installationId, stateHash, linkHash, now) => {
    const { client, tableName } = table;
    const pk = installationPk(installationId);
    const usedAt = new Date(now).toISOString();
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: { pk, sk: pendingSk('state', stateHash) },
                UpdateExpression: 'SET usedAt = :usedAt',
                ConditionExpression:
                  'attribute_exists(#pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                ExpressionAttributeValues: { ':usedAt': usedAt, ':now': now },
              },
            },
            {
              // The state's own expiry bounds the flow; the link only has to be unspent.
              Update: {
                TableName: tableName,
                Key: { pk, sk: pendingSk('link', linkHash) },
                UpdateExpression: 'SET usedAt = :usedAt',
                ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(usedAt)',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                ExpressionAttributeValues: { ':usedAt': usedAt },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.length === 0) return translate(error, 'consume state');
      if (failed.includes(0)) return whyNotConsumed(table, 'state', installationId, stateHash);
      return { outcome: 'link_used' };
    }
    const record = await get(table, 'state', installationId, stateHash);
    if (record === undefined) return { outcome: 'unknown' };
    return { outcome: 'consumed', record };
  };

export function dynamoPendingStore(table: TableRef): PendingStore {
  const store: PendingStore = {
    get: (kind, installationId, hash) => get(table, kind, installationId, hash),
    put: putOf(table),
    consume: consumeOf(table),
    consumeStateAndLink: consumeStateAndLinkOf(table),
  };
  return store;
}
