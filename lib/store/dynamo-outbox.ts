import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryTally } from './counter-ports';
import type { TableRef } from './dynamo';
import { addCounts } from './dynamo-counters';
import { isConditionFailure, translate } from './dynamo-errors';
import {
  deliveryShard,
  EVENT_SK,
  eventIdOf,
  eventPk,
  LISTING,
  listingAttributes,
  listingOrder,
  TABLE,
} from './layout';
import type { DeliveryResult, Outbox, OutboxEntry, OutboxReplay, TableStreamBatch } from './outbox-ports';
import type { OutboxEvent } from './ports';

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
  const createdAt = new Date(now).toISOString();
  return {
    ...listingAttributes(LISTING.events('pending'), listingOrder(createdAt, event.id)),
    pk: eventPk(event.id),
    sk: EVENT_SK,
    id: event.id,
    type: event.type,
    installation: event.installation,
    body: event.body,
    state: 'pending',
    attempts: 0,
    createdAt,
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
    lastStatus: typeof item.lastStatus === 'number' ? item.lastStatus : undefined,
    lastAttemptAt: typeof item.lastAttemptAt === 'string' ? item.lastAttemptAt : undefined,
    deliveredAt: typeof item.deliveredAt === 'string' ? item.deliveredAt : undefined,
  };
}

/**
 * The update that ends an attempt: its time and the receiver's status (when it answered one)
 * on every outcome; a settled event leaves the due queue and moves to its state's listing.
 */
function settleUpdate(result: DeliveryResult): {
  expression: string;
  values: Record<string, unknown>;
} {
  const at = new Date(result.at).toISOString();
  const status = result.status === undefined ? {} : { ':status': result.status };
  const set = ['lastAttemptAt = :at', ...(result.status === undefined ? [] : ['lastStatus = :status'])];
  const remove = result.status === undefined ? ['lastStatus'] : [];
  const update = (sets: string[], removes: string[], values: Record<string, unknown>) => {
    const removed = [...remove, ...removes];
    return {
      expression: `SET ${[...set, ...sets].join(', ')}${removed.length === 0 ? '' : ` REMOVE ${removed.join(', ')}`}`,
      values: { ':at': at, ...status, ...values },
    };
  };
  switch (result.kind) {
    case 'delivered':
      return update(
        ['#state = :delivered', 'deliveredAt = :at', '#ttl = :ttl', '#list = :list'],
        ['#shard', '#due', 'lastError'],
        {
          ':delivered': 'delivered',
          ':ttl': ttlAfter(result.at, DELIVERED_KEEP_MS),
          ':list': LISTING.events('delivered'),
        },
      );
    case 'retry':
      return update(['#due = :next', 'lastError = :error'], [], {
        ':next': result.nextAt,
        ':error': result.error,
      });
    case 'dead':
      return update(
        ['#state = :dead', 'lastError = :error', '#ttl = :ttl', '#list = :list'],
        ['#shard', '#due'],
        {
          ':dead': 'dead',
          ':error': result.error,
          ':ttl': ttlAfter(result.at, DEAD_KEEP_MS),
          ':list': LISTING.events('dead'),
        },
      );
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

const DELIVERY_TALLY: Readonly<Record<DeliveryResult['kind'], DeliveryTally>> = {
  delivered: 'delivered',
  retry: 'retried',
  dead: 'dead',
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
            ...(result.kind === 'retry'
              ? {}
              : { '#shard': TABLE.dueShardKey, '#ttl': TABLE.ttl, '#list': TABLE.listKey }),
          },
          ExpressionAttributeValues: { ...update.values, ':pending': 'pending', ':attempt': attempt },
        }),
      );
      await addCounts(table, [{ kind: 'delivery', outcome: DELIVERY_TALLY[result.kind], at: result.at }]);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      return translate(error, 'record event delivery');
    }
  };

const replayOf =
  (table: TableRef): OutboxReplay['replay'] =>
  async (id, now) => {
    const { client, tableName } = table;
    try {
      const result = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(id),
          UpdateExpression:
            'SET #state = :pending, attempts = :zero, #shard = :shard, #due = :now, #ttl = :ttl, #list = :list, replayedAt = :at',
          ConditionExpression: 'attribute_exists(#pk) AND #state = :dead',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#state': 'state',
            '#shard': TABLE.dueShardKey,
            '#due': TABLE.dueAtKey,
            '#ttl': TABLE.ttl,
            '#list': TABLE.listKey,
          },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':dead': 'dead',
            ':zero': 0,
            ':shard': deliveryShard(id),
            ':now': now,
            ':ttl': ttlAfter(now, DEAD_KEEP_MS),
            ':list': LISTING.events('pending'),
            ':at': new Date(now).toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { outcome: 'replayed', entry: toEntry(result.Attributes ?? {}) };
    } catch (error) {
      if (!isConditionFailure(error)) return translate(error, 'replay event');
    }
    const entry = await getOf(table)(id);
    return entry === undefined ? { outcome: 'missing' } : { outcome: 'not_dead', entry };
  };

/** Event ids of the stream's new outbox items (the subscription filters for them too). */
function insertedIds(batch: TableStreamBatch): string[] {
  return batch.Records.flatMap((record) => {
    const id = eventIdOf(record.dynamodb?.Keys?.[TABLE.partitionKey]?.S ?? '');
    return record.eventName === 'INSERT' && id !== undefined ? [id] : [];
  });
}

export function dynamoOutbox(table: TableRef): Outbox & OutboxReplay {
  return {
    insertedIds,
    get: getOf(table),
    claim: claimOf(table),
    settle: settleOf(table),
    replay: replayOf(table),
  };
}
