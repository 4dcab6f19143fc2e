import { eventStatusOf, type ListedStatus } from '../accounts/events';
import type { AccountKey, AccountRecord, AuthorizedAccount } from '../accounts/record';
import type { Sealed } from '../crypto/sealed';
import type { RefreshTally } from './counter-ports';

/**
 * The storage ports. The core talks to these interfaces only; lib/store/dynamo-*.ts are the
 * DynamoDB adapters. Every value that is a secret is a `Sealed` string (lib/crypto/sealed.ts):
 * ciphertext produced by lib/tokens/vault.ts, so a plaintext token cannot be handed to a store
 * by mistake. The account record is the domain's (lib/accounts/record.ts): stores read and
 * write it, the transitions of lib/accounts decide it.
 */

/** An auth event for the app's webhook (lib/events), written with the change it reports. */
export interface OutboxEvent {
  readonly id: string;
  readonly type: string;
  readonly installation: string;
  /** The exact JSON that is signed and sent. */
  readonly body: string;
  /** When it happened (epoch ms): it is due for delivery from then on. */
  readonly at: number;
}

export interface SealedAppSettings {
  readonly sealed: Sealed;
  readonly names: readonly string[];
}

export interface InstallationRecord {
  readonly id: string;
  /** SHA-256 of the installation key; the key itself is never stored. */
  readonly keyHash: string;
  /** Non-secure iparams, stored as given. */
  readonly iparams: Readonly<Record<string, unknown>>;
  /** Secure iparams as one sealed JSON object, bound to the installation. */
  readonly secureIparams: Sealed | undefined;
  /** Names of the secure iparams that are set (names are not secret; values are sealed). */
  readonly secureIparamNames: readonly string[];
  /**
   * `current_host.endpoint_urls`: product name to host, each checked as a host when set; absent
   * when none was given. Not secret.
   */
  readonly endpointUrls?: Readonly<Record<string, string>>;
  /** `app_settings`: set by the app's backend, replaced whole; absent when never set. Never logged. */
  /**
   * FDK's `app_settings`, sealed as one JSON object bound to the installation: apps keep
   * passwords and TLS keys there (Freshworks' two-way-SSL sample), so all of it is a secret.
   * `names` are its top-level keys, which are not.
   */
  readonly appSettings?: SealedAppSettings;
  readonly createdAt: string;
}

export interface InstallationStore {
  /** Fails with ConflictError when the id exists. */
  create(record: InstallationRecord): Promise<void>;
  get(id: string): Promise<InstallationRecord | undefined>;
  /** Replaces the app settings of an existing installation; false when it does not exist. */
  replaceAppSettings(id: string, settings: SealedAppSettings): Promise<boolean>;
  /**
   * Removes the installation and every record of it; false when it did not exist. `events`
   * are written in the same transaction as the removal of the installation item.
   */
  delete(id: string, events?: readonly OutboxEvent[]): Promise<boolean>;
}

/**
 * What a conditional write expects to find. `listed` is the status the record at `version`
 * has (eventStatusOf): the overview's counters move from it, with no read before the write.
 */
export type WriteExpectation =
  | { readonly kind: 'absent' }
  | { readonly kind: 'version'; readonly version: number; readonly listed: ListedStatus };

/** The expectation of a write over `record` as it was read. */
export const expectationOf = (record: AccountRecord): Extract<WriteExpectation, { kind: 'version' }> => ({
  kind: 'version',
  version: record.version,
  listed: eventStatusOf(record),
});

/** When a refresh lease may be taken, besides "no live lease and the account is authorized". */
export type LeaseCondition =
  /** The sweep: the record's refresh time has come. */
  | { readonly kind: 'due'; readonly now: number }
  /** Asked for explicitly (the admin route): only a live lease stops it. */
  | { readonly kind: 'any' }
  /**
   * The stored access token is still `accessToken` (the one that expired or that an upstream
   * refused). Coalescing by token, not by time: once anyone replaced it, there is nothing to do.
   */
  | { readonly kind: 'token_is'; readonly accessToken: Sealed };

export type LeaseResult =
  | { readonly acquired: true; readonly record: AuthorizedAccount }
  /** `current` is the record as it is (undefined when it does not exist). */
  | { readonly acquired: false; readonly current: AccountRecord | undefined };

export interface AccountStore {
  get(key: AccountKey): Promise<AccountRecord | undefined>;
  list(installationId: string): Promise<AccountRecord[]>;
  /**
   * Writes the record (its `version` must be the expected one + 1, or 1 when absent) only if
   * the installation still exists and the stored record matches the expectation; otherwise
   * ConflictError (or NotFoundError for a deleted installation). `events` are written in the same
   * transaction: they exist if and only if the change they report does.
   */
  put(
    record: AccountRecord,
    expect: WriteExpectation,
    events?: readonly OutboxEvent[],
    /** The refresh attempt this write ends, for the overview's counters. */
    tally?: { readonly refresh: RefreshTally },
  ): Promise<void>;
  /**
   * Removes the account record if it still has the version read (else ConflictError: it
   * changed, or is gone); `events` are written in the same transaction.
   */
  delete(
    key: AccountKey,
    expect: Extract<WriteExpectation, { kind: 'version' }>,
    events?: readonly OutboxEvent[],
  ): Promise<void>;
  /**
   * Takes the refresh lease in one conditional update: the account is authorized, has a
   * refresh token, holds no unexpired lease, and meets `condition`. The record comes back with
   * its `lease` and its version incremented, so every other writer's
   * conditional put fails until the holder writes its result.
   */
  acquireLease(
    key: AccountKey,
    lease: {
      readonly owner: string;
      readonly until: number;
      readonly now: number;
      /** The grant renews without a refresh token (client credentials): none is required. */
      readonly renewsItself?: boolean;
    },
    condition: LeaseCondition,
  ): Promise<LeaseResult>;
}

/**
 * What the due queue holds, by kind: accounts whose token refresh is due, and outbox events
 * whose delivery is due. Each kind has shards of its own, so a sweep of one never reads the other.
 */
export interface DueItems {
  readonly refresh: AccountKey;
  readonly delivery: string;
}
export type DueKind = keyof DueItems;

/** A due queue's position after one page; undefined when the shard has no more due items. */
export type DueCursor = Readonly<Record<string, unknown>> | undefined;

/** One page of one shard of the due queue. */
export interface DuePage<K extends DueKind> {
  readonly items: readonly DueItems[K][];
  /** Entries the query read (what DynamoDB bills), for the sweeps' metrics. */
  readonly itemsRead: number;
  readonly cursor: DueCursor;
}

/**
 * Everything that must be done at a time: the refresh sweep and the delivery sweep read it
 * by kind and shard, oldest first, never scanning the records themselves.
 */
export interface DueQueue {
  shards(kind: DueKind): readonly string[];
  /** The items of `kind` in `shard` due at or before `now` (epoch ms), oldest first. */
  due<K extends DueKind>(
    kind: K,
    shard: string,
    now: number,
    limit: number,
    cursor?: DueCursor,
  ): Promise<DuePage<K>>;
}

/** An installation and one of its accounts as they are now, read together. */
export interface InvokeSnapshot {
  readonly installation: InstallationRecord | undefined;
  /** Undefined when no account was asked for, or it does not exist. */
  readonly account: AccountRecord | undefined;
}

/**
 * The invoke hot path's one storage round trip: the installation and the account in a single
 * strongly consistent read, so a delete or a reconnect is seen by the very next invoke.
 */
export interface SnapshotReader {
  read(installationId: string, account: AccountKey | undefined): Promise<InvokeSnapshot>;
}

export type PendingKind = 'link' | 'state';

/** A connect link or an authorization state: single use, short-lived. */
export interface PendingRecord {
  readonly kind: PendingKind;
  readonly installationId: string;
  /** SHA-256 of the secret part of the token; the token itself is never stored. */
  readonly hash: string;
  readonly integration: string;
  readonly account: string;
  readonly expiresAt: number;
  readonly createdAt: string;
  readonly usedAt?: string | undefined;
  /** Kind-specific data: return URL, link hash, sealed PKCE verifier and oauth_iparams… */
  readonly data: Readonly<Record<string, string>>;
}

export type ConsumeResult =
  | { readonly outcome: 'consumed'; readonly record: PendingRecord }
  | { readonly outcome: 'unknown' | 'used' | 'expired' };

export type StateAndLinkResult = ConsumeResult | { readonly outcome: 'link_used' };

export interface PendingStore {
  /** Fails with NotFound when the installation no longer exists. */
  put(record: PendingRecord): Promise<void>;
  /** The record if it exists (used or not, expired or not) — callers decide by time. */
  get(kind: PendingKind, installationId: string, hash: string): Promise<PendingRecord | undefined>;
  /** Marks it used if it is unused and unexpired at `now`; exactly one caller ever wins. */
  consume(kind: PendingKind, installationId: string, hash: string, now: number): Promise<ConsumeResult>;
  /**
   * Consumes an authorization state (unused, unexpired) and its connect link (unused) in one
   * transaction: either both are marked used or neither. `link_used` when the link was spent
   * by another authorization meanwhile.
   */
  consumeStateAndLink(
    installationId: string,
    stateHash: string,
    linkHash: string,
    now: number,
  ): Promise<StateAndLinkResult>;
}

/** One cached upstream answer (lib/invoke/response-cache.ts decides what is cached and served). */
export interface CachedResponse {
  readonly installationId: string;
  /** SHA-256 (hex) of the request: no token or header value is in the key. */
  readonly requestHash: string;
  /** The grant the answer was made with; an entry of another grant is never served. */
  readonly grant: string;
  /** Epoch ms after which the entry is not served (DynamoDB's TTL deletes it later). */
  readonly expiresAt: number;
  /** The envelope, sealed and bound to all of the above. */
  readonly envelope: Sealed;
}

/** Upstream answers shared by every container, in the installation's partition. */
export interface ResponseCacheStore {
  get(installationId: string, requestHash: string): Promise<CachedResponse | undefined>;
  /** Stores (or replaces) the entry if the installation still exists; else NotFoundError. */
  put(entry: CachedResponse): Promise<void>;
}

/** Invokes per installation per minute, shared by every container. */
export interface RateLimiter {
  /** Takes one invoke of the current minute's `limit`. */
  take(
    installationId: string,
    limit: number,
    now: number,
  ): Promise<{ readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number }>;
}

/** One page of a listing: positions (`<createdAt>#<id>`, lib/store/layout.ts), newest first. */
export interface ListingPage {
  readonly positions: readonly string[];
  /** Whether older positions remain after the last one. */
  readonly more: boolean;
}

/**
 * The admin listings' index (never a scan): the newest `limit` distinct positions of the
 * listing partitions `partitions` (lib/store/layout.ts LISTING), older than `before`.
 */
export interface ListingReader {
  page(partitions: readonly string[], limit: number, before: string | undefined): Promise<ListingPage>;
}
