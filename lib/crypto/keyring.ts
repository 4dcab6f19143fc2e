import { createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';

/**
 * The `token-keys` secret: `{ "current": "k1", "k1": "<material>", "k2": "<material>" }`.
 * Secrets Manager generates the material as a 64-character alphanumeric string, so it is
 * stretched into an AES key with HKDF rather than used as raw bytes.
 */
export interface KeyRing {
  /** The key id new ciphertexts are written with. */
  readonly currentId: string;
  /** Every AES-256 key of the ring by key id; older keys stay to read older ciphertexts. */
  readonly keys: ReadonlyMap<string, KeyObject>;
}

/** A `token-keys` value that cannot be used. The message never contains key material. */
export class KeyRingError extends Error {
  constructor(problem: string) {
    super(`Key ring (token-keys): ${problem}`);
    this.name = 'KeyRingError';
  }
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const MIN_MATERIAL_LENGTH = 32;
const CURRENT = 'current';
const HKDF_SALT = 'handshake/keyring/v1';
const AES_KEY_BYTES = 32;

type RingObject = { current: string } & Record<string, string>;

function validate(json: string): RingObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // JSON.parse quotes the text it failed on, which would be key material.
    throw new KeyRingError('is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KeyRingError('must be a JSON object');
  }
  const ring = parsed as Record<string, unknown>;
  const current = ring[CURRENT];
  if (typeof current !== 'string' || !KEY_ID_PATTERN.test(current)) {
    throw new KeyRingError(`"current" must be a key id matching ${KEY_ID_PATTERN}`);
  }
  for (const [id, material] of Object.entries(ring)) {
    if (id === CURRENT) continue;
    // An invalid id is not quoted: a hand-edited ring may have material where the id belongs.
    if (!KEY_ID_PATTERN.test(id)) throw new KeyRingError(`a key id does not match ${KEY_ID_PATTERN}`);
    if (typeof material !== 'string' || material.length < MIN_MATERIAL_LENGTH) {
      throw new KeyRingError(
        `the material of key "${id}" must be a string of ${MIN_MATERIAL_LENGTH}+ characters`,
      );
    }
  }
  if (typeof ring[current] !== 'string') {
    throw new KeyRingError(`"current" names key "${current}", which is not in the ring`);
  }
  return ring as RingObject;
}

const deriveKey = (id: string, material: string): KeyObject =>
  createSecretKey(Buffer.from(hkdfSync('sha256', material, HKDF_SALT, id, AES_KEY_BYTES)));

/** Validate a `token-keys` value and derive its AES-256 keys (HKDF-SHA256, info = key id). */
export function parseKeyRing(json: string): KeyRing {
  const { current, ...materials } = validate(json);
  const keys = new Map<string, KeyObject>();
  for (const [id, material] of Object.entries(materials)) keys.set(id, deriveKey(id, material));
  return { currentId: current, keys };
}

const newMaterial = (): string => randomBytes(48).toString('base64url');

/** A fresh `token-keys` value with one key, `k1`. */
export function newKeyRing(): string {
  return JSON.stringify({ [CURRENT]: 'k1', k1: newMaterial() });
}

function nextKeyId(ring: RingObject): string {
  let highest = 0;
  for (const id of Object.keys(ring)) {
    const match = /^k(\d{1,9})$/.exec(id);
    if (match?.[1] !== undefined) highest = Math.max(highest, Number(match[1]));
  }
  return `k${highest + 1}`;
}

/** The ring with a fresh key added but not yet current (step 1 of a rotation), and its id. */
export function addKey(json: string): { ring: string; id: string } {
  const ring = validate(json);
  const id = nextKeyId(ring);
  return { ring: JSON.stringify({ ...ring, [id]: newMaterial() }), id };
}

/** The ring writing new ciphertexts with key `id` (step 2); every key stays to read old ones. */
export function useKey(json: string, id: string): string {
  const ring = validate(json);
  if (!KEY_ID_PATTERN.test(id) || typeof ring[id] !== 'string') {
    throw new KeyRingError(
      `key "${id}" is not in the ring; it has: ${Object.keys(ring)
        .filter((k) => k !== CURRENT)
        .join(', ')}`,
    );
  }
  return JSON.stringify({ ...ring, [CURRENT]: id });
}

/**
 * The ring with a fresh key added and made current in one step — safe where every reader sees
 * the new ring at once (one machine); a deployment adds first and activates later.
 */
export function rotateKeyRing(json: string): string {
  const added = addKey(json);
  return useKey(added.ring, added.id);
}
