import type { RefreshSweepDeps } from '../refresh/refresh-due';
import { dynamoAccountStore } from '../store/dynamo-accounts';
import { batchedCounts } from '../store/dynamo-counters';
import { dynamoDueQueue } from '../store/dynamo-due-queue';
import type { Infrastructure } from './infrastructure';

/**
 * The scheduled sweep's dependencies: the refresh core's, the due queue (refresh only), and an
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
