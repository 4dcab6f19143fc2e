import { fetchOriginProblem } from '../connect/form-origin';
import type { HttpRequest } from '../http/request';
import type { HttpResult } from '../http/responses';
import { html } from '../pages/html';
import type { ConsoleDeps } from './deps';
import { signedOutPage } from './layout';
import {
  CSRF_FIELD,
  clearedCookie,
  cookieShape,
  csrfMatches,
  openSession,
  renewed,
  type Session,
  sealSession,
  sessionCookie,
} from './session';

/** Why a console form post was refused before it did anything (the 403 page says which). */
export type PostRefusal = 'foreign_origin' | 'cross_site' | 'csrf';

const REFUSALS: Record<PostRefusal, string> = {
  foreign_origin:
    'The form was sent from another origin than this console (its Origin header names another site). Nothing was changed.',
  cross_site: 'The browser says the form was sent from another site (Sec-Fetch-Site). Nothing was changed.',
  csrf: "The form's security token is missing or is not this session's: the form was not sent by a page of this console session. Nothing was changed.",
};

/** The 403 page of a refused post: what was refused and why, and the way back. */
export function refusedPage(refusal: PostRefusal): HttpResult {
  return signedOutPage({
    status: 403,
    title: 'Refused',
    body: html`<div class="badge bad" aria-hidden="true">!</div>
<h1 id="refused">This form was refused</h1>
<p data-testid="refusal-reason" data-reason="${refusal}">${REFUSALS[refusal]}</p>
<p class="muted"><a href="/console">Back to the console</a>, reload the page and send the form again.</p>`,
  });
}

/** The browser's word on where a post came from (as the connect form's: lib/connect/form-origin.ts). */
export function originRefusal(request: HttpRequest, publicUrl: string): PostRefusal | undefined {
  const problem = fetchOriginProblem(request.headers, publicUrl);
  return problem === undefined ? undefined : problem === 'cross_site' ? 'cross_site' : 'foreign_origin';
}

/** 303 See Other: after a post, or to the sign-in page; never cached. */
export const seeOther = (location: string, cookies: readonly string[] = []): HttpResult => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  ...(cookies.length === 0 ? {} : { cookies: [...cookies] }),
});

/** A signed-in request: its session, and the Set-Cookie that renews it (idle time restarts). */
export interface SignedIn {
  readonly session: Session;
  readonly cookie: string;
}

/**
 * The request's session, or the answer for a request without one: to the sign-in page (which
 * says when a session ended), the cookie cleared if it was there.
 */
export async function signedIn(
  deps: Pick<ConsoleDeps, 'vault' | 'now' | 'publicUrlOf' | 'secrets'>,
  request: HttpRequest,
): Promise<SignedIn | HttpResult> {
  const shape = cookieShape(deps.publicUrlOf(request));
  const cookie = Object.hasOwn(request.cookies, shape.name) ? request.cookies[shape.name] : undefined;
  const vault = await deps.vault();
  const now = deps.now().getTime();
  // Read as the API reads it for every admin call (the secret source's cache, docs/deploy.md).
  const adminKey = cookie === undefined ? undefined : await deps.secrets.get('admin-key');
  const opened = openSession(vault, cookie, now, adminKey);
  if ('problem' in opened) {
    const location = opened.problem === 'expired' ? '/console/sign-in?ended=1' : '/console/sign-in';
    return seeOther(location, cookie === undefined ? [] : [clearedCookie(shape)]);
  }
  const session = renewed(opened.session, now);
  return { session, cookie: sessionCookie(shape, sealSession(vault, session), session, now) };
}

/** Whether a post is the session's own form: its CSRF field (constant time). */
export const csrfRefusal = (session: Session, form: URLSearchParams): PostRefusal | undefined =>
  csrfMatches(session, form.get(CSRF_FIELD)) ? undefined : 'csrf';

export const isSignedIn = (value: SignedIn | HttpResult): value is SignedIn => 'session' in value;
