import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
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
  error instanceof Error && error.name === 'ResourceNotFoundException';

const decoder = new TextDecoder('utf-8');

/** A value read, until when it is reused (epoch ms). */
interface Cached {
  readonly value: string | undefined;
  readonly until: number;
}

/**
 * Secrets Manager behind the SecretSource port, on the SDK's GetSecretValue. Each value is
 * fetched once per container and reused for `maxAgeSeconds` (docs/DECISIONS.md: why not
 * Powertools Parameters); a `fresh` read and the first read after a `put` go to the store.
 */
export function createAwsSecretSource(options: AwsSecretSourceOptions): SecretWriter {
  const { client, prefix } = options;
  const maxAgeMs = (options.maxAgeSeconds ?? DEFAULT_SECRET_MAX_AGE_SECONDS) * 1000;
  const cache = new Map<SecretName, Cached>();
  // Bumped by each put: a read that started before a write must not cache what it read.
  const writes = new Map<SecretName, number>();
  const secretId = (name: SecretName): string => `${prefix}/${name}`;

  async function read(name: SecretName): Promise<string | undefined> {
    try {
      const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId(name) }));
      const text = answer.SecretString ?? (answer.SecretBinary && decoder.decode(answer.SecretBinary));
      return text === undefined || text === '' ? undefined : text;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      // The SDK error is what an operator needs in the logs; the caller gets neither it nor its text.
      throw new UnavailableError(`The secret store could not be read (${name}); try again later`, {
        cause: error,
      });
    }
  }

  async function get(name: SecretName, getOptions: SecretGetOptions = {}): Promise<string | undefined> {
    const cached = cache.get(name);
    if (getOptions.fresh !== true && cached !== undefined && cached.until > Date.now()) return cached.value;
    const generation = writes.get(name) ?? 0;
    const value = await read(name);
    if ((writes.get(name) ?? 0) === generation) cache.set(name, { value, until: Date.now() + maxAgeMs });
    return value;
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
    // Later gets in this process see the new value: the next one reads the store.
    writes.set(name, (writes.get(name) ?? 0) + 1);
    cache.delete(name);
  }

  return { get, put };
}
