/**
 * Additional authenticated data for every ciphertext Handshake stores. A ciphertext decrypts
 * only under the AAD it was written with, so an item copied to another installation,
 * integration, account or field fails to decrypt. All callers build AAD here so they bind
 * the same way.
 */

/** The encrypted fields of a token record. */
export type TokenField = 'access_token' | 'refresh_token' | 'oauth_iparams' | 'extra';

// Each component is length-prefixed, so `a|b` + `c` and `a` + `b|c` encode differently.
const encode = (kind: string, parts: readonly string[]): string =>
  [kind, ...parts.map((part) => `${part.length}:${part}`)].join('|');

/** AAD of one encrypted field of the token record of (installation, integration, account). */
export function tokenAad(
  installationId: string,
  integration: string,
  account: string,
  field: TokenField,
): string {
  return encode('token', [installationId, integration, account, field]);
}

/** AAD of an installation's encrypted app settings (FDK's `app_settings`). */
export function appSettingsAad(installationId: string): string {
  return encode('app_settings', [installationId]);
}

/** AAD of an installation's encrypted installation parameters. */
export function iparamsAad(installationId: string): string {
  return encode('iparams', [installationId]);
}

/** The encrypted fields of an authorization state: the PKCE verifier and the entered oauth_iparams. */
export type StateField = 'code_verifier' | 'oauth_iparams';

/** AAD of one encrypted field of one authorization state (named by its hash). */
export function stateAad(installationId: string, stateHash: string, field: StateField): string {
  return encode('state', [installationId, stateHash, field]);
}

/**
 * AAD of one cached upstream answer (lib/invoke/response-cache.ts): its installation, its
 * request's hash, the grant it was made with and its expiry, so an entry moved to another
 * installation or key, or whose stored grant or expiry were altered, does not open.
 */
export function responseCacheAad(
  installationId: string,
  requestHash: string,
  grant: string,
  expiresAt: number,
): string {
  return encode('response', [installationId, requestHash, grant, String(expiresAt)]);
}

/** AAD of a connect link's pre-filled oauth_iparams (the link named by its hash). */
export function linkAad(installationId: string, linkHash: string): string {
  return encode('link', [installationId, linkHash, 'oauth_iparams']);
}

/**
 * AAD of an admin listing's cursor (GET /installations, GET /events): the listing and its
 * filter, so a cursor opens only for the listing and filter that issued it.
 */
export function listingCursorAad(listing: string, filter: readonly string[]): string {
  return encode('listing_cursor', [listing, ...filter]);
}

/**
 * AAD of an operator's console session cookie (lib/console/session.ts). Its own kind, so no
 * other sealed value (a cursor, a token, a link's values) opens as a session, and a session
 * opens as nothing else.
 */
export function consoleSessionAad(): string {
  return encode('console_session', ['v1']);
}
