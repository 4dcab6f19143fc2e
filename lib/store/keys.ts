import type { AccountKey } from '../accounts/record';
import type { PendingKind } from './ports';

/**
 * Item keys. Everything that belongs to an installation lives in its partition, so deleting
 * an installation is one Query plus batch deletes, and a token can never be filed under
 * another installation by a key mix-up.
 */
export const installationPk = (installationId: string): string => `INST#${installationId}`;
export const INSTALLATION_SK = 'INSTALLATION';
export const ACCOUNT_SK_PREFIX = 'ACCOUNT#';

/** Integration names cannot contain '#', so the account label (last) may hold anything. */
export const accountSk = (key: Pick<AccountKey, 'integration' | 'account'>): string =>
  `${ACCOUNT_SK_PREFIX}${key.integration}#${key.account}`;

export const pendingSk = (kind: PendingKind, hash: string): string => `${kind.toUpperCase()}#${hash}`;

/** The account key of a token record's item key (the inverse of installationPk + accountSk). */
export function accountKeyOf(pk: string, sk: string): AccountKey | undefined {
  if (!pk.startsWith('INST#') || !sk.startsWith(ACCOUNT_SK_PREFIX)) return undefined;
  const rest = sk.slice(ACCOUNT_SK_PREFIX.length);
  const split = rest.indexOf('#');
  if (split <= 0) return undefined;
  return {
    installationId: pk.slice('INST#'.length),
    integration: rest.slice(0, split),
    account: rest.slice(split + 1),
  };
}
