import * as v from 'valibot';
import type { App, Integration } from '../app/model';
import { isStatic, renderTemplate } from '../app/template';
import type { Config } from '../config';
import { PreconditionFailedError, UnavailableError } from '../errors';
import { logger } from '../observability/logger';
import type { SecretSource, SecretWriter } from '../secrets/port';
import { jsonRecord } from '../validation';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export type CredentialField = 'client_id' | 'client_secret';

/** What oauth_config.json holds until the operator stores the real credentials (docs/app-format.md). */
export const CREDENTIALS_PLACEHOLDER = 'set-with-npm-run-secrets';

/**
 * Whether a client id or secret stands in for the real one rather than being a value a provider
 * issued: the documented placeholder, or a marker of the kind FDK sample apps ship
 * (`<GITHUB_CLIENT_ID>`, `xxxxxxx`, `YOUR_CLIENT_ID`, `Enter your app's client id here`). No
 * provider issues such a value, so sending one only earns an `invalid_client` at the provider —
 * or, in the authorization request, shows the person the provider's error page. An empty id is a
 * placeholder too; an empty secret is not: it is a public client's (client-auth.ts then sends none).
 */
export function isPlaceholderCredential(field: CredentialField, value: string): boolean {
  const text = value.trim();
  if (text === '') return field === 'client_id';
  const words = text.toLowerCase().replace(/[\s_-]+/g, ' ');
  return (
    words === CREDENTIALS_PLACEHOLDER.replace(/-/g, ' ') ||
    /^<[^<>]*>$/.test(text) ||
    /^x{3,}$/.test(words) ||
    /^(enter )?your\b.*\b(client|secret)\b/.test(words)
  );
}

/**
 * Where `npm run secrets` writes what this deployment reads: the local file of `npm start`, or
 * a deployed stage's Secrets Manager secret (tools/secrets.ts).
 */
export type SecretsTarget =
  /** `dataDir`: named in the command when it is not the default one. */
  | { readonly kind: 'local'; readonly dataDir?: string }
  | { readonly kind: 'stage'; readonly stage: string; readonly region: string };

export const secretsTargetOf = (config: Pick<Config, 'secretSource' | 'stage' | 'region'>): SecretsTarget =>
  config.secretSource === 'file'
    ? { kind: 'local' }
    : { kind: 'stage', stage: config.stage, region: config.region };

/** A word a POSIX shell reads back as `value`. */
const shellWord = (value: string): string =>
  /^[\w./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;

/** The command that stores the integration's credentials where this deployment reads them. */
export function setCredentialsCommand(integration: string, target: SecretsTarget): string {
  const where = target.kind === 'local' ? '' : ` --stage ${target.stage} --region ${target.region}`;
  const dir =
    target.kind === 'local' && target.dataDir !== undefined
      ? `HANDSHAKE_DATA_DIR=${shellWord(target.dataDir)} `
      : '';
  return `printf %s "$CLIENT_SECRET" | ${dir}npm run secrets -- set ${integration} --client-id <id>${where}`;
}

const placeholderPhrase = (fields: readonly CredentialField[]) =>
  `${fields.join(' and ')} ${fields.length > 1 ? 'are placeholders' : 'is a placeholder'}`;

/**
 * The integration's OAuth client cannot be used: its credentials are missing, placeholders, or
 * the stored secret is unreadable. Not the caller's fault, so 503; nothing was sent to the provider.
 */
export class ClientNotConfiguredError extends UnavailableError {
  override readonly name: string = 'ClientNotConfiguredError';

  constructor(
    readonly integration: string,
    readonly what: string,
    /** `placeholder`: `npm run secrets -- set` fixes it; `unreadable`: the stored secret must be repaired first. */
    readonly reason: 'placeholder' | 'unreadable',
  ) {
    const remedy =
      reason === 'placeholder'
        ? `sets it with \`npm run secrets -- set ${integration} --client-id <id>\` (the client secret on stdin)`
        : 'rewrites that secret as a JSON object of {client_id, client_secret} per integration';
    super(`The OAuth client of "${integration}" is not configured: ${what}. The operator ${remedy}.`);
  }
}

/**
 * The 409 of a connect link for an integration whose credentials are still placeholders: the
 * person would only meet the provider's error page. Names the command that fixes it.
 */
export function credentialsNotSet(
  integration: string,
  fields: readonly CredentialField[],
  target: SecretsTarget,
): PreconditionFailedError {
  const cache = target.kind === 'stage' ? ' (deployed functions see new credentials within 5 minutes)' : '';
  return new PreconditionFailedError(
    `Integration "${integration}" has no OAuth client credentials yet (${placeholderPhrase(fields)}). Set them, with the client secret on stdin: ${setCredentialsCommand(integration, target)}${cache}`,
  );
}

const storedCredentials = jsonRecord(
  v.object({ client_id: v.optional(v.string()), client_secret: v.optional(v.string()) }),
);
type Stored = v.InferOutput<typeof storedCredentials>;

/** The stored entry of one integration; an unreadable secret is the deployment's problem. */
async function storedFor(secrets: SecretSource, integration: string): Promise<Stored[string] | undefined> {
  // A store that does not answer fails here, as itself (503 UNAVAILABLE), not as a bad secret.
  const raw = await secrets.get('client-credentials');
  let all: Stored;
  try {
    all = parseStored(raw);
  } catch {
    // Never the content: it holds client secrets.
    logger.error(
      'client-credentials secret is not a JSON object of {client_id, client_secret} per integration',
    );
    throw new ClientNotConfiguredError(
      integration,
      'the client-credentials secret is not valid JSON of the documented shape',
      'unreadable',
    );
  }
  return Object.hasOwn(all, integration) ? all[integration] : undefined;
}

/**
 * The integration's client id and secret: from the `client-credentials` secret when it has
 * them (a secret there wins over the file), else from oauth_config.json — possibly rendered
 * from the oauth_iparams the installer entered, FDK style. A placeholder is never returned.
 */
export async function clientCredentials(
  secrets: SecretSource,
  integration: Integration,
  oauthIparams: Readonly<Record<string, string>>,
): Promise<ClientCredentials> {
  const stored = await storedFor(secrets, integration.name);
  const scope = { oauth_iparams: oauthIparams };
  const clientId = stored?.client_id || renderTemplate(integration.clientId, scope);
  const clientSecret = stored?.client_secret || renderTemplate(integration.clientSecret, scope);
  if (clientId.trim() === '')
    throw new ClientNotConfiguredError(integration.name, 'client_id is empty', 'placeholder');
  const placeholders = (
    [
      ['client_id', clientId],
      ['client_secret', clientSecret],
    ] as const
  )
    .filter(([field, value]) => isPlaceholderCredential(field, value))
    .map(([field]) => field);
  if (placeholders.length > 0) {
    throw new ClientNotConfiguredError(integration.name, placeholderPhrase(placeholders), 'placeholder');
  }
  return { clientId, clientSecret };
}

/**
 * Which of the integration's credentials are still placeholders before anyone connects: the
 * file's value is one and no stored value overrides it. A value rendered from oauth_iparams is
 * the installer's to type on the connect page, so it is none here (clientCredentials checks
 * what they typed).
 */
export async function placeholderCredentials(
  secrets: SecretSource,
  integration: Integration,
): Promise<CredentialField[]> {
  const stored = await storedFor(secrets, integration.name);
  const fields: Array<[CredentialField, string | undefined, Integration['clientId']]> = [
    ['client_id', stored?.client_id, integration.clientId],
    ['client_secret', stored?.client_secret, integration.clientSecret],
  ];
  return fields
    .filter(([field, storedValue, file]) => {
      const value = storedValue || (isStatic(file) ? renderTemplate(file, {}) : undefined);
      return value !== undefined && isPlaceholderCredential(field, value);
    })
    .map(([field]) => field);
}

/**
 * The names of the app's integrations whose client credentials are still placeholders, in the
 * app's order — for `npm start` to say what `npm run secrets -- set` is still needed for.
 */
export async function integrationsWithoutCredentials(app: App, secrets: SecretSource): Promise<string[]> {
  const names: string[] = [];
  for (const integration of app.integrations.values()) {
    if ((await placeholderCredentials(secrets, integration)).length > 0) names.push(integration.name);
  }
  return names;
}

function parseStored(raw: string | undefined): Stored {
  if (raw === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = v.safeParse(storedCredentials, json);
  if (!parsed.success)
    throw new Error(
      'The client-credentials secret is not a JSON object of {client_id, client_secret} per integration',
    );
  return parsed.output;
}

const readStored = async (secrets: SecretSource): Promise<Stored> =>
  parseStored(await secrets.get('client-credentials'));

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
