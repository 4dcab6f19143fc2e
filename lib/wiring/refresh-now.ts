import type { AuthDeps } from '../http/auth';
import type { RefreshNowDeps } from '../refresh/refresh-now';
import { Refresher } from '../refresh/refresh-or-join';
import { dynamoInstallationStore } from '../store/dynamo-installations';
import type { Infrastructure } from './infrastructure';

/**
 * The admin refresh route's dependencies, built once per container: its Refresher joins the
 * refresh in flight in this container rather than racing it.
 */
export function refreshNowDeps(
  infra: Pick<Infrastructure, 'app' | 'table' | 'secrets' | 'now' | 'refresh'>,
): RefreshNowDeps & AuthDeps {
  return {
    app: infra.app,
    installations: dynamoInstallationStore(infra.table),
    secrets: infra.secrets,
    refresher: new Refresher(infra.refresh),
    now: infra.now,
  };
}
