import * as z from 'zod/mini';
import type { Integration } from '../app/model';
import { renderTemplate } from '../app/template';
import { HandshakeError } from '../errors';
import { logger } from '../observability/logger';
import type { SecretSource, SecretWriter } from '../secrets/port';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

const storedCredentials = z.record(
  z.string(),
  z.object({ client_id: z.optional(z.string()), client_secret: z.optional(z.string()) }),
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
  let all: Awaited<ReturnType<typeof readStored>>;
  try {
    all = await readStored(secrets);
  } catch {
    // Never the content: it holds client secrets.
    logger.error(
      'client-credentials secret is not a JSON object of {client_id, client_secret} per integration',
    );
    throw misconfigured(
      integration.name,
      'the client-credentials secret is not valid JSON of the documented shape',
    );
  }
  const stored = Object.hasOwn(all, integration.name) ? all[integration.name] : undefined;
  const scope = { oauth_iparams: oauthIparams };
  const clientId = stored?.client_id || renderTemplate(integration.clientId, scope);
  const clientSecret = stored?.client_secret || renderTemplate(integration.clientSecret, scope);
  if (clientId.trim() === '') throw misconfigured(integration.name, 'client_id is empty');
  return { clientId, clientSecret };
}

async function readStored(secrets: SecretSource): Promise<z.infer<typeof storedCredentials>> {
  const raw = await secrets.get('client-credentials');
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = storedCredentials.safeParse(json);
  if (!parsed.success)
    throw new Error(
      'The client-credentials secret is not a JSON object of {client_id, client_secret} per integration',
    );
  return parsed.data;
}

/** Operator tooling (`npm run secrets`): set, remove and list the stored client credentials. */
export async function storeClientCredentials(
  writer: SecretWriter,
  integration: string,
  credentials: ClientCredentials | undefined,
): Promise<void> {
  const stored = await readStored(writer);
  if (credentials === undefined) delete stored[integration];
  else stored[integration] = { client_id: credentials.clientId, client_secret: credentials.clientSecret };
  await writer.put('client-credentials', JSON.stringify(stored));
}

/** Which integrations have stored credentials, with their client ids — never a secret. */
export async function listClientCredentials(
  secrets: SecretSource,
): Promise<Array<{ integration: string; clientId: string }>> {
  const stored = await readStored(secrets);
  return Object.entries(stored).map(([integration, value]) => ({
    integration,
    clientId: value.client_id ?? '',
  }));
}
