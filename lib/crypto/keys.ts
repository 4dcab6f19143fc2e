import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Installation ids and installation API keys. A key is `hsk_<installationId>_<secret>`: the
 * id lets the auth layer find the installation's stored hash without a scan, the secret is
 * 32 random bytes. Only `hashKey(key)` is stored.
 */

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
const INSTALLATION_ID = /^in_[a-z2-7]{20}$/;
const INSTALLATION_KEY = /^hsk_(in_[a-z2-7]{20})_[A-Za-z0-9_-]{43}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `in_` + 20 base32 characters (100 random bits); no `_` after the prefix, so keys stay parseable. */
export function newInstallationId(): string {
  // 256 is a multiple of 32, so masking each byte keeps every character equally likely.
  const chars = Array.from(randomBytes(20), (byte) => BASE32_LOWER.charAt(byte & 31));
  return `in_${chars.join('')}`;
}

/** Whether `value` has the shape of an id from `newInstallationId`. */
export const isInstallationId = (value: string): boolean => INSTALLATION_ID.test(value);

/** A new API key for the installation: `hsk_<installationId>_<43 base64url chars>`. */
export function newInstallationKey(installationId: string): string {
  if (!isInstallationId(installationId)) throw new Error('newInstallationKey: not an installation id');
  return `hsk_${installationId}_${randomBytes(32).toString('base64url')}`;
}

/** The installation id a key was issued for, or undefined when the key is malformed. */
export function installationIdFromKey(key: string): string | undefined {
  return INSTALLATION_KEY.exec(key)?.[1];
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * SHA-256 hex of an API key, the form in which keys are stored. A plain hash is enough: the
 * keys carry 256 random bits, so there is nothing to brute-force.
 */
export function hashKey(key: string): string {
  return sha256(key).toString('hex');
}

/** Whether `key` hashes to `hash` (a `hashKey` result), compared in constant time. */
export function keyMatchesHash(key: string, hash: string): boolean {
  if (!SHA256_HEX.test(hash)) return false;
  return timingSafeEqual(sha256(key), Buffer.from(hash, 'hex'));
}

/**
 * Constant-time equality of two secrets of any lengths (the admin key): their SHA-256
 * digests are compared, so neither the content nor the length leaks through timing.
 */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Single-use bearer tokens of the handshake: connect links (`hcl_`) and OAuth states (`hst_`).
 * Like installation keys they name their installation, so the one partition that can hold
 * their record is known without a scan; only `hashKey(token)` is stored.
 */
export type ConnectTokenKind = 'link' | 'state';
const TOKEN_PREFIX: Record<ConnectTokenKind, string> = { link: 'hcl', state: 'hst' };

export function newConnectToken(kind: ConnectTokenKind, installationId: string): string {
  if (!isInstallationId(installationId)) throw new Error('newConnectToken: not an installation id');
  return `${TOKEN_PREFIX[kind]}_${installationId}_${randomBytes(32).toString('base64url')}`;
}

/** The installation a handshake token was issued for, or undefined when it is malformed. */
export function installationIdFromConnectToken(kind: ConnectTokenKind, token: string): string | undefined {
  const match = /^([a-z]{3})_(in_[a-z2-7]{20})_[A-Za-z0-9_-]{43}$/.exec(token);
  return match?.[1] === TOKEN_PREFIX[kind] ? match[2] : undefined;
}
