import definition from '../../infra/table.json';
import {
  accountKeyOf,
  accountSk,
  eventIdOf,
  eventPk,
  installationPk,
  refreshShard,
  TABLE,
} from '../../lib/store/layout';

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
    ]);
    expect(definition.TimeToLiveSpecification.AttributeName).toBe(TABLE.ttl);
  });

  it('parses the keys it makes', () => {
    const key = { installationId: 'i1', integration: 'hubspot', account: 'a#b' };
    expect(accountKeyOf(installationPk(key.installationId), accountSk(key))).toEqual(key);
    expect(eventIdOf(eventPk('e1'))).toBe('e1');
    expect(eventIdOf(installationPk('e1'))).toBeUndefined();
    expect(refreshShard(key)).toMatch(/^due#[0-3]$/);
  });
});
