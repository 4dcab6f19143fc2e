/**
 * What Lambda's SQS event source mapping does, for the local run and the tests: long-polls a
 * queue, hands each batch to the handler as an SQSEvent, deletes what the handler did not name
 * in `batchItemFailures` and leaves those to come back after their visibility timeout (and, past
 * maxReceiveCount, to the queue's redrive into its DLQ). A handler that throws fails the whole
 * batch, as on Lambda. `concurrency` pollers run side by side, like the mapping's
 * `maximumConcurrency`.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface PollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** Long-poll wait per receive, seconds (Lambda uses 20; tests want a prompt stop). */
  readonly waitSeconds?: number;
}

function recordOf(message: Message, arn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: 'us-east-1',
  };
}

async function pollOnce(options: PollerOptions, stopped: () => boolean): Promise<void> {
  const received = await options.client.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  const messages = received.Messages ?? [];
  if (messages.length === 0 || stopped()) return;
  const records = messages.map((message) => recordOf(message, options.queueArn));
  let failed: Set<string>;
  try {
    const answer = await options.handler({ Records: records });
    failed = new Set((answer?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch {
    failed = new Set(records.map((record) => record.messageId));
  }
  const done = records.filter((record) => !failed.has(record.messageId));
  if (done.length === 0) return;
  await options.client.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
    }),
  );
}

/** Starts the pollers; `stop()` lets each finish the batch in hand and resolves when all have. */
export function startSqsPoller(options: PollerOptions): { stop(): Promise<void> } {
  let stopping = false;
  const loops = Array.from({ length: options.concurrency ?? 1 }, async () => {
    while (!stopping) {
      await pollOnce(options, () => stopping).catch(async () => {
        // The queue is restarting or gone: wait a moment rather than spin.
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
    }
  });
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
