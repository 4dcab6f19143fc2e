import type { RefreshDeps } from '../refresh/refresh-account';
import { dynamoAccountStore } from '../store/dynamo-accounts';
import { batchedCounts } from '../store/dynamo-counters';
import type { Infrastructure } from './infrastructure';

/**
 * The fan-out worker's dependencies: the refresh core's, over an account store whose overview
 * counts are sent once per batch (`sendCounts`) rather than two ADDs per refresh.
 */
export function refreshWorkerDeps(infra: Pick<Infrastructure, 'refresh' | 'table'>): {
  readonly refresh: RefreshDeps;
  readonly sendCounts: () => Promise<void>;
} {
  const counts = batchedCounts(infra.table);
  return {
    refresh: { ...infra.refresh, accounts: dynamoAccountStore(infra.table, counts) },
    sendCounts: counts.flush,
  };
}
