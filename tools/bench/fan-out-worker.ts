/**
 * One fan-out worker of the bench, in a process of its own as a Lambda instance has one: the
 * deployed handler of functions/refresh-worker.ts (its dependencies wired at load by
 * lib/wiring/refresh-worker.ts, as at a cold start) fed by one poller with concurrency 1 and
 * batches of 10 — what Lambda's event source mapping gives one instance, which handles one
 * batch at a time. Its configuration is the world's environment, inherited, plus the queue in
 * HANDSHAKE_BENCH_WORKER; tools/bench/fan-out.ts drives it over the IPC channel.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler } from '../../functions/refresh-worker';
import { config } from '../../lib/config';
import { MESSAGES_PER_BATCH } from '../../lib/refresh/fan-out/producer';
import { createSqsClient } from '../../lib/refresh/fan-out/sqs-sender';
import { lambdaContext } from '../lambda-context';
import { startSqsPoller } from '../local/sqs-poller';

export interface WorkerSetup {
  readonly queueUrl: string;
  readonly queueArn: string;
}

/** `poll` starts the poller; `stop` lets it finish the batch in hand, then stops it. */
export type ToWorker = 'poll' | 'stop';

export type FromWorker =
  | { readonly kind: 'ready' | 'polling' | 'stopped' }
  /** One handler call: its messages, those it asked SQS to deliver again, when it ended (epoch ms). */
  | {
      readonly kind: 'batch';
      readonly messages: number;
      readonly retried: number;
      readonly ms: number;
      readonly endedAt: number;
    };

const setup = JSON.parse(process.env.HANDSHAKE_BENCH_WORKER ?? '') as WorkerSetup;
const client = createSqsClient(config());
const context = lambdaContext('handshake-bench-refreshWorker');
const tell = (message: FromWorker) => process.send?.(message);

/** The handler as the mapping calls it, reporting each batch; a throw fails the whole batch. */
async function handled(event: SQSEvent): Promise<SQSBatchResponse> {
  const started = performance.now();
  let retried = event.Records.length;
  try {
    const answer = await handler(event, context);
    retried = answer.batchItemFailures.length;
    return answer;
  } finally {
    const ms = performance.now() - started;
    tell({ kind: 'batch', messages: event.Records.length, retried, ms, endedAt: Date.now() });
  }
}

let poller: { stop(): Promise<void> } | undefined;
process.on('message', (message: ToWorker) => {
  if (message === 'poll' && poller === undefined) {
    poller = startSqsPoller({
      client,
      queueUrl: setup.queueUrl,
      queueArn: setup.queueArn,
      handler: handled,
      batchSize: MESSAGES_PER_BATCH,
      concurrency: 1,
      // Short, so that `stop` (which waits for the receive in flight) is prompt between runs.
      waitSeconds: 1,
    });
    tell({ kind: 'polling' });
  } else if (message === 'stop') {
    const stopping = poller?.stop() ?? Promise.resolve();
    poller = undefined;
    void stopping.then(() => tell({ kind: 'stopped' }));
  }
});
// The bench gone (crashed, killed) must not leave a worker polling behind it.
process.on('disconnect', () => process.exit(0));
tell({ kind: 'ready' });
