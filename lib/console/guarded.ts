import { apiErrorOf } from '../http/error-status';
import type { Route } from '../http/handler';
import { formBody, type HttpRequest } from '../http/request';
import type { HttpResult } from '../http/responses';
import { html, type SafeHtml } from '../pages/html';
import type { ConsoleDeps } from './deps';
import { csrfRefusal, isSignedIn, originRefusal, refusedPage, signedIn } from './guard';
import { consolePage, type Frame, type Section } from './layout';

/** What a signed-in route is given: the page frame (its CSRF token), and a post's form. */
export interface Signed {
  readonly frame: Frame;
  readonly form: URLSearchParams;
}

export type SignedRoute = (request: HttpRequest, signed: Signed) => Promise<HttpResult>;

const withCookie = (result: HttpResult, cookie: string): HttpResult => ({
  ...result,
  cookies: [...(result.cookies ?? []), cookie],
});

const problemBody = (message: string): SafeHtml =>
  html`<h1>This cannot be done</h1><p class="alert" role="alert" id="console-problem" data-testid="console-problem">${message}</p>
<p class="muted"><a href="/console">Back to the overview</a></p>`;

/**
 * A route behind the session. A post is checked in this order, each before anything is read
 * or changed: where the browser says it came from (Origin, Sec-Fetch-Site), the session, then
 * the form's CSRF token. A refusal a use case makes (a named error) is shown on a console page
 * with its status and message; anything else is the handler's 500.
 */
export function guarded(
  deps: ConsoleDeps,
  section: Section | undefined,
  method: 'GET' | 'POST',
  route: SignedRoute,
): Route {
  return async (request) => {
    if (method === 'POST') {
      const refusal = originRefusal(request, deps.publicUrlOf(request));
      if (refusal !== undefined) return refusedPage(refusal);
    }
    const state = await signedIn(deps, request);
    if (!isSignedIn(state)) return state;
    const form = method === 'POST' ? formBody(request) : new URLSearchParams();
    if (method === 'POST') {
      const refusal = csrfRefusal(state.session, form);
      if (refusal !== undefined) return refusedPage(refusal);
    }
    const frame: Frame = { appName: deps.app.name, csrf: state.session.csrf, section };
    let result: HttpResult;
    try {
      result = await route(request, { frame, form });
    } catch (error) {
      const answer = apiErrorOf(error, request.requestId);
      if (answer.internal) throw error;
      result = consolePage(frame, {
        status: answer.status,
        title: 'Refused',
        body: problemBody(answer.message),
      });
    }
    return withCookie(result, state.cookie);
  };
}

/** A query value from a GET form: empty is absent. */
export const given = (request: HttpRequest, name: string): string | undefined => {
  const value = request.query[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

export const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined =>
  value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

export const idOf = (request: HttpRequest): string => request.pathParameters.id ?? '';

export const field = (form: URLSearchParams, name: string): string | undefined => {
  const value = form.get(name)?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** The notices a redirect after a post may ask for, by code: never text from the query. */
const DONE: Readonly<Record<string, string>> = {
  disconnected:
    'The account was disconnected: its grant revoked where the provider allows it, its tokens deleted.',
  deleted: 'The installation was deleted.',
};

export const doneNotice = (request: HttpRequest): SafeHtml => {
  const code = given(request, 'done');
  const text = code === undefined || !Object.hasOwn(DONE, code) ? undefined : DONE[code];
  return text === undefined
    ? html``
    : html`<p class="notice" role="status" id="done" data-testid="done" data-done="${code}">${text}</p>`;
};
