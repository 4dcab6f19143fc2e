import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Sealed } from '../crypto/sealed';
import type { TableRef } from './dynamo';
import { addCounts, type CounterChange } from './dynamo-counters';
import { failedConditions, translate } from './dynamo-errors';
import { outboxPut } from './dynamo-outbox';
import {
  accountListingOf,
  INSTALLATION_ATTRIBUTES,
  INSTALLATION_SK,
  installationPk,
  LISTING,
  listingAttributes,
  listingOrder,
  TABLE,
} from './layout';
import type { InstallationRecord, InstallationStore, OutboxEvent } from './ports';

const BATCH_LIMIT = 25;
const MAX_BATCH_RETRIES = 8;

export interface InstallationItem {
  pk: string;
  sk: string;
  id: string;
  keyHash: string;
  iparams: Record<string, unknown>;
  secureIparams?: string;
  secureIparamNames?: string[];
  /** Absent when none were given (and on items written before installations had them). */
  endpointUrls?: Record<string, string>;
  /** Sealed JSON (lib/crypto/aad.ts appSettingsAad), with its top-level keys beside it. */
  appSettings?: string;
  appSettingNames?: string[];
  createdAt: string;
}

export function installationFromItem(item: InstallationItem): InstallationRecord {
  return {
    id: item.id,
    keyHash: item.keyHash,
    iparams: item.iparams,
    secureIparams: item.secureIparams as Sealed | undefined,
    secureIparamNames: item.secureIparamNames ?? [],
    ...(item.endpointUrls === undefined ? {} : { endpointUrls: item.endpointUrls }),
    ...(item.appSettings === undefined
      ? {}
      : { appSettings: { sealed: item.appSettings as Sealed, names: item.appSettingNames ?? [] } }),
    createdAt: item.createdAt,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deletes the items and takes the accounts among them off the overview's counts. */
async function deleteKeys(table: TableRef, items: Record<string, unknown>[]): Promise<void> {
  const { client, tableName } = table;
  const keys: Record<string, unknown>[] = items.map((item) => ({
    [TABLE.partitionKey]: item[TABLE.partitionKey],
    [TABLE.sortKey]: item[TABLE.sortKey],
  }));
  for (let start = 0; start < keys.length; start += BATCH_LIMIT) {
    let requests = keys.slice(start, start + BATCH_LIMIT).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > MAX_BATCH_RETRIES) throw new Error('unprocessed deletes remain after retries');
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.DeleteRequest?.Key === undefined
          ? []
          : [{ DeleteRequest: { Key: request.DeleteRequest.Key } }],
      );
      if (requests.length > 0) await sleep(2 ** attempt * 25);
    }
  }
  const accounts = items.flatMap((item): CounterChange[] => {
    const listed = accountListingOf(item[TABLE.listKey]);
    return listed === undefined
      ? []
      : [{ kind: 'account', integration: listed.integration, from: listed.status }];
  });
  await addCounts(table, accounts);
}
/** The partition's items, by key, with the listing key that says what each counted as. */
async function partitionKeys(table: TableRef, pk: string): Promise<Record<string, unknown>[]> {
  const { client, tableName } = table;
  const keys: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey, '#list': TABLE.listKey },
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: '#pk, #sk, #list',
        ConsistentRead: true,
        ExclusiveStartKey: cursor,
      }),
    );
    keys.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor !== undefined);
  return keys;
}
/** Deletes the installation item (with its events, in one transaction); false when it was gone. */
async function removeInstallationItem(
  table: TableRef,
  pk: string,
  events: readonly OutboxEvent[],
): Promise<boolean> {
  const { client, tableName } = table;
  const remove = {
    TableName: tableName,
    Key: { pk, sk: INSTALLATION_SK },
    ConditionExpression: 'attribute_exists(#pk)',
    ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
  };
  try {
    if (events.length === 0) {
      await client.send(new DeleteCommand(remove));
    } else {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [{ Delete: remove }, ...events.map((event) => outboxPut(tableName, event))],
        }),
      );
    }
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    if (failedConditions(error).includes(0)) return false;
    throw error;
  }
}

const createOf =
  (table: TableRef): InstallationStore['create'] =>
  async (record) => {
    const { client, tableName } = table;
    const item: InstallationItem & Record<string, unknown> = {
      ...listingAttributes(LISTING.installations, listingOrder(record.createdAt, record.id)),
      pk: installationPk(record.id),
      sk: INSTALLATION_SK,
      id: record.id,
      keyHash: record.keyHash,
      iparams: { ...record.iparams },
      ...(record.secureIparams === undefined ? {} : { secureIparams: record.secureIparams }),
      secureIparamNames: [...record.secureIparamNames],
      ...(record.endpointUrls === undefined ? {} : { endpointUrls: { ...record.endpointUrls } }),
      ...(record.appSettings === undefined
        ? {}
        : { appSettings: record.appSettings.sealed, appSettingNames: [...record.appSettings.names] }),
      createdAt: record.createdAt,
    };
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
    } catch (error) {
      translate(error, 'create installation');
    }
    await addCounts(table, [{ kind: 'installation', delta: 1 }]);
  };

const getOf =
  (table: TableRef): InstallationStore['get'] =>
  async (id) => {
    const { client, tableName } = table;
    try {
      const result = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: installationPk(id), sk: INSTALLATION_SK },
          ConsistentRead: true,
        }),
      );
      return result.Item === undefined ? undefined : installationFromItem(result.Item as InstallationItem);
    } catch (error) {
      return translate(error, 'read installation');
    }
  };

const replaceAppSettingsOf =
  (table: TableRef): InstallationStore['replaceAppSettings'] =>
  async (id, settings) => {
    const { client, tableName } = table;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: installationPk(id), sk: INSTALLATION_SK },
          UpdateExpression: 'SET #settings = :settings, #names = :names',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#settings': INSTALLATION_ATTRIBUTES.appSettings,
            '#names': INSTALLATION_ATTRIBUTES.appSettingNames,
          },
          ExpressionAttributeValues: { ':settings': settings.sealed, ':names': [...settings.names] },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      return translate(error, 'replace app settings');
    }
  };

const deleteOf =
  (table: TableRef): InstallationStore['delete'] =>
  async (id, events = []) => {
    const pk = installationPk(id);
    try {
      // The installation item goes first and conditionally: from that moment every token
      // or state write for this installation fails its ConditionCheck, so nothing written
      // by a racing callback can outlive the sweep of the partition below.
      const removed = await removeInstallationItem(table, pk, events);
      if (!removed) {
        // Already gone — still finish a delete that an earlier attempt may have left halfway.
        await deleteKeys(table, await partitionKeys(table, pk));
        return false;
      }
      await deleteKeys(table, await partitionKeys(table, pk));
      await addCounts(table, [{ kind: 'installation', delta: -1 }]);
      return true;
    } catch (error) {
      return translate(error, 'delete installation');
    }
  };

export function dynamoInstallationStore(table: TableRef): InstallationStore {
  const store: InstallationStore = {
    create: createOf(table),
    get: getOf(table),
    replaceAppSettings: replaceAppSettingsOf(table),
    delete: deleteOf(table),
  };
  return store;
}
