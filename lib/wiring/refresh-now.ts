import type { AuthDeps } from '../http/auth';
import { templateCaller } from '../invoke/import-call';
import { DEFAULT_INVOKE_SETTINGS } from '../invoke/invoke';
import type { ImportGrantDeps } from '../refresh/import-grant';
import type { RefreshNowDeps } from '../refresh/refresh-now';
import { Refresher } from '../refresh/refresh-or-join';
import { dynamoInstallationStore } from '../store/dynamo-installations';
import { OpenMemo } from '../tokens/open-memo';
import type { Infrastructure } from './infrastructure';

/**
 * Refresh now's own dependencies, without the grant import's template caller (the console
 * refreshes but imports nothing, and its bundle need not carry the invoke renderer).
 */
export function refreshNowOnlyDeps(
  infra: Pick<Infrastructure, 'app' | 'table' | 'refresh' | 'now'>,
): RefreshNowDeps {
  return {
    app: infra.app,
    installations: dynamoInstallationStore(infra.table),
    refresher: new Refresher(infra.refresh),
    now: infra.now,
  };
}

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
    // The call that validates an import is rendered and sent as an invoke's (lib/invoke/import-call.ts).
    callTemplate: templateCaller({
      app: infra.app,
      vault: infra.refresh.vault,
      memo: new OpenMemo(),
      egress: infra.refresh.egress,
      now: infra.now,
      // A refresh's time, as `validate: "refresh"` has: within the function's 29 s, whatever
      // the invoke timeout (up to 30 s) is set to.
      callSettings: {
        timeoutMs: infra.refresh.tokenTimeoutMs,
        maxResponseBytes: DEFAULT_INVOKE_SETTINGS.maxResponseBytes,
      },
    }),
  };
}
