import type { Credential } from '../access/access';
import { accountFor } from '../accounts/label';
import type { App, RequestTemplate } from '../app/model';
import type { TemplateScope } from '../app/template';
import { iparamsAad } from '../crypto/aad';
import type { Egress } from '../egress';
import {
  FailedAfterAttempts,
  NamedError,
  NotFoundError,
  PayloadTooLargeError,
  TemplateRequestError,
  UndeclaredTemplateError,
  UpstreamError,
} from '../errors';
import type { InstallationRecord } from '../store/ports';
import type { OpenMemo } from '../tokens/open-memo';
import type { Vault } from '../tokens/vault';
import type { AccessTokens, CurrentToken } from './access-token';
import type { Admission } from './admit';
import { renderRequest } from './render-request';
import { type Sent, sendWithRetries } from './send';

export interface InvokeSettings {
  /** The whole invoke, retries included (15 s by default; 15–30 s). */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
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
  readonly now: () => Date;
  readonly settings: InvokeSettings;
}

/** What the caller asks an invoke to do (parsed from the body by lib/api/invoke.ts). */
export interface InvokeInput {
  readonly template: string;
  readonly context?: Readonly<Record<string, unknown>> | undefined;
  /** Sent as is when a string, as JSON otherwise. */
  readonly body?: unknown;
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

/** The FDK envelope: the upstream's status, headers and body (as a string), and the attempts made. */
export interface Envelope {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly response: string;
  readonly attempts: number;
}

/** What Lambda can return: 6 MB for the whole JSON answer. */
const MAX_ENVELOPE_BYTES = 6 * 1024 * 1024;

export const DEFAULT_INVOKE_SETTINGS: InvokeSettings = {
  timeoutMs: 15_000,
  maxBodyBytes: 100 * 1024,
  maxResponseBytes: 6 * 1024 * 1024,
};

function templateNamed(app: App, name: string): RequestTemplate {
  const template = app.templates.get(name);
  if (template !== undefined) return template;
  if (app.undeclaredTemplates.has(name)) {
    throw new UndeclaredTemplateError(
      `Template "${name}" is in config/requests.json but not declared in manifest.json, so it cannot be invoked`,
    );
  }
  throw new NotFoundError('template', `Template "${name}" does not exist in config/requests.json`);
}

function requestBody(body: unknown, limit: number): string | undefined {
  if (body === undefined || body === null) return undefined;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limit) throw new PayloadTooLargeError(size, limit, 'The request body');
  return text;
}

async function iparamsOf(deps: InvokeDeps, installation: InstallationRecord) {
  if (installation.secureIparams === undefined)
    return { plain: installation.iparams, all: installation.iparams };
  const opened = deps.memo.open(await deps.vault(), installation.secureIparams, iparamsAad(installation.id));
  const secure = JSON.parse(opened) as Record<string, unknown>;
  return { plain: installation.iparams, all: { ...installation.iparams, ...secure } };
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
 * — the 401 that forces a refresh, the refresh, the retry — fits in one deadline.
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
  const body = requestBody(call.body, deps.settings.maxBodyBytes);
  const iparams = await iparamsOf(deps, installation);
  let token = key === undefined ? undefined : await deps.tokens.current(key, admitted.account, deadline);
  // Secure iparams and the token are only in scope for headers (the app validation says so too).
  const installationValues = {
    current_host: { endpoint_urls: installation.endpointUrls ?? {} },
    app_settings: installation.appSettings ?? {},
  };
  const scope = (accessToken: string | undefined): { url: TemplateScope; headers: TemplateScope } => ({
    url: { context: call.context ?? {}, iparam: iparams.plain, ...installationValues },
    headers: {
      context: call.context ?? {},
      iparam: iparams.all,
      ...installationValues,
      ...(accessToken === undefined ? {} : { access_token: accessToken }),
    },
  });
  const options = {
    maxAttempts: template.maxAttempts,
    retryDelayMs: template.retryDelay,
    deadline,
    maxResponseBytes: deps.settings.maxResponseBytes,
    now: () => deps.now().getTime(),
  };
  let sent: Sent = await sendWithRetries(
    deps.egress,
    { ...renderRequest(template, scope(token?.accessToken)), body },
    options,
  );
  if (sent.response.status === 401 && key !== undefined && token !== undefined) {
    // One forced refresh and one retry: the token may have been revoked or rotated early.
    const previous = sent.attempts;
    token = await withAttempts(previous, () =>
      deps.tokens.afterUnauthorized(key, token as CurrentToken, deadline),
    );
    if (token !== undefined) {
      const retried = await withAttempts(previous, () =>
        sendWithRetries(
          deps.egress,
          { ...renderRequest(template, scope(token?.accessToken)), body },
          options,
        ),
      );
      sent = { response: retried.response, attempts: previous + retried.attempts };
    }
  }
  return envelopeOf(sent);
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
    response: sent.response.body.toString('utf8'),
    attempts: sent.attempts,
  };
  if (Buffer.byteLength(JSON.stringify(envelope), 'utf8') > MAX_ENVELOPE_BYTES) {
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
