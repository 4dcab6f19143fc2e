import { freePort, startDynamoLocal } from '../../tools/local/dynamodb-local';

/** One in-memory DynamoDB Local for the whole integration run; each test file makes its own table. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoLocal({ port: await freePort() });
  process.env.HANDSHAKE_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  (globalThis as { __handshakeDynamo?: typeof dynamo }).__handshakeDynamo = dynamo;
}
