import type { Credential } from '../access/access';
import { accountFor } from '../accounts/label';
import type { App, RequestTemplate } from '../app/model';
import type { Egress } from '../egress';
import {
  FailedAfterAttempts,
  NamedError,
  NotFoundError,
  TemplateRequestError,
  UndeclaredTemplateError,
  UpstreamError,
} from '../errors';
import type { OpenMemo } from '../tokens/open-memo';
import type { Vault } from '../tokens/vault';
import type { AccessTokens, CurrentToken } from './access-token';
import { accountFacts } from './account-facts';
import type { Admission } from './admit';
import { type InvokeQuery, renderRequest } from './render-request';
import { payloadOf, type UploadFile, withPayload } from './request-body';
import { renderScopes, urlScopeOf } from './request-scope';
import { answerBytes, type EnvelopeBody, envelopeBody } from './response-body';
import { type CacheOptions, cachePlan, type ResponseCache } from './response-cache';
import { rateLimitRuleOf } from './retry-wait';
import { type Sent, sendWithRetries } from './send';

export interface InvokeSettings {
  /** The whole invoke, retries included (15 s by default; 15–30 s). */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** A template's upload as built (multipart or the raw file); its base64 must fit the 6 MB request. */
  readonly maxUploadBytes: number;
  readonly maxResponseBytes: number;
}

export interface InvokeDeps {
  readonly app: App;
  /** Authentication, the one storage read and the rate limit (./admit.ts). */
  readonly admission: Pick<Admission, 'admit'>;
  readonly vault: () => Promise<Vault>;
  readonly memo: OpenMemo;
  readonly egress: Egress;
  readonly tokens: Pick<AccessTokens, 'current' | 'afterUnauthorized'>;
  /** FDK's `cache`/`ttl`: answers shared by every container (./response-cache.ts). */
  readonly cache: Pick<ResponseCache, 'find' | 'keep'>;
  readonly now: () => Date;
  readonly settings: InvokeSettings;
}

/** What the caller asks an invoke to do (parsed from the body by lib/api/invoke.ts). */
export interface InvokeInput extends CacheOptions {
  readonly template: string;
  readonly context?: Readonly<Record<string, unknown>> | undefined;
  /** Sent as is when a string, as JSON otherwise. */
  readonly body?: unknown;
  /** Added to the template's query (a later name replaces an earlier one). */
  readonly query?: InvokeQuery | undefined;
  /** The files a template's schema.formData / schema.file names, by the name its `ref` renders to. */
  readonly files?: ReadonlyMap<string, UploadFile> | undefined;
  readonly account?: string | undefined;
}

/** One invoke as the HTTP edge hands it over. */
export interface InvokeCall {
  readonly installationId: string;
  readonly credential: Credential;
  /** Reads and parses the body; called inside, so its errors are reported after authentication. */
  readonly input: () => InvokeInput;
  /** Time the runtime still gives this invocation (ms); the deadline never goes past it. */
  readonly remainingMs?: number | undefined;
}

/**
 * The FDK envelope: the upstream's status, headers and body, and the attempts made. The body
 * is a string when it is text; otherwise base64, and `encoding` says so (./response-body.ts).
 */
export interface Envelope extends EnvelopeBody {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly attempts: number;
}

/** What Lambda can return: 6 MB for its whole answer, less room for the status and the headers. */
const MAX_ENVELOPE_BYTES = 6 * 1024 * 1024 - 4 * 1024;

export const DEFAULT_INVOKE_SETTINGS: InvokeSettings = {
  timeoutMs: 15_000,
  maxBodyBytes: 100 * 1024,
  maxUploadBytes: 4 * 1024 * 1024,
  maxResponseBytes: 6 * 1024 * 1024,
};

export function templateNamed(app: App, name: string): RequestTemplate {
  const template = app.templates.get(name);
  if (template !== undefined) return template;
  if (app.undeclaredTemplates.has(name)) {
    throw new UndeclaredTemplateError(
      `Template "${name}" is in config/requests.json but not declared in manifest.json, so it cannot be invoked`,
    );
  }
  throw new NotFoundError('template', `Template "${name}" does not exist in config/requests.json`);
}

/** Left for the envelope itself once the runtime's time is nearly spent. */
const ANSWER_MARGIN_MS = 1_000;

/** Parsing errors wait until the caller is known: a stranger learns nothing about templates. */
function request(deps: InvokeDeps, installationId: string, input: () => InvokeInput) {
  try {
    const call = input();
    const template = templateNamed(deps.app, call.template);
    return { call, template, key: accountKey(deps, installationId, template, call.account) };
  } catch (error) {
    return { error };
  }
}

/**
 * POST /installations/{id}/invoke: renders the template with the caller's context, the
 * installation's iparams and the account's access token, sends it under the egress policy with
 * the template's retries, and answers the upstream's response in the FDK envelope. Everything
 * — the 401 that forces a refresh, the refresh, the retry — fits in one deadline. With FDK's
 * `cache`, a GET may be answered from the response cache, and its answer kept there
 * (./response-cache.ts).
 */
export async function invoke(
  deps: InvokeDeps,
  { installationId, credential, input, remainingMs }: InvokeCall,
) {
  const deadline = deadlineOf(deps, remainingMs);
  const parsed = request(deps, installationId, input);
  const admitted = await deps.admission.admit(credential, installationId, parsed.key, () => {
    if ('error' in parsed) throw parsed.error;
  });
  if ('error' in parsed) throw parsed.error;
  const { call, template, key } = parsed;
  const installation = admitted.installation;
  if (installation === undefined) throw new Error('admission returned no installation');
  const facts = await accountFacts(deps, admitted.account);
  const url = await urlScopeOf(deps, installation, call.context ?? {}, facts);
  // An upload renders like the query, and is refused before the secure iparams are opened.
  const payload = await payloadOf(template, call, url, deps.settings);
  const scope = await renderScopes(deps, installation, template, url);
  let token = key === undefined ? undefined : await deps.tokens.current(key, admitted.account, deadline);
  const options = sendOptions(deps, template, deadline);
  const account = key === undefined ? undefined : { key, record: admitted.account };
  const plan = cachePlan(call, template.method, installation, account);
  const build = (accessToken: string | undefined) =>
    withPayload(renderRequest(template, scope(accessToken), call.query), payload);
  let sending = build(token?.accessToken);
  const cached = await deps.cache.find<Envelope>(plan, sending);
  if (cached !== undefined) return cached;
  let sent: Sent = await sendWithRetries(deps.egress, sending, options);
  if (sent.response.status === 401 && key !== undefined && token !== undefined) {
    // One forced refresh and one retry: the token may have been revoked or rotated early.
    const previous = sent.attempts;
    token = await withAttempts(previous, () =>
      deps.tokens.afterUnauthorized(key, token as CurrentToken, deadline),
    );
    if (token !== undefined) {
      const retry = build(token.accessToken);
      sending = retry;
      const retried = await withAttempts(previous, () => sendWithRetries(deps.egress, retry, options));
      sent = { response: retried.response, attempts: previous + retried.attempts };
    }
  }
  const envelope = envelopeOf(sent);
  // Filed under the request that got the answer: after a refresh, the new token's.
  await deps.cache.keep(plan, sending, envelope);
  return envelope;
}

export function sendOptions(
  deps: Pick<InvokeDeps, 'app' | 'settings' | 'now'>,
  template: RequestTemplate,
  deadline: number,
) {
  return {
    maxAttempts: template.maxAttempts,
    retryDelayMs: template.retryDelay,
    rateLimit: rateLimitRuleOf(deps.app, template),
    deadline,
    maxResponseBytes: deps.settings.maxResponseBytes,
    now: () => deps.now().getTime(),
  };
}

/** The whole invoke's deadline: its timeout, or the runtime's time left less the answer's margin. */
function deadlineOf(deps: InvokeDeps, remainingMs: number | undefined): number {
  const budget =
    remainingMs === undefined
      ? deps.settings.timeoutMs
      : Math.min(deps.settings.timeoutMs, remainingMs - ANSWER_MARGIN_MS);
  return deps.now().getTime() + budget;
}

function envelopeOf(sent: Sent): Envelope {
  const envelope: Envelope = {
    status: sent.response.status,
    headers: sent.response.headers,
    ...envelopeBody(sent.response.headers['content-type'], sent.response.body),
    attempts: sent.attempts,
  };
  if (answerBytes(envelope) > MAX_ENVELOPE_BYTES) {
    throw new FailedAfterAttempts(
      new UpstreamError(
        'response_too_large',
        'The upstream response does not fit in the 6 MB an invoke can answer',
      ),
      sent.attempts,
    );
  }
  return envelope;
}

/** A failure after `before` upstream attempts reports them too. */
async function withAttempts<T>(before: number, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof FailedAfterAttempts)
      throw new FailedAfterAttempts(error.failure, before + error.attempts);
    if (error instanceof NamedError && before > 0) throw new FailedAfterAttempts(error, before);
    throw error;
  }
}

function accountKey(
  deps: InvokeDeps,
  installationId: string,
  template: RequestTemplate,
  account: string | undefined,
) {
  if (template.oauth === undefined) return undefined;
  const integration = deps.app.integrations.get(template.oauth);
  if (integration === undefined)
    throw new TemplateRequestError(
      'integration',
      `Template uses integration "${template.oauth}", which does not exist`,
    );
  return { installationId, integration: integration.name, account: accountFor(integration, account) };
}
