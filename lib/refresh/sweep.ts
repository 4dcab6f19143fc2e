import type { AccountKey } from '../accounts/record';
import { logger } from '../observability/logger';
import { count, MetricUnit, metrics } from '../observability/metrics';
import type { RefreshIndex } from '../store/ports';
import type { RefreshDeps, RefreshOutcome } from './refresh-account';
import { refreshAndReport } from './report';

export interface SweepDeps extends RefreshDeps {
  readonly index: RefreshIndex;
}

export interface SweepOptions {
  /** Refreshes in flight at once. */
  readonly concurrency: number;
  /** Epoch ms: no refresh starts after this, so every started one ends within the Lambda's time. */
  readonly startBefore: number;
  /** Index page size. */
  readonly pageSize?: number;
}

export interface SweepReport {
  /** Due token records found in the index this run. */
  readonly due: number;
  /** Items the index queries read. */
  readonly itemsRead: number;
  readonly outcomes: Readonly<Record<RefreshOutcome['kind'], number>>;
  /** True when time ran out with due tokens left: the next run picks them up. */
  readonly unfinished: boolean;
  readonly durationMs: number;
}

/** The due keys of every shard, page by page; counts what it read. */
async function* dueKeys(
  deps: SweepDeps,
  now: number,
  pageSize: number,
  read: { items: number; due: number },
) {
  for (const shard of deps.index.shards) {
    let cursor: Readonly<Record<string, unknown>> | undefined;
    do {
      const page = await deps.index.due(shard, now, pageSize, cursor);
      read.items += page.itemsRead;
      read.due += page.keys.length;
      yield* page.keys;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}

/**
 * One scheduled run: every token whose refresh time has come, found through the refresh index
 * (never a scan), refreshed with bounded concurrency until `startBefore`. A token skipped for
 * lack of time keeps its due time and is picked up by the next run.
 */
export async function sweep(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const started = deps.now().getTime();
  const read = { items: 0, due: 0 };
  const outcomes: Record<RefreshOutcome['kind'], number> = { refreshed: 0, failed: 0, dead: 0, skipped: 0 };
  const keys: AsyncIterator<AccountKey> = dueKeys(deps, started, options.pageSize ?? 100, read);
  let unfinished = false;

  const worker = async () => {
    while (true) {
      if (deps.now().getTime() >= options.startBefore) {
        unfinished = true;
        return;
      }
      // Async generators queue concurrent next() calls, so the workers share one stream.
      const next = await keys.next();
      if (next.done === true) return;
      const outcome = await refreshAndReport(deps, next.value, {
        kind: 'due',
        now: deps.now().getTime(),
      }).catch((error: unknown) => {
        logger.error('token refresh crashed', {
          installationId: next.value.installationId,
          integration: next.value.integration,
          account: next.value.account,
          errorName: error instanceof Error ? error.name : typeof error,
        });
        return undefined;
      });
      if (outcome !== undefined) outcomes[outcome.kind] += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));

  const report: SweepReport = {
    due: read.due,
    itemsRead: read.items,
    outcomes,
    unfinished,
    durationMs: deps.now().getTime() - started,
  };
  count('SweepDue', report.due);
  metrics.addMetric('SweepDuration', MetricUnit.Milliseconds, report.durationMs);
  logger.info('refresh sweep done', { ...report });
  return report;
}
