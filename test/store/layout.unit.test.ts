import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import definition from '../../infra/table.json';
import {
  accountKeyOf,
  accountSk,
  deliveryShard,
  dueShards,
  EVENT_PK_PREFIX,
  eventIdOf,
  eventPk,
  installationPk,
  LISTING,
  listingIdOf,
  listingOrder,
  refreshShard,
  TABLE,
} from '../../lib/store/layout';
import { REPO_ROOT } from '../support/local-env';
import { readServerlessFile } from '../support/serverless-file';

describe('the table layout', () => {
  it('names the same keys, index and TTL as infra/table.json', () => {
    expect(definition.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(definition.GlobalSecondaryIndexes.map((index) => [index.IndexName, index.KeySchema])).toEqual([
      [
        TABLE.dueIndex,
        [
          { AttributeName: TABLE.dueShardKey, KeyType: 'HASH' },
          { AttributeName: TABLE.dueAtKey, KeyType: 'RANGE' },
        ],
      ],
      [
        TABLE.listIndex,
        [
          { AttributeName: TABLE.listKey, KeyType: 'HASH' },
          { AttributeName: TABLE.listOrder, KeyType: 'RANGE' },
        ],
      ],
    ]);
    for (const index of definition.GlobalSecondaryIndexes) {
      expect(index.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    }
    expect(definition.AttributeDefinitions).toEqual([
      { AttributeName: TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE.sortKey, AttributeType: 'S' },
      { AttributeName: TABLE.dueShardKey, AttributeType: 'S' },
      { AttributeName: TABLE.dueAtKey, AttributeType: 'N' },
      { AttributeName: TABLE.listKey, AttributeType: 'S' },
      { AttributeName: TABLE.listOrder, AttributeType: 'S' },
    ]);
    expect(definition.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttl, Enabled: true });
  });

  it('keeps the stored names existing tables hold (an index cannot be renamed in place)', () => {
    expect(TABLE).toEqual({
      partitionKey: 'pk',
      sortKey: 'sk',
      dueIndex: 'byRefreshDue',
      dueShardKey: 'dueShard',
      dueAtKey: 'dueAt',
      listIndex: 'byListing',
      listKey: 'listKey',
      listOrder: 'listOrder',
      ttl: 'ttl',
    });
    expect([LISTING.installations, LISTING.account('hubspot', 'failing'), LISTING.events('dead')]).toEqual([
      'LIST#ALL',
      'LIST#hubspot#failing',
      'EVENTS#dead',
    ]);
    expect(dueShards('refresh')).toEqual(['due#0', 'due#1', 'due#2', 'due#3']);
    expect(dueShards('delivery')).toEqual(['event#0', 'event#1']);
    // A stored entry is found in the shard it was written to: the shard hash never changes.
    const account = (name: string) => ({ installationId: 'in_1', integration: 'hubspot', account: name });
    expect(['a', 'd', 'f'].map((name) => refreshShard(account(name)))).toEqual(['due#1', 'due#3', 'due#0']);
    expect(['evt_1', 'evt_4'].map(deliveryShard)).toEqual(['event#0', 'event#1']);
  });

  it('is what the deploy names: the roles’ index ARNs and the stream’s event filter', () => {
    const roles = readFileSync(join(REPO_ROOT, 'infra', 'roles.yml'), 'utf8');
    const indexes = [...roles.matchAll(/\/index\/([A-Za-z0-9_.-]+)/g)].map((match) => match[1]);
    expect(indexes.length).toBeGreaterThan(0);
    expect(new Set(indexes)).toEqual(new Set([TABLE.dueIndex, TABLE.listIndex]));
    const deliver = readServerlessFile().functions.deliver as unknown as {
      events: Array<{ stream?: { filterPatterns: unknown[] } }>;
    };
    const patterns = deliver.events.flatMap((event) => event.stream?.filterPatterns ?? []);
    expect(patterns).toEqual([
      {
        eventName: ['INSERT'],
        dynamodb: { Keys: { [TABLE.partitionKey]: { S: [{ prefix: EVENT_PK_PREFIX }] } } },
      },
    ]);
  });

  it('parses the keys it makes', () => {
    const key = { installationId: 'i1', integration: 'hubspot', account: 'a#b' };
    expect(accountKeyOf(installationPk(key.installationId), accountSk(key))).toEqual(key);
    expect(eventIdOf(eventPk('e1'))).toBe('e1');
    expect(eventIdOf(installationPk('e1'))).toBeUndefined();
    expect(listingIdOf(listingOrder('2026-12-02T18:00:00.000Z', 'in_1'))).toBe('in_1');
    expect(dueShards('refresh')).toContain(refreshShard(key));
    expect(dueShards('delivery')).toContain(deliveryShard('evt_1'));
  });
});
