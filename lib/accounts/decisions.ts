import type { HandshakeSettings } from '../app/model';
import type { TokenResult } from '../oauth/token-endpoint';
import type { AccountRecord, AuthorizedAccount, FailingEpisode, ProviderError } from './record';

/**
 * When the sweep should refresh: `refresh_lead_seconds` before expiry, but never in the first
 * half of the token's life — a provider with 5-minute tokens and a 10-minute lead would
 * otherwise be asked for a new token on every sweep. Without a refresh token nothing can be
 * refreshed, and without an expiry there is no time to aim for: such records stay out of it.
 */
export function refreshDueAt(
  settings: Pick<HandshakeSettings, 'refreshLeadSeconds'>,
  expiresAt: number | undefined,
  hasRefreshToken: boolean,
  now: number,
): number | undefined {
  if (!hasRefreshToken || expiresAt === undefined) return undefined;
  const halfLife = now + Math.max(0, expiresAt - now) / 2;
  return Math.round(Math.max(expiresAt - settings.refreshLeadSeconds * 1000, halfLife));
}

/** First retry after a transient refresh failure, doubling up to the cap. */
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;

/**
 * When to try again after the `failures`-th transient failure in a row: 30 s, 1 min, 2 min …
 * capped at 30 min, with ±20 % jitter (`jitter` in [0, 1), 0.5 = none) so tokens that failed
 * together do not retry together.
 */
export function nextAttemptAt(now: number, failures: number, jitter: number): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return now + Math.round(base * (0.8 + 0.4 * jitter));
}

/** A token this close to its expiry is refreshed before use rather than sent. */
export const EXPIRY_MARGIN_MS = 5_000;

/** Whether the access token is worth sending as it is (a token without an expiry always is). */
export const isFreshEnough = (account: Pick<AuthorizedAccount, 'expiresAt'>, now: number): boolean =>
  account.expiresAt === undefined || account.expiresAt - now > EXPIRY_MARGIN_MS;

/**
 * The lease outlives the token request's own timeout, so the holder always finishes (or gives
 * up) before anyone else may take over — no two requests ever carry the same refresh token.
 */
export const LEASE_MARGIN_MS = 30_000;

/** Until when a refresh that starts at `now` holds its lease. */
export const leaseUntil = (now: number, tokenTimeoutMs: number): number =>
  now + tokenTimeoutMs + LEASE_MARGIN_MS;

/** Whether someone holds the account's lease at `now`. */
export const isLeased = (record: AccountRecord, now: number): boolean =>
  record.status === 'authorized' && record.lease !== undefined && record.lease.until >= now;

/**
 * Whether the account can be refreshed at all: authorized, with a refresh token — or of a grant
 * that `renewsItself` (client credentials: the client asks again, no refresh token needed).
 */
export const isRefreshable = (record: AccountRecord, renewsItself = false): record is AuthorizedAccount =>
  record.status === 'authorized' && (renewsItself || record.tokens.refreshToken !== undefined);

/**
 * The provider answers that mean the grant itself is gone (RFC 6749 §5.2: the refresh token is
 * invalid, expired or revoked). Anything else — `invalid_client`, `unauthorized_client`,
 * `invalid_scope`, a 4xx without an OAuth error — is a problem of this deployment or a passing
 * one: the account stays authorized and the refresh is retried with backoff.
 */
export const DEAD_GRANT_ERRORS: ReadonlySet<string> = new Set(['invalid_grant']);

export type RefreshFailure = Exclude<TokenResult, { kind: 'tokens' }>;

/** What a failed refresh means: the error recorded, and whether the grant is dead. */
export function judgeFailure(
  failure: RefreshFailure,
  at: string,
): { readonly error: ProviderError; readonly dead: boolean } {
  if (failure.kind === 'rejected') {
    return {
      error: { code: failure.error, description: failure.description, at },
      dead: DEAD_GRANT_ERRORS.has(failure.error),
    };
  }
  const code = failure.kind === 'refused' ? 'refused' : 'unavailable';
  return { error: { code, description: failure.reason, at }, dead: false };
}

/**
 * The failing episode after a transient refresh failure at `at`: it starts at its first
 * failure and is reported once, when it has lasted `failingAfterMs`.
 */
export function failingEpisode(
  current: FailingEpisode | undefined,
  error: ProviderError,
  at: string,
  failingAfterMs: number,
): FailingEpisode {
  const since = current?.since ?? at;
  const lasted = Date.parse(at) - Date.parse(since);
  return {
    failureCount: (current?.failureCount ?? 0) + 1,
    lastError: error,
    since,
    reportedAt: current?.reportedAt ?? (lasted >= failingAfterMs ? at : undefined),
  };
}
