import type { Route } from '../http/handler';
import { formBody } from '../http/request';
import type { ConsoleDeps } from './deps';
import { csrfRefusal, isSignedIn, originRefusal, refusedPage, seeOther, signedIn } from './guard';
import { given } from './guarded';
import { clearedCookie, cookieShape } from './session';
import { signIn, signInPage } from './sign-in';

/** Signing in and out: the routes that start and end a session. */
export function sessionRoutes(deps: ConsoleDeps): Record<string, Route> {
  return {
    'GET /console/sign-in': async (request) => {
      const state = await signedIn(deps, request);
      if (isSignedIn(state)) return seeOther('/console');
      const notice =
        given(request, 'ended') !== undefined
          ? 'ended'
          : given(request, 'out') !== undefined
            ? 'signed_out'
            : undefined;
      return signInPage(deps.app.name, notice);
    },
    // No session to bind a token to yet: the origin check alone guards the form (docs/console.md).
    'POST /console/sign-in': async (request) => {
      const refusal = originRefusal(request, deps.publicUrlOf(request));
      if (refusal !== undefined) return refusedPage(refusal);
      return signIn(deps, request, formBody(request));
    },
    'POST /console/sign-out': async (request) => {
      const refusal = originRefusal(request, deps.publicUrlOf(request));
      if (refusal !== undefined) return refusedPage(refusal);
      const state = await signedIn(deps, request);
      if (!isSignedIn(state)) return state;
      const csrf = csrfRefusal(state.session, formBody(request));
      if (csrf !== undefined) return refusedPage(csrf);
      return seeOther('/console/sign-in?out=1', [clearedCookie(cookieShape(deps.publicUrlOf(request)))]);
    },
  };
}
