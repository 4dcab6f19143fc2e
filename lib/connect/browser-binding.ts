import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { STATE_TTL_SECONDS } from './deps';

/**
 * Binds an authorization state to the browser that started it. Without this, someone could
 * start an authorization from their own connect link and send the provider URL to a victim:
 * the victim's consent would connect the victim's account to the attacker's installation. The
 * callback therefore also needs a cookie that only the starting browser holds.
 */
export interface BrowserBinding {
  /** The Set-Cookie value for the connect form's redirect. */
  readonly setCookie: string;
  /** Stored with the state: the SHA-256 of the cookie's secret. */
  readonly hash: string;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

// One cookie per state, so two authorizations in two tabs do not overwrite each other.
const cookieName = (stateHash: string) => `hs_${stateHash.slice(0, 16)}`;

function attributes(callbackUrl: string, maxAge: number): string {
  const url = new URL(callbackUrl);
  // Lax: sent on the provider's top-level redirect back to us, never on cross-site subrequests.
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  return `Path=${url.pathname}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

export function newBrowserBinding(stateHash: string, callbackUrl: string): BrowserBinding {
  const secret = randomBytes(32).toString('base64url');
  return {
    setCookie: `${cookieName(stateHash)}=${secret}; ${attributes(callbackUrl, STATE_TTL_SECONDS)}`,
    hash: sha256(secret).toString('hex'),
  };
}

/** Removes the cookie once the callback has used it. */
export const clearBrowserBinding = (stateHash: string, callbackUrl: string): string =>
  `${cookieName(stateHash)}=; ${attributes(callbackUrl, 0)}`;

/** Whether this request comes from the browser that started the authorization. */
export function isSameBrowser(
  cookies: Readonly<Record<string, string>>,
  stateHash: string,
  expectedHash: string | undefined,
): boolean {
  const secret = Object.hasOwn(cookies, cookieName(stateHash)) ? cookies[cookieName(stateHash)] : undefined;
  if (secret === undefined || expectedHash === undefined || !/^[0-9a-f]{64}$/.test(expectedHash))
    return false;
  return timingSafeEqual(sha256(secret), Buffer.from(expectedHash, 'hex'));
}
