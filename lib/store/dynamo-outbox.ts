import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './dynamo';
import { isConditionFailure, translate } from './dynamo-errors';
import { deliveryShard, EVENT_SK, eventIdOf, eventPk, TABLE } from './layout';
import type { DeliveryResult, Outbox, OutboxEntry, OutboxEvent, TableStreamBatch } from './ports';

/**
 * Outbox events live in partitions of their own (lib/store/layout.ts). A pending event is in
 * the due queue (kind `delivery`, lib/store/dynamo-due-queue.ts) until it is delivered or dead.
 */
const DAY_MS = 86_400_000;
/** How long a delivered event is kept (for support questions), and a dead one (to replay it). */
const DELIVERED_KEEP_MS = 7 * DAY_MS;
const DEAD_KEEP_MS = 30 * DAY_MS;

const ttlAfter = (at: number, keepMs: number): number => Math.floor((at + keepMs) / 1000);

/** The item of a new event, due at once; pending events also expire, after the dead ones' time. */
function outboxItem(event: OutboxEvent): Record<string, unknown> {
  const now = event.at;
  return {
    pk: eventPk(event.id),
    sk: EVENT_SK,
    id: event.id,
    type: event.type,
    installation: event.installation,
    body: event.body,
    state: 'pending',
    attempts: 0,
    createdAt: new Date(now).toISOString(),
    [TABLE.dueShardKey]: deliveryShard(event.id),
    [TABLE.dueAtKey]: now,
    [TABLE.ttl]: ttlAfter(now, DEAD_KEEP_MS),
  };
}

/** A Put for a transaction: the event is written with the change it reports, never twice. */
export function outboxPut(tableName: string, event: OutboxEvent) {
  return {
    Put: {
      TableName: tableName,
      Item: outboxItem(event),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    },
  };
}

function toEntry(item: Record<string, unknown>): OutboxEntry {
  return {
    id: String(item.id),
    type: String(item.type),
    installation: String(item.installation),
    body: String(item.body),
    state: item.state as OutboxEntry['state'],
    attempts: Number(item.attempts ?? 0),
    createdAt: String(item.createdAt),
    dueAt: typeof item[TABLE.dueAtKey] === 'number' ? (item[TABLE.dueAtKey] as number) : undefined,
    lastError: typeof item.lastError === 'string' ? item.lastError : undefined,
    deliveredAt: typeof item.deliveredAt === 'string' ? item.deliveredAt : undefined,
  };
}

function settleUpdate(result: DeliveryResult): {
  expression: string;
  values: Record<string, unknown>;
} {
  const at = new Date(result.at).toISOString();
  switch (result.kind) {
    case 'delivered':
      return {
        expression: 'SET #state = :delivered, deliveredAt = :at, #ttl = :ttl REMOVE #shard, #due, lastError',
        values: { ':delivered': 'delivered', ':at': at, ':ttl': ttlAfter(result.at, DELIVERED_KEEP_MS) },
      };
    case 'retry':
      return {
        expression: 'SET #due = :next, lastError = :error, lastAttemptAt = :at',
        values: { ':next': result.nextAt, ':error': result.error, ':at': at },
      };
    case 'dead':
      return {
        expression:
          'SET #state = :dead, lastError = :error, lastAttemptAt = :at, #ttl = :ttl REMOVE #shard, #due',
        values: {
          ':dead': 'dead',
          ':error': result.error,
          ':at': at,
          ':ttl': ttlAfter(result.at, DEAD_KEEP_MS),
        },
      };
  }
}

const key = (id: string) => ({ pk: eventPk(id), sk: EVENT_SK });

const getOf =
  (table: TableRef): Outbox['get'] =>
  async (id) => {
    const { client, tableName } = table;
    try {
      const result = await client.send(
        new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
      );
      return result.Item === undefined ? undefined : toEntry(result.Item);
    } catch (error) {
      return translate(error, 'read event');
    }
  };

const claimOf =
  (table: TableRef): Outbox['claim'] =>
  async (id, now, leaseUntil) => {
    const { client, tableName } = table;
    try {
      const result = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(id),
          UpdateExpression: 'SET #due = :until, attempts = attempts + :one',
          ConditionExpression: 'attribute_exists(#pk) AND #state = :pending AND #due <= :now',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#state': 'state',
            '#due': TABLE.dueAtKey,
          },
          ExpressionAttributeValues: {
            ':until': leaseUntil,
            ':one': 1,
            ':pending': 'pending',
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes === undefined ? undefined : toEntry(result.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      return translate(error, 'claim event');
    }
  };

const settleOf =
  (table: TableRef): Outbox['settle'] =>
  async (id, attempt, result) => {
    const { client, tableName } = table;
    const update = settleUpdate(result);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(id),
          UpdateExpression: update.expression,
          ConditionExpression: '#state = :pending AND attempts = :attempt',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#due': TABLE.dueAtKey,
            ...(result.kind === 'retry' ? {} : { '#shard': TABLE.dueShardKey, '#ttl': TABLE.ttl }),
          },
          ExpressionAttributeValues: { ...update.values, ':pending': 'pending', ':attempt': attempt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      return translate(error, 'record event delivery');
    }
  };

/** Event ids of the stream's new outbox items (the subscription filters for them too). */
function insertedIds(batch: TableStreamBatch): string[] {
  return batch.Records.flatMap((record) => {
    const id = eventIdOf(record.dynamodb?.Keys?.[TABLE.partitionKey]?.S ?? '');
    return record.eventName === 'INSERT' && id !== undefined ? [id] : [];
  });
}

export function dynamoOutbox(table: TableRef): Outbox {
  return {
    insertedIds,
    get: getOf(table),
    claim: claimOf(table),
    settle: settleOf(table),
  };
}
