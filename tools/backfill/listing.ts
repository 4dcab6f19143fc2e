/**
 * The one-off that files items written before the listing index existed (docs/DECISIONS.md,
 * "Issue 19: listings"): every installation, account and outbox event without `listKey` gets
 * the listing attributes its next write would give it (lib/store/layout.ts). A Scan, as a tool
 * run once by an operator may; each update is conditioned on the attribute still being absent
 * (and an account's on the version read), so it runs beside live traffic and can run again.
 */
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { eventStatusOf } from '../../lib/accounts/events';
import { accountFromItem } from '../../lib/store/account-item';
import type { TableRef } from '../../lib/store/dynamo';
import {
  ACCOUNT_SK_PREFIX,
  EVENT_SK,
  INSTALLATION_SK,
  installationPk,
  LISTING,
  listingOrder,
  TABLE,
} from '../../lib/store/layout';

export interface BackfillReport {
  installations: number;
  accounts: number;
  events: number;
  /** Changed meanwhile (its own write filed it), malformed, or of an installation that is gone. */
  skipped: number;
}

type Item = Record<string, unknown>;

async function* unlisted(table: TableRef): AsyncGenerator<Item> {
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression:
          'attribute_not_exists(#list) AND (#sk = :installation OR #sk = :event OR begins_with(#sk, :account))',
        ExpressionAttributeNames: { '#list': TABLE.listKey, '#sk': TABLE.sortKey },
        ExpressionAttributeValues: {
          ':installation': INSTALLATION_SK,
          ':event': EVENT_SK,
          ':account': ACCOUNT_SK_PREFIX,
        },
        ExclusiveStartKey: cursor,
      }),
    );
    yield* page.Items ?? [];
    cursor = page.LastEvaluatedKey;
  } while (cursor !== undefined);
}

/** Sets the listing attributes if still absent and `condition` holds; false when it did not. */
async function file(
  table: TableRef,
  item: Item,
  key: string,
  order: string,
  condition?: { expression: string; names: Record<string, string>; values: Item },
) {
  try {
    await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { [TABLE.partitionKey]: item[TABLE.partitionKey], [TABLE.sortKey]: item[TABLE.sortKey] },
        UpdateExpression: 'SET #list = :list, #order = :order',
        ConditionExpression: `attribute_exists(#pk) AND attribute_not_exists(#list)${condition === undefined ? '' : ` AND ${condition.expression}`}`,
        ExpressionAttributeNames: {
          '#pk': TABLE.partitionKey,
          '#list': TABLE.listKey,
          '#order': TABLE.listOrder,
          ...condition?.names,
        },
        ExpressionAttributeValues: { ':list': key, ':order': order, ...condition?.values },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

async function createdAtOf(table: TableRef, installationId: string, known: Map<string, string | undefined>) {
  if (!known.has(installationId)) {
    const result = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { [TABLE.partitionKey]: installationPk(installationId), [TABLE.sortKey]: INSTALLATION_SK },
        ProjectionExpression: 'createdAt',
        ConsistentRead: true,
      }),
    );
    const createdAt = result.Item?.createdAt;
    known.set(installationId, typeof createdAt === 'string' ? createdAt : undefined);
  }
  return known.get(installationId);
}

/** Which listing an unlisted item goes to; undefined when it cannot be filed (malformed, orphaned). */
async function filed(table: TableRef, item: Item, known: Map<string, string | undefined>) {
  const sk = String(item[TABLE.sortKey]);
  if (sk === INSTALLATION_SK && typeof item.createdAt === 'string' && typeof item.id === 'string') {
    return {
      kind: 'installations' as const,
      ok: await file(table, item, LISTING.installations, listingOrder(item.createdAt, item.id)),
    };
  }
  if (sk === EVENT_SK && typeof item.createdAt === 'string' && typeof item.state === 'string') {
    const condition = {
      expression: '#state = :state',
      names: { '#state': 'state' },
      values: { ':state': item.state },
    };
    return {
      kind: 'events' as const,
      ok: await file(
        table,
        item,
        LISTING.events(item.state),
        listingOrder(item.createdAt, String(item.id)),
        condition,
      ),
    };
  }
  if (!sk.startsWith(ACCOUNT_SK_PREFIX)) return undefined;
  const record = accountFromItem(item);
  const createdAt = await createdAtOf(table, record.installationId, known);
  if (createdAt === undefined) return undefined;
  const condition = {
    expression: '#version = :version',
    names: { '#version': 'version' },
    values: { ':version': record.version },
  };
  const key = LISTING.account(record.integration, eventStatusOf(record));
  return {
    kind: 'accounts' as const,
    ok: await file(table, item, key, listingOrder(createdAt, record.installationId), condition),
  };
}

export async function backfillListing(table: TableRef): Promise<BackfillReport> {
  const report: BackfillReport = { installations: 0, accounts: 0, events: 0, skipped: 0 };
  const known = new Map<string, string | undefined>();
  for await (const item of unlisted(table)) {
    let outcome: Awaited<ReturnType<typeof filed>>;
    try {
      outcome = await filed(table, item, known);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'MalformedAccountItem')) throw error;
      outcome = undefined;
    }
    if (outcome?.ok === true) report[outcome.kind] += 1;
    else report.skipped += 1;
  }
  return report;
}
