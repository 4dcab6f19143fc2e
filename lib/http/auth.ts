import { type Credential, type Principal, unauthenticated, verify } from '../access/access';
import { installationIdFromKey } from '../crypto/keys';
import type { SecretSource } from '../secrets/port';
import type { InstallationStore } from '../store/ports';

export { type Access, authorize, type Credential, type Principal } from '../access/access';

export interface AuthDeps {
  readonly secrets: SecretSource;
  readonly installations: Pick<InstallationStore, 'get'>;
}

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
 * Who is calling. An installation key names its installation (`hsk_<id>_<secret>`), so it is
 * checked against that one record's hash (lib/access); anything else against the admin key.
 */
export async function authenticate(authorization: string | undefined, deps: AuthDeps): Promise<Principal> {
  const credential = credentialOf(authorization);
  const installation =
    credential.kind === 'installation' ? await deps.installations.get(credential.installationId) : undefined;
  return verify(credential, deps.secrets, installation);
}
