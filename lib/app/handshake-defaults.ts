import type { HandshakeSettings } from './model';

/*
 * What an integration's `handshake` settings are when the app does not say: the validator fills
 * them in (tools/app/load/handshake-settings.ts), and the bundled model leaves out every setting
 * equal to its default, filled in again at load (lib/app/bundled.ts).
 */

/** Refresh this long before expiry unless the integration says otherwise. */
export const DEFAULT_REFRESH_LEAD_SECONDS = 600;
/** Assumed lifetime of a token whose response has no expiry. */
export const DEFAULT_LIFETIME_SECONDS = 1800;

export const DEFAULT_HANDSHAKE_SETTINGS: HandshakeSettings = {
  pkce: true,
  clientAuth: 'client_secret_post',
  tokenRequest: 'form',
  authorizeParamNames: {},
  dropEmptyAuthorizeParams: false,
  codeParam: 'code',
  callbackParams: [],
  callbackFactNames: {},
  tokenParams: {},
  refreshParams: {},
  tokenParamNames: {},
  refreshRequest: undefined,
  scopeSeparator: ' ',
  tokenResponse: {
    accessToken: 'access_token',
    refreshToken: 'refresh_token',
    expiresIn: 'expires_in',
    expiresAt: 'expires_at',
    tokenType: 'token_type',
    scope: 'scope',
  },
  expiresInUnit: 'seconds',
  refreshLeadSeconds: DEFAULT_REFRESH_LEAD_SECONDS,
  defaultLifetimeSeconds: DEFAULT_LIFETIME_SECONDS,
  revocationUrl: undefined,
  refreshUrl: undefined,
  keepFields: [],
  issuer: undefined,
  allowedHosts: undefined,
  metadataUrl: undefined,
  rateLimit: undefined,
};
