import { randomBytes } from 'node:crypto';
import { newKeyRing, parseKeyRing } from '../../lib/crypto/keyring';
import type { SecretWriter } from '../../lib/secrets/port';

export interface EnsureLocalSecretsOptions {
  /** The admin key to use (`HANDSHAKE_ADMIN_KEY`); replaces a different stored one. */
  readonly adminKey?: string;
}

export interface EnsureLocalSecretsResult {
  readonly adminKey: string;
  /** True when this call generated the admin key (none given, none stored): show it once. */
  readonly created: boolean;
}

/** A generated admin key: `hsa_` + 32 random bytes in base64url. */
export const newAdminKey = (): string => `hsa_${randomBytes(32).toString('base64url')}`;

async function ensure(
  writer: SecretWriter,
  name: 'webhook-signing' | 'token-keys',
  make: () => string,
): Promise<void> {
  if ((await writer.get(name)) === undefined) await writer.put(name, make());
}

/**
 * The secrets `npm start` needs, created in the local store when absent: `admin-key`,
 * `token-keys` (a ring with one fresh key) and `webhook-signing`. Safe to run on every start;
 * existing secrets are kept, except an admin key that differs from `options.adminKey`.
 * Never logs a value.
 */
export async function ensureLocalSecrets(
  writer: SecretWriter,
  options: EnsureLocalSecretsOptions = {},
): Promise<EnsureLocalSecretsResult> {
  const given = options.adminKey;
  if (given !== undefined && (given.trim() === '' || given !== given.trim())) {
    throw new Error('The admin key must be non-empty and have no surrounding whitespace');
  }
  await ensure(writer, 'token-keys', newKeyRing);
  // A ring broken by hand should stop the start here, not at the first token write.
  const ring = await writer.get('token-keys');
  if (ring !== undefined) parseKeyRing(ring);
  await ensure(writer, 'webhook-signing', () => randomBytes(32).toString('base64url'));

  const stored = await writer.get('admin-key');
  const adminKey = given ?? stored ?? newAdminKey();
  if (adminKey !== stored) await writer.put('admin-key', adminKey);
  return { adminKey, created: given === undefined && stored === undefined };
}
