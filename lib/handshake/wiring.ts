import { publicUrlFor } from '../http/public-url';
import type { HttpRequest } from '../http/request';
import { secretsTargetOf } from '../oauth/client-credentials';
import type { Runtime } from '../runtime';
import { installationStore } from '../store';
import { tableRef } from '../store/dynamo';
import { dynamoPendingStore } from '../store/dynamo-pending';
import { oncePer } from '../wiring/once-per';
import type { HandshakeDeps } from './deps';

/**
 * The handshake's dependencies (connect, callback, installations' connect links and
 * revocation), wired once per runtime. Not in the shared runtime(): invoke, refresh and
 * deliver never start a handshake, and their bundles leave the pending store out.
 */
export const handshakeDeps = /* @__PURE__ */ oncePer(
  (rt: Runtime): HandshakeDeps => ({
    app: rt.app,
    publicUrl: rt.config.publicUrl,
    installations: installationStore(rt.config),
    accounts: rt.stores.accounts,
    pending: dynamoPendingStore(tableRef(rt.config)),
    secrets: rt.secrets,
    secretsTarget: secretsTargetOf(rt.config),
    vault: rt.vault,
    egress: rt.egress,
    allowsPlainHttp: rt.allowsPlainHttp,
    tokenTimeoutMs: rt.tokenTimeoutMs,
    now: rt.now,
    events: rt.events,
  }),
);

/** The handshake's dependencies with the public URL this request came in on. */
export const handshakeDepsFor = (rt: Runtime, request: HttpRequest): HandshakeDeps => ({
  ...handshakeDeps(rt),
  publicUrl: publicUrlFor(rt.config, request),
});
