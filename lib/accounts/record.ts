import type { Sealed } from '../crypto/sealed';

/**
 * The account record: one token set, an installation's account of one integration. Its status
 * says what it holds — an authorized account has its sealed access token; one that needs
 * reauthorization has no token at all, only the provider's last answer. Records change only
 * through the transitions of lib/accounts/transitions.ts; the stores read and write them
 * (lib/store/ports.ts) and never decide what comes next.
 */

export interface AccountKey {
  readonly installationId: string;
  readonly integration: string;
  readonly account: string;
}

/** What the provider answered to a failed refresh (or why it could not be asked). */
export interface ProviderError {
  readonly code: string;
  readonly description?: string | undefined;
  readonly at: string;
}

/** The secret part of an account, in plain text — only ever in memory. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  /** The oauth_iparams entered at the handshake, kept to render token_url on refresh. */
  readonly oauthIparams?: Readonly<Record<string, string>> | undefined;
  /** Token-response fields the integration keeps (e.g. instance_url). */
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

/** A token set sealed field by field, each bound to its account and field (lib/tokens/token-set.ts). */
export interface SealedTokens {
  readonly accessToken: Sealed;
  readonly refreshToken?: Sealed | undefined;
  readonly oauthIparams?: Sealed | undefined;
  /** Sealed as JSON. */
  readonly extra?: Sealed | undefined;
}

/**
 * Transient refresh failures in a row. The episode starts at its first failure and is reported
 * (`account.refresh_failing`) once, when it has lasted long enough; a success ends it.
 */
export interface FailingEpisode {
  readonly failureCount: number;
  readonly lastError: ProviderError;
  /** First failure of the episode (ISO time). */
  readonly since: string;
  /** When the episode was reported; absent until then. */
  readonly reportedAt?: string | undefined;
}

/** The refresh lease: taken by the store's conditional update, released by the holder's write. */
export interface Lease {
  /** Who holds it (a container and call), for diagnosis. */
  readonly owner: string;
  /** Epoch ms. */
  readonly until: number;
}

interface AccountCommon extends AccountKey {
  /** When the current grant was made: the last completed handshake. */
  readonly authorizedAt: string;
  readonly lastRefreshedAt?: string | undefined;
  /** The scope the provider granted. */
  readonly scope?: string | undefined;
  /** Expiry of the (last) access token, epoch ms: still shown once the grant died. */
  readonly expiresAt?: number | undefined;
  /** Incremented on every write; conditional writes compare it. */
  readonly version: number;
  readonly updatedAt: string;
}

export interface AuthorizedAccount extends AccountCommon {
  readonly status: 'authorized';
  readonly tokens: SealedTokens;
  readonly tokenType?: string | undefined;
  /** When the sweep should refresh (epoch ms); absent = not in the sweep. */
  readonly refreshDueAt?: number | undefined;
  /** Present while refreshes fail transiently. */
  readonly failing?: FailingEpisode | undefined;
  readonly lease?: Lease | undefined;
}

/** The grant is dead: a person must authorize again. Dead tokens are of no use, so none is kept. */
export interface ReauthorizationRequiredAccount extends AccountCommon {
  readonly status: 'reauthorization_required';
  readonly lastError: ProviderError;
}

export type AccountRecord = AuthorizedAccount | ReauthorizationRequiredAccount;

export type AccountStatus = AccountRecord['status'];

/** Only the key of a record (or of anything that carries one). */
export const keyOf = (key: AccountKey): AccountKey => ({
  installationId: key.installationId,
  integration: key.integration,
  account: key.account,
});
