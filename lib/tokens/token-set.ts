import { type TokenField, tokenAad } from '../crypto/aad';
import type { AccountKey, AccountRecord, Sealed } from '../store/ports';
import type { Vault } from './vault';

/** The secret part of an account record, in plain text — only ever in memory. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  readonly oauthIparams?: Readonly<Record<string, string>> | undefined;
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

export type SealedTokenFields = Pick<
  AccountRecord,
  'accessToken' | 'refreshToken' | 'oauthIparams' | 'extra'
>;

const aad = (key: AccountKey, field: TokenField) =>
  tokenAad(key.installationId, key.integration, key.account, field);

/**
 * Seals each secret field bound to its owner and its field name: a ciphertext copied to
 * another installation, integration, account or field does not decrypt.
 */
export function sealTokenSet(vault: Vault, key: AccountKey, tokens: TokenSet): SealedTokenFields {
  const seal = (value: string, field: TokenField): Sealed => vault.seal(value, aad(key, field));
  return {
    accessToken: seal(tokens.accessToken, 'access_token'),
    refreshToken: tokens.refreshToken === undefined ? undefined : seal(tokens.refreshToken, 'refresh_token'),
    oauthIparams:
      tokens.oauthIparams === undefined
        ? undefined
        : seal(JSON.stringify(tokens.oauthIparams), 'oauth_iparams'),
    extra: tokens.extra === undefined ? undefined : seal(JSON.stringify(tokens.extra), 'extra'),
  };
}

/** Opens a record's sealed fields with the record's own key (never a caller-supplied one). */
export function openTokenSet(vault: Vault, record: AccountRecord): TokenSet | undefined {
  if (record.accessToken === undefined) return undefined;
  const open = (value: Sealed, field: TokenField) => vault.open(value, aad(record, field));
  return {
    accessToken: open(record.accessToken, 'access_token'),
    refreshToken: record.refreshToken === undefined ? undefined : open(record.refreshToken, 'refresh_token'),
    oauthIparams:
      record.oauthIparams === undefined
        ? undefined
        : (JSON.parse(open(record.oauthIparams, 'oauth_iparams')) as Record<string, string>),
    extra:
      record.extra === undefined
        ? undefined
        : (JSON.parse(open(record.extra, 'extra')) as Record<string, unknown>),
  };
}
