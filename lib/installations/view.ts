import type { App } from '../app/model';
import type { AccountRecord, InstallationRecord, ProviderError } from '../store/ports';

export interface AccountView {
  readonly account: string;
  readonly status: AccountRecord['status'];
  readonly expiresAt: string | null;
  readonly lastRefreshedAt: string | null;
  readonly authorizedAt: string | null;
  readonly scope: string | null;
  readonly error?: { readonly code: string; readonly description?: string; readonly at: string };
}

export interface IntegrationView {
  readonly name: string;
  readonly displayName: string;
  readonly tokenType: 'account' | 'agent';
  readonly accounts: readonly AccountView[];
}

export interface InstallationView {
  readonly id: string;
  readonly createdAt: string;
  /** Non-secure iparams as given; secure ones are listed by name only. */
  readonly iparams: Readonly<Record<string, unknown>>;
  readonly secureIparams: readonly string[];
  readonly integrations: readonly IntegrationView[];
}

const iso = (epochMs: number | undefined): string | null =>
  epochMs === undefined ? null : new Date(epochMs).toISOString();

/** The provider's last error as the API and the auth events show it. */
export const providerErrorView = (error: ProviderError): NonNullable<AccountView['error']> => ({
  code: error.code,
  ...(error.description === undefined ? {} : { description: error.description }),
  at: error.at,
});

export function accountView(record: AccountRecord): AccountView {
  return {
    account: record.account,
    status: record.status,
    expiresAt: iso(record.expiresAt),
    lastRefreshedAt: record.lastRefreshedAt ?? null,
    authorizedAt: record.authorizedAt ?? null,
    scope: record.scope ?? null,
    ...(record.lastError === undefined ? {} : { error: providerErrorView(record.lastError) }),
  };
}

/** What the API shows of an installation: statuses and times, never a token or secret. */
export function installationView(
  app: App,
  installation: InstallationRecord,
  accounts: readonly AccountRecord[],
): InstallationView {
  return {
    id: installation.id,
    createdAt: installation.createdAt,
    iparams: installation.iparams,
    secureIparams: installation.secureIparamNames,
    integrations: [...app.integrations.values()].map((integration) => ({
      name: integration.name,
      displayName: integration.displayName,
      tokenType: integration.tokenType,
      accounts: accounts
        .filter((record) => record.integration === integration.name)
        .sort((a, b) => a.account.localeCompare(b.account))
        .map(accountView),
    })),
  };
}
