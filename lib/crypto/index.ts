import type { SecretSource } from '../secrets/port';
import { type Cipher, createCipher } from './cipher';
import { parseKeyRing } from './keyring';

export { iparamsAad, type TokenField, tokenAad } from './aad';
export { type Cipher, createCipher, DecryptError, type DecryptFailure } from './cipher';
export { type KeyRing, KeyRingError, newKeyRing, parseKeyRing, rotateKeyRing } from './keyring';
export {
  hashKey,
  installationIdFromKey,
  isInstallationId,
  keyMatchesHash,
  newInstallationId,
  newInstallationKey,
  safeEqual,
} from './keys';

/** How long one container keeps using a key ring before reading `token-keys` again. */
export const CIPHER_MAX_AGE_MS = 5 * 60 * 1000;

export interface LoadCipherOptions {
  /**
   * Read the key ring from the store now, bypassing both caches. For a DecryptError with
   * reason `unknown_key`: another container may already write with a key rotated in since.
   */
  readonly fresh?: boolean;
}

interface Entry {
  readonly expiresAt: number;
  readonly cipher: Promise<Cipher>;
}

const cache = new WeakMap<SecretSource, Entry>();

async function readCipher(source: SecretSource, fresh: boolean): Promise<Cipher> {
  const json = await source.get('token-keys', { fresh });
  if (json === undefined) {
    throw new Error(
      'Secret "token-keys" is missing: `serverless deploy` creates it in Secrets Manager ' +
        '(<secret prefix>/token-keys) and `npm start` creates it in the data dir',
    );
  }
  return createCipher(parseKeyRing(json));
}

/**
 * The cipher over the `token-keys` key ring of `source`, cached per container for
 * CIPHER_MAX_AGE_MS so a rotation is picked up without a redeploy.
 */
export function loadCipher(source: SecretSource, options: LoadCipherOptions = {}): Promise<Cipher> {
  const now = Date.now();
  const entry = cache.get(source);
  if (options.fresh !== true && entry !== undefined && entry.expiresAt > now) return entry.cipher;
  // Concurrent callers share one read; a failed read is forgotten so the next call retries.
  const cipher = readCipher(source, options.fresh === true);
  const created: Entry = { expiresAt: now + CIPHER_MAX_AGE_MS, cipher };
  cache.set(source, created);
  cipher.catch(() => {
    if (cache.get(source) === created) cache.delete(source);
  });
  return cipher;
}
