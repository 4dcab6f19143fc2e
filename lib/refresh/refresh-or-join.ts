import { isLeased } from '../accounts/decisions';
import type {
  AccountKey,
  AccountRecord,
  AuthorizedAccount,
  ProviderError,
  ReauthorizationRequiredAccount,
} from '../accounts/record';
import { isClientGrant, renewsWithoutRefreshToken } from '../app/model';
import type { Sealed } from '../crypto/sealed';
import type { LeaseCondition } from '../store/ports';
import { issueClientToken } from './issue-token';
import type { RefreshDeps, RefreshOutcome } from './refresh-account';
import { refreshAndReport } from './report';

/** Why a refresh is asked for, which decides when one is needed at all. */
export type RefreshAsk =
  /** Explicitly (the admin route): always reaches the provider unless a refresh is in flight. */
  | { readonly kind: 'forced' }
  /** The access token `accessToken` expired or was refused: replace it unless someone already did. */
  | { readonly kind: 'replace'; readonly accessToken: Sealed };

/** How an ask ended. No kind claims a refresh that did not happen. */
export type Settled =
  /** The record holds tokens newer than the ask: this call's refresh, a joined holder's, or a reconnect. */
  | { readonly kind: 'refreshed'; readonly record: AuthorizedAccount }
  /** A transient failure (this call's or the joined holder's): the stored token is unchanged. */
  | { readonly kind: 'failed'; readonly record: AuthorizedAccount; readonly error: ProviderError }
  | { readonly kind: 'dead'; readonly record: ReauthorizationRequiredAccount }
  | { readonly kind: 'missing' }
  | { readonly kind: 'no_refresh_token'; readonly record: AuthorizedAccount }
  /** Time ran out: another holder did not finish in time, or too little was left to start. */
  | { readonly kind: 'timed_out' }
  /** A client-credentials account's first token was refused: nothing is stored. */
  | { readonly kind: 'not_issued'; readonly error: ProviderError };

const POLL_MS = 100;
/** A token request started with less time than this would be cut off mid-flight: not started. */
const MIN_REFRESH_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const flightKey = (key: AccountKey, ask: RefreshAsk) =>
  [key.installationId, key.integration, key.account, ask.kind === 'forced' ? '' : ask.accessToken].join(
    '\u0000',
  );

type Judged = Settled | { readonly kind: 'wait' } | { readonly kind: 'again' };

/**
 * What a record read while not holding the lease says about the ask. `since`: when this ask
 * began, so only a failure or refresh that happened after it is taken as the answer.
 */
function judge(
  ask: RefreshAsk,
  record: AccountRecord | undefined,
  times: { readonly since: number; readonly now: number; readonly renewsItself: boolean },
): Judged {
  const { since, now } = times;
  if (record === undefined) return { kind: 'missing' };
  if (record.status !== 'authorized') return { kind: 'dead', record };
  if (ask.kind === 'replace' && record.tokens.accessToken !== ask.accessToken)
    return { kind: 'refreshed', record };
  if (isLeased(record, now)) return { kind: 'wait' };
  if (record.tokens.refreshToken === undefined && !times.renewsItself)
    return { kind: 'no_refresh_token', record };
  const error = record.failing?.lastError;
  if (error !== undefined && Date.parse(error.at) >= since) return { kind: 'failed', record, error };
  if (record.lastRefreshedAt !== undefined && Date.parse(record.lastRefreshedAt) >= since)
    return { kind: 'refreshed', record };
  return { kind: 'again' };
}

/** This call's own refresh, reported as it ended. */
function settledBy(outcome: Exclude<RefreshOutcome, { kind: 'skipped' }>): Settled {
  switch (outcome.kind) {
    case 'refreshed':
      return { kind: 'refreshed', record: outcome.record };
    case 'dead':
      return { kind: 'dead', record: outcome.record };
    case 'failed':
      return { kind: 'failed', record: outcome.record, error: outcome.error };
  }
}

/**
 * The lease was refused because there is no refresh token (or none that opens): nothing to
 * wait for, even if the record is leased.
 */
function hasNoRefreshToken(ask: RefreshAsk, record: AccountRecord | undefined): record is AuthorizedAccount {
  if (record?.status !== 'authorized') return false;
  return ask.kind === 'forced' || record.tokens.accessToken === ask.accessToken;
}

/**
 * Refreshes under the account's lease, or joins the refresh that holds it and reports that
 * one's result. Coalesced by token, never by time: a burst of askers for the same token costs
 * one provider call — within this container through one shared promise, across containers
 * through the lease — and a grant revoked a second after a refresh is still seen at once.
 */
export class Refresher {
  private readonly flights = new Map<string, Promise<Settled>>();

  constructor(private readonly deps: RefreshDeps) {}

  /** Whether the account's tokens come from its client's own grant (token_type "client"). */
  renewsItself(key: AccountKey): boolean {
    const integration = this.deps.app.integrations.get(key.integration);
    return integration !== undefined && isClientGrant(integration);
  }

  /** Whether the account is renewed without a refresh token (client grant, refresh_request.token access_token). */
  needsNoRefreshToken(key: AccountKey): boolean {
    const integration = this.deps.app.integrations.get(key.integration);
    return integration !== undefined && renewsWithoutRefreshToken(integration);
  }

  /** `deadline` (epoch ms) bounds the whole ask, a token request included. */
  refresh(key: AccountKey, ask: RefreshAsk, deadline: number): Promise<Settled> {
    const id = flightKey(key, ask);
    const inFlight = this.flights.get(id);
    if (inFlight !== undefined) return inFlight;
    const flight = this.run(key, ask, deadline).finally(() => this.flights.delete(id));
    this.flights.set(id, flight);
    return flight;
  }

  private async run(key: AccountKey, ask: RefreshAsk, deadline: number): Promise<Settled> {
    const since = this.deps.now().getTime();
    const condition: LeaseCondition =
      ask.kind === 'forced' ? { kind: 'any' } : { kind: 'token_is', accessToken: ask.accessToken };
    for (;;) {
      const remaining = deadline - this.deps.now().getTime();
      if (remaining < MIN_REFRESH_MS) return { kind: 'timed_out' };
      const outcome = await refreshAndReport(
        { ...this.deps, tokenTimeoutMs: Math.min(this.deps.tokenTimeoutMs, remaining) },
        key,
        condition,
      );
      if (outcome.kind !== 'skipped') return settledBy(outcome);
      const current = outcome.reason === 'superseded' ? await this.deps.accounts.get(key) : outcome.record;
      if (current?.status !== 'authorized' && this.renewsItself(key)) {
        const issued = await this.issue(key, current, remaining);
        if (issued === undefined) continue;
        return issued;
      }
      if (outcome.reason === 'not_refreshable' && hasNoRefreshToken(ask, current)) {
        return { kind: 'no_refresh_token', record: current };
      }
      const judged = await this.settle(key, ask, current, since, deadline);
      if (judged.kind !== 'again') return judged;
    }
  }

  /** A client-credentials account without a live token gets one; undefined: someone stored one first. */
  private async issue(
    key: AccountKey,
    current: ReauthorizationRequiredAccount | undefined,
    remaining: number,
  ): Promise<Settled | undefined> {
    const integration = this.deps.app.integrations.get(key.integration);
    if (integration === undefined) return { kind: 'missing' };
    const deps = { ...this.deps, tokenTimeoutMs: Math.min(this.deps.tokenTimeoutMs, remaining) };
    const outcome = await issueClientToken(deps, key, integration, current);
    if (outcome.kind === 'superseded') return undefined;
    return outcome.kind === 'issued' ? { kind: 'refreshed', record: outcome.record } : outcome;
  }

  /** Judges the record; while another holder has the lease, waits for its result. */
  private async settle(
    key: AccountKey,
    ask: RefreshAsk,
    first: AccountRecord | undefined,
    since: number,
    deadline: number,
  ): Promise<Settled | { readonly kind: 'again' }> {
    let record = first;
    for (;;) {
      const now = this.deps.now().getTime();
      const judged = judge(ask, record, { since, now, renewsItself: this.needsNoRefreshToken(key) });
      if (judged.kind !== 'wait') return judged;
      if (this.deps.now().getTime() + POLL_MS >= deadline) return { kind: 'timed_out' };
      await sleep(POLL_MS);
      record = await this.deps.accounts.get(key);
    }
  }
}
