import type { AccountKey, AuthorizedAccount, SealedTokens, TokenSet } from '../accounts/record';
import { type TokenField, tokenAad } from '../crypto/aad';
import type { Sealed } from '../crypto/sealed';
import type { Vault } from './vault';

const aad = (key: AccountKey, field: TokenField) =>
  tokenAad(key.installationId, key.integration, key.account, field);

/**
 * Seals each secret field bound to its owner and its field name: a ciphertext copied to
 * another installation, integration, account or field does not decrypt.
 */
export function sealTokenSet(vault: Vault, key: AccountKey, tokens: TokenSet): SealedTokens {
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

/** Opens an account's sealed tokens with the account's own key (never a caller-supplied one). */
export function openTokenSet(
  vault: Vault,
  account: Pick<AuthorizedAccount, keyof AccountKey | 'tokens'>,
): TokenSet {
  const { tokens } = account;
  const open = (value: Sealed, field: TokenField) => vault.open(value, aad(account, field));
  return {
    accessToken: open(tokens.accessToken, 'access_token'),
    refreshToken: tokens.refreshToken === undefined ? undefined : open(tokens.refreshToken, 'refresh_token'),
    oauthIparams:
      tokens.oauthIparams === undefined
        ? undefined
        : (JSON.parse(open(tokens.oauthIparams, 'oauth_iparams')) as Record<string, string>),
    extra:
      tokens.extra === undefined
        ? undefined
        : (JSON.parse(open(tokens.extra, 'extra')) as Record<string, unknown>),
  };
}
