import {
  CSRF_FIELD,
  clearedCookie,
  cookieShape,
  csrfMatches,
  newSession,
  openSession,
  renewed,
  SESSION,
  sealSession,
  sessionCookie,
} from '../../lib/console/session';
import { createCipher, newKeyRing, parseKeyRing } from '../../lib/crypto';
import { sealCursor } from '../../lib/tokens/listing-cursor';
import { vaultFrom } from '../../lib/tokens/vault';

const vault = vaultFrom(createCipher(parseKeyRing(newKeyRing())));
const T0 = Date.parse('2026-12-03T08:00:00.000Z');
const KEY = 'hsa_session-test-admin-key';

describe('the console session', () => {
  it('opens as sealed until its idle time is over; a request renews it up to its absolute end', () => {
    // Prepare
    const session = newSession(T0, KEY);
    const sealed = sealSession(vault, session);
    // Act
    const soon = openSession(vault, sealed, T0 + SESSION.idleMs - 1, KEY);
    const idle = openSession(vault, sealed, T0 + SESSION.idleMs, KEY);
    const late = renewed(session, T0 + SESSION.absoluteMs - 60_000);
    // Assess
    expect(soon).toEqual({ session });
    expect(idle).toEqual({ problem: 'expired' });
    expect(late.idleUntil).toBe(session.until);
    expect(openSession(vault, sealSession(vault, late), session.until, KEY)).toEqual({ problem: 'expired' });
    expect(session.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sealed).not.toContain(session.csrf);
  });

  it('ends when the admin key it signed in with is replaced (or cannot be read), and never holds the key', () => {
    const session = newSession(T0, KEY);
    const sealed = sealSession(vault, session);
    expect(openSession(vault, sealed, T0, KEY)).toEqual({ session });
    expect(openSession(vault, sealed, T0, 'hsa_the-new-admin-key')).toEqual({ problem: 'expired' });
    expect(openSession(vault, sealed, T0, undefined)).toEqual({ problem: 'expired' });
    expect(JSON.stringify(session)).not.toContain(KEY);
  });

  it('refuses a missing, altered or made-up cookie, and any other sealed value (its own AAD)', () => {
    const sealed = sealSession(vault, newSession(T0, KEY));
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
    const cursor = sealCursor(vault, { listing: 'installations', filter: ['', ''] }, 'x');
    const otherRing = vaultFrom(createCipher(parseKeyRing(newKeyRing())));
    expect(openSession(vault, undefined, T0, KEY)).toEqual({ problem: 'none' });
    expect(openSession(vault, '', T0, KEY)).toEqual({ problem: 'none' });
    expect(openSession(vault, altered, T0, KEY)).toEqual({ problem: 'invalid' });
    expect(openSession(vault, 'v1.k1.abc.def', T0, KEY)).toEqual({ problem: 'invalid' });
    expect(openSession(vault, cursor, T0, KEY)).toEqual({ problem: 'invalid' });
    expect(openSession(otherRing, sealed, T0, KEY)).toEqual({ problem: 'invalid' });
  });

  it('matches the CSRF field only to its own session, whatever the length', () => {
    const session = newSession(T0, KEY);
    expect(CSRF_FIELD).toBe('csrf');
    expect(csrfMatches(session, session.csrf)).toBe(true);
    expect(csrfMatches(session, null)).toBe(false);
    expect(csrfMatches(session, '')).toBe(false);
    expect(csrfMatches(session, newSession(T0, KEY).csrf)).toBe(false);
    expect(csrfMatches(session, `${session.csrf}x`)).toBe(false);
  });

  it('sets a strict cookie on /console: Secure and __Secure- over https, under the public URL path', () => {
    const local = cookieShape('http://localhost:3000');
    const deployed = cookieShape('https://auth.example.com/handshake/');
    const session = newSession(T0, KEY);
    expect(local).toEqual({ name: 'hs_console', attributes: 'Path=/console; HttpOnly; SameSite=Strict' });
    expect(deployed).toEqual({
      name: '__Secure-hs_console',
      attributes: 'Path=/handshake/console; HttpOnly; SameSite=Strict; Secure',
    });
    expect(sessionCookie(local, 'v1.sealed', session, T0)).toBe(
      'hs_console=v1.sealed; Path=/console; HttpOnly; SameSite=Strict; Max-Age=28800',
    );
    expect(clearedCookie(deployed)).toBe(
      '__Secure-hs_console=; Path=/handshake/console; HttpOnly; SameSite=Strict; Secure; Max-Age=0',
    );
  });
});
