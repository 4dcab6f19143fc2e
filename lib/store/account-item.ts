import type {
  AccountRecord,
  AuthorizedAccount,
  FailingEpisode,
  ProviderError,
  ReauthorizationRequiredAccount,
} from '../accounts/record';
import type { Sealed } from '../crypto/sealed';

/**
 * The account record as DynamoDB holds it: flat attributes, named as every deployment has
 * stored them (the lease conditions of dynamo-accounts.ts name several; undefined ones are left
 * out of the item by the document client). The domain's union (lib/accounts/record.ts) is
 * mapped onto them here and parsed back from them, so a stored item is never trusted to have
 * the shape its status promises.
 */
export interface AccountAttributes {
  readonly installationId: string;
  readonly integration: string;
  readonly account: string;
  readonly status: AccountRecord['status'];
  readonly accessToken?: Sealed | undefined;
  readonly refreshToken?: Sealed | undefined;
  readonly oauthIparams?: Sealed | undefined;
  readonly extra?: Sealed | undefined;
  readonly tokenType?: string | undefined;
  readonly scope?: string | undefined;
  readonly expiresAt?: number | undefined;
  readonly refreshDueAt?: number | undefined;
  readonly authorizedAt: string;
  readonly lastRefreshedAt?: string | undefined;
  readonly failureCount?: number | undefined;
  readonly lastError?: ProviderError | undefined;
  readonly failingSince?: string | undefined;
  readonly failingReportedAt?: string | undefined;
  readonly leaseOwner?: string | undefined;
  readonly leaseUntil?: number | undefined;
  readonly version: number;
  readonly updatedAt: string;
}

export function accountAttributes(record: AccountRecord): AccountAttributes {
  const common = {
    installationId: record.installationId,
    integration: record.integration,
    account: record.account,
    status: record.status,
    scope: record.scope,
    expiresAt: record.expiresAt,
    authorizedAt: record.authorizedAt,
    lastRefreshedAt: record.lastRefreshedAt,
    version: record.version,
    updatedAt: record.updatedAt,
  };
  if (record.status === 'reauthorization_required') return { ...common, lastError: record.lastError };
  const { tokens, failing, lease } = record;
  return {
    ...common,
    ...tokens,
    tokenType: record.tokenType,
    refreshDueAt: record.refreshDueAt,
    failureCount: failing?.failureCount ?? 0,
    lastError: failing?.lastError,
    failingSince: failing?.since,
    failingReportedAt: failing?.reportedAt,
    leaseOwner: lease?.owner,
    leaseUntil: lease?.until,
  };
}

class MalformedAccountItem extends Error {
  constructor(field: string) {
    // Names the attribute only: a value may be a sealed token.
    super(`stored account item is malformed: ${field}`);
    this.name = 'MalformedAccountItem';
  }
}

type Item = Readonly<Record<string, unknown>>;

function optional<T>(item: Item, field: string, is: (value: unknown) => value is T): T | undefined {
  const value = item[field];
  if (value === undefined || value === null) return undefined;
  if (!is(value)) throw new MalformedAccountItem(field);
  return value;
}

function required<T>(item: Item, field: string, is: (value: unknown) => value is T): T {
  const value = optional(item, field, is);
  if (value === undefined) throw new MalformedAccountItem(field);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isSealed = (value: unknown): value is Sealed => typeof value === 'string' && value !== '';
const isObject = (value: unknown): value is Item => typeof value === 'object' && value !== null;

function providerError(item: Item, field: string): ProviderError | undefined {
  const value = optional(item, field, isObject);
  if (value === undefined) return undefined;
  const description = optional(value, 'description', isString);
  return {
    code: required(value, 'code', isString),
    ...(description === undefined ? {} : { description }),
    at: required(value, 'at', isString),
  };
}

function common(item: Item) {
  return {
    installationId: required(item, 'installationId', isString),
    integration: required(item, 'integration', isString),
    account: required(item, 'account', isString),
    authorizedAt: required(item, 'authorizedAt', isString),
    lastRefreshedAt: optional(item, 'lastRefreshedAt', isString),
    scope: optional(item, 'scope', isString),
    expiresAt: optional(item, 'expiresAt', isNumber),
    version: required(item, 'version', isNumber),
    updatedAt: required(item, 'updatedAt', isString),
  };
}

/** A failing episode is on the record while its last error is (a success clears both). */
function failing(item: Item): FailingEpisode | undefined {
  const lastError = providerError(item, 'lastError');
  if (lastError === undefined) return undefined;
  return {
    failureCount: Math.max(1, optional(item, 'failureCount', isNumber) ?? 1),
    lastError,
    since: optional(item, 'failingSince', isString) ?? lastError.at,
    reportedAt: optional(item, 'failingReportedAt', isString),
  };
}

function authorizedFromItem(item: Item): AuthorizedAccount {
  const leaseUntil = optional(item, 'leaseUntil', isNumber);
  return {
    ...common(item),
    status: 'authorized',
    tokens: {
      accessToken: required(item, 'accessToken', isSealed),
      refreshToken: optional(item, 'refreshToken', isSealed),
      oauthIparams: optional(item, 'oauthIparams', isSealed),
      extra: optional(item, 'extra', isSealed),
    },
    tokenType: optional(item, 'tokenType', isString),
    refreshDueAt: optional(item, 'refreshDueAt', isNumber),
    failing: failing(item),
    lease:
      leaseUntil === undefined
        ? undefined
        : { owner: optional(item, 'leaseOwner', isString) ?? '', until: leaseUntil },
  };
}

function reauthorizationFromItem(item: Item): ReauthorizationRequiredAccount {
  const lastError = providerError(item, 'lastError');
  if (lastError === undefined) throw new MalformedAccountItem('lastError');
  // Tokens, sealed oauth_iparams and failure counts an older deployment left on a dead record are of no use: not read.
  return { ...common(item), status: 'reauthorization_required', lastError };
}

/** Parses a stored account item (any extra attribute, such as its keys, is ignored). */
export function accountFromItem(item: Item): AccountRecord {
  const status = item.status;
  if (status === 'authorized') return authorizedFromItem(item);
  if (status === 'reauthorization_required') return reauthorizationFromItem(item);
  throw new MalformedAccountItem('status');
}
