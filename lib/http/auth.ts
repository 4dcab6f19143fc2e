import { installationIdFromKey, keyMatchesHash, safeEqual } from '../crypto/keys';
import { HandshakeError } from '../errors';
import { logger } from '../observability/logger';
import type { SecretSource } from '../secrets/port';
import type { InstallationRecord, InstallationStore } from '../store/ports';

export type Principal =
  | { readonly kind: 'admin' }
  | { readonly kind: 'installation'; readonly installationId: string };

export interface AuthDeps {
  readonly secrets: SecretSource;
  readonly installations: Pick<InstallationStore, 'get'>;
}

const unauthenticated = () =>
  new HandshakeError(
    'UNAUTHENTICATED',
    'Send "Authorization: Bearer <key>" with the admin key or this installation\'s key',
  );

/** A presented key, before it is checked: the admin key's shape or an installation key's. */
export type Credential =
  | { readonly kind: 'admin'; readonly key: string }
  | { readonly kind: 'installation'; readonly installationId: string; readonly key: string };

/** The bearer key of an Authorization header; no I/O. */
export function credentialOf(authorization: string | undefined): Credential {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  const key = match?.[1];
  if (key === undefined) throw unauthenticated();
  const installationId = installationIdFromKey(key);
  return installationId === undefined
    ? { kind: 'admin', key }
    : { kind: 'installation', installationId, key };
}

/**
 * Checks a credential: an installation key against its installation's record as read now
 * (undefined when it does not exist), anything else against the admin key. Both comparisons
 * are constant-time, and every failure looks the same to the caller.
 */
export async function verify(
  credential: Credential,
  secrets: SecretSource,
  installation: InstallationRecord | undefined,
): Promise<Principal> {
  if (credential.kind === 'installation') {
    if (installation !== undefined && keyMatchesHash(credential.key, installation.keyHash)) {
      return { kind: 'installation', installationId: credential.installationId };
    }
    throw unauthenticated();
  }
  const adminKey = await secrets.get('admin-key');
  if (adminKey === undefined || adminKey === '') {
    logger.error('admin key secret is missing or empty: admin calls cannot succeed');
    throw unauthenticated();
  }
  if (safeEqual(credential.key, adminKey)) return { kind: 'admin' };
  throw unauthenticated();
}

/**
 * Who is calling. An installation key names its installation (`hsk_<id>_<secret>`), so it is
 * checked against that one record's hash; anything else is compared with the admin key.
 */
export async function authenticate(authorization: string | undefined, deps: AuthDeps): Promise<Principal> {
  const credential = credentialOf(authorization);
  const installation =
    credential.kind === 'installation' ? await deps.installations.get(credential.installationId) : undefined;
  return verify(credential, deps.secrets, installation);
}

export type Access = 'admin' | 'admin-or-own';

/**
 * May this principal act on this installation? Decided before the installation is looked up,
 * so another installation's key learns nothing about whether the id exists.
 */
export function authorize(principal: Principal, access: Access, installationId?: string): void {
  if (principal.kind === 'admin') return;
  if (access === 'admin') {
    throw new HandshakeError('FORBIDDEN', 'This operation needs the admin key');
  }
  if (installationId === undefined || principal.installationId !== installationId) {
    throw new HandshakeError('FORBIDDEN', 'This key belongs to another installation');
  }
}
