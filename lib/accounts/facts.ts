/** Never an account fact, whatever keep_fields or a callback says: a template reads tokens as access_token. */
export const TOKEN_NAMES: readonly string[] = ['access_token', 'refresh_token', 'id_token'];

/**
 * `account.NAME`: the account's oauth_iparams, then its kept fields (captured callback
 * parameters, then kept token-response fields), a later source replacing an earlier name.
 * Request templates, token_url, refresh_url, revocation_url and token/refresh parameters all
 * read the facts this one rule makes.
 */
export function factsOf(
  oauthIparams: Readonly<Record<string, unknown>> | undefined,
  extra: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const facts: Record<string, unknown> = { ...oauthIparams, ...extra };
  for (const name of TOKEN_NAMES) delete facts[name];
  return facts;
}
