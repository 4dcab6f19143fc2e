import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';

/** What an adapter needs to reach the table; injected so tests can point at DynamoDB Local. */
export interface TableRef {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoClient(
  config: Pick<Config, 'region' | 'dynamodbEndpoint' | 'local'>,
): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.dynamodbEndpoint === undefined ? {} : { endpoint: config.dynamodbEndpoint }),
    // DynamoDB Local accepts any credentials; fixed ones keep `invoke local` working on a
    // machine without an AWS profile.
    ...(config.local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
}

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/**
 * A new table reference (and DynamoDB client) for a configuration. Built once per container by
 * lib/wiring/infrastructure.ts, so warm invocations reuse its connections.
 */
export const tableRef = (
  config: Pick<Config, 'region' | 'dynamodbEndpoint' | 'local' | 'tableName'>,
): TableRef => ({
  client: documentClient(createDynamoClient(config)),
  tableName: config.tableName,
});
