import type { Runtime } from '../runtime';
import { Refresher } from './refresh-or-join';

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
