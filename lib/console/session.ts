import { createHash, randomBytes } from 'node:crypto';
import { consoleSessionAad } from '../crypto/aad';
import { safeEqual } from '../crypto/keys';
import type { Sealed } from '../crypto/sealed';
import type { Vault } from '../tokens/vault';

/**
 * The operator's console session: a cookie that holds the whole session, sealed with the token
 * key ring (lib/tokens/vault.ts) under an AAD of its own (lib/crypto/aad.ts consoleSessionAad),
 * so nothing is stored server-side and nothing else sealed opens as a session. It holds when it
 * ends, the secret its forms carry (CSRF) and a digest of the admin key it was opened with —
 * never the key: a replaced admin key ends every session at the next request that reads it.
 */
export interface Session {
  /** Epoch ms after which the session is over unless a request renews it (idle timeout). */
  readonly idleUntil: number;
  /** Epoch ms after which it is over whatever happens (absolute lifetime). */
  readonly until: number;
  /** The value every form of this session posts back (base64url, 32 random bytes). */
  readonly csrf: string;
  /** `adminKeyDigest` of the admin key the session signed in with. */
  readonly key: string;
}

/** What a session keeps of the admin key: its SHA-256, base64url (43 characters). */
export const adminKeyDigest = (adminKey: string): string =>
  createHash('sha256').update(adminKey, 'utf8').digest('base64url');

/** The session's lifetimes (docs/console.md): idle 30 minutes, at most 8 hours from sign-in. */
export const SESSION = { idleMs: 30 * 60_000, absoluteMs: 8 * 3600_000 } as const;

/** A session that starts now, signed in with `adminKey`. */
export const newSession = (now: number, adminKey: string): Session => ({
  idleUntil: now + SESSION.idleMs,
  until: now + SESSION.absoluteMs,
  csrf: randomBytes(32).toString('base64url'),
  key: adminKeyDigest(adminKey),
});

/** The session carried on by a request at `now`: idle time restarts, the absolute end stays. */
export const renewed = (session: Session, now: number): Session => ({
  ...session,
  idleUntil: Math.min(now + SESSION.idleMs, session.until),
});

export const sealSession = (vault: Vault, session: Session): string =>
  vault.seal(
    JSON.stringify({ i: session.idleUntil, u: session.until, c: session.csrf, k: session.key }),
    consoleSessionAad(),
  );

/** Why a request has no usable session. */
export type SessionProblem = 'none' | 'invalid' | 'expired';

const CSRF = /^[A-Za-z0-9_-]{43}$/;

/**
 * The cookie's session if it opens, is not over at `now` and was signed in with `adminKey` (the
 * admin key as the deployment holds it now); else why not — a replaced key ends it as time does.
 */
export function openSession(
  vault: Vault,
  cookie: string | undefined,
  now: number,
  adminKey: string | undefined,
): { readonly session: Session } | { readonly problem: SessionProblem } {
  if (cookie === undefined || cookie === '') return { problem: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(vault.open(cookie as Sealed, consoleSessionAad()));
  } catch {
    return { problem: 'invalid' };
  }
  const { i, u, c, k } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof i !== 'number' || typeof u !== 'number' || typeof c !== 'string' || !CSRF.test(c)) {
    return { problem: 'invalid' };
  }
  if (typeof k !== 'string') return { problem: 'invalid' };
  if (now >= i || now >= u) return { problem: 'expired' };
  if (adminKey === undefined || !safeEqual(k, adminKeyDigest(adminKey))) return { problem: 'expired' };
  return { session: { idleUntil: i, until: u, csrf: c, key: k } };
}

/** Whether a posted form's token is this session's (constant time, any length). */
export const csrfMatches = (session: Session, posted: string | null): boolean =>
  posted !== null && safeEqual(posted, session.csrf);

/** The hidden field every console form carries. */
export const CSRF_FIELD = 'csrf';

/**
 * The cookie's name and attributes. `Path=/console` (under the public URL's own path) keeps it
 * from every other route; the `__Host-` prefix would need `Path=/`, so over https the cookie is
 * `__Secure-`-prefixed (which a plain-http page cannot set), and plain `hs_console` locally.
 */
export interface CookieShape {
  readonly name: string;
  readonly attributes: string;
}

export function cookieShape(publicUrl: string): CookieShape {
  const url = new URL(publicUrl);
  const secure = url.protocol === 'https:';
  const path = `${url.pathname.replace(/\/+$/, '')}/console`;
  return {
    name: secure ? '__Secure-hs_console' : 'hs_console',
    attributes: `Path=${path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
  };
}

/** Set-Cookie carrying the session; it lives as long as its absolute end at most. */
export function sessionCookie(shape: CookieShape, sealed: string, session: Session, now: number): string {
  const maxAge = Math.max(0, Math.floor((session.until - now) / 1000));
  return `${shape.name}=${sealed}; ${shape.attributes}; Max-Age=${maxAge}`;
}

/** Set-Cookie that removes the session (sign-out, or a session that no longer opens). */
export const clearedCookie = (shape: CookieShape): string => `${shape.name}=; ${shape.attributes}; Max-Age=0`;
