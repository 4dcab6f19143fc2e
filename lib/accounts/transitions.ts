import type { HandshakeSettings } from '../app/model';
import type { ParsedTokens } from '../oauth/token-response';
import { failingEpisode, judgeFailure, nextAttemptAt, type RefreshFailure, refreshDueAt } from './decisions';
import { type AccountEvent, accountEvents, disconnectionEvents, type EventPolicy } from './events';
import type {
  AccountKey,
  AccountRecord,
  AuthorizedAccount,
  ProviderError,
  ReauthorizationRequiredAccount,
  SealedTokens,
  TokenSet,
} from './record';
import { keyOf } from './record';

/**
 * Every change of an account record, as pure functions: (current record, input, context) →
 * the next record and the auth events that change means. No I/O: the callers (lib/connect,
 * lib/refresh) load the record, call one of these, and write the result with the store's
 * conditional put, conditioned on the version they read. Each builds the next record field by
 * field — nothing is carried over from the current one unless it is named here.
 */

/** When the change happens and what the deployment wants told. */
export interface TransitionContext {
  /** Epoch ms. */
  readonly now: number;
  readonly events: EventPolicy;
}

export interface Transition<R extends AccountRecord = AccountRecord> {
  readonly record: R;
  readonly events: readonly AccountEvent[];
}

/** Seals a token set for the account being written (lib/tokens/token-set.ts, bound to its key). */
export type Sealer = (tokens: TokenSet) => SealedTokens;

/** A completed code exchange. */
export interface GrantInput {
  readonly tokens: ParsedTokens;
  readonly oauthIparams: Readonly<Record<string, string>>;
  readonly settings: Pick<HandshakeSettings, 'refreshLeadSeconds'>;
  readonly seal: Sealer;
  /** Brought in by the import route rather than a handshake: its `account.authorized` says so. */
  readonly imported?: boolean;
  /** Renewed without a refresh token (client credentials): due for renewal all the same. */
  readonly renewsItself?: boolean | undefined;
}

const renewable = (
  refreshToken: string | undefined,
  input: { readonly renewsItself?: boolean | undefined },
) => refreshToken !== undefined || input.renewsItself === true;

const nonEmpty = (fields: Readonly<Record<string, unknown>>) =>
  Object.keys(fields).length === 0 ? undefined : fields;

const changed = <R extends AccountRecord>(
  before: AccountRecord | undefined,
  record: R,
  context: TransitionContext,
): Transition<R> => ({ record, events: accountEvents(context.events, before, record) });

function grantRecord(key: AccountKey, version: number, input: GrantInput, now: number) {
  const { tokens } = input;
  const at = new Date(now).toISOString();
  const record: AuthorizedAccount = {
    ...keyOf(key),
    status: 'authorized',
    tokens: input.seal({
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      oauthIparams: input.oauthIparams,
      extra: nonEmpty(tokens.extra),
    }),
    tokenType: tokens.tokenType,
    scope: tokens.scope,
    expiresAt: tokens.expiresAt,
    refreshDueAt: refreshDueAt(input.settings, tokens.expiresAt, renewable(tokens.refreshToken, input), now),
    authorizedAt: at,
    version,
    updatedAt: at,
  };
  return record;
}

/** A grant's events, `account.authorized` marked `imported` when the grant came from elsewhere. */
function granted(
  before: AccountRecord | undefined,
  record: AuthorizedAccount,
  input: GrantInput,
  context: TransitionContext,
): Transition<AuthorizedAccount> {
  const transition = changed(before, record, context);
  if (input.imported !== true) return transition;
  const events = transition.events.map((event) =>
    event.type === 'account.authorized' ? { ...event, data: { ...event.data, imported: true } } : event,
  );
  return { record, events };
}

/** The first handshake (or import) of an account: its first token set. */
export const authorized = (
  key: AccountKey,
  input: GrantInput,
  context: TransitionContext,
): Transition<AuthorizedAccount> =>
  granted(undefined, grantRecord(key, 1, input, context.now), input, context);

/**
 * A new handshake over an existing record — how reauthorization works: the new token set
 * replaces everything of the old grant (its tokens, failures, a refresh lease in flight, whose
 * holder's write then loses on the version).
 */
export const reconnected = (
  current: AccountRecord,
  input: GrantInput,
  context: TransitionContext,
): Transition<AuthorizedAccount> =>
  granted(current, grantRecord(current, current.version + 1, input, context.now), input, context);

/** What stays of an authorized account through a refresh attempt, whatever its result. */
const kept = (current: AuthorizedAccount, at: string) => ({
  ...keyOf(current),
  authorizedAt: current.authorizedAt,
  scope: current.scope,
  expiresAt: current.expiresAt,
  lastRefreshedAt: current.lastRefreshedAt,
  version: current.version + 1,
  updatedAt: at,
});

export interface RefreshedInput {
  readonly tokens: ParsedTokens;
  /** The token set the refresh was made with (opened from `current`). */
  readonly previous: TokenSet;
  readonly settings: Pick<HandshakeSettings, 'refreshLeadSeconds'>;
  readonly seal: Sealer;
  readonly renewsItself?: boolean | undefined;
}

/** The provider issued new tokens: the lease is released, a failing episode ends. */
export function refreshed(
  current: AuthorizedAccount,
  input: RefreshedInput,
  context: TransitionContext,
): Transition<AuthorizedAccount> {
  const { tokens: fresh, previous } = input;
  const { now } = context;
  const at = new Date(now).toISOString();
  // A provider that does not rotate sends no refresh token: the stored one stays valid.
  const refreshToken = fresh.refreshToken ?? previous.refreshToken;
  const record: AuthorizedAccount = {
    ...kept(current, at),
    status: 'authorized',
    tokens: input.seal({
      accessToken: fresh.accessToken,
      refreshToken,
      oauthIparams: previous.oauthIparams,
      extra: nonEmpty({ ...previous.extra, ...fresh.extra }),
    }),
    tokenType: fresh.tokenType ?? current.tokenType,
    scope: fresh.scope ?? current.scope,
    expiresAt: fresh.expiresAt,
    refreshDueAt: refreshDueAt(input.settings, fresh.expiresAt, renewable(refreshToken, input), now),
    lastRefreshedAt: at,
  };
  return changed(current, record, context);
}

export interface FailedInput {
  readonly error: ProviderError;
  /** In [0, 1): spreads the retry (lib/accounts/decisions.ts, nextAttemptAt). */
  readonly jitter: number;
}

/** A transient failure: the account stays authorized with its tokens, retried with backoff. */
export function failedTransiently(
  current: AuthorizedAccount,
  input: FailedInput,
  context: TransitionContext,
): Transition<AuthorizedAccount> {
  const at = new Date(context.now).toISOString();
  const failing = failingEpisode(current.failing, input.error, at, context.events.failingAfterMs);
  const record: AuthorizedAccount = {
    ...kept(current, at),
    status: 'authorized',
    tokens: current.tokens,
    tokenType: current.tokenType,
    refreshDueAt: nextAttemptAt(context.now, failing.failureCount, input.jitter),
    failing,
  };
  return changed(current, record, context);
}

/** The grant is dead: its tokens are dropped and a person must authorize again. */
export function grantDied(
  current: AuthorizedAccount,
  input: { readonly error: ProviderError },
  context: TransitionContext,
): Transition<ReauthorizationRequiredAccount> {
  const at = new Date(context.now).toISOString();
  const record: ReauthorizationRequiredAccount = {
    ...kept(current, at),
    status: 'reauthorization_required',
    lastError: input.error,
  };
  return changed(current, record, context);
}

/**
 * The account is disconnected (DELETE of the account): its record goes, and with it its tokens
 * and any lease in flight — whose holder's write then finds nothing to write over.
 */
export const disconnected = (
  current: AccountRecord,
  context: TransitionContext,
): { readonly record: undefined; readonly events: readonly AccountEvent[] } => ({
  record: undefined,
  events: disconnectionEvents(context.events, current, new Date(context.now).toISOString()),
});

export type RefreshInput = Omit<RefreshedInput, 'tokens'> & Pick<FailedInput, 'jitter'>;

export type RefreshTransition =
  | ({ readonly kind: 'refreshed' } & Transition<AuthorizedAccount>)
  | ({ readonly kind: 'failed'; readonly error: ProviderError } & Transition<AuthorizedAccount>)
  | ({ readonly kind: 'dead'; readonly error: ProviderError } & Transition<ReauthorizationRequiredAccount>);

/** The next record after the token endpoint answered a refresh of the leased `current`. */
export function afterRefresh(
  current: AuthorizedAccount,
  answer: { readonly kind: 'tokens'; readonly tokens: ParsedTokens } | RefreshFailure,
  input: RefreshInput,
  context: TransitionContext,
): RefreshTransition {
  if (answer.kind === 'tokens') {
    return { kind: 'refreshed', ...refreshed(current, { ...input, tokens: answer.tokens }, context) };
  }
  const { error, dead } = judgeFailure(answer, new Date(context.now).toISOString());
  if (dead) return { kind: 'dead', error, ...grantDied(current, { error }, context) };
  return { kind: 'failed', error, ...failedTransiently(current, { error, jitter: input.jitter }, context) };
}
