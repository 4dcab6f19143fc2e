/** The answers of the pages a person opens (connect page, callback): a use case's outcome as HTML or a redirect. */
import type { Branding } from '../app/model';
import type { CallbackResult, StateProblem } from '../connect/callback';
import type { ConnectOutcome, LinkProblem } from '../connect/connect';
import { FORM_FIELD, type FormBinding } from '../connect/form-binding';
import type { FormPostProblem } from '../connect/form-origin';
import { returnLocation } from '../connect/return-url';
import type { HttpResult } from '../http/responses';
import { connectPage } from '../pages/connect-page';
import { messagePage } from '../pages/message-page';

const NO_STORE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } as const;

export const redirect = (location: string, cookie?: string): HttpResult => ({
  statusCode: 302,
  headers: { ...NO_STORE, location },
  ...(cookie === undefined ? {} : { cookies: [cookie] }),
});

const withCookie = (response: HttpResult, cookie: string | undefined): HttpResult =>
  cookie === undefined ? response : { ...response, cookies: [cookie] };

const LINK_PAGES: Record<LinkProblem, { status: number; title: string; message: string }> = {
  invalid: {
    status: 404,
    title: 'This link is not valid',
    message: 'The connect link is incomplete or was never issued. Check that you copied the whole link.',
  },
  used: {
    status: 410,
    title: 'This link was already used',
    message: 'Each connect link works once, and this one has already connected an account.',
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    message: 'Connect links are valid for a short time only, and this one is no longer valid.',
  },
};

/**
 * The connect page's answer; `form` binds a shown form to this browser (see form-binding).
 * `branding` (getBranding): the app's logo and accent, on every page of the connect flow.
 */
export function presentConnect(
  outcome: ConnectOutcome,
  form: FormBinding,
  branding: Branding = {},
): HttpResult {
  switch (outcome.kind) {
    case 'form':
      return withCookie(
        connectPage(outcome.model, outcome.status, { [FORM_FIELD]: form.field }, branding),
        form.setCookie,
      );
    case 'redirect':
      return redirect(outcome.location, outcome.setCookie);
    case 'link_problem':
      return messagePage({
        ...LINK_PAGES[outcome.problem],
        tone: 'error',
        appName: outcome.appName,
        branding,
        next: `Ask ${outcome.appName} for a new connect link.`,
      });
    case 'not_configured':
      // 503: not the person's doing, and it works once the operator sets the credentials.
      return messagePage({
        status: 503,
        tone: 'error',
        appName: outcome.appName,
        branding,
        title: 'This connection is not set up yet',
        message: `${outcome.appName} has not finished setting up its connection to ${outcome.providerName}. Nothing was sent to ${outcome.providerName} and nothing was stored.`,
        next: `Ask the operator of ${outcome.appName} to finish setting it up; then open this link again while it is valid.`,
        code: 'client_not_configured',
      });
  }
}

/**
 * A connect-form post that did not come from its own page: 403, and nothing else — no cookie,
 * no state, no redirect. One page for every reason (the code tells them apart): the person's
 * remedy is the same, and an attacker learns nothing about which check failed.
 */
export function presentFormRefused(
  problem: FormPostProblem,
  appName: string,
  branding: Branding = {},
): HttpResult {
  return messagePage({
    status: 403,
    tone: 'error',
    appName,
    branding,
    title: 'Open the link again',
    message:
      'This form must be sent from the page this link opened. Nothing was sent to the provider and nothing was stored.',
    next: 'Open your connect link again and press Authorize on that page. If you did not try to connect an account, close this window.',
    code: `form_${problem}`,
  });
}

const STATE_PAGES: Record<StateProblem, { title: string; message: string }> = {
  missing: {
    title: 'Missing authorization state',
    message:
      'This address is where the provider sends you back after you authorize; it needs a state parameter.',
  },
  invalid: {
    title: 'Unknown authorization',
    message:
      'This authorization was not started here, or it belongs to another installation. Nothing was connected.',
  },
  used: {
    title: 'Authorization already completed',
    message: 'This authorization response was already used. Nothing was changed.',
  },
  expired: {
    title: 'Authorization expired',
    message: 'Too much time passed between starting and finishing the authorization. Nothing was connected.',
  },
  link_used: {
    title: 'This link was already used',
    message: 'Another authorization already used this connect link. Nothing was changed.',
  },
  other_browser: {
    title: 'Finish in the browser you started in',
    message:
      'This authorization was started in another browser (or its cookies were cleared). For your safety nothing was connected. If you did not start it yourself, someone may have sent you this link to connect your account to theirs.',
  },
};

type Done = Extract<CallbackResult, { kind: 'done' }>;

function failureMessage(result: Done): string {
  const provider = result.integration.displayName;
  if (result.error === 'access_denied')
    return `Access was not granted at ${provider}, so nothing was connected.`;
  if (result.failedAt === 'deployment') {
    return `${provider} could not be connected because of how this service is set up. Nothing was stored; please tell its operator.`;
  }
  const why = result.description === undefined ? '' : `: ${result.description}`;
  return `${provider} did not complete the authorization${why}. Nothing was stored.`;
}

function presentDone(result: Done, appName: string, branding: Branding): HttpResult {
  return withCookie(doneResponse(result, appName, branding), result.clearCookie);
}

function doneResponse(result: Done, appName: string, branding: Branding): HttpResult {
  if (result.returnUrl !== undefined) {
    return redirect(
      returnLocation(result.returnUrl, {
        status: result.success ? 'success' : 'error',
        installation: result.installationId,
        integration: result.integration.name,
        account: result.account,
        error: result.error,
      }),
    );
  }
  if (result.success) {
    return messagePage({
      status: 200,
      tone: 'success',
      appName,
      branding,
      title: `${result.integration.displayName} is connected`,
      message: `${appName} can now work with your ${result.integration.displayName} account.`,
      next: 'You can close this window.',
    });
  }
  return messagePage({
    // 502: the failure was not the person's (this deployment, or a provider that is down).
    status: result.failedAt === 'deployment' || result.error === 'provider_unavailable' ? 502 : 400,
    tone: 'error',
    appName,
    branding,
    title: `${result.integration.displayName} was not connected`,
    message: failureMessage(result),
    next: 'You can try again with your connect link while it is valid, or ask for a new one.',
    code: result.error,
  });
}

/** The callback's answer: a 302 to the app's returnUrl when it gave one, else a result page. */
export function presentCallback(
  result: CallbackResult,
  appName: string,
  branding: Branding = {},
): HttpResult {
  if (result.kind === 'done') return presentDone(result, appName, branding);
  return messagePage({
    status: 400,
    tone: 'error',
    appName,
    branding,
    ...STATE_PAGES[result.problem],
    next: 'Start again from the app with a new connect link.',
    code: result.problem === 'missing' ? undefined : `state_${result.problem}`,
  });
}
