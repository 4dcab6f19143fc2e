import type { App, Integration } from '../app/model';
import type { Egress } from '../egress';
import { ConflictError, NamedError, NotFoundError } from '../errors';
import { accountEvents, type EventPolicy, failingEpisode } from '../events/account-events';
import { toOutbox } from '../events/outbox';
import { clientCredentials } from '../oauth/client-credentials';
import { callTokenEndpoint, type TokenResult } from '../oauth/token-endpoint';
import type { SecretSource } from '../secrets/port';
import type { AccountKey, AccountRecord, AccountStore, LeaseCondition, ProviderError } from '../store/ports';
import { refreshDueAt } from '../tokens/store-authorized';
import { openTokenSet, sealTokenSet } from '../tokens/token-set';
import type { Vault } from '../tokens/vault';
import { nextAttemptAt } from './backoff';

export interface RefreshDeps {
  readonly app: App;
  readonly accounts: AccountStore;
  readonly secrets: SecretSource;
  readonly vault: () => Promise<Vault>;
  readonly egress: Egress;
  readonly tokenTimeoutMs: number;
  readonly now: () => Date;
  /** Who holds a lease: this container (and call), for diagnosis. */
  readonly leaseOwner: () => string;
  /** Which auth events to record for the app's webhook; absent = none. */
  readonly events: EventPolicy;
}

export type SkipReason = 'leased' | 'not_due' | 'not_refreshable' | 'superseded' | 'missing';

export type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly record: AccountRecord }
  /** Transient (network, timeout, 5xx, 429, a misconfigured client): kept authorized, retried later. */
  | { readonly kind: 'failed'; readonly record: AccountRecord; readonly error: ProviderError }
  /** The grant is dead: a person must authorize again. */
  | { readonly kind: 'dead'; readonly record: AccountRecord; readonly error: ProviderError }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly record?: AccountRecord | undefined };

/**
 * The provider answers that mean the grant itself is gone (RFC 6749 §5.2: the refresh token is
 * invalid, expired or revoked). Anything else — `invalid_client`, `unauthorized_client`,
 * `invalid_scope`, a 4xx without an OAuth error — is a problem of this deployment or a passing
 * one: the account stays authorized and the refresh is retried with backoff.
 */
export const DEAD_GRANT_ERRORS: ReadonlySet<string> = new Set(['invalid_grant']);

/**
 * The lease outlives the token request's own timeout, so the holder always finishes (or gives
 * up) before anyone else may take over — no two requests ever carry the same refresh token.
 */
const LEASE_MARGIN_MS = 30_000;

function skipReason(current: AccountRecord | undefined, now: number): SkipReason {
  if (current === undefined) return 'missing';
  if (current.status !== 'authorized' || current.refreshToken === undefined) return 'not_refreshable';
  if (current.leaseUntil !== undefined && current.leaseUntil >= now) return 'leased';
  return 'not_due';
}

/**
 * Refreshes one token under its lease: take the lease (one conditional update), call the token
 * endpoint once with the refresh token, write the result conditioned on the leased version.
 */
export async function refreshAccount(
  deps: RefreshDeps,
  key: AccountKey,
  condition: LeaseCondition,
): Promise<RefreshOutcome> {
  const integration = deps.app.integrations.get(key.integration);
  if (integration === undefined) return { kind: 'skipped', reason: 'not_refreshable' };
  const startedAt = deps.now().getTime();
  const lease = await deps.accounts.acquireLease(
    key,
    { owner: deps.leaseOwner(), until: startedAt + deps.tokenTimeoutMs + LEASE_MARGIN_MS, now: startedAt },
    condition,
  );
  if (!lease.acquired) {
    return { kind: 'skipped', reason: skipReason(lease.current, startedAt), record: lease.current };
  }
  const leased = lease.record;
  const vault = await deps.vault();
  const tokens = openTokenSet(vault, leased);
  const refreshToken = tokens?.refreshToken;
  if (tokens === undefined || refreshToken === undefined) {
    return { kind: 'skipped', reason: 'not_refreshable', record: leased };
  }
  const oauthIparams = tokens.oauthIparams ?? {};
  let result: TokenResult;
  try {
    const credentials = await clientCredentials(deps.secrets, integration, oauthIparams);
    result = await callTokenEndpoint(
      {
        integration,
        oauthIparams,
        credentials,
        grant: { grant_type: 'refresh_token', refresh_token: refreshToken },
      },
      deps.egress,
      { timeoutMs: deps.tokenTimeoutMs, now: () => deps.now().getTime() },
    );
  } catch (error) {
    if (!(error instanceof NamedError)) throw error;
    result = { kind: 'refused', reason: error.message };
  }
  const policy = deps.events;
  const next = nextRecord(integration, leased, result, deps.now().getTime(), vault, tokens, policy);
  const events = accountEvents(policy, leased, next.record).map(toOutbox);
  try {
    await deps.accounts.put(next.record, { kind: 'version', version: leased.version }, events);
  } catch (error) {
    // A new handshake replaced the record meanwhile, or the installation was deleted: their write wins.
    if (error instanceof ConflictError) return { kind: 'skipped', reason: 'superseded' };
    if (error instanceof NotFoundError && error.what === 'installation')
      return { kind: 'skipped', reason: 'missing' };
    throw error;
  }
  return next.outcome(next.record);
}

interface Next {
  readonly record: AccountRecord;
  readonly outcome: (record: AccountRecord) => RefreshOutcome;
}

function nextRecord(
  integration: Integration,
  leased: AccountRecord,
  result: TokenResult,
  now: number,
  vault: Vault,
  tokens: NonNullable<ReturnType<typeof openTokenSet>>,
  policy: EventPolicy,
): Next {
  const at = new Date(now).toISOString();
  const base = {
    ...leased,
    leaseOwner: undefined,
    leaseUntil: undefined,
    version: leased.version + 1,
    updatedAt: at,
  };
  if (result.kind === 'tokens') {
    const fresh = result.tokens;
    // A provider that does not rotate sends no refresh token: the stored one stays valid.
    const refreshToken = fresh.refreshToken ?? tokens.refreshToken;
    const extra = { ...tokens.extra, ...fresh.extra };
    const sealed = sealTokenSet(vault, leased, {
      accessToken: fresh.accessToken,
      refreshToken,
      oauthIparams: tokens.oauthIparams,
      extra: Object.keys(extra).length === 0 ? undefined : extra,
    });
    const record: AccountRecord = {
      ...base,
      ...sealed,
      status: 'authorized',
      tokenType: fresh.tokenType ?? leased.tokenType,
      scope: fresh.scope ?? leased.scope,
      expiresAt: fresh.expiresAt,
      refreshDueAt: refreshDueAt(integration, fresh.expiresAt, refreshToken !== undefined, now),
      lastRefreshedAt: at,
      failureCount: 0,
      lastError: undefined,
      failingSince: undefined,
      failingReportedAt: undefined,
    };
    return { record, outcome: (written) => ({ kind: 'refreshed', record: written }) };
  }
  const error: ProviderError =
    result.kind === 'rejected'
      ? { code: result.error, description: result.description, at }
      : { code: result.kind === 'refused' ? 'refused' : 'unavailable', description: result.reason, at };
  if (result.kind === 'rejected' && DEAD_GRANT_ERRORS.has(result.error)) {
    const record: AccountRecord = {
      ...base,
      status: 'reauthorization_required',
      // Dead tokens are of no use to anyone; they are not kept.
      accessToken: undefined,
      refreshToken: undefined,
      refreshDueAt: undefined,
      lastError: error,
      failingSince: undefined,
      failingReportedAt: undefined,
    };
    return { record, outcome: (written) => ({ kind: 'dead', record: written, error }) };
  }
  const failures = (leased.failureCount ?? 0) + 1;
  const record: AccountRecord = {
    ...base,
    failureCount: failures,
    lastError: error,
    refreshDueAt: nextAttemptAt(now, failures),
    ...failingEpisode(leased, at, policy.failingAfterMs),
  };
  return { record, outcome: (written) => ({ kind: 'failed', record: written, error }) };
}
