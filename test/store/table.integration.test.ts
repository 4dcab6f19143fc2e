/**
 * lib/store/table.ts on DynamoDB Local: a local table kept from before the listing index (an
 * older checkout's `npm start`) gets the index it lacks, as CloudFormation adds it to a stage.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, documentClient } from '../../lib/store/dynamo';
import { LISTING, TABLE } from '../../lib/store/layout';
import { createTableInput, ensureTable } from '../../lib/store/table';
import { testEndpoint } from '../support/dynamo';

const raw = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: testEndpoint(), local: true });
const tableName = `test-old-${randomUUID()}`;
afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  raw.destroy();
});

describe('ensureTable on a table from before the listing index', () => {
  it('adds the missing index, active and queryable, and keeps the table', async () => {
    // Prepare: the table as infra/table.json declared it before the listing index
    const current = createTableInput(tableName);
    await raw.send(
      new CreateTableCommand({
        ...current,
        AttributeDefinitions: current.AttributeDefinitions?.filter(
          (attribute) =>
            attribute.AttributeName !== TABLE.listKey && attribute.AttributeName !== TABLE.listOrder,
        ),
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes?.filter(
          (index) => index.IndexName === TABLE.dueIndex,
        ),
      }),
    );
    // Act
    const outcome = await ensureTable(raw, tableName);
    // Assess
    expect(outcome).toBe('exists');
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    expect(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.IndexStatus]).sort(),
    ).toEqual([
      [TABLE.listIndex, 'ACTIVE'],
      [TABLE.dueIndex, 'ACTIVE'],
    ]);
    const page = await documentClient(raw).send(
      new QueryCommand({
        TableName: tableName,
        IndexName: TABLE.listIndex,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': TABLE.listKey },
        ExpressionAttributeValues: { ':key': LISTING.installations },
      }),
    );
    expect(page.Items).toEqual([]);
  });
});
