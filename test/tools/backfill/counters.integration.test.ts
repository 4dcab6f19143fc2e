/**
 * tools/backfill/counters.ts (`npm run recount`) on DynamoDB Local: a table whose counters were
 * lost (a stage deployed before them) or drifted reads true through GET /overview after the
 * recount, and a second run corrects nothing.
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OverviewView } from '../../../lib/overview/view';
import { COUNTERS, TABLE } from '../../../lib/store/layout';
import { recountCounters } from '../../../tools/backfill/counters';
import { ADMIN, bearer, createInstallation, useHarness, world } from '../../support/harness';

useHarness();

const overview = async () => {
  const response = await fetch(`${world.api.url}/overview`, { headers: bearer(ADMIN) });
  expect(response.status).toBe(200);
  return (await response.json()) as OverviewView;
};

async function imported(id: string, integration: string, account: string) {
  const response = await fetch(`${world.api.url}/installations/${id}/integrations/${integration}/import`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({ account, access_token: 'made-up', refresh_token: 'made-up', validate: 'none' }),
  });
  expect(response.status).toBe(200);
}

/** Every counter item removed, as a table from before the counters has none. */
async function forgetCounters() {
  for (let shard = 0; shard < COUNTERS.shards; shard += 1) {
    const { Items = [] } = await world.table.client.send(
      new QueryCommand({
        TableName: world.table.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': COUNTERS.pk(shard) },
      }),
    );
    for (const item of Items)
      await world.table.client.send(
        new DeleteCommand({ TableName: world.table.tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
  }
}

describe('npm run recount', () => {
  it('brings lost and drifted counters back to the records, and then has nothing to do', async () => {
    // Prepare: 3 installations, 3 crew accounts, 1 beta; the counters lost, then one drifted
    const ids = await Promise.all([1, 2, 3].map(async () => (await createInstallation()).id));
    const [first = '', second = ''] = ids;
    await imported(first, 'crew', 'agent-1');
    await imported(first, 'crew', 'agent-2');
    await imported(second, 'crew', 'agent-1');
    await imported(second, 'beta', 'default');
    const truth = await overview();
    await forgetCounters();
    const lost = await overview();
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: COUNTERS.pk(2), sk: COUNTERS.accounts('acme') },
        UpdateExpression: 'ADD authorized :five',
        ExpressionAttributeValues: { ':five': 5 },
      }),
    );
    // Act
    const report = await recountCounters(world.table);
    const recounted = await overview();
    const again = await recountCounters(world.table);
    // Assess
    expect(truth.installations.total).toBe(3);
    expect(truth.accounts.byStatus.authorized).toBe(4);
    expect(lost.installations.total).toBe(0);
    expect(report).toMatchObject({ installations: 3, accounts: 4 });
    expect(recounted.installations).toEqual(truth.installations);
    expect(recounted.accounts).toEqual(truth.accounts);
    expect(again.corrected).toBe(0);
  });
});
