import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, documentClient, type TableRef } from '../../lib/store/dynamo';
import { ensureTable } from '../../lib/store/table';

export interface TestTable extends TableRef {
  readonly raw: DynamoDBClient;
  readonly endpoint: string;
  drop(): Promise<void>;
}

export function testEndpoint(): string {
  const endpoint = process.env.HANDSHAKE_TEST_DYNAMODB_ENDPOINT;
  if (endpoint === undefined)
    throw new Error('DynamoDB Local is not running: integration tests need the global setup');
  return endpoint;
}

/** A fresh table on the shared DynamoDB Local, created from infra/table.json like the real one. */
export async function createTestTable(): Promise<TestTable> {
  const endpoint = testEndpoint();
  const raw = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: endpoint, local: true });
  const tableName = `test-${randomUUID()}`;
  await ensureTable(raw, tableName).catch((error: unknown) => {
    raw.destroy();
    throw error;
  });
  const client: DynamoDBDocumentClient = documentClient(raw);
  return {
    raw,
    client,
    tableName,
    endpoint,
    drop: async () => {
      try {
        await raw.send(new DeleteTableCommand({ TableName: tableName }));
      } finally {
        raw.destroy();
      }
    },
  };
}
