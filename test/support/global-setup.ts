import { freePort, startDynamoLocal } from '../../tools/local/dynamodb-local';
import { startSqsServer } from '../../tools/local/sqs-server';

/**
 * One in-memory DynamoDB Local and one local SQS server for the whole integration run; each
 * test file makes its own table and its own queues.
 */
export default async function globalSetup(): Promise<void> {
  const [dynamo, sqs] = await Promise.all([
    startDynamoLocal({ port: await freePort() }),
    startSqsServer({ port: await freePort() }),
  ]);
  process.env.HANDSHAKE_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.HANDSHAKE_TEST_SQS_ENDPOINT = sqs.endpoint;
  Object.assign(globalThis, { __handshakeDynamo: dynamo, __handshakeSqs: sqs });
}
