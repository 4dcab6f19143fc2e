import type { App, RequestTemplate } from '../app/model';
import type { TemplateScope } from '../app/template';
import { appSettingsAad, iparamsAad } from '../crypto/aad';
import type { InstallationRecord } from '../store/ports';
import type { OpenMemo } from '../tokens/open-memo';
import type { Vault } from '../tokens/vault';
import { allowedHostsOf } from './account-facts';
import type { RenderScope } from './render-request';

/*
 * What a template renders from besides the caller's values, in one place for every call that
 * renders one: an invoke, and the one call that validates an imported grant
 * (lib/invoke/import-call.ts).
 */

export interface ScopeDeps {
  readonly app: App;
  readonly vault: () => Promise<Vault>;
  readonly memo: OpenMemo;
}

/** Every iparam, the secure ones decrypted: for headers only. */
async function allIparamsOf(deps: ScopeDeps, installation: InstallationRecord) {
  if (installation.secureIparams === undefined) return installation.iparams;
  const opened = deps.memo.open(await deps.vault(), installation.secureIparams, iparamsAad(installation.id));
  const secure = JSON.parse(opened) as Record<string, unknown>;
  return { ...installation.iparams, ...secure };
}

/** FDK's app settings, opened: they are sealed at rest (they hold passwords and TLS keys). */
async function appSettingsOf(deps: ScopeDeps, installation: InstallationRecord) {
  if (installation.appSettings === undefined) return {};
  const opened = deps.memo.open(
    await deps.vault(),
    installation.appSettings.sealed,
    appSettingsAad(installation.id),
  );
  return JSON.parse(opened) as Record<string, unknown>;
}

/**
 * The URL's values (and an upload's): the caller's context, the installation's non-secure
 * iparams, its endpoint URLs and app settings, and the account's facts.
 */
export async function urlScopeOf(
  deps: ScopeDeps,
  installation: InstallationRecord,
  context: Readonly<Record<string, unknown>>,
  facts: Readonly<Record<string, unknown>>,
): Promise<TemplateScope> {
  return {
    context,
    iparam: installation.iparams,
    current_host: { endpoint_urls: installation.endpointUrls ?? {} },
    app_settings: await appSettingsOf(deps, installation),
    account: facts,
  };
}

/**
 * The whole scope for an access token: the URL's values, and for headers the secure iparams and
 * the token as well (the app validation keeps both out of the URL and the body).
 */
export async function renderScopes(
  deps: ScopeDeps,
  installation: InstallationRecord,
  template: RequestTemplate,
  url: TemplateScope,
): Promise<(accessToken: string | undefined) => RenderScope> {
  const iparams = await allIparamsOf(deps, installation);
  const allowedHosts = allowedHostsOf(deps.app, template);
  return (accessToken) => ({
    allowedHosts,
    url,
    headers: { ...url, iparam: iparams, ...(accessToken === undefined ? {} : { access_token: accessToken }) },
  });
}
