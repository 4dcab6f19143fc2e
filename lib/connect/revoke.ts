import { factsOf } from '../accounts/facts';
import type { AccountRecord } from '../accounts/record';
import { EgressError } from '../egress';
import { applyClientAuth, renamed } from '../oauth/client-auth';
import { clientCredentials } from '../oauth/client-credentials';
import { renderProviderUrl } from '../oauth/provider-url';
import { logger } from '../observability/logger';
import { openTokenSet } from '../tokens/token-set';
import type { ConnectDeps } from './deps';

/** Revocation is a courtesy to the provider: it must not hold up a delete for long. */
const REVOKE_TIMEOUT_MS = 5000;

async function revokeOne(deps: ConnectDeps, record: AccountRecord): Promise<void> {
  const integration = deps.app.integrations.get(record.integration);
  const template = integration?.settings.revocationUrl;
  // An account that needs reauthorization holds no token: there is nothing left to revoke.
  if (integration === undefined || template === undefined || record.status !== 'authorized') return;
  const tokens = openTokenSet(await deps.vault(), record);
  const oauthIparams = tokens.oauthIparams ?? {};
  const credentials = await clientCredentials(deps.secrets, integration, oauthIparams);
  // RFC 7009: revoking the refresh token ends the whole grant at most providers.
  const [token, hint] =
    tokens.refreshToken === undefined
      ? [tokens.accessToken, 'access_token']
      : [tokens.refreshToken, 'refresh_token'];
  const params = new URLSearchParams({ token, token_type_hint: hint });
  const headers: Record<string, string> = {
    ...integration.customHeaders,
    'content-type': 'application/x-www-form-urlencoded',
  };
  applyClientAuth(integration.settings.clientAuth, credentials, params, headers);
  // The client is named as on the token request (TikTok's client_key).
  const form = renamed(params, integration.settings.tokenParamNames);
  const ids = {
    installationId: record.installationId,
    integration: record.integration,
    account: record.account,
  };
  const account = factsOf(oauthIparams, tokens.extra);
  const rendered = renderProviderUrl(
    integration,
    template,
    { oauthIparams, account },
    credentials.clientSecret,
  );
  if ('refusal' in rendered) {
    logger.warn('revocation not sent: its URL is not allowed', ids);
    return;
  }
  const url = rendered.url;
  const response = await deps.egress.send({
    url,
    method: 'POST',
    headers,
    body: form.toString(),
    timeoutMs: REVOKE_TIMEOUT_MS,
    maxResponseBytes: 64 * 1024,
  });
  if (response.status >= 400)
    logger.warn('revocation refused by the provider', { ...ids, status: response.status });
  else logger.info('grant revoked at the provider', ids);
}

/**
 * Best effort: asks each provider that has a revocation endpoint to revoke the account's
 * grant. Every failure is logged (ids only) and swallowed — deleting an installation never
 * fails because a provider is down.
 */
export async function revokeGrants(deps: ConnectDeps, accounts: readonly AccountRecord[]): Promise<void> {
  await Promise.all(
    accounts.map((record) =>
      revokeOne(deps, record).catch((error: unknown) => {
        const reason =
          error instanceof EgressError ? error.kind : error instanceof Error ? error.name : 'error';
        logger.warn('revocation failed', {
          installationId: record.installationId,
          integration: record.integration,
          account: record.account,
          reason,
        });
      }),
    ),
  );
}
