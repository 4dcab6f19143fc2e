import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';
import type { KeyRing } from './keyring';

/** Authenticated encryption of secret strings bound to an owner (see ./aad). */
export interface Cipher {
  /** `v1.<kid>.<iv>.<ciphertext+tag>`, written with the ring's current key. */
  encrypt(plaintext: string, aad: string): string;
  /** The plaintext; a DecryptError when the key is unknown, the data altered or the AAD wrong. */
  decrypt(ciphertext: string, aad: string): string;
}

export type DecryptFailure = 'malformed' | 'unknown_key' | 'authentication_failed';

/**
 * A ciphertext that cannot be opened. Carries only a reason: never the data, the AAD or the
 * crypto library's error, and no cause, so nothing of the value reaches a log.
 */
export class DecryptError extends Error {
  readonly reason: DecryptFailure;

  constructor(reason: DecryptFailure) {
    super(`Ciphertext could not be decrypted (${reason})`);
    this.name = 'DecryptError';
    this.reason = reason;
  }
}

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

// The version and key id are authenticated with the caller's AAD: neither can be swapped.
const gcmAad = (kid: string, aad: string): Buffer => Buffer.from(`${VERSION}|${kid}|${aad}`, 'utf8');

interface Parsed {
  readonly kid: string;
  readonly iv: Buffer;
  readonly body: Buffer;
  readonly tag: Buffer;
}

function parse(ciphertext: string): Parsed | undefined {
  const [version, kid, iv, sealed, ...rest] = ciphertext.split('.');
  if (
    version !== VERSION ||
    kid === undefined ||
    iv === undefined ||
    sealed === undefined ||
    rest.length > 0
  ) {
    return undefined;
  }
  // Buffer.from skips characters outside the alphabet; the patterns make decoding exact.
  if (!BASE64URL.test(iv) || !BASE64URL.test(sealed)) return undefined;
  const ivBytes = Buffer.from(iv, 'base64url');
  const sealedBytes = Buffer.from(sealed, 'base64url');
  if (ivBytes.length !== IV_BYTES || sealedBytes.length < TAG_BYTES) return undefined;
  return {
    kid,
    iv: ivBytes,
    body: sealedBytes.subarray(0, sealedBytes.length - TAG_BYTES),
    tag: sealedBytes.subarray(sealedBytes.length - TAG_BYTES),
  };
}

function open(key: KeyObject, parsed: Parsed, aad: string): string {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(gcmAad(parsed.kid, aad));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError('authentication_failed');
  }
}

/** AES-256-GCM with a random 12-byte IV per value and the ring's key id in each ciphertext. */
export function createCipher(ring: KeyRing): Cipher {
  const currentKey = ring.keys.get(ring.currentId);
  if (currentKey === undefined) throw new Error(`Key ring has no key "${ring.currentId}"`);

  return {
    encrypt(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(gcmAad(ring.currentId, aad));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [VERSION, ring.currentId, iv.toString('base64url'), body.toString('base64url')].join('.');
    },
    decrypt(ciphertext, aad) {
      const parsed = parse(ciphertext);
      if (parsed === undefined) throw new DecryptError('malformed');
      const key = ring.keys.get(parsed.kid);
      if (key === undefined) throw new DecryptError('unknown_key');
      return open(key, parsed, aad);
    },
  };
}
