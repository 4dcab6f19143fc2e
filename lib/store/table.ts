import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import definition from '../../infra/table.json';

/**
 * Creates the one table from infra/table.json, the single source of truth: serverless.yml
 * includes it for CloudFormation and `npm start` / the tests create the local table from it.
 * Attribute and index names in code come from ./layout.
 */

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: definition.AttributeDefinitions.map((a) => ({
      AttributeName: a.AttributeName,
      AttributeType: a.AttributeType as 'S' | 'N',
    })),
    KeySchema: definition.KeySchema.map((k) => ({
      AttributeName: k.AttributeName,
      KeyType: k.KeyType as 'HASH',
    })),
    GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema.map((k) => ({
        AttributeName: k.AttributeName,
        KeyType: k.KeyType as 'HASH',
      })),
      Projection: { ProjectionType: index.Projection.ProjectionType as 'KEYS_ONLY' },
    })),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Adds the indexes of infra/table.json that a table made before them lacks (a local table kept
 * from an older checkout), one per update as DynamoDB requires, each waited for until active —
 * what CloudFormation does to a deployed table. Its old items are listed once backfilled.
 */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, existing: ReadonlySet<string>) {
  const input = createTableInput(tableName);
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (index.IndexName === undefined || existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    for (let waited = 0; waited < 60_000; waited += 200) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const added = Table?.GlobalSecondaryIndexes?.find((each) => each.IndexName === index.IndexName);
      if (added?.IndexStatus === 'ACTIVE') break;
      await sleep(200);
    }
  }
}

/**
 * Creates the table (and its TTL setting) when it does not exist yet, or adds the indexes it
 * lacks; used locally only.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const names = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ''));
    await addMissingIndexes(client, tableName, names);
    return 'exists';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: {
        AttributeName: definition.TimeToLiveSpecification.AttributeName,
        Enabled: definition.TimeToLiveSpecification.Enabled,
      },
    }),
  );
  return 'created';
}
