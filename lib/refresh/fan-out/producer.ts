import type { AccountKey } from '../../accounts/record';
import { logger } from '../../observability/logger';
import { count, MetricUnit, metrics } from '../../observability/metrics';
import { allDue } from '../../store/due-queue';
import type { DueQueue } from '../../store/ports';

/** SQS's limit on one SendMessageBatch. */
export const MESSAGES_PER_BATCH = 10;

/** Keys a shard gathers before it sends them: 10 batches, sent side by side. */
const KEYS_PER_FLUSH = MESSAGES_PER_BATCH * 10;

/** Where the producer puts due keys: one call per integration and batch of at most 10. */
export interface RefreshSender {
  /** Sends the keys (all of `integration`); answers the ones the queue did not take. */
  send(integration: string, keys: readonly AccountKey[]): Promise<{ readonly failed: readonly AccountKey[] }>;
  /**
   * How many messages of `integration` wait in its queue, not yet received (0 when it cannot
   * tell). A queue that still holds the last sweep's keys is not sent more: see `fanOutDue`.
   */
  waiting(integration: string): Promise<number>;
}

export interface FanOutDeps {
  readonly queue: DueQueue;
  readonly sender: RefreshSender;
  readonly now: () => Date;
}

export interface FanOutReport {
  readonly due: number;
  readonly itemsRead: number;
  readonly sent: number;
  /** Keys the queue refused: still due, the next sweep sends them again. */
  readonly unsent: number;
  /** Due keys not sent because their integration's queue still held keys waiting for a worker. */
  readonly held: number;
  /** True when time ran out with shards left to read. */
  readonly unfinished: boolean;
  readonly durationMs: number;
}

/** The keys of one page in batches of one integration each, at most MESSAGES_PER_BATCH long. */
export function batchesOf(keys: readonly AccountKey[]): { integration: string; keys: AccountKey[] }[] {
  const byIntegration = new Map<string, AccountKey[]>();
  for (const key of keys) {
    const list = byIntegration.get(key.integration) ?? [];
    list.push(key);
    byIntegration.set(key.integration, list);
  }
  return [...byIntegration].flatMap(([integration, all]) =>
    Array.from({ length: Math.ceil(all.length / MESSAGES_PER_BATCH) }, (_, index) => ({
      integration,
      keys: all.slice(index * MESSAGES_PER_BATCH, (index + 1) * MESSAGES_PER_BATCH),
    })),
  );
}

/**
 * The fan-out sweep: every due key, its shards read in parallel, sent to the queue of its
 * integration; no provider is called here. A key sent twice is refreshed once: the worker's
 * lease is conditioned on the record being due. An integration whose queue still holds keys
 * waiting for a worker (its provider slow, its workers at their limit) is sent nothing this
 * time: what is due is then in that queue already, or is found by the first sweep after the
 * queue drains — so a backlog is never sent again on top of itself, sweep after sweep.
 */
export async function fanOutDue(
  deps: FanOutDeps,
  options: { readonly pageSize?: number; readonly startBefore: number; readonly clock?: () => number },
): Promise<FanOutReport> {
  const clock = options.clock ?? Date.now;
  const now = deps.now().getTime();
  const started = clock();
  const totals = { due: 0, itemsRead: 0, sent: 0, unsent: 0, held: 0, unfinished: false };
  const backlog = new Map<string, Promise<boolean>>();
  const holds = (integration: string): Promise<boolean> => {
    let answer = backlog.get(integration);
    if (answer === undefined) {
      answer = deps.sender.waiting(integration).then((waiting) => waiting > 0);
      backlog.set(integration, answer);
    }
    return answer;
  };
  await Promise.all(
    deps.queue.shards('refresh').map(async (shard) => {
      const single: DueQueue = { shards: () => [shard], due: (...args) => deps.queue.due(...args) };
      const page: AccountKey[] = [];
      // A page's batches go at once (at most 10 calls in flight per shard): sending them
      // one by one would cap the sweep near 1,000 keys/s per shard at 10 ms a call.
      const flush = async () => {
        const keys = page.splice(0);
        await Promise.all(
          batchesOf(keys).map(async (batch) => {
            if (await holds(batch.integration)) {
              totals.held += batch.keys.length;
              return;
            }
            const { failed } = await deps.sender.send(batch.integration, batch.keys);
            totals.sent += batch.keys.length - failed.length;
            totals.unsent += failed.length;
          }),
        );
      };
      for await (const key of allDue(single, 'refresh', now, options.pageSize ?? 100, (read) => {
        totals.itemsRead += read.itemsRead;
        totals.due += read.items.length;
      })) {
        page.push(key);
        if (page.length >= KEYS_PER_FLUSH) await flush();
        if (clock() >= options.startBefore) {
          totals.unfinished = true;
          break;
        }
      }
      await flush();
    }),
  );
  const report: FanOutReport = { ...totals, durationMs: clock() - started };
  count('SweepDue', report.due);
  count('RefreshQueued', report.sent);
  if (report.held > 0) count('RefreshHeld', report.held);
  metrics.addMetric('SweepDuration', MetricUnit.Milliseconds, report.durationMs);
  logger.info('refresh fan-out done', { ...report });
  return report;
}
