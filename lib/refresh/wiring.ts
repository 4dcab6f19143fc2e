import type { Runtime } from '../runtime';
import { tableRef } from '../store/dynamo';
import { dynamoRefreshIndex } from '../store/dynamo-refresh-index';
import { oncePer } from '../wiring/once-per';
import { Refresher } from './refresh-or-join';
import type { SweepDeps } from './sweep';

/**
 * The container's one Refresher, for the refreshes on demand (invoke, the admin refresh route):
 * it joins the refresh in flight rather than racing it, so there is one per container. Not in
 * the shared runtime(): connect and callback never refresh, and their bundles leave it out.
 */
export const refresher = (rt: Pick<Runtime, 'refresh'>): Refresher => refresherOf(rt.refresh);
const refresherOf = /* @__PURE__ */ oncePer((deps: Runtime['refresh']) => new Refresher(deps));

/** The scheduled sweep's dependencies: the refresh core's and the refresh index (refresh only). */
export const sweepDeps = (rt: Pick<Runtime, 'refresh' | 'config'>): SweepDeps => ({
  ...rt.refresh,
  index: dynamoRefreshIndex(tableRef(rt.config)),
});
