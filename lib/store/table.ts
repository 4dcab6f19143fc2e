import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
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

/** Creates the table (and its TTL setting) when it does not exist yet; used locally only. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
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
