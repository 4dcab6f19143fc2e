import type { TableRef } from '../../lib/store/dynamo';
import { dynamoOutbox } from '../../lib/store/dynamo-outbox';
import { accountSk, EVENT_SK, eventPk, installationPk } from '../../lib/store/layout';
import type { TableStreamBatch } from '../../lib/store/outbox-ports';

// Decoding a batch reads no table.
const outbox = dynamoOutbox({} as TableRef);

const record = (eventName: string, pk: string, sk: string): TableStreamBatch['Records'][number] => ({
  eventName,
  dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } },
});

describe('the outbox’s reading of the table stream', () => {
  it('takes the ids of inserted events, and nothing of other records', () => {
    const batch: TableStreamBatch = {
      Records: [
        record('INSERT', eventPk('evt_one'), EVENT_SK),
        record('MODIFY', eventPk('evt_claimed'), EVENT_SK),
        record('REMOVE', eventPk('evt_expired'), EVENT_SK),
        record('INSERT', installationPk('in_1'), accountSk({ integration: 'crm', account: 'a' })),
        { eventName: 'INSERT' },
        { eventName: 'INSERT', dynamodb: { Keys: { pk: {} } } },
        record('INSERT', eventPk('evt_two'), EVENT_SK),
      ],
    };
    expect(outbox.insertedIds(batch)).toEqual(['evt_one', 'evt_two']);
  });
});
