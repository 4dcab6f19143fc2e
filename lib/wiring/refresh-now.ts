import type { AuthDeps } from '../http/auth';
import type { ImportGrantDeps } from '../refresh/import-grant';
import type { RefreshNowDeps } from '../refresh/refresh-now';
import { Refresher } from '../refresh/refresh-or-join';
import { dynamoInstallationStore } from '../store/dynamo-installations';
import type { Infrastructure } from './infrastructure';

/**
 * The admin account routes' dependencies (refresh now, import a grant), built once per
 * container: its Refresher joins the refresh in flight in this container rather than racing it.
 */
export function refreshNowDeps(
  infra: Pick<Infrastructure, 'app' | 'table' | 'secrets' | 'now' | 'refresh'>,
): RefreshNowDeps & ImportGrantDeps & AuthDeps {
  return {
    ...infra.refresh,
    installations: dynamoInstallationStore(infra.table),
    refresher: new Refresher(infra.refresh),
  };
}
