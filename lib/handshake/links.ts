import * as z from 'zod/mini';
import type { Integration } from '../app/model';
import { hashKey, newHandshakeToken } from '../crypto/keys';
import { HandshakeError } from '../errors';
import { parseWith } from '../http/validation';
import { loadInstallation } from '../installations/service';
import { credentialsNotSet, placeholderCredentials } from '../oauth/client-credentials';
import { accountFor } from './account-label';
import { type HandshakeDeps, LINK_TTL_SECONDS } from './deps';
import { checkReturnUrl } from './return-url';

const linkBody = z.strictObject({
  integration: z.string(),
  account: z.optional(z.string()),
  returnUrl: z.optional(z.string()),
  /** How long the link stays valid: 1 minute to 7 days; 10 minutes by default. */
  expiresInSeconds: z.optional(z.int().check(z.gte(60), z.lte(7 * 24 * 3600))),
});

export interface ConnectLink {
  readonly url: string;
  readonly expiresAt: string;
  readonly integration: string;
  readonly account: string;
}

export function integrationNamed(deps: Pick<HandshakeDeps, 'app'>, name: string): Integration {
  const integration = deps.app.integrations.get(name);
  if (integration === undefined) {
    const known = [...deps.app.integrations.keys()];
    throw new HandshakeError(
      'INVALID_REQUEST',
      known.length === 0
        ? `integration "${name}" does not exist: this app has no OAuth integration`
        : `integration "${name}" does not exist; this app has: ${known.join(', ')}`,
    );
  }
  return integration;
}

/**
 * POST /installations/{id}/connect-links: the only way to start a handshake. The link is a
 * bearer secret for one person, single use, short-lived; only its hash is stored. No link is
 * made while the integration's client credentials are placeholders: the person would be sent to
 * the provider with `client_id=set-with-npm-run-secrets` and see only its error page.
 */
export async function createConnectLink(
  deps: HandshakeDeps,
  installationId: string,
  body: unknown,
): Promise<ConnectLink> {
  const input = parseWith(linkBody, body ?? {}, 'connect link');
  await loadInstallation(deps, installationId);
  const integration = integrationNamed(deps, input.integration);
  const account = accountFor(integration, input.account);
  const returnUrl =
    input.returnUrl === undefined ? undefined : checkReturnUrl(input.returnUrl, deps.allowsPlainHttp);
  const unset = await placeholderCredentials(deps.secrets, integration);
  if (unset.length > 0) throw credentialsNotSet(integration.name, unset, deps.secretsTarget);
  const now = deps.now();
  const expiresAt = now.getTime() + (input.expiresInSeconds ?? LINK_TTL_SECONDS) * 1000;
  const token = newHandshakeToken('link', installationId);
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
