import { keyMatchesHash, safeEqual } from '../crypto/keys';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import { logger } from '../observability/logger';
import type { SecretSource } from '../secrets/port';
import type { InstallationRecord } from '../store/ports';

/** Who a verified caller is: the admin, or one installation. */
export type Principal =
  | { readonly kind: 'admin' }
  | { readonly kind: 'installation'; readonly installationId: string };

/** A presented key, before it is checked: the admin key's shape or an installation key's. */
export type Credential =
  | { readonly kind: 'admin'; readonly key: string }
  | { readonly kind: 'installation'; readonly installationId: string; readonly key: string };

/** Every failure to authenticate looks the same to the caller. */
export const unauthenticated = () =>
  new UnauthenticatedError(
    'Send "Authorization: Bearer <key>" with the admin key or this installation\'s key',
  );

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

export type Access = 'admin' | 'admin-or-own';

/**
 * May this principal act on this installation? Decided before the installation is looked up,
 * so another installation's key learns nothing about whether the id exists.
 */
export function authorize(principal: Principal, access: Access, installationId?: string): void {
  if (principal.kind === 'admin') return;
  if (access === 'admin') throw new ForbiddenError('This operation needs the admin key');
  if (installationId === undefined || principal.installationId !== installationId) {
    throw new ForbiddenError('This key belongs to another installation');
  }
}
