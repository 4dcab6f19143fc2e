/**
 * tools/backfill/listing.ts on DynamoDB Local: items written before the listing index existed
 * (their listing attributes removed, as a deploy over old data finds them) are not listed by
 * GET /installations; after the backfill they are, in their filters, and a second run files nothing.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../../lib/store/layout';
import { backfillListing } from '../../tools/backfill/listing';
import { ADMIN, bearer, createInstallation, testInfrastructure, useHarness, world } from '../support/harness';

useHarness();

const listed = async (query = '') => {
  const response = await fetch(`${world.api.url}/installations${query}`, { headers: bearer(ADMIN) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { installations: Array<{ id: string }> }).installations.map(
    (row) => row.id,
  );
};

/** Every item as a deployment before the listing index left it: without its listing attributes. */
async function forgetListing(): Promise<number> {
  const { Items = [] } = await world.table.client.send(
    new ScanCommand({ TableName: world.table.tableName, ConsistentRead: true }),
  );
  const listedItems = Items.filter((item) => item[TABLE.listKey] !== undefined);
  for (const item of listedItems) {
    await world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'REMOVE #list, #order',
        ExpressionAttributeNames: { '#list': TABLE.listKey, '#order': TABLE.listOrder },
      }),
    );
  }
  return listedItems.length;
}

describe('npm run backfill-listing', () => {
  it('files old installations, accounts and events so they are listed, once', async () => {
    // Prepare: an installation with an imported account (an item of each kind)
    const { id } = await createInstallation();
    const imported = await fetch(`${world.api.url}/installations/${id}/integrations/beta/import`, {
      method: 'POST',
      headers: bearer(ADMIN),
      body: JSON.stringify({ access_token: 'old-access', expires_in: 3600, validate: 'none' }),
    });
    expect(imported.status).toBe(200);
    expect(await forgetListing()).toBeGreaterThanOrEqual(2);
    expect(await listed()).toEqual([]);
    const { table } = await testInfrastructure();
    // Act
    const report = await backfillListing(table);
    const again = await backfillListing(table);
    // Assess
    expect(report).toMatchObject({ installations: 1, accounts: 1, skipped: 0 });
    expect(again).toEqual({ installations: 0, accounts: 0, events: 0, skipped: 0 });
    expect(await listed()).toEqual([id]);
    expect(await listed('?status=authorized&integration=beta')).toEqual([id]);
    expect(await listed('?status=failing')).toEqual([]);
  });
});
