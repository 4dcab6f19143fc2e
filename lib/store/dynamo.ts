import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import { oncePer } from '../wiring/once-per';

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

/** The table reference of a configuration, created at first use and reused by warm invocations. */
export const tableRef = /* @__PURE__ */ oncePer(
  (config: Pick<Config, 'region' | 'dynamodbEndpoint' | 'local' | 'tableName'>): TableRef => ({
    client: documentClient(createDynamoClient(config)),
    tableName: config.tableName,
  }),
);
