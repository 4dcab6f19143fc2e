import { isLeased, isRefreshable, leaseUntil } from '../accounts/decisions';
import type { EventPolicy } from '../accounts/events';
import { factsOf } from '../accounts/facts';
import type {
  AccountKey,
  AccountRecord,
  AuthorizedAccount,
  ProviderError,
  ReauthorizationRequiredAccount,
  TokenSet,
} from '../accounts/record';
import { afterRefresh, type RefreshTransition } from '../accounts/transitions';
import { type App, type Integration, isClientGrant, renewsWithoutRefreshToken } from '../app/model';
import type { Egress } from '../egress';
import { ConflictError, NamedError, NotFoundError } from '../errors';
import { issue } from '../events/outbox';
import { clientCredentials } from '../oauth/client-credentials';
import { callTokenEndpoint, type TokenGrant, type TokenResult } from '../oauth/token-endpoint';
import type { SecretSource } from '../secrets/port';
import type { RefreshTally } from '../store/counter-ports';
import { type AccountStore, expectationOf, type LeaseCondition } from '../store/ports';
import { openTokenSet, sealTokenSet } from '../tokens/token-set';
import type { Vault } from '../tokens/vault';

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
  /** Which auth events to record for the app's webhook. */
  readonly events: EventPolicy;
}

export type SkipReason = 'leased' | 'not_due' | 'not_refreshable' | 'superseded' | 'missing';

export type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly record: AuthorizedAccount }
  /** Transient (network, timeout, 5xx, 429, a misconfigured client): kept authorized, retried later. */
  | { readonly kind: 'failed'; readonly record: AuthorizedAccount; readonly error: ProviderError }
  /** The grant is dead: a person must authorize again. */
  | { readonly kind: 'dead'; readonly record: ReauthorizationRequiredAccount; readonly error: ProviderError }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly record?: AccountRecord | undefined };

/** Why the lease was refused, from the record as it is. */
function skipReason(current: AccountRecord | undefined, now: number, renewsItself: boolean): SkipReason {
  if (current === undefined) return 'missing';
  if (!isRefreshable(current, renewsItself)) return 'not_refreshable';
  if (isLeased(current, now)) return 'leased';
  return 'not_due';
}

type Renewable = Partial<Pick<TokenSet, 'accessToken' | 'refreshToken' | 'oauthIparams' | 'extra'>>;

/**
 * How the integration renews: its client's own grant (token_type "client"), the refresh token,
 * or the access token itself (`refresh_request.token`, Instagram).
 */
function renewalGrant(integration: Integration, tokens: Renewable): TokenGrant | undefined {
  if (isClientGrant(integration))
    return { grant_type: 'client_credentials', scope: integration.options.scope };
  const token =
    integration.settings.refreshRequest?.token === 'access_token' ? tokens.accessToken : tokens.refreshToken;
  return token === undefined ? undefined : { grant_type: 'refresh_token', refresh_token: token };
}

/**
 * One renewal at the token endpoint — a refresh_token grant, or a client_credentials one for a
 * client integration; a request this deployment refused is an answer too.
 */
export async function askProvider(
  deps: Pick<RefreshDeps, 'secrets' | 'egress' | 'tokenTimeoutMs' | 'now'>,
  integration: Integration,
  tokens: Renewable,
): Promise<TokenResult> {
  const oauthIparams = tokens.oauthIparams ?? {};
  const grant = renewalGrant(integration, tokens);
  if (grant === undefined) return { kind: 'refused', reason: 'there is no refresh token' };
  const facts = factsOf(oauthIparams, tokens.extra);
  try {
    const credentials = await clientCredentials(deps.secrets, integration, oauthIparams);
    return await callTokenEndpoint({ integration, oauthIparams, facts, credentials, grant }, deps.egress, {
      timeoutMs: deps.tokenTimeoutMs,
      now: () => deps.now().getTime(),
    });
  } catch (error) {
    if (!(error instanceof NamedError)) throw error;
    return { kind: 'refused', reason: error.message };
  }
}

/**
 * Refreshes one token under its lease: take the lease (one conditional update), call the token
 * endpoint once with the refresh token, write the next record (lib/accounts/transitions.ts)
 * conditioned on the leased version.
 */
export async function refreshAccount(
  deps: RefreshDeps,
  key: AccountKey,
  condition: LeaseCondition,
): Promise<RefreshOutcome> {
  const integration = deps.app.integrations.get(key.integration);
  if (integration === undefined) return { kind: 'skipped', reason: 'not_refreshable' };
  const startedAt = deps.now().getTime();
  const renewsItself = renewsWithoutRefreshToken(integration);
  const lease = await deps.accounts.acquireLease(
    key,
    {
      owner: deps.leaseOwner(),
      until: leaseUntil(startedAt, deps.tokenTimeoutMs),
      now: startedAt,
      renewsItself,
    },
    condition,
  );
  if (!lease.acquired) {
    const reason = skipReason(lease.current, startedAt, renewsItself);
    return { kind: 'skipped', reason, record: lease.current };
  }
  const leased = lease.record;
  const vault = await deps.vault();
  const previous = openTokenSet(vault, leased);
  if (previous.refreshToken === undefined && !renewsItself)
    return { kind: 'skipped', reason: 'not_refreshable', record: leased };
  const answer = await askProvider(deps, integration, previous);
  const next = afterRefresh(
    leased,
    answer,
    {
      previous,
      settings: integration.settings,
      renewsItself,
      seal: (set) => sealTokenSet(vault, key, set),
      jitter: Math.random(),
    },
    { now: deps.now().getTime(), events: deps.events },
  );
  try {
    await deps.accounts.put(next.record, expectationOf(leased), next.events.map(issue), {
      refresh: REFRESH_TALLY[next.kind],
    });
  } catch (error) {
    // A new handshake replaced the record meanwhile, or the installation was deleted: their write wins.
    if (error instanceof ConflictError) return { kind: 'skipped', reason: 'superseded' };
    if (error instanceof NotFoundError && error.what === 'installation')
      return { kind: 'skipped', reason: 'missing' };
    throw error;
  }
  return outcomeOf(next);
}

const REFRESH_TALLY: Readonly<Record<RefreshTransition['kind'], RefreshTally>> = {
  refreshed: 'refreshed',
  failed: 'failed',
  dead: 'grant_died',
};

function outcomeOf(next: RefreshTransition): Exclude<RefreshOutcome, { kind: 'skipped' }> {
  switch (next.kind) {
    case 'refreshed':
      return { kind: 'refreshed', record: next.record };
    case 'failed':
      return { kind: 'failed', record: next.record, error: next.error };
    case 'dead':
      return { kind: 'dead', record: next.record, error: next.error };
  }
}
