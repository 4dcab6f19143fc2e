import { refresher } from '../refresh/wiring';
import type { Runtime } from '../runtime';
import { tableRef } from '../store/dynamo';
import { dynamoRateLimiter } from '../store/dynamo-rate-limit';
import { dynamoSnapshotReader } from '../store/dynamo-snapshot';
import { OpenMemo } from '../tokens/open-memo';
import { oncePer } from '../wiring/once-per';
import { AccessTokens } from './access-token';
import { Admission } from './admit';
import { DEFAULT_INVOKE_SETTINGS, type InvokeDeps } from './invoke';

/**
 * The invoke function's dependencies, wired once per runtime. What they keep between
 * invokes saves work only (decryptions by ciphertext, in-flight refreshes, which key hash
 * belongs to which id); every invoke reads the installation and the account anew.
 */
export const invokeDeps = /* @__PURE__ */ oncePer((rt: Runtime): InvokeDeps => {
  const memo = new OpenMemo();
  const table = tableRef(rt.config);
  return {
    app: rt.app,
    admission: new Admission({
      secrets: rt.secrets,
      snapshots: dynamoSnapshotReader(table),
      rateLimiter: dynamoRateLimiter(table),
      rateLimitPerMinute: rt.config.rateLimitPerMinute,
      now: () => rt.now().getTime(),
    }),
    vault: rt.vault,
    memo,
    egress: rt.egress,
    tokens: new AccessTokens({ vault: rt.vault, memo, refresher: refresher(rt), now: rt.now }),
    now: rt.now,
    settings: { ...DEFAULT_INVOKE_SETTINGS, timeoutMs: rt.config.invokeTimeoutSeconds * 1000 },
  };
});
