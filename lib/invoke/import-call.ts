import { factsOf } from '../accounts/facts';
import type { Integration } from '../app/model';
import type { Egress } from '../egress';
import {
  DeadlineExceededError,
  DestinationRefusedError,
  FailedAfterAttempts,
  InvalidInputError,
  UnavailableError,
  UpstreamError,
} from '../errors';
import type { CallTemplate, ImportedGrant, ValidationCall } from '../refresh/import-grant';
import type { InstallationRecord } from '../store/ports';
import { type RenderedRequest, renderRequest } from './render-request';
import { renderScopes, type ScopeDeps, urlScopeOf } from './request-scope';
import { sendOnce } from './send';

/*
 * An imported grant validated by one call of a request template of its integration, with the
 * imported access token — rendered and sent by the invoke core, before anything is stored. The
 * import (lib/refresh/import-grant.ts) is handed this call by the wiring: the refresh layer
 * does not reach up into invoke's.
 */

export interface ImportCallDeps extends ScopeDeps {
  readonly egress: Egress;
  readonly now: () => Date;
  /** The whole call's time (a token request's), the largest answer read (an invoke's). */
  readonly callSettings: { readonly timeoutMs: number; readonly maxResponseBytes: number };
}

const refuse = (field: string, message: string): InvalidInputError =>
  new InvalidInputError(`Invalid grant import: ${field}: ${message}; nothing was stored`, {
    details: [{ field, message }],
  });

/** The template named, if one of the integration's can validate: it sends no upload. */
function templateFor(deps: ImportCallDeps, integration: Integration, name: string) {
  const template = deps.app.templates.get(name);
  if (template === undefined) throw refuse('validate.template', `no declared request template "${name}"`);
  if (template.oauth !== integration.name) {
    throw refuse('validate.template', `"${name}" does not use integration "${integration.name}"`);
  }
  if (template.upload !== undefined) {
    throw refuse('validate.template', `"${name}" sends an upload; a call that validates sends none`);
  }
  return template;
}

/** One attempt, its network failures and timeouts said as an outage: nothing was stored, try again. */
async function statusOf(deps: ImportCallDeps, request: RenderedRequest) {
  const now = () => deps.now().getTime();
  try {
    const sent = await sendOnce(deps.egress, request, {
      deadline: now() + deps.callSettings.timeoutMs,
      maxResponseBytes: deps.callSettings.maxResponseBytes,
      now,
    });
    return sent.response.status;
  } catch (error) {
    const failure = error instanceof FailedAfterAttempts ? error.failure : error;
    // The deployment's word on the template's host, not the provider's on the grant.
    if (failure instanceof DestinationRefusedError) throw refuse('validate.template', failure.message);
    if (failure instanceof UpstreamError || failure instanceof DeadlineExceededError) {
      throw new UnavailableError(
        `The call that validates this grant did not complete (${failure.message}); nothing was stored, try again`,
      );
    }
    throw error;
  }
}

/**
 * Calls `call.template` once with the imported access token: a 2xx validates the grant; a 401
 * or 403 is the token refused (400); a 429 or 5xx an outage (503); any other answer the
 * template's fault (400), as is a host the egress policy refuses; a template that does not
 * render fails as an invoke would (400). Every failure is thrown before the grant is stored.
 */
async function validateByCall(
  deps: ImportCallDeps,
  installation: InstallationRecord,
  integration: Integration,
  call: ValidationCall,
  grant: ImportedGrant,
): Promise<number> {
  const template = templateFor(deps, integration, call.template);
  const url = await urlScopeOf(deps, installation, call.context, factsOf(grant.oauthIparams, grant.extra));
  const scope = await renderScopes(deps, installation, template, url);
  const status = await statusOf(deps, renderRequest(template, scope(grant.accessToken)));
  const answered = `template "${call.template}" answered ${status}`;
  if (status >= 200 && status < 300) return status;
  if (status === 401 || status === 403) throw refuse('access_token', `the provider refused it (${answered})`);
  if (status === 429 || status >= 500) {
    throw new UnavailableError(
      `The call that validates this grant failed (${answered}); nothing was stored, try again`,
    );
  }
  throw refuse('validate.template', `${answered}, which is no success; check the template and its context`);
}

/** The import's `callTemplate`, bound to the invoke core's dependencies. */
export const templateCaller =
  (deps: ImportCallDeps): CallTemplate =>
  (installation, integration, call, grant) =>
    validateByCall(deps, installation, integration, call, grant);
