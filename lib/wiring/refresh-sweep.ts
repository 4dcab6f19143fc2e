import type { SweepDeps } from '../refresh/sweep';
import { dynamoRefreshIndex } from '../store/dynamo-refresh-index';
import type { Infrastructure } from './infrastructure';

/** The scheduled sweep's dependencies: the refresh core's and the refresh index (refresh only). */
export const sweepDeps = (infra: Pick<Infrastructure, 'refresh' | 'table'>): SweepDeps => ({
  ...infra.refresh,
  index: dynamoRefreshIndex(infra.table),
});
