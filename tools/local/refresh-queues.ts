/**
 * The refresh queues of `npm start`, made on the local SQS server from the same generated part
 * of the template as in AWS (infra/refresh-queues.cjs): one queue per integration, with the
 * deployed visibility timeout, retention and redrive into one dead-letter queue.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

interface QueueResource {
  readonly Type: string;
  readonly Properties: {
    readonly QueueName?: string;
    readonly VisibilityTimeout?: number;
    readonly MessageRetentionPeriod?: number;
    readonly RedrivePolicy?: { readonly maxReceiveCount: number };
    readonly Tags?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  };
}

interface FanOutTemplate {
  readonly resources: { readonly Resources: Readonly<Record<string, QueueResource>> };
  readonly workerEvents: ReadonlyArray<{ readonly sqs: { readonly batchSize: number } }>;
}

const { fanOutTemplate } = require('../../infra/refresh-queues.cjs') as {
  fanOutTemplate(input: {
    stage: string;
    names: readonly string[];
    env: Readonly<Record<string, string | undefined>>;
  }): FanOutTemplate;
};

export interface LocalRefreshQueue {
  readonly integration: string;
  readonly url: string;
  readonly arn: string;
  readonly batchSize: number;
}

const DEAD_LETTERS = 'RefreshDeadLetterQueue';

async function create(client: SQSClient, name: string, attributes: Record<string, string>) {
  const url = (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })))
    .QueueUrl;
  if (url === undefined) throw new Error(`the local SQS server made no queue ${name}`);
  const found = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: found.Attributes?.QueueArn ?? '' };
}

const attributesOf = (queue: QueueResource['Properties']): Record<string, string> => ({
  ...(queue.VisibilityTimeout === undefined ? {} : { VisibilityTimeout: String(queue.VisibilityTimeout) }),
  ...(queue.MessageRetentionPeriod === undefined
    ? {}
    : { MessageRetentionPeriod: String(queue.MessageRetentionPeriod) }),
});

/** Creates (or finds: CreateQueue is idempotent) the stage's refresh queues; none without integrations. */
export async function createLocalRefreshQueues(
  client: SQSClient,
  stage: string,
  integrations: readonly string[],
): Promise<LocalRefreshQueue[]> {
  const template = fanOutTemplate({ stage, names: integrations, env: process.env });
  const resources = template.resources.Resources;
  const dead = resources[DEAD_LETTERS];
  if (dead === undefined) return [];
  const dlq = await create(
    client,
    dead.Properties.QueueName ?? `handshake-${stage}-refresh-dead-letters`,
    {},
  );
  const batchSize = template.workerEvents[0]?.sqs.batchSize ?? 10;
  const queues: LocalRefreshQueue[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::SQS::Queue' || id === DEAD_LETTERS) continue;
    const integration = resource.Properties.Tags?.find((tag) => tag.Key === 'handshake:integration')?.Value;
    if (integration === undefined) continue;
    const redrive = resource.Properties.RedrivePolicy;
    const made = await create(client, resource.Properties.QueueName ?? `handshake-${stage}-${id}`, {
      ...attributesOf(resource.Properties),
      ...(redrive === undefined
        ? {}
        : {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: dlq.arn,
              maxReceiveCount: redrive.maxReceiveCount,
            }),
          }),
    });
    queues.push({ integration, ...made, batchSize });
  }
  return queues;
}
