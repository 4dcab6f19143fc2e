import { cachedInstallations } from '../installations/cached-store';
import type { Runtime } from '../runtime';
import { tableRef } from '../store/dynamo';
import { dynamoRateLimiter } from '../store/dynamo-rate-limit';
import { AccessTokens } from './access-token';
import { DEFAULT_INVOKE_SETTINGS, type InvokeDeps } from './invoke';
import { reservingRateLimiter } from './rate-limit';

/** How long a warm container trusts an installation record it read (see cached-store.ts). */
const INSTALLATION_CACHE_MS = 10_000;

let shared: InvokeDeps | undefined;

/** The invoke function's dependencies, wired once per container. */
export function invokeDeps(rt: Runtime): InvokeDeps {
  shared ??= {
    app: rt.app,
    installations: cachedInstallations(rt.stores.installations, INSTALLATION_CACHE_MS, Date.now),
    rateLimiter: reservingRateLimiter(dynamoRateLimiter(tableRef(rt.config))),
    vault: rt.vault,
    egress: rt.egress,
    tokens: new AccessTokens(rt.refresh),
    now: rt.now,
    settings: {
      ...DEFAULT_INVOKE_SETTINGS,
      timeoutMs: rt.config.invokeTimeoutSeconds * 1000,
      rateLimitPerMinute: rt.config.rateLimitPerMinute,
    },
  };
  return shared;
}
