import type { FanOutDeps, FanOutReport } from '../refresh/fan-out/producer';
import { fanOutDue } from '../refresh/fan-out/producer';
import { createSqsClient, sqsRefreshSender } from '../refresh/fan-out/sqs-sender';
import { type RefreshSweepDeps, type RefreshSweepReport, refreshDue } from '../refresh/refresh-due';
import { dynamoAccountStore } from '../store/dynamo-accounts';
import { batchedCounts } from '../store/dynamo-counters';
import { dynamoDueQueue } from '../store/dynamo-due-queue';
import type { Infrastructure } from './infrastructure';

/**
 * The in-process sweep's dependencies: the refresh core's, the due queue (refresh only), and an
 * account store whose overview counts are sent in batches (lib/store/dynamo-counters.ts).
 */
export const sweepDeps = (infra: Pick<Infrastructure, 'refresh' | 'table'>): RefreshSweepDeps => {
  const counts = batchedCounts(infra.table);
  return {
    ...infra.refresh,
    accounts: dynamoAccountStore(infra.table, counts),
    queue: dynamoDueQueue(infra.table),
    sendCounts: counts.flush,
  };
};

/** The fan-out sweep's dependencies: the due queue and the integrations' refresh queues. */
export const fanOutDeps = (infra: Pick<Infrastructure, 'config' | 'table' | 'now'>): FanOutDeps => ({
  queue: dynamoDueQueue(infra.table),
  sender: sqsRefreshSender(createSqsClient(infra.config), (name) => infra.config.refreshQueues.get(name)),
  now: infra.now,
});

export type SweepReport =
  | ({ readonly mode: 'fan-out' } & FanOutReport)
  | ({ readonly mode: 'in-process' } & RefreshSweepReport);

/** A sweep that must be done by `deadline` (ms since the epoch). */
type SweepRun = (deadline: number) => Promise<SweepReport>;

/**
 * The scheduled sweep as the deployment chose it (HANDSHAKE_REFRESH_FAN_OUT): send the due keys
 * to the integrations' queues, or refresh them in this Lambda, `refreshConcurrency` at a time.
 * `deadline` is when the run must be done; the in-process sweep starts no refresh later than
 * a token call before it.
 */
export function scheduledSweep(infra: Infrastructure): SweepRun {
  if (infra.config.refreshFanOut) {
    const deps = fanOutDeps(infra);
    return async (deadline) => ({ mode: 'fan-out', ...(await fanOutDue(deps, { startBefore: deadline })) });
  }
  const deps = sweepDeps(infra);
  return async (deadline) => ({
    mode: 'in-process',
    ...(await refreshDue(deps, {
      concurrency: infra.config.refreshConcurrency,
      startBefore: deadline - deps.tokenTimeoutMs,
    })),
  });
}
