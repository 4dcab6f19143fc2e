import type { AccountRecord, AccountStatus, ProviderError } from './record';

/** What the API shows of an account: statuses and times, never a token. */
export interface AccountView {
  readonly account: string;
  readonly status: AccountStatus;
  readonly expiresAt: string | null;
  readonly lastRefreshedAt: string | null;
  readonly authorizedAt: string | null;
  readonly scope: string | null;
  readonly error?: { readonly code: string; readonly description?: string; readonly at: string };
  /**
   * When its refresh-failing episode began, once the episode was reported: the account is
   * listed (and counted) as `failing` while this is set.
   */
  readonly failingSince?: string;
}

/** The provider's last error as the API and the auth events show it. */
export const providerErrorView = (error: ProviderError): NonNullable<AccountView['error']> => ({
  code: error.code,
  ...(error.description === undefined ? {} : { description: error.description }),
  at: error.at,
});

/** The provider's last answer to a refresh that failed; none once a refresh succeeded. */
export const lastErrorOf = (record: AccountRecord): ProviderError | undefined =>
  record.status === 'authorized' ? record.failing?.lastError : record.lastError;

export function accountView(record: AccountRecord): AccountView {
  const error = lastErrorOf(record);
  return {
    account: record.account,
    status: record.status,
    expiresAt: record.expiresAt === undefined ? null : new Date(record.expiresAt).toISOString(),
    lastRefreshedAt: record.lastRefreshedAt ?? null,
    authorizedAt: record.authorizedAt,
    scope: record.scope ?? null,
    ...(error === undefined ? {} : { error: providerErrorView(error) }),
    ...(record.status === 'authorized' && record.failing?.reportedAt !== undefined
      ? { failingSince: record.failing.since }
      : {}),
  };
}
