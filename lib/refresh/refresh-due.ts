import type { AccountKey } from '../accounts/record';
import { forEachPooled } from '../concurrency/pool';
import { logger } from '../observability/logger';
import { count, MetricUnit, metrics } from '../observability/metrics';
import { allDue } from '../store/due-queue';
import type { DueQueue } from '../store/ports';
import type { RefreshDeps, RefreshOutcome } from './refresh-account';
import { refreshAndReport } from './report';

export interface RefreshSweepDeps extends RefreshDeps {
  readonly queue: DueQueue;
  /** Sends the overview's counts the sweep's writes kept back (never throws: a lost count is logged). */
  readonly sendCounts: () => Promise<void>;
}

export interface RefreshSweepOptions {
  /** Refreshes in flight at once. */
  readonly concurrency: number;
  /** Epoch ms (wall clock): no refresh starts after this, so every started one ends within the Lambda's time. */
  readonly startBefore: number;
  /** Due-queue page size. */
  readonly pageSize?: number;
}

export interface RefreshSweepReport {
  /** Due token records found in the due queue this run. */
  readonly due: number;
  /** Entries the due-queue queries read. */
  readonly itemsRead: number;
  readonly outcomes: Readonly<Record<RefreshOutcome['kind'], number>>;
  /** True when time ran out with due tokens left: the next run picks them up. */
  readonly unfinished: boolean;
  readonly durationMs: number;
}

/** One account's refresh; a crash is logged (ids and error name only) and counts as no outcome. */
async function refreshOne(deps: RefreshSweepDeps, key: AccountKey): Promise<RefreshOutcome | undefined> {
  try {
    return await refreshAndReport(deps, key, { kind: 'due', now: deps.now().getTime() });
  } catch (error) {
    logger.error('token refresh crashed', {
      installationId: key.installationId,
      integration: key.integration,
      account: key.account,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return undefined;
  }
}

/**
 * One scheduled run: every token whose refresh time has come, found through the due queue
 * (never a scan), refreshed with bounded concurrency until `startBefore`. A token skipped for
 * lack of time keeps its due time and is picked up by the next run.
 */
export async function refreshDue(
  deps: RefreshSweepDeps,
  options: RefreshSweepOptions,
): Promise<RefreshSweepReport> {
  const started = deps.now().getTime();
  const read = { items: 0, due: 0 };
  const outcomes: Record<RefreshOutcome['kind'], number> = { refreshed: 0, failed: 0, dead: 0, skipped: 0 };
  const keys = allDue(deps.queue, 'refresh', started, options.pageSize ?? 100, (page) => {
    read.items += page.itemsRead;
    read.due += page.items.length;
  });
  const { unfinished } = await forEachPooled(
    keys,
    { concurrency: options.concurrency, startBefore: options.startBefore },
    async (key) => {
      const outcome = await refreshOne(deps, key);
      if (outcome !== undefined) outcomes[outcome.kind] += 1;
    },
  ).finally(deps.sendCounts);

  const report: RefreshSweepReport = {
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
