import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashKey } from '../crypto/keys';

/**
 * Binds the connect form to the page it came from (double submit, tied to the link). GET
 * /connect/{token} sets a cookie with a random secret and puts HMAC(secret, link) into a hidden
 * field; the POST must bring both, and they must match. A page on another site can make a
 * browser post the form, but it can neither read the field nor set the cookie, so a post that
 * did not come from this page is refused even from a client that sends no Origin or
 * Sec-Fetch-Site header.
 */
export interface FormBinding {
  /** The hidden field's value for the page. */
  readonly field: string;
  /** Set-Cookie for the page's response; absent when the browser already holds the cookie. */
  readonly setCookie?: string;
}

/**
 * The hidden field's name. Not an identifier, so no usable oauth_iparam has it (the validator
 * warns about such names), and the form check reads only declared oauth_iparams anyway.
 */
export const FORM_FIELD = 'handshake-form';

/** Long enough for the longest-lived link (7 days); the cookie is useless without its link. */
const COOKIE_MAX_AGE_SECONDS = 7 * 24 * 3600;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

// One cookie per link, so two links open in two tabs do not overwrite each other's secret.
const cookieName = (token: string) => `hsf_${hashKey(token).slice(0, 16)}`;
const fieldFor = (secret: string, token: string) =>
  createHmac('sha256', secret)
    .update(`connect-form:${hashKey(token)}`)
    .digest('base64url');

function attributes(publicUrl: string): string {
  const url = new URL(publicUrl);
  const path = `${url.pathname.replace(/\/+$/, '')}/connect/`;
  // Lax is enough: a cross-site POST never carries it, and a cross-site top-level GET (the
  // link opened from an e-mail) does, so reopening the link in another tab keeps the secret.
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  return `Path=${path}; Max-Age=${COOKIE_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}

function cookieSecret(cookies: Readonly<Record<string, string>>, token: string): string | undefined {
  const name = cookieName(token);
  const value = Object.hasOwn(cookies, name) ? cookies[name] : undefined;
  return value !== undefined && SECRET.test(value) ? value : undefined;
}

/** For the page: the browser's secret for this link when it has one, else a new one. */
export function formBindingFor(
  cookies: Readonly<Record<string, string>>,
  token: string,
  publicUrl: string,
): FormBinding {
  const held = cookieSecret(cookies, token);
  if (held !== undefined) return { field: fieldFor(held, token) };
  const secret = randomBytes(32).toString('base64url');
  return {
    field: fieldFor(secret, token),
    setCookie: `${cookieName(token)}=${secret}; ${attributes(publicUrl)}`,
  };
}

/** Whether the posted field matches this browser's cookie for this link (constant time). */
export function isBoundForm(
  cookies: Readonly<Record<string, string>>,
  token: string,
  field: string | null,
): boolean {
  const secret = cookieSecret(cookies, token);
  if (secret === undefined || field === null) return false;
  const expected = Buffer.from(fieldFor(secret, token), 'utf8');
  const given = Buffer.from(field, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
