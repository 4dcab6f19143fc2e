import type { AccountRecord } from '../accounts/record';
import { type AccountView, accountView } from '../accounts/view';
import type { App, TokenType } from '../app/model';
import type { InstallationRecord } from '../store/ports';

export interface IntegrationView {
  readonly name: string;
  readonly displayName: string;
  readonly tokenType: TokenType;
  readonly accounts: readonly AccountView[];
}

export interface InstallationView {
  readonly id: string;
  readonly createdAt: string;
  /** Non-secure iparams as given; secure ones are listed by name only. */
  readonly iparams: Readonly<Record<string, unknown>>;
  readonly secureIparams: readonly string[];
  /** FDK's names, as POST /installations takes them and templates use them. */
  readonly current_host: { readonly endpoint_urls: Readonly<Record<string, string>> };
  /** FDK's app settings are secrets (sealed at rest): listed by their top-level names only. */
  readonly app_settings: readonly string[];
  readonly integrations: readonly IntegrationView[];
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
    current_host: { endpoint_urls: installation.endpointUrls ?? {} },
    app_settings: installation.appSettings?.names ?? [],
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
