import type { RefreshDeps } from '../refresh/refresh-account';
import { FRESH_ENOUGH_MS } from '../refresh/refresh-now';
import { refreshAndReport } from '../refresh/report';
import type { AccountKey, AccountRecord } from '../store/ports';
import { openTokenSet } from '../tokens/token-set';
import { InvokeError, platformError } from './errors';

/** A token this close to its expiry is refreshed before use rather than sent. */
const EXPIRY_MARGIN_MS = 5_000;
const LEASE_POLL_MS = 100;

interface Cached {
  readonly accessToken: string;
  readonly expiresAt: number | undefined;
  readonly version: number;
}

const cacheKey = (key: AccountKey) => `${key.installationId}\u0000${key.integration}\u0000${key.account}`;

const reauthorization = (key: AccountKey, record?: AccountRecord) =>
  new InvokeError(
    401,
    'APP',
    'REAUTHORIZATION_REQUIRED',
    record === undefined
      ? `Account "${key.account}" of "${key.integration}" is not connected: make a connect link`
      : `Account "${key.account}" of "${key.integration}" needs reauthorization${record.lastError === undefined ? '' : ` (${record.lastError.code})`}: make a connect link`,
  );

/**
 * The access tokens invoke sends: decrypted once and kept in this container's memory for their
 * remaining life (DynamoDB stays off the hot path); refreshed inline, under the refresh core's
 * lease, when expired or about to be; refreshed once more when the upstream answers 401.
 */
export class AccessTokens {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly deps: RefreshDeps) {}

  private usable(entry: Cached | undefined, now: number): entry is Cached {
    return entry !== undefined && (entry.expiresAt === undefined || entry.expiresAt - now > EXPIRY_MARGIN_MS);
  }

  /** The token to send for this account. */
  async get(key: AccountKey): Promise<string> {
    const now = this.deps.now().getTime();
    const cached = this.cache.get(cacheKey(key));
    if (this.usable(cached, now)) return cached.accessToken;
    let record = await this.deps.accounts.get(key);
    if (record === undefined || record.status !== 'authorized') throw reauthorization(key, record);
    let entry = await this.open(record);
    if (!this.usable(entry, now)) {
      record = await this.refresh(key, record);
      entry = await this.open(record);
    }
    this.cache.set(cacheKey(key), entry);
    return entry.accessToken;
  }

  /**
   * The upstream refused `sent` with 401: a newer token if another refresher already got one,
   * else one forced refresh. Undefined when there is nothing newer to try.
   */
  async afterUnauthorized(key: AccountKey, sent: string): Promise<string | undefined> {
    this.cache.delete(cacheKey(key));
    const record = await this.deps.accounts.get(key);
    if (record === undefined || record.status !== 'authorized') throw reauthorization(key, record);
    const current = await this.open(record);
    if (current.accessToken !== sent) return this.remember(key, current);
    const refreshed = await this.open(await this.refresh(key, record));
    return refreshed.accessToken === sent ? undefined : this.remember(key, refreshed);
  }

  private remember(key: AccountKey, entry: Cached): string {
    this.cache.set(cacheKey(key), entry);
    return entry.accessToken;
  }

  private async open(record: AccountRecord): Promise<Cached> {
    const tokens = openTokenSet(await this.deps.vault(), record);
    if (tokens === undefined) throw reauthorization(record, record);
    return { accessToken: tokens.accessToken, expiresAt: record.expiresAt, version: record.version };
  }

  /** One refresh through the lease; waits for another holder's result instead of racing it. */
  private async refresh(key: AccountKey, record: AccountRecord): Promise<AccountRecord> {
    if (record.refreshToken === undefined) return record;
    const since = new Date(this.deps.now().getTime() - FRESH_ENOUGH_MS).toISOString();
    const outcome = await refreshAndReport(this.deps, key, { kind: 'not_refreshed_since', since });
    switch (outcome.kind) {
      case 'refreshed':
        return outcome.record;
      case 'dead':
        throw reauthorization(key, outcome.record);
      case 'failed':
        // The provider is down: an access token that has not quite expired is still worth a try.
        if (record.expiresAt === undefined || record.expiresAt > this.deps.now().getTime())
          return outcome.record;
        throw platformError(
          503,
          'TOKEN_REFRESH_FAILED',
          `The access token expired and the provider could not refresh it (${outcome.error.code}); try again later`,
        );
      case 'skipped':
        return outcome.reason === 'leased' ? this.waitForLease(key) : this.reread(key);
    }
  }

  private async reread(key: AccountKey): Promise<AccountRecord> {
    const record = await this.deps.accounts.get(key);
    if (record === undefined || record.status !== 'authorized') throw reauthorization(key, record);
    return record;
  }

  private async waitForLease(key: AccountKey): Promise<AccountRecord> {
    const until = this.deps.now().getTime() + this.deps.tokenTimeoutMs + 1000;
    while (this.deps.now().getTime() < until) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      const record = await this.reread(key);
      if (record.leaseOwner === undefined) return record;
    }
    throw platformError(
      503,
      'TOKEN_REFRESH_FAILED',
      'The access token is being refreshed and the refresh did not finish in time',
    );
  }
}
