/**
 * The secrets Handshake reads. In AWS each is a Secrets Manager secret named
 * `${secretPrefix}/${name}`; locally they live in one JSON file in the data dir.
 */
export type SecretName = 'admin-key' | 'token-keys' | 'client-credentials' | 'webhook-signing';

/** Every secret name, for tooling that creates or checks them all. */
export const SECRET_NAMES: readonly SecretName[] = [
  'admin-key',
  'token-keys',
  'client-credentials',
  'webhook-signing',
];

export interface SecretGetOptions {
  /**
   * Bypass any cache and read the store. For a caller that has evidence its cached value is
   * stale, e.g. a ciphertext naming a key id the cached key ring does not know yet.
   */
  readonly fresh?: boolean;
}

/** Read side of a secret store. Adapters may cache values for a bounded time. */
export interface SecretSource {
  /** The secret's value; `undefined` when the secret does not exist or has no value. */
  get(name: SecretName, options?: SecretGetOptions): Promise<string | undefined>;
}

/** A secret store that can also be written: rotation tooling and `npm start`'s bootstrap. */
export interface SecretWriter extends SecretSource {
  /** Store `value` as the secret's new current value; later `get`s in this process see it. */
  put(name: SecretName, value: string): Promise<void>;
}
