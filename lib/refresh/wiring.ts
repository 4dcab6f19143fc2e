import type { Runtime } from '../runtime';
import { tableRef } from '../store/dynamo';
import { dynamoRefreshIndex } from '../store/dynamo-refresh-index';
import { Refresher } from './refresh-or-join';
import type { SweepDeps } from './sweep';

let shared: Refresher | undefined;

/**
 * The container's one Refresher, for the refreshes on demand (invoke, the admin refresh route):
 * it joins the refresh in flight rather than racing it, so there is one per container. Not in
 * the shared runtime(): connect and callback never refresh, and their bundles leave it out.
 */
export function refresher(rt: Pick<Runtime, 'refresh'>): Refresher {
  shared ??= new Refresher(rt.refresh);
  return shared;
}

/** The scheduled sweep's dependencies: the refresh core's and the refresh index (refresh only). */
export const sweepDeps = (rt: Pick<Runtime, 'refresh' | 'config'>): SweepDeps => ({
  ...rt.refresh,
  index: dynamoRefreshIndex(tableRef(rt.config)),
});
