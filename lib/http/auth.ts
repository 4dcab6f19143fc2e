import { installationIdFromKey, keyMatchesHash, safeEqual } from '../crypto/keys';
import { HandshakeError } from '../errors';
import { logger } from '../observability/logger';
import type { SecretSource } from '../secrets/port';
import type { InstallationStore } from '../store/ports';

export type Principal =
  | { readonly kind: 'admin' }
  | { readonly kind: 'installation'; readonly installationId: string };

export interface AuthDeps {
  readonly secrets: SecretSource;
  readonly installations: InstallationStore;
}

const unauthenticated = () =>
  new HandshakeError(
    'UNAUTHENTICATED',
    'Send "Authorization: Bearer <key>" with the admin key or this installation\'s key',
  );

/**
 * Who is calling. An installation key names its installation (`hsk_<id>_<secret>`), so it is
 * checked against that one record's hash; anything else is compared with the admin key. Both
 * comparisons are constant-time, and every failure looks the same to the caller.
 */
export async function authenticate(authorization: string | undefined, deps: AuthDeps): Promise<Principal> {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  const key = match?.[1];
  if (key === undefined) throw unauthenticated();

  const installationId = installationIdFromKey(key);
  if (installationId !== undefined) {
    const installation = await deps.installations.get(installationId);
    if (installation !== undefined && keyMatchesHash(key, installation.keyHash)) {
      return { kind: 'installation', installationId };
    }
    throw unauthenticated();
  }

  const adminKey = await deps.secrets.get('admin-key');
  if (adminKey === undefined || adminKey === '') {
    logger.error('admin key secret is missing or empty: admin calls cannot succeed');
    throw unauthenticated();
  }
  if (safeEqual(key, adminKey)) return { kind: 'admin' };
  throw unauthenticated();
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
