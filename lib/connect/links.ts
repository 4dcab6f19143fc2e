import { accountFor } from '../accounts/label';
import { grantedIntegrationNamed } from '../app/lookup';
import { hashKey, newConnectToken } from '../crypto/keys';
import { loadInstallation } from '../installations/service';
import { credentialsNotSet, placeholderCredentials } from '../oauth/client-credentials';
import { type ConnectDeps, LINK_TTL_SECONDS } from './deps';
import { checkReturnUrl } from './return-url';

/** What a connect link is asked for (parsed at the edge, lib/api/connect-links.ts). */
export interface ConnectLinkInput {
  readonly integration: string;
  readonly account?: string | undefined;
  readonly returnUrl?: string | undefined;
  /** How long the link stays valid (60 s to 7 days, checked at the edge); 10 minutes by default. */
  readonly expiresInSeconds?: number | undefined;
}

export interface ConnectLink {
  readonly url: string;
  readonly expiresAt: string;
  readonly integration: string;
  readonly account: string;
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
  await deps.pending.put({
    kind: 'link',
    installationId,
    hash: hashKey(token),
    integration: integration.name,
    account,
    expiresAt,
    createdAt: now.toISOString(),
    data: returnUrl === undefined ? {} : { returnUrl },
  });
  return {
    url: `${deps.publicUrl.replace(/\/+$/, '')}/connect/${token}`,
    expiresAt: new Date(expiresAt).toISOString(),
    integration: integration.name,
    account,
  };
}
