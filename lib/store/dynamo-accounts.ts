import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { eventStatusOf } from '../accounts/events';
import type { AccountRecord } from '../accounts/record';
import { accountAttributes, accountFromItem } from './account-item';
import type { TableRef } from './dynamo';
import { type CounterSink, immediateCounts } from './dynamo-counters';
import { isConditionFailure, translate } from './dynamo-errors';
import { outboxPut } from './dynamo-outbox';
import { writeWithinInstallation } from './dynamo-within-installation';
import {
  ACCOUNT_SK_PREFIX,
  accountSk,
  INSTALLATION_SK,
  installationPk,
  LISTING,
  listingAttributes,
  listingOrder,
  refreshShard,
  TABLE,
} from './layout';
import type { AccountStore, LeaseCondition, WriteExpectation } from './ports';

function toItem(record: AccountRecord, createdAt: string | undefined): Record<string, unknown> {
  const item = {
    ...accountAttributes(record),
    pk: installationPk(record.installationId),
    sk: accountSk(record),
    // Filed under its installation's position, so the listing finds the installation by its account.
    ...(createdAt === undefined
      ? {}
      : listingAttributes(
          LISTING.account(record.integration, eventStatusOf(record)),
          listingOrder(createdAt, record.installationId),
        )),
  };
  // Only records the sweep must visit are in the sparse index: an account that needs
  // reauthorization, or has no refresh token, costs the sweep nothing.
  if (record.status === 'authorized' && record.refreshDueAt !== undefined) {
    return { ...item, [TABLE.dueShardKey]: refreshShard(record), [TABLE.dueAtKey]: record.refreshDueAt };
  }
  return item;
}

/**
 * Installations' creation times, which never change: read once per installation and container
 * (a small consistent read, never a write), bounded so a long-lived sweep does not grow it.
 */
const createdAtOf = new Map<string, string>();
const CREATED_AT_CACHE = 10_000;

async function installationCreatedAt(table: TableRef, installationId: string): Promise<string | undefined> {
  const known = createdAtOf.get(installationId);
  if (known !== undefined) return known;
  const result = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: { pk: installationPk(installationId), sk: INSTALLATION_SK },
      ProjectionExpression: 'createdAt',
      ConsistentRead: true,
    }),
  );
  const createdAt = result.Item?.createdAt;
  // A missing installation: the write's own condition check refuses it.
  if (typeof createdAt !== 'string') return undefined;
  if (createdAtOf.size >= CREATED_AT_CACHE) createdAtOf.clear();
  createdAtOf.set(installationId, createdAt);
  return createdAt;
}

/** The record the lease update returned: its condition admits authorized accounts only. */
function leasedFromItem(item: Record<string, unknown>) {
  const record = accountFromItem(item);
  if (record.status !== 'authorized')
    throw new Error('a refresh lease was taken on an account that is not authorized');
  return record;
}

function leaseCondition(condition: LeaseCondition): { expression: string; values: Record<string, unknown> } {
  switch (condition.kind) {
    case 'due':
      return { expression: ' AND refreshDueAt <= :now', values: {} };
    case 'token_is':
      return { expression: ' AND accessToken = :token', values: { ':token': condition.accessToken } };
    case 'any':
      return { expression: '', values: {} };
  }
}

const acquireLeaseOf =
  (table: TableRef): AccountStore['acquireLease'] =>
  async (key, lease, condition) => {
    const { client, tableName } = table;
    const extra = leaseCondition(condition);
    const refreshable = lease.renewsItself === true ? '' : ' AND attribute_exists(refreshToken)';
    try {
      const result = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: installationPk(key.installationId), sk: accountSk(key) },
          UpdateExpression:
            'SET leaseOwner = :owner, leaseUntil = :until, #version = #version + :one, updatedAt = :updatedAt',
          ConditionExpression: `attribute_exists(#pk) AND #status = :authorized${refreshable} AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)${extra.expression}`,
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#status': 'status',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':owner': lease.owner,
            ':until': lease.until,
            ':one': 1,
            ':updatedAt': new Date(lease.now).toISOString(),
            ':authorized': 'authorized',
            ':now': lease.now,
            ...extra.values,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { acquired: true, record: leasedFromItem(result.Attributes ?? {}) };
    } catch (error) {
      if (!isConditionFailure(error)) return translate(error, 'take refresh lease');
    }
    return { acquired: false, current: await getOf(table)(key) };
  };

const getOf =
  (table: TableRef): AccountStore['get'] =>
  async (key) => {
    const { client, tableName } = table;
    try {
      const result = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: installationPk(key.installationId), sk: accountSk(key) },
          ConsistentRead: true,
        }),
      );
      return result.Item === undefined ? undefined : accountFromItem(result.Item);
    } catch (error) {
      return translate(error, 'read account');
    }
  };

const listOf =
  (table: TableRef): AccountStore['list'] =>
  async (installationId) => {
    const { client, tableName } = table;
    const records: AccountRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    try {
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
            ExpressionAttributeValues: {
              ':pk': installationPk(installationId),
              ':prefix': ACCOUNT_SK_PREFIX,
            },
            ConsistentRead: true,
            ExclusiveStartKey: cursor,
          }),
        );
        records.push(...(page.Items ?? []).map(accountFromItem));
        cursor = page.LastEvaluatedKey;
      } while (cursor !== undefined);
      return records;
    } catch (error) {
      return translate(error, 'list accounts');
    }
  };

const putOf =
  (table: TableRef, counts: CounterSink): AccountStore['put'] =>
  async (record, expect: WriteExpectation, events = [], tally) => {
    const { tableName } = table;
    const expectedNext = expect.kind === 'absent' ? 1 : expect.version + 1;
    if (record.version !== expectedNext) {
      throw new Error(`account write must carry version ${expectedNext}, got ${record.version}`);
    }
    const condition =
      expect.kind === 'absent'
        ? {
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          }
        : {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': expect.version },
          };
    const createdAt = await installationCreatedAt(table, record.installationId).catch((error: unknown) =>
      translate(error, 'read installation'),
    );
    await writeWithinInstallation(
      table,
      record.installationId,
      [
        { Put: { TableName: tableName, Item: toItem(record, createdAt), ...condition } },
        ...events.map((event) => outboxPut(tableName, event)),
      ],
      'write account',
    );
    await counts.add([
      {
        kind: 'account',
        integration: record.integration,
        from: expect.kind === 'version' ? expect.listed : undefined,
        to: eventStatusOf(record),
      },
      ...(tally === undefined ? [] : [{ kind: 'refresh' as const, outcome: tally.refresh, at: Date.now() }]),
    ]);
  };

const deleteOf =
  (table: TableRef, counts: CounterSink): AccountStore['delete'] =>
  async (key, expect, events = []) => {
    const { client, tableName } = table;
    const Delete = {
      TableName: tableName,
      Key: { pk: installationPk(key.installationId), sk: accountSk(key) },
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': expect.version },
    };
    try {
      if (events.length === 0) await client.send(new DeleteCommand(Delete));
      else
        await client.send(
          new TransactWriteCommand({
            TransactItems: [{ Delete }, ...events.map((event) => outboxPut(tableName, event))],
          }),
        );
    } catch (error) {
      translate(error, 'delete account');
    }
    await counts.add([{ kind: 'account', integration: key.integration, from: expect.listed }]);
  };

/** `counts` receives the overview's changes of each committed write (sent at once by default). */
export function dynamoAccountStore(
  table: TableRef,
  counts: CounterSink = immediateCounts(table),
): AccountStore {
  const store: AccountStore = {
    acquireLease: acquireLeaseOf(table),
    get: getOf(table),
    list: listOf(table),
    put: putOf(table, counts),
    delete: deleteOf(table, counts),
  };
  return store;
}
