import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

/** The local SQS server the integration run's global setup started (tools/local/sqs-server). */
export function testSqsEndpoint(): string {
  const endpoint = process.env.HANDSHAKE_TEST_SQS_ENDPOINT;
  if (endpoint === undefined)
    throw new Error('the local SQS server is not running: integration tests need the global setup');
  return endpoint;
}

/** A client of the shared local SQS server (any credentials: it checks none). */
export const testSqsClient = (): SQSClient =>
  new SQSClient({
    region: 'us-east-1',
    endpoint: testSqsEndpoint(),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

export interface TestQueue {
  readonly url: string;
  readonly arn: string;
  /** Its dead-letter queue's URL. */
  readonly dlq: string;
}

const arnOf = async (client: SQSClient, url: string): Promise<string> =>
  (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn ?? '';

/**
 * A queue of its own (a unique name on the shared server) with a dead-letter queue, as
 * serverless.yml makes them: after `maxReceiveCount` deliveries a message rests in the DLQ.
 */
export async function createTestQueue(
  client: SQSClient,
  prefix: string,
  options: { readonly visibilityTimeoutSeconds?: number; readonly maxReceiveCount?: number } = {},
): Promise<TestQueue> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const dlq = (await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl ?? '';
  const url =
    (
      await client.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 1),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: await arnOf(client, dlq),
              maxReceiveCount: options.maxReceiveCount ?? 2,
            }),
          },
        }),
      )
    ).QueueUrl ?? '';
  return { url, arn: await arnOf(client, url), dlq };
}
