import { ForbiddenError, UnauthenticatedError } from '../errors';
import { authenticate, authorize } from '../http/auth';
import type { HttpRequest } from '../http/request';
import type { HttpResult } from '../http/responses';
import { logger } from '../observability/logger';
import { html } from '../pages/html';
import type { ConsoleDeps } from './deps';
import { seeOther } from './guard';
import { signedOutPage } from './layout';
import { cookieShape, newSession, sealSession, sessionCookie } from './session';

/** The sign-in form's field: the admin key, as typed (never echoed back, never logged). */
export const ADMIN_KEY_FIELD = 'admin_key';

export type SignInNotice = 'ended' | 'signed_out' | 'wrong_key';

const NOTICES: Record<SignInNotice, string> = {
  ended: 'Your session ended (30 minutes without use, or 8 hours after signing in). Sign in again.',
  signed_out: 'You are signed out.',
  wrong_key: 'That is not the admin key.',
};

/** The sign-in page: one password field for the admin key. */
export function signInPage(appName: string, notice?: SignInNotice, status = 200): HttpResult {
  return signedOutPage({
    status,
    title: `Sign in · ${appName} console`,
    body: html`<p class="eyebrow">${appName}</p>
<h1>Handshake console</h1>
${
  notice === undefined
    ? ''
    : html`<p class="${notice === 'wrong_key' ? 'alert' : 'notice'}" id="sign-in-notice" data-testid="sign-in-notice" role="${notice === 'wrong_key' ? 'alert' : 'status'}">${NOTICES[notice]}</p>`
}
<form method="post" action="/console/sign-in" id="sign-in-form" data-testid="sign-in-form">
<div class="field"><label for="admin-key">Admin key</label>
<span class="hint">The deployment's admin key (<code>npm run admin-key</code> prints it).</span>
<input type="password" id="admin-key" data-testid="admin-key" name="${ADMIN_KEY_FIELD}" autocomplete="current-password" required></div>
<button type="submit" id="sign-in" data-testid="sign-in">Sign in</button>
</form>`,
  });
}

/** Too many attempts from this address: 429 with the seconds to wait. */
export function tooManyPage(retryAfterSeconds: number): HttpResult {
  const result = signedOutPage({
    status: 429,
    title: 'Too many sign-in attempts',
    body: html`<div class="badge bad" aria-hidden="true">!</div>
<h1 id="too-many">Too many sign-in attempts</h1>
<p data-testid="retry-after">Too many sign-in attempts came from your address. Try again in ${retryAfterSeconds} seconds.</p>`,
  });
  return { ...result, headers: { ...result.headers, 'retry-after': String(retryAfterSeconds) } };
}

/**
 * POST /console/sign-in (its origin already checked): one attempt of this address's minute
 * taken first, then the key checked exactly as the API checks an admin's bearer key
 * (lib/http/auth.ts) — an installation's key is refused too. A wrong key is answered only after
 * a fixed wait; a right one gets a new session cookie and goes to the overview.
 */
export async function signIn(
  deps: ConsoleDeps,
  request: HttpRequest,
  form: URLSearchParams,
): Promise<HttpResult> {
  const now = deps.now().getTime();
  const taken = await deps.signInLimiter.take(request.sourceIp ?? 'unknown', deps.signIn.perMinute, now);
  if (!taken.allowed) {
    logger.warn('console sign-in refused: too many attempts from one address this minute');
    return tooManyPage(Math.max(1, Math.ceil(taken.retryAfterMs / 1000)));
  }
  const key = (form.get(ADMIN_KEY_FIELD) ?? '').trim();
  let admin = false;
  try {
    authorize(await authenticate(`Bearer ${key}`, deps.installations), 'admin');
    admin = true;
  } catch (error) {
    // Wrong, malformed, or an installation's key: one answer for all, below. Anything else
    // (the store unreachable) is not the key's fault and fails the request.
    if (!(error instanceof UnauthenticatedError || error instanceof ForbiddenError)) throw error;
  }
  if (!admin) {
    // Said without the key or the address: an operator sees attempts, not what was tried.
    logger.warn('console sign-in refused: not the admin key');
    await deps.sleep(deps.signIn.failureDelayMs);
    return signInPage(deps.app.name, 'wrong_key', 401);
  }
  const session = newSession(now, key);
  const shape = cookieShape(deps.publicUrlOf(request));
  const sealed = sealSession(await deps.vault(), session);
  return seeOther('/console', [sessionCookie(shape, sealed, session, now)]);
}
