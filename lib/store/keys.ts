import type { AccountKey, PendingKind } from './ports';

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
