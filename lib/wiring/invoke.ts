import { AccessTokens } from '../invoke/access-token';
import { Admission } from '../invoke/admit';
import { DEFAULT_INVOKE_SETTINGS, type InvokeDeps } from '../invoke/invoke';
import { ResponseCache } from '../invoke/response-cache';
import { Refresher } from '../refresh/refresh-or-join';
import { dynamoRateLimiter } from '../store/dynamo-rate-limit';
import { dynamoResponseCache } from '../store/dynamo-response-cache';
import { dynamoSnapshotReader } from '../store/dynamo-snapshot';
import { OpenMemo } from '../tokens/open-memo';
import type { Infrastructure } from './infrastructure';

type InvokePorts = Pick<
  Infrastructure,
  'config' | 'app' | 'table' | 'secrets' | 'vault' | 'egress' | 'now' | 'refresh'
>;

/**
 * The invoke function's dependencies; functions/invoke.ts builds them once per container. What
 * they keep between invokes saves work only (decryptions by ciphertext, the one Refresher that
 * joins in-flight refreshes, which key hash belongs to which id); every invoke reads the
 * installation and the account anew, so a delete, a reconnect or a dead grant is seen by the
 * next invoke in every container (test/invoke/revocation.integration.test.ts loads the handler
 * as separate containers and proves all three).
 */
export function invokeDeps(infra: InvokePorts): InvokeDeps {
  const memo = new OpenMemo();
  return {
    app: infra.app,
    admission: new Admission({
      secrets: infra.secrets,
      snapshots: dynamoSnapshotReader(infra.table),
      rateLimiter: dynamoRateLimiter(infra.table),
      rateLimitPerMinute: infra.config.rateLimitPerMinute,
      now: () => infra.now().getTime(),
    }),
    vault: infra.vault,
    memo,
    egress: infra.egress,
    tokens: new AccessTokens({
      vault: infra.vault,
      memo,
      refresher: new Refresher(infra.refresh),
      now: infra.now,
    }),
    // Shared by every container, in the table; served only under the grant this invoke read.
    cache: new ResponseCache({
      store: dynamoResponseCache(infra.table),
      vault: infra.vault,
      now: () => infra.now().getTime(),
    }),
    now: infra.now,
    settings: { ...DEFAULT_INVOKE_SETTINGS, timeoutMs: infra.config.invokeTimeoutSeconds * 1000 },
  };
}
