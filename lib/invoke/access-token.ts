import { isFreshEnough } from '../accounts/decisions';
import type {
  AccountKey,
  AccountRecord,
  AuthorizedAccount,
  ReauthorizationRequiredAccount,
} from '../accounts/record';
import { tokenAad } from '../crypto/aad';
import type { Sealed } from '../crypto/sealed';
import { DeadlineExceededError, ReauthorizationRequiredError, TokenRefreshFailedError } from '../errors';
import type { Refresher, Settled } from '../refresh/refresh-or-join';
import type { OpenMemo } from '../tokens/open-memo';
import type { Vault } from '../tokens/vault';

/** The token an invoke sends, with the ciphertext it came from (what a refresh is coalesced by). */
export interface CurrentToken {
  readonly accessToken: string;
  readonly sealed: Sealed;
}

export interface AccessTokenDeps {
  readonly vault: () => Promise<Vault>;
  readonly memo: OpenMemo;
  readonly refresher: Refresher;
  readonly now: () => Date;
}

const reauthorization = (key: AccountKey, record?: ReauthorizationRequiredAccount) =>
  new ReauthorizationRequiredError(
    record === undefined
      ? `Account "${key.account}" of "${key.integration}" is not connected: make a connect link`
      : `Account "${key.account}" of "${key.integration}" needs reauthorization (${record.lastError.code}): make a connect link`,
  );

const notIssued = (settled: Settled) =>
  new TokenRefreshFailedError(
    `The provider issued no token (${'error' in settled ? settled.error.code : settled.kind}); try again later`,
  );

const outOfTime = () =>
  new DeadlineExceededError('The access token could not be refreshed before the invoke timed out');

/**
 * The access token invoke sends, from the account record read for this very invoke: nothing
 * about an account is kept between invokes except decryptions memoized by ciphertext, so a
 * reconnect, a delete or a dead grant is seen by the next call. Refreshed inline, under the
 * lease, when expired or about to be; and once more when the upstream answers 401.
 */
export class AccessTokens {
  constructor(private readonly deps: AccessTokenDeps) {}

  /** The token to send for the account as `record` (this invoke's read) has it. */
  async current(key: AccountKey, record: AccountRecord | undefined, deadline: number): Promise<CurrentToken> {
    const renewsItself = this.deps.refresher.renewsItself(key);
    if (record?.status !== 'authorized') {
      if (!renewsItself) throw reauthorization(key, record);
      // A client-credentials account gets its token at first use (and again after a dead one).
      const settled = await this.deps.refresher.refresh(key, { kind: 'forced' }, deadline);
      const token = await this.replacement(key, settled);
      if (token !== undefined) return token;
      this.inTime(deadline);
      throw notIssued(settled);
    }
    const token = await this.open(key, record);
    const { expiresAt } = record;
    if (expiresAt === undefined || isFreshEnough(record, this.deps.now().getTime())) return token;
    if (record.tokens.refreshToken === undefined && !this.deps.refresher.needsNoRefreshToken(key))
      return token;
    const settled = await this.deps.refresher.refresh(
      key,
      { kind: 'replace', accessToken: token.sealed },
      deadline,
    );
    if (settled.kind === 'failed') {
      this.inTime(deadline);
      // The provider is down: an access token that has not quite expired is still worth a try.
      if (expiresAt > this.deps.now().getTime()) return token;
      throw new TokenRefreshFailedError(
        `The access token expired and the provider could not refresh it (${settled.error.code}); try again later`,
      );
    }
    return (await this.replacement(key, settled)) ?? token;
  }

  /**
   * The upstream refused `sent` with 401. Coalesced by token: if the stored token is another
   * one already, that one; else one refresh under the lease (or the result of the refresh in
   * flight). Undefined when there is nothing newer to try.
   */
  async afterUnauthorized(key: AccountKey, sent: CurrentToken, deadline: number) {
    const settled = await this.deps.refresher.refresh(
      key,
      { kind: 'replace', accessToken: sent.sealed },
      deadline,
    );
    if (settled.kind !== 'failed') return this.replacement(key, settled);
    // A refresh cut short by the deadline is the invoke's timeout, not the upstream's 401.
    this.inTime(deadline);
    return undefined;
  }

  private inTime(deadline: number): void {
    if (this.deps.now().getTime() >= deadline) throw outOfTime();
  }

  private async replacement(key: AccountKey, settled: Settled): Promise<CurrentToken | undefined> {
    switch (settled.kind) {
      case 'refreshed':
        return this.open(key, settled.record);
      case 'dead':
        throw reauthorization(key, settled.record);
      case 'missing':
        throw reauthorization(key);
      case 'timed_out':
        throw outOfTime();
      case 'failed':
      case 'no_refresh_token':
      case 'not_issued':
        return undefined;
    }
  }

  private async open(key: AccountKey, record: AuthorizedAccount): Promise<CurrentToken> {
    const sealed = record.tokens.accessToken;
    const aad = tokenAad(key.installationId, key.integration, key.account, 'access_token');
    return { accessToken: this.deps.memo.open(await this.deps.vault(), sealed, aad), sealed };
  }
}
