import { accountFor } from '../accounts/label';
import { grantedIntegrationNamed } from '../app/lookup';
import type { Integration } from '../app/model';
import { linkAad } from '../crypto/aad';
import { hashKey, newConnectToken } from '../crypto/keys';
import { InvalidInputError } from '../errors';
import { loadInstallation } from '../installations/service';
import { credentialsNotSet, placeholderCredentials } from '../oauth/client-credentials';
import { checkOauthValues } from './connect-fields';
import { prefilledSecretProblem } from './connect-hosts';
import { type ConnectDeps, LINK_TTL_SECONDS } from './deps';
import { checkReturnUrl } from './return-url';
import { checkExtraScopes } from './scopes';

/** What a connect link is asked for (parsed at the edge, lib/api/connect-links.ts). */
export interface ConnectLinkInput {
  readonly integration: string;
  readonly account?: string | undefined;
  readonly returnUrl?: string | undefined;
  /** How long the link stays valid (60 s to 7 days, checked at the edge); 10 minutes by default. */
  readonly expiresInSeconds?: number | undefined;
  /** Pre-filled oauth_iparams, held to the connect page's rules; the person cannot change them. */
  readonly oauth_iparams?: Readonly<Record<string, string>> | undefined;
  /** Leave the pre-filled fields off the page (default: shown read-only). */
  readonly oauthIparamsHidden?: boolean | undefined;
  /** Extra scopes for this connection (lib/connect/scopes.ts). */
  readonly scopes?: readonly string[] | undefined;
}

export interface ConnectLink {
  readonly url: string;
  readonly expiresAt: string;
  readonly integration: string;
  readonly account: string;
}

/** The message of a refused pre-filled value: each field and what is allowed. */
const prefillRefused = (errors: Readonly<Record<string, string>>) =>
  new InvalidInputError(`Invalid connect link: ${Object.values(errors).join(' ')}`, {
    details: Object.entries(errors).map(([name, message]) => ({ field: `oauth_iparams.${name}`, message })),
  });

/**
 * What the link binds beyond its account: the pre-filled oauth_iparams (sealed — a link's values
 * may name a customer's store — and bound to this link) and the extra scopes. Each pre-filled
 * value passes the rules a typed one does, so a bad one is refused now, not on the page.
 */
async function linkChoices(
  deps: ConnectDeps,
  integration: Integration,
  input: ConnectLinkInput,
  link: { readonly installationId: string; readonly hash: string },
): Promise<Record<string, string>> {
  const data: Record<string, string> = {};
  const given = input.oauth_iparams ?? {};
  if (Object.keys(given).length > 0) {
    const checked = checkOauthValues(integration, given, {
      label: (name) => `oauth_iparams.${name}`,
      allowsPlainHttp: deps.allowsPlainHttp,
      partial: true,
    });
    if (Object.keys(checked.errors).length > 0) throw prefillRefused(checked.errors);
    const secretProblem = prefilledSecretProblem(integration, given);
    if (secretProblem !== undefined) throw prefillRefused(secretProblem);
    const vault = await deps.vault();
    data.oauthIparams = vault.seal(JSON.stringify(checked.values), linkAad(link.installationId, link.hash));
    if (input.oauthIparamsHidden === true) data.oauthIparamsHidden = 'true';
  }
  const scopes = checkExtraScopes(integration, input.scopes ?? []);
  if (scopes.length > 0) data.scopes = JSON.stringify(scopes);
  return data;
}

/**
 * POST /installations/{id}/connect-links: the only way to start a handshake. The link is a
 * bearer secret for one person, single use, short-lived; only its hash is stored. No link is
 * made while the integration's client credentials are placeholders: the person would be sent to
 * the provider with `client_id=set-with-npm-run-secrets` and see only its error page.
 */
export async function createConnectLink(
  deps: ConnectDeps,
  installationId: string,
  input: ConnectLinkInput,
): Promise<ConnectLink> {
  await loadInstallation(deps, installationId);
  const integration = grantedIntegrationNamed(deps, input.integration, 'a connect link');
  const account = accountFor(integration, input.account);
  const returnUrl =
    input.returnUrl === undefined ? undefined : checkReturnUrl(input.returnUrl, deps.allowsPlainHttp);
  const unset = await placeholderCredentials(deps.secrets, integration);
  if (unset.length > 0) throw credentialsNotSet(integration.name, unset, deps.secretsTarget);
  const now = deps.now();
  const expiresAt = now.getTime() + (input.expiresInSeconds ?? LINK_TTL_SECONDS) * 1000;
  const token = newConnectToken('link', installationId);
  const hash = hashKey(token);
  await deps.pending.put({
    kind: 'link',
    installationId,
    hash,
    integration: integration.name,
    account,
    expiresAt,
    createdAt: now.toISOString(),
    data: {
      ...(returnUrl === undefined ? {} : { returnUrl }),
      ...(await linkChoices(deps, integration, input, { installationId, hash })),
    },
  });
  return {
    url: `${deps.publicUrl.replace(/\/+$/, '')}/connect/${token}`,
    expiresAt: new Date(expiresAt).toISOString(),
    integration: integration.name,
    account,
  };
}
