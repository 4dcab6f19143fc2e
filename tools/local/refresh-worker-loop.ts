/**
 * serverless-offline runs no SQS event source without ElasticMQ, so under `npm start` this loop
 * stands in for Lambda's event source mappings: it polls each integration's local refresh queue
 * (tools/local/sqs-poller.ts) and invokes the refreshWorker function through serverless-offline's
 * Lambda API with each batch — the same handler on the same queue messages as in AWS. Its
 * `batchItemFailures` stay in the queue for another delivery; a function error fails the batch.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import type { LocalRefreshQueue } from './refresh-queues';
import { type SqsHandler, startSqsPoller } from './sqs-poller';

/** Lambda instances per queue locally: enough to show batches side by side, few for a laptop. */
const LOCAL_CONCURRENCY = 2;

/** The SQS handler that is serverless-offline's function at `functionUrl` (its Lambda invoke API). */
export function invokedHandler(functionUrl: string): SqsHandler {
  return async (event) => {
    const response = await fetch(functionUrl, { method: 'POST', body: JSON.stringify(event) });
    const text = await response.text();
    if (!response.ok || response.headers.has('x-amz-function-error'))
      throw new Error(`the local refreshWorker failed (${response.status})`);
    const answer = JSON.parse(text) as SQSBatchResponse | null;
    return answer ?? undefined;
  };
}

/** Pollers on every refresh queue until `stop()`, which lets each finish its batch. */
export function workRefreshQueuesLocally(
  client: SQSClient,
  queues: readonly LocalRefreshQueue[],
  functionUrl: string,
): { stop(): Promise<void> } {
  const handler = invokedHandler(functionUrl);
  const pollers = queues.map((queue) =>
    startSqsPoller({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler,
      batchSize: queue.batchSize,
      concurrency: LOCAL_CONCURRENCY,
      waitSeconds: 5,
    }),
  );
  return { stop: async () => void (await Promise.all(pollers.map((poller) => poller.stop()))) };
}
