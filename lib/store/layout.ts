import { createHash } from 'node:crypto';
import { LISTED_STATUSES, type ListedStatus } from '../accounts/events';
import type { AccountKey } from '../accounts/record';
import type { DueKind, PendingKind } from './ports';

/**
 * The single table's layout: every attribute, key, shard, index and TTL the adapters use.
 * infra/table.json declares the same names for CloudFormation, infra/roles.yml grants the index
 * and serverless.yml filters the stream by EVENT_PK_PREFIX (test/store/layout.unit.test.ts
 * keeps them in step).
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * Sparse "due" index: token records the refresh sweep must visit and pending outbox events.
   * Its physical name predates the events; CloudFormation cannot rename a GSI in place and
   * existing deployments keep their data, so only the code name says what it holds.
   */
  dueIndex: 'byRefreshDue',
  dueShardKey: 'dueShard',
  dueAtKey: 'dueAt',
  /**
   * Sparse "listing" index of the admin listings (GET /installations, GET /events): one
   * listing key per item, its position `<createdAt>#<id>` (ISO times sort as text), newest
   * last in the index and read backwards. See listingKeys below and docs/DECISIONS.md.
   */
  listIndex: 'byListing',
  listKey: 'listKey',
  listOrder: 'listOrder',
  /** DynamoDB's TTL attribute: epoch seconds after which the item may be deleted. */
  ttl: 'ttl',
} as const;

/**
 * Everything that belongs to an installation lives in its partition, so deleting an
 * installation is one Query plus batch deletes, and a token can never be filed under another
 * installation by a key mix-up.
 */
const INSTALLATION_PK_PREFIX = 'INST#';
export const installationPk = (installationId: string): string =>
  `${INSTALLATION_PK_PREFIX}${installationId}`;
export const INSTALLATION_SK = 'INSTALLATION';
/**
 * The installation item's attributes that a write after its creation changes. The app
 * settings are kept as JSON text: any JSON value round-trips (DynamoDB numbers cannot hold
 * every double) and its size is the size that was checked.
 */
export const INSTALLATION_ATTRIBUTES = {
  appSettings: 'appSettings',
  appSettingNames: 'appSettingNames',
} as const;
export const ACCOUNT_SK_PREFIX = 'ACCOUNT#';

/** Integration names cannot contain '#', so the account label (last) may hold anything. */
export const accountSk = (key: Pick<AccountKey, 'integration' | 'account'>): string =>
  `${ACCOUNT_SK_PREFIX}${key.integration}#${key.account}`;

export const pendingSk = (kind: PendingKind, hash: string): string => `${kind.toUpperCase()}#${hash}`;

export const rateSk = (window: number | string): string => `RATE#${window}`;

/**
 * The console's failed-sign-in counters, one partition per client address (hashed: an address
 * is personal data and needs no reading back). Its own prefix: no installation, event or
 * listing key starts so, and the items go with TTL.
 */
export const signInPk = (client: string): string =>
  `SIGNIN#${createHash('sha256').update(client).digest('hex').slice(0, 32)}`;

/**
 * A cached upstream answer, named by the SHA-256 of its request (lib/invoke/response-cache.ts):
 * in the installation's partition, so the installation's DELETE removes it with the rest.
 */
export const responseCacheSk = (requestHash: string): string => `CACHE#${requestHash}`;

/** The account key of a token record's item key (the inverse of installationPk + accountSk). */
export function accountKeyOf(pk: string, sk: string): AccountKey | undefined {
  if (!pk.startsWith(INSTALLATION_PK_PREFIX) || !sk.startsWith(ACCOUNT_SK_PREFIX)) return undefined;
  const rest = sk.slice(ACCOUNT_SK_PREFIX.length);
  const split = rest.indexOf('#');
  if (split <= 0) return undefined;
  return {
    installationId: pk.slice(INSTALLATION_PK_PREFIX.length),
    integration: rest.slice(0, split),
    account: rest.slice(split + 1),
  };
}

/**
 * Outbox events live in their own partitions (not the installation's), so that deleting an
 * installation does not delete the `installation.deleted` event it writes.
 */
export const EVENT_PK_PREFIX = 'EVENT#';
export const EVENT_SK = 'EVENT';
export const eventPk = (id: string): string => `${EVENT_PK_PREFIX}${id}`;
/** The event id of an item's partition key, or undefined for any other item. */
export const eventIdOf = (pk: string): string | undefined =>
  pk.startsWith(EVENT_PK_PREFIX) ? pk.slice(EVENT_PK_PREFIX.length) : undefined;

/**
 * The due index spreads entries over a few partition keys so that one hot key does not cap
 * the sweeps' write and read rate. Each kind of the due queue has shards of its own: the
 * refresh sweep never reads events and the delivery sweep never reads tokens. The refresh
 * shards are named `due#n` (stored names, from before events were due too).
 */
const SHARDS: Readonly<Record<DueKind, { readonly prefix: string; readonly count: number }>> = {
  refresh: { prefix: 'due#', count: 4 },
  delivery: { prefix: 'event#', count: 2 },
};

/** Every shard of `kind`, the ones a sweep of that kind queries. */
export const dueShards = (kind: DueKind): string[] =>
  Array.from({ length: SHARDS[kind].count }, (_, index) => `${SHARDS[kind].prefix}${index}`);

/** Stable, so an entry never moves between shards when its due time changes. */
const shardOf = (kind: DueKind, identity: string): string =>
  `${SHARDS[kind].prefix}${createHash('sha256').update(identity).digest().readUInt32BE(0) % SHARDS[kind].count}`;

/** The due shard of an account's token refresh. */
export const refreshShard = (key: AccountKey): string =>
  shardOf('refresh', `${key.installationId}\u0000${key.integration}\u0000${key.account}`);
/** The due shard of an event's delivery. */
export const deliveryShard = (id: string): string => shardOf('delivery', id);

/**
 * The listing index's partitions. An item has one key per index, so each item sits in the one
 * partition of its finest filter: an installation in `LIST#ALL`, an account in
 * `LIST#<integration>#<status>`, an event in `EVENTS#<state>`. A coarser filter reads the few
 * partitions it spans (lib/store/dynamo-listing.ts merges them by position). Integration names
 * cannot contain '#', so no account key is another's prefix or equals `LIST#ALL`'s.
 */
export const LISTING = {
  installations: 'LIST#ALL',
  account: (integration: string, status: string): string => `LIST#${integration}#${status}`,
  events: (state: string): string => `EVENTS#${state}`,
} as const;

/** The integration and status of an account's listing key (`LISTING.account`), else undefined. */
export function accountListingOf(
  listKey: unknown,
): { integration: string; status: ListedStatus } | undefined {
  if (typeof listKey !== 'string' || !listKey.startsWith('LIST#')) return undefined;
  const rest = listKey.slice('LIST#'.length);
  const split = rest.indexOf('#');
  const status = LISTED_STATUSES.find((listed) => listed === rest.slice(split + 1));
  return split <= 0 || status === undefined ? undefined : { integration: rest.slice(0, split), status };
}

/** An item's position in its listing: its installation's (or its own) creation time, then id. */
export const listingOrder = (createdAt: string, id: string): string => `${createdAt}#${id}`;

/** The id of a listing position (`listingOrder`): an installation's or an event's. */
export const listingIdOf = (position: string): string => position.slice(position.indexOf('#') + 1);

/** The listing attributes of an item, spread into the write that already happens. */
export const listingAttributes = (key: string, order: string): Record<string, string> => ({
  [TABLE.listKey]: key,
  [TABLE.listOrder]: order,
});

/**
 * The overview's counters (GET /overview): a few items in partitions of their own, `COUNT#<n>`.
 * Every change adds to a shard picked at random (a sum of deltas is the same in any shard), so
 * no single item takes every refresh's write; the read sums the shards. Sort keys:
 * `INSTALLATIONS`, `ACCOUNTS#<integration>` (one attribute per listed status) and the outcome
 * buckets `<series>#<grain>#<start>` (an attribute per outcome), which expire by TTL.
 */
export const COUNTERS = {
  shards: 4,
  pk: (shard: number): string => `COUNT#${shard}`,
  installations: 'INSTALLATIONS',
  accountsPrefix: 'ACCOUNTS#',
  accounts: (integration: string): string => `ACCOUNTS#${integration}`,
  bucket: (series: CounterSeries, grain: CounterGrain, start: string): string =>
    `${series}#${grain}#${start}`,
  /** The hourly buckets outlive the 24 hours they are read for; the daily ones the 30 days. */
  keepMs: { hour: 26 * 3_600_000, day: 31 * 86_400_000 },
  total: 'n',
} as const;
export type CounterSeries = 'REFRESH' | 'DELIVERY';
export type CounterGrain = 'hour' | 'day';

/** A bucket's start as its sort key names it: `2026-12-03T07` (an hour, UTC) or `2026-12-03`. */
export const bucketStart = (grain: CounterGrain, at: number): string =>
  new Date(at).toISOString().slice(0, grain === 'hour' ? 13 : 10);
