import { setTimeout as sleep } from 'node:timers/promises';
import { type ConsoleDeps, SIGN_IN_POLICY } from '../console/deps';
import { publicUrlFor } from '../http/public-url';
import { readOverview } from '../overview/overview';
import { dynamoSignInLimiter } from '../store/dynamo-rate-limit';
import type { Infrastructure } from './infrastructure';
import { installationsWiring } from './installations';
import { refreshNowOnlyDeps } from './refresh-now';

/**
 * The console's dependencies: the installations API's wiring and refresh now's, as their own
 * functions build them, so each page calls the same cores in-process.
 */
export function consoleWiring(infra: Infrastructure): ConsoleDeps {
  const api = installationsWiring(infra);
  return {
    app: infra.app,
    installations: api.deps,
    connectFor: api.connectFor,
    events: api.events,
    refresh: refreshNowOnlyDeps(infra),
    // GET /overview's read of the counters, in-process.
    readOverview: () => readOverview(api.overview),
    signInLimiter: dynamoSignInLimiter(infra.table),
    secrets: infra.secrets,
    vault: infra.vault,
    now: infra.now,
    publicUrlOf: (request) => publicUrlFor(infra.config, request),
    sleep: (ms) => sleep(ms),
    signIn: SIGN_IN_POLICY,
    webhookConfigured: infra.config.webhookUrl !== undefined,
  };
}
