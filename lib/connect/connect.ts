import { type Integration, renderTemplate } from '../app';
import { urlHostNames } from '../app/host-skeleton';
import { linkAad, stateAad } from '../crypto/aad';
import { hashKey, installationIdFromConnectToken, newConnectToken } from '../crypto/keys';
import type { Sealed } from '../crypto/sealed';
import {
  type ClientCredentials,
  ClientNotConfiguredError,
  clientCredentials,
  placeholderCredentials,
} from '../oauth/client-credentials';
import { newPkcePair } from '../oauth/pkce';
import type { ConnectPageModel } from '../pages/connect-page';
import type { PendingRecord } from '../store/ports';
import { authorizeUrl } from './authorize-url';
import { newBrowserBinding } from './browser-binding';
import { logClientNotConfigured } from './client-setup';
import { checkConnectForm, connectFields } from './connect-fields';
import { type ConnectDeps, redirectUri, STATE_TTL_SECONDS } from './deps';
import { requestedScope } from './scopes';

/** Why a link cannot be used; each has its own page. */
export type LinkProblem = 'invalid' | 'used' | 'expired';

export type ConnectOutcome =
  | { readonly kind: 'form'; readonly status: number; readonly model: ConnectPageModel }
  | { readonly kind: 'link_problem'; readonly problem: LinkProblem; readonly appName: string }
  /** The integration's OAuth client has no real credentials: nothing to send the person to. */
  | { readonly kind: 'not_configured'; readonly appName: string; readonly providerName: string }
  | { readonly kind: 'redirect'; readonly location: string; readonly setCookie?: string };

interface UsableLink {
  readonly link: PendingRecord;
  readonly integration: Integration;
  /** The link's pre-filled oauth_iparams: fixed for this connection. */
  readonly bound: Readonly<Record<string, string>>;
}

/** The pre-filled values a link carries, opened (sealed with the link's own AAD). */
async function boundValues(deps: ConnectDeps, link: PendingRecord): Promise<Record<string, string>> {
  const sealed = link.data.oauthIparams;
  if (sealed === undefined) return {};
  const vault = await deps.vault();
  return JSON.parse(vault.open(sealed as Sealed, linkAad(link.installationId, link.hash))) as Record<
    string,
    string
  >;
}

async function usableLink(deps: ConnectDeps, token: string): Promise<UsableLink | LinkProblem> {
  const installationId = installationIdFromConnectToken('link', token);
  if (installationId === undefined) return 'invalid';
  const link = await deps.pending.get('link', installationId, hashKey(token));
  if (link === undefined) return 'invalid';
  if (link.usedAt !== undefined) return 'used';
  if (link.expiresAt <= deps.now().getTime()) return 'expired';
  const integration = deps.app.integrations.get(link.integration);
  // A link made before a redeploy that dropped its integration leads nowhere.
  if (integration === undefined) return 'invalid';
  return { link, integration, bound: await boundValues(deps, link) };
}

/**
 * Where the form's redirect goes: the authorization endpoint's origin (the form's CSP
 * form-action) and host (shown to the person) when the file, or the link, fixes the host —
 * oauth_iparams elsewhere in the URL (a tenant in its query) leave it fixed.
 */
function providerTarget(
  integration: Integration,
  bound: Readonly<Record<string, string>>,
): { readonly origins: string[]; readonly host: string | undefined } {
  const source = integration.authorizeUrl;
  const fixed = urlHostNames(source).every(
    (name) => name.root !== 'oauth_iparams' || Object.hasOwn(bound, name.path[0] ?? ''),
  );
  const rendered = renderTemplate(source, { oauth_iparams: bound });
  if (fixed && URL.canParse(rendered)) {
    const url = new URL(rendered);
    return { origins: [url.origin], host: url.host };
  }
  // Built from oauth_iparams (e.g. the customer's domain): only the scheme can be fixed.
  return { origins: [renderTemplate(source, {}).startsWith('http:') ? 'http:' : 'https:'], host: undefined };
}

function formModel(
  deps: ConnectDeps,
  { link, integration, bound }: UsableLink,
  values: Readonly<Record<string, string>>,
  errors: Readonly<Record<string, string>>,
): ConnectPageModel {
  const hidden = link.data.oauthIparamsHidden === 'true';
  const fields = connectFields(integration)
    // A pre-filled secret (an api_key field) is never written into the page.
    .filter((field) => !((hidden || field.input === 'password') && Object.hasOwn(bound, field.name)))
    .map((field) => (Object.hasOwn(bound, field.name) ? { ...field, readOnly: true } : field));
  const target = providerTarget(integration, bound);
  // No account label: it is the app's own name for the account (agent-42), not the person's.
  return {
    appName: deps.app.name,
    integrationName: integration.displayName,
    providerHost: target.host,
    fields,
    values: { ...values, ...bound },
    errors,
    formAction: target.origins,
  };
}

/**
 * The person's page says only that the connection is not set up; the operator learns from the
 * log what to run. The link stays valid: once the credentials are set it works.
 */
function notConfigured(
  deps: ConnectDeps,
  { link, integration }: UsableLink,
  problem: Pick<ClientNotConfiguredError, 'what' | 'reason'>,
): ConnectOutcome {
  logClientNotConfigured(
    deps,
    'connect refused: the OAuth client of the integration is not configured',
    { installationId: link.installationId, integration: integration.name },
    problem,
  );
  return { kind: 'not_configured', appName: deps.app.name, providerName: integration.displayName };
}

/** GET /connect/{token}: the form, or a page that says why the link cannot be used. */
export async function showConnectPage(deps: ConnectDeps, token: string): Promise<ConnectOutcome> {
  const usable = await usableLink(deps, token);
  if (typeof usable === 'string') return { kind: 'link_problem', problem: usable, appName: deps.app.name };
  // Before the form: a person should not fill it in for a connection that cannot work.
  const unset = await placeholderCredentials(deps.secrets, usable.integration);
  if (unset.length > 0)
    return notConfigured(deps, usable, { what: `${unset.join(' and ')} not set`, reason: 'placeholder' });
  return { kind: 'form', status: 200, model: formModel(deps, usable, {}, {}) };
}

/**
 * POST /connect/{token}: checks the fields, then creates the authorization state — bound to
 * the installation, integration, account and this link — and sends the person to the
 * provider. The link itself is spent at the callback, together with the state, so a person
 * who backs out at the provider can start again while the link is valid.
 */
export async function submitConnectForm(
  deps: ConnectDeps,
  token: string,
  form: URLSearchParams,
): Promise<ConnectOutcome> {
  const usable = await usableLink(deps, token);
  if (typeof usable === 'string') return { kind: 'link_problem', problem: usable, appName: deps.app.name };
  const { link, integration } = usable;
  const checked = checkConnectForm(integration, form, {
    allowsPlainHttp: deps.allowsPlainHttp,
    bound: usable.bound,
  });
  if (Object.keys(checked.errors).length > 0) {
    return { kind: 'form', status: 400, model: formModel(deps, usable, checked.values, checked.errors) };
  }
  let credentials: ClientCredentials;
  try {
    credentials = await clientCredentials(deps.secrets, integration, checked.values);
  } catch (error) {
    // Removed since the link was made, or rendered from the form into a placeholder.
    if (error instanceof ClientNotConfiguredError) return notConfigured(deps, usable, error);
    throw error;
  }
  const state = newConnectToken('state', link.installationId);
  const stateHash = hashKey(state);
  const pkce = integration.settings.pkce ? newPkcePair() : undefined;
  const binding = newBrowserBinding(stateHash, redirectUri(deps));
  const vault = await deps.vault();
  const seal = (value: string, field: 'code_verifier' | 'oauth_iparams') =>
    vault.seal(value, stateAad(link.installationId, stateHash, field));
  const now = deps.now();
  const scope = requestedScope(integration, JSON.parse(link.data.scopes ?? '[]') as string[]);
  await deps.pending.put({
    kind: 'state',
    installationId: link.installationId,
    hash: stateHash,
    integration: integration.name,
    account: link.account,
    expiresAt: now.getTime() + STATE_TTL_SECONDS * 1000,
    createdAt: now.toISOString(),
    data: {
      linkHash: link.hash,
      browserHash: binding.hash,
      oauthIparams: seal(JSON.stringify(checked.values), 'oauth_iparams'),
      ...(pkce === undefined ? {} : { codeVerifier: seal(pkce.verifier, 'code_verifier') }),
      ...(link.data.returnUrl === undefined ? {} : { returnUrl: link.data.returnUrl }),
      // What was asked for: stored as the granted scope when the token response names none.
      ...(scope === undefined ? {} : { scope }),
    },
  });
  const location = authorizeUrl(integration, {
    oauthIparams: checked.values,
    clientId: credentials.clientId,
    redirectUri: redirectUri(deps),
    state,
    codeChallenge: pkce?.challenge,
    scope,
  });
  return { kind: 'redirect', location, setCookie: binding.setCookie };
}
