import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UnavailableError } from '../errors';
import type { SecretGetOptions, SecretName, SecretWriter } from './port';

/** How long a secret value is reused by one container before Secrets Manager is asked again. */
export const DEFAULT_SECRET_MAX_AGE_SECONDS = 300;

export interface AwsSecretSourceOptions {
  readonly client: SecretsManagerClient;
  /** Secret ids are `${prefix}/${name}`. */
  readonly prefix: string;
  readonly maxAgeSeconds?: number;
}

const clients = new Map<string, SecretsManagerClient>();

/** The process-wide Secrets Manager client for `region`, created on first use. */
export function awsSecretsClient(region: string): SecretsManagerClient {
  let client = clients.get(region);
  if (client === undefined) {
    client = new SecretsManagerClient({ region });
    clients.set(region, client);
  }
  return client;
}

const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFoundException' ||
    // Powertools wraps SDK failures in a GetParameterError whose cause is the SDK error.
    (error.cause instanceof Error && error.cause.name === 'ResourceNotFoundException'));

// The SDK error is what an operator needs in the logs; the caller gets neither it nor its text.
const sdkCause = (error: unknown): unknown =>
  error instanceof Error && error.name === 'GetParameterError' && error.cause !== undefined
    ? error.cause
    : error;

const decoder = new TextDecoder('utf-8');

/**
 * Secrets Manager behind the SecretSource port. Reads go through Powertools' SecretsProvider,
 * so each value is fetched once per container and reused for `maxAgeSeconds`.
 */
export function createAwsSecretSource(options: AwsSecretSourceOptions): SecretWriter {
  const { client, prefix } = options;
  const maxAge = options.maxAgeSeconds ?? DEFAULT_SECRET_MAX_AGE_SECONDS;
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  // Powertools can only clear its whole cache; a name written here is force-fetched once instead.
  // Each write leaves a fresh marker so a read that started before it cannot clear it.
  const written = new Map<SecretName, symbol>();
  const secretId = (name: SecretName): string => `${prefix}/${name}`;

  async function get(name: SecretName, getOptions: SecretGetOptions = {}): Promise<string | undefined> {
    const marker = written.get(name);
    const forceFetch = getOptions.fresh === true || marker !== undefined;
    let value: string | Uint8Array | undefined;
    try {
      value = await provider.get(secretId(name), { maxAge, forceFetch });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new UnavailableError(`The secret store could not be read (${name}); try again later`, {
        cause: sdkCause(error),
      });
    }
    if (marker !== undefined && written.get(name) === marker) written.delete(name);
    if (value === undefined) return undefined;
    const text = typeof value === 'string' ? value : decoder.decode(value);
    return text === '' ? undefined : text;
  }

  async function put(name: SecretName, value: string): Promise<void> {
    try {
      await client.send(new PutSecretValueCommand({ SecretId: secretId(name), SecretString: value }));
    } catch (error) {
      if (isNotFound(error)) {
        // Not retryable: the secret is created by the deployment, never by Handshake at run time.
        throw new Error(`Secret ${secretId(name)} does not exist; deploy the stage to create it`, {
          cause: error,
        });
      }
      throw new UnavailableError(`The secret store could not be written (${name}); try again later`, {
        cause: error,
      });
    }
    written.set(name, Symbol(name));
  }

  return { get, put };
}
