import type { RefreshSweepDeps } from '../refresh/refresh-due';
import { dynamoDueQueue } from '../store/dynamo-due-queue';
import type { Infrastructure } from './infrastructure';

/** The scheduled sweep's dependencies: the refresh core's and the due queue (refresh only). */
export const sweepDeps = (infra: Pick<Infrastructure, 'refresh' | 'table'>): RefreshSweepDeps => ({
  ...infra.refresh,
  queue: dynamoDueQueue(infra.table),
});
