import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Sealed } from '../../lib/crypto/sealed';
import { NotFoundError } from '../../lib/errors';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { dynamoResponseCache } from '../../lib/store/dynamo-response-cache';
import { installationPk, responseCacheSk, TABLE } from '../../lib/store/layout';
import type { CachedResponse } from '../../lib/store/ports';
import { createTestTable, type TestTable } from '../support/dynamo';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

let counter = 0;
async function newInstallation(): Promise<string> {
  counter += 1;
  const id = `in_cache${counter}${Date.now()}`;
  await dynamoInstallationStore(table).create({
    id,
    keyHash: 'ab'.repeat(32),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date().toISOString(),
  });
  return id;
}

const entry = (installationId: string, over: Partial<CachedResponse> = {}): CachedResponse => ({
  installationId,
  requestHash: 'a'.repeat(64),
  grant: '["2026-01-01T00:00:00.000Z",null]',
  expiresAt: 1_900_000_000_123,
  envelope: 'v1.k1.iv.sealed' as Sealed,
  ...over,
});

const rawItem = async (id: string, hash: string) =>
  (
    await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: installationPk(id), sk: responseCacheSk(hash) },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('the response cache store', () => {
  it('writes an entry in the installation partition with DynamoDB ttl, and reads it back', async () => {
    const id = await newInstallation();
    const cache = dynamoResponseCache(table);
    await cache.put(entry(id));
    expect(await cache.get(id, 'a'.repeat(64))).toEqual(entry(id));
    expect(await rawItem(id, 'a'.repeat(64))).toMatchObject({ [TABLE.ttl]: 1_900_000_001 });
    await cache.put(entry(id, { grant: 'newer' }));
    expect((await cache.get(id, 'a'.repeat(64)))?.grant).toBe('newer');
    expect(await cache.get(id, 'b'.repeat(64))).toBeUndefined();
  });

  it('refuses to write for an installation that is gone, and writes nothing', async () => {
    const id = await newInstallation();
    await dynamoInstallationStore(table).delete(id);
    await expect(dynamoResponseCache(table).put(entry(id))).rejects.toBeInstanceOf(NotFoundError);
    expect(await rawItem(id, 'a'.repeat(64))).toBeUndefined();
  });

  it('reads an item with a missing or mistyped attribute as no entry', async () => {
    const id = await newInstallation();
    const hash = 'c'.repeat(64);
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: installationPk(id),
          sk: responseCacheSk(hash),
          grant: 'g',
          expiresAt: '1',
          envelope: 'x',
        },
      }),
    );
    expect(await dynamoResponseCache(table).get(id, hash)).toBeUndefined();
  });
});
