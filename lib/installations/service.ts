import type { EventPolicy } from '../accounts/events';
import type { AccountRecord } from '../accounts/record';
import { checkIparams } from '../app/iparams';
import type { App } from '../app/model';
import { appSettingsAad, iparamsAad } from '../crypto/aad';
import { hashKey, isInstallationId, newInstallationId, newInstallationKey } from '../crypto/keys';
import { InvalidInputError, NotFoundError } from '../errors';
import { installationDeleted } from '../events/event';
import { toOutbox } from '../events/outbox';
import type { AccountStore, InstallationRecord, InstallationStore } from '../store/ports';
import type { Vault } from '../tokens/vault';
import { checkAppSettings, checkEndpointUrls } from './installation-values';
import { type InstallationView, installationView } from './view';

export interface InstallationDeps {
  readonly app: App;
  readonly installations: InstallationStore;
  readonly accounts: AccountStore;
  readonly vault: () => Promise<Vault>;
  readonly now: () => Date;
  /** Why a whole-host value would be refused by the egress policy (lib/egress/host.ts), or undefined. */
  readonly hostValueProblem: (host: string) => string | undefined;
  /** Asks providers to revoke the grants of accounts about to be deleted (best effort, never throws). */
  readonly revokeGrants?: (accounts: readonly AccountRecord[]) => Promise<void>;
  /** Which auth events to record for the app's webhook. */
  readonly events: EventPolicy;
}

export interface CreatedInstallation extends InstallationView {
  /** Shown once: only its hash is stored. */
  readonly apiKey: string;
}

/** What POST /installations asks for, parsed at the edge (lib/api/installations.ts). */
export interface CreateInstallationInput {
  /** As given: checked here against config/iparams.json. */
  readonly iparams: Readonly<Record<string, unknown>>;
  /** `current_host.endpoint_urls`, as given: checked here as hosts. */
  readonly endpointUrls?: Readonly<Record<string, string>>;
  readonly appSettings?: Readonly<Record<string, unknown>>;
}

export const installationNotFound = (id: string): NotFoundError =>
  new NotFoundError('installation', `Installation "${id}" does not exist`);

export async function loadInstallation(
  deps: { readonly installations: Pick<InstallationStore, 'get'> },
  id: string,
) {
  if (!isInstallationId(id)) throw installationNotFound(id);
  const installation = await deps.installations.get(id);
  if (installation === undefined) throw installationNotFound(id);
  return installation;
}

/** POST /installations: checks the iparams against config/iparams.json, seals the secure ones. */
export async function createInstallation(
  deps: InstallationDeps,
  input: CreateInstallationInput,
): Promise<CreatedInstallation> {
  const checked = checkIparams(deps.app, input.iparams);
  if (checked.problems.length > 0) {
    const summary = checked.problems.map((p) => `iparams.${p.name}: ${p.message}`).join('; ');
    throw new InvalidInputError(`Invalid iparams: ${summary}`, { details: checked.problems });
  }
  const endpointUrls =
    input.endpointUrls === undefined
      ? undefined
      : checkEndpointUrls(input.endpointUrls, deps.hostValueProblem);
  const plain: Record<string, unknown> = {};
  const secure: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(checked.values)) {
    (deps.app.iparams.get(name)?.secure === true ? secure : plain)[name] = value;
  }
  const vault = await deps.vault();
  const id = newInstallationId();
  const appSettings =
    input.appSettings === undefined ? undefined : sealAppSettings(vault, id, input.appSettings);
  const apiKey = newInstallationKey(id);
  const record: InstallationRecord = {
    id,
    keyHash: hashKey(apiKey),
    iparams: plain,
    secureIparams:
      Object.keys(secure).length === 0 ? undefined : vault.seal(JSON.stringify(secure), iparamsAad(id)),
    secureIparamNames: Object.keys(secure),
    ...(endpointUrls === undefined ? {} : { endpointUrls }),
    ...(appSettings === undefined ? {} : { appSettings }),
    createdAt: deps.now().toISOString(),
  };
  await deps.installations.create(record);
  return { ...installationView(deps.app, record, []), apiKey };
}

/** GET /installations/{id}: the installation and each integration's accounts, no secrets. */
export async function describeInstallation(deps: InstallationDeps, id: string): Promise<InstallationView> {
  const installation = await loadInstallation(deps, id);
  return installationView(deps.app, installation, await deps.accounts.list(id));
}

/** Checked, then sealed as one object bound to the installation; its top-level names beside it. */
function sealAppSettings(vault: Vault, id: string, settings: Readonly<Record<string, unknown>>) {
  const checked = checkAppSettings(settings);
  return { sealed: vault.seal(JSON.stringify(checked), appSettingsAad(id)), names: Object.keys(checked) };
}

/**
 * PUT /installations/{id}/app-settings: the settings replaced whole, as the app's backend sends
 * them; the answer names them (their values are secrets, never shown again).
 */
export async function replaceAppSettings(
  deps: Pick<InstallationDeps, 'installations' | 'vault'>,
  id: string,
  settings: Readonly<Record<string, unknown>>,
): Promise<readonly string[]> {
  if (!isInstallationId(id)) throw installationNotFound(id);
  const sealed = sealAppSettings(await deps.vault(), id, settings);
  if (!(await deps.installations.replaceAppSettings(id, sealed))) throw installationNotFound(id);
  return sealed.names;
}

/** DELETE /installations/{id}: grants revoked where the provider allows it, then every record of it goes. */
export async function deleteInstallation(deps: InstallationDeps, id: string): Promise<void> {
  if (!isInstallationId(id)) throw installationNotFound(id);
  const accounts = await deps.accounts.list(id);
  if (deps.revokeGrants !== undefined && accounts.length > 0) await deps.revokeGrants(accounts);
  const events = deps.events.enabled
    ? [toOutbox(installationDeleted(id, accounts, deps.now().toISOString()))]
    : [];
  const existed = await deps.installations.delete(id, events);
  if (!existed) throw installationNotFound(id);
}
