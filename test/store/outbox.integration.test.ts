/**
 * The outbox on DynamoDB Local: events are written in the same transaction as the change they
 * report (or not at all), an attempt is claimed by exactly one sender, and a settled event
 * leaves the due index.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../../lib/accounts/record';
import type { Sealed } from '../../lib/crypto/sealed';
import { ConflictError } from '../../lib/errors';
import { newEventId } from '../../lib/events/event';
import { dynamoAccountStore } from '../../lib/store/dynamo-accounts';
import { dynamoDueQueue } from '../../lib/store/dynamo-due-queue';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { dynamoOutbox } from '../../lib/store/dynamo-outbox';
import { eventPk, TABLE } from '../../lib/store/layout';
import type { OutboxEvent } from '../../lib/store/ports';
import { createTestTable, type TestTable } from '../support/dynamo';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

const NOW = Date.now();
let counter = 0;

function event(installation: string, at = NOW): OutboxEvent {
  const id = newEventId();
  return { id, type: 'account.authorized', installation, body: JSON.stringify({ id }), at };
}

async function newInstallation(): Promise<string> {
  counter += 1;
  const id = `in_outbox${counter}${NOW}`;
  await dynamoInstallationStore(table).create({
    id,
    keyHash: 'ab'.repeat(32),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date(NOW).toISOString(),
  });
  return id;
}

const account = (installationId: string, version: number): AccountRecord => ({
  installationId,
  integration: 'crm',
  account: 'default',
  status: 'authorized',
  tokens: { accessToken: 'v1.k1.a.b' as Sealed },
  authorizedAt: new Date(NOW).toISOString(),
  version,
  updatedAt: new Date(NOW).toISOString(),
});

async function stored(id: string) {
  const result = await table.client.send(
    new GetCommand({
      TableName: table.tableName,
      Key: { pk: eventPk(id), sk: 'EVENT' },
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

async function dueIds(now: number): Promise<string[]> {
  const queue = dynamoDueQueue(table);
  const pages = await Promise.all(
    queue.shards('delivery').map((shard) => queue.due('delivery', shard, now, 100)),
  );
  return pages.flatMap((page) => page.items);
}

describe('the outbox', () => {
  it('is written with an account write, and not at all when that write is refused', async () => {
    const installationId = await newInstallation();
    const accounts = dynamoAccountStore(table);
    const written = event(installationId);
    await accounts.put(account(installationId, 1), { kind: 'absent' }, [written]);
    expect(await stored(written.id)).toMatchObject({ state: 'pending', attempts: 0, body: written.body });

    const refused = event(installationId);
    await expect(
      accounts.put(account(installationId, 1), { kind: 'absent' }, [refused]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await stored(refused.id)).toBeUndefined();
  });

  it('is written with the removal of an installation, outside its partition, and not when it was gone', async () => {
    const installationId = await newInstallation();
    const installations = dynamoInstallationStore(table);
    const deleted = event(installationId);
    expect(await installations.delete(installationId, [deleted])).toBe(true);
    expect(await stored(deleted.id)).toMatchObject({ state: 'pending' });
    const again = event(installationId);
    expect(await installations.delete(installationId, [again])).toBe(false);
    expect(await stored(again.id)).toBeUndefined();
  });

  it('lets exactly one of many concurrent senders claim an attempt', async () => {
    const installationId = await newInstallation();
    const contested = event(installationId);
    await dynamoAccountStore(table).put(account(installationId, 1), { kind: 'absent' }, [contested]);
    const outbox = dynamoOutbox(table);
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => outbox.claim(contested.id, NOW + 1000, NOW + 30_000)),
    );
    const winners = claims.filter((claim) => claim !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ id: contested.id, attempts: 1, dueAt: NOW + 30_000 });
    // Claimed: not due until its lease ends, so a sweep in between does not send it.
    expect(await dueIds(NOW + 1000)).not.toContain(contested.id);
    expect(await dueIds(NOW + 30_000)).toContain(contested.id);
  });

  it('settles only the attempt that is current, and takes a delivered or dead event out of the index', async () => {
    const installationId = await newInstallation();
    const [first, second] = [event(installationId), event(installationId)];
    await dynamoAccountStore(table).put(account(installationId, 1), { kind: 'absent' }, [first, second]);
    const outbox = dynamoOutbox(table);

    await outbox.claim(first.id, NOW, NOW + 30_000);
    // Its lease ran out and another sender took attempt 2: the late attempt 1 must not settle it.
    expect(await outbox.claim(first.id, NOW + 30_000, NOW + 60_000)).toMatchObject({ attempts: 2 });
    expect(await outbox.settle(first.id, 1, { kind: 'delivered', at: NOW })).toBe(false);
    expect(
      await outbox.settle(first.id, 2, { kind: 'retry', at: NOW, nextAt: NOW + 10_000, error: 'HTTP 500' }),
    ).toBe(true);
    expect(await outbox.get(first.id)).toMatchObject({
      state: 'pending',
      dueAt: NOW + 10_000,
      lastError: 'HTTP 500',
    });
    await outbox.claim(first.id, NOW + 10_000, NOW + 40_000);
    expect(await outbox.settle(first.id, 3, { kind: 'delivered', at: NOW + 11_000 })).toBe(true);
    const delivered = await stored(first.id);
    expect(delivered).toMatchObject({
      state: 'delivered',
      deliveredAt: new Date(NOW + 11_000).toISOString(),
    });
    expect(delivered?.[TABLE.dueAtKey]).toBeUndefined();
    expect(delivered?.[TABLE.ttl]).toBe(Math.floor((NOW + 11_000 + 7 * 86_400_000) / 1000));

    await outbox.claim(second.id, NOW, NOW + 30_000);
    expect(await outbox.settle(second.id, 1, { kind: 'dead', at: NOW, error: 'HTTP 410' })).toBe(true);
    expect(await outbox.get(second.id)).toMatchObject({ state: 'dead', lastError: 'HTTP 410' });
    expect(await dueIds(Number.MAX_SAFE_INTEGER)).not.toEqual(expect.arrayContaining([first.id, second.id]));
    // A settled event cannot be claimed again.
    expect(await outbox.claim(second.id, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });

  it('keeps events out of the refresh sweep’s shards', async () => {
    const result = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: TABLE.dueIndex,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': TABLE.dueShardKey },
        ExpressionAttributeValues: { ':shard': 'due#0' },
      }),
    );
    expect((result.Items ?? []).filter((item) => String(item.pk).startsWith('EVENT#'))).toEqual([]);
  });
});
