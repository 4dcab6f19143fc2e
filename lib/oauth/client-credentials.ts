import { z } from 'zod';
import type { Integration } from '../app/model';
import { renderTemplate } from '../app/template';
import { HandshakeError } from '../errors';
import { logger } from '../observability/logger';
import type { SecretSource } from '../secrets/port';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

const storedCredentials = z.record(
  z.string(),
  z.object({ client_id: z.string().optional(), client_secret: z.string().optional() }),
);

function misconfigured(integration: string, what: string): HandshakeError {
  return new HandshakeError(
    'SERVICE_UNAVAILABLE',
    `The OAuth client of "${integration}" is not configured: ${what}. The operator sets it with \`npm run secrets -- set ${integration}\`.`,
  );
}

/**
 * The integration's client id and secret: from the `client-credentials` secret when it has
 * them (a secret there wins over the file), else from oauth_config.json — possibly rendered
 * from the oauth_iparams the installer entered, FDK style.
 */
export async function clientCredentials(
  secrets: SecretSource,
  integration: Integration,
  oauthIparams: Readonly<Record<string, string>>,
): Promise<ClientCredentials> {
  const raw = await secrets.get('client-credentials');
  let stored: z.infer<typeof storedCredentials>[string] | undefined;
  if (raw !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = storedCredentials.safeParse(json);
    if (!parsed.success) {
      // Never the content: it holds client secrets.
      logger.error(
        'client-credentials secret is not a JSON object of {client_id, client_secret} per integration',
      );
      throw misconfigured(
        integration.name,
        'the client-credentials secret is not valid JSON of the documented shape',
      );
    }
    stored = Object.hasOwn(parsed.data, integration.name) ? parsed.data[integration.name] : undefined;
  }
  const scope = { oauth_iparams: oauthIparams };
  const clientId = stored?.client_id || renderTemplate(integration.clientId, scope);
  const clientSecret = stored?.client_secret || renderTemplate(integration.clientSecret, scope);
  if (clientId.trim() === '') throw misconfigured(integration.name, 'client_id is empty');
  return { clientId, clientSecret };
}
