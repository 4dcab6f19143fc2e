import * as z from 'zod/mini';
import type { App, RequestTemplate } from '../app/model';
import type { TemplateScope } from '../app/template';
import { iparamsAad } from '../crypto/aad';
import type { Egress } from '../egress';
import { isHandshakeError } from '../errors';
import { accountFor } from '../handshake/account-label';
import { fieldProblems, summarize } from '../http/validation';
import { loadInstallation } from '../installations/service';
import type { InstallationRecord, InstallationStore, RateLimiter } from '../store/ports';
import type { Vault } from '../tokens/vault';
import type { AccessTokens } from './access-token';
import { appError, platformError } from './errors';
import { renderRequest } from './render-request';
import { type Sent, sendWithRetries } from './send';

export interface InvokeSettings {
  /** The whole invoke, retries included (15 s by default; 15–30 s). */
  readonly timeoutMs: number;
  /** 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  readonly maxBodyBytes: number;
  readonly maxResponseBytes: number;
}

export interface InvokeDeps {
  readonly app: App;
  readonly installations: InstallationStore;
  readonly rateLimiter: RateLimiter;
  readonly vault: () => Promise<Vault>;
  readonly egress: Egress;
  readonly tokens: AccessTokens;
  readonly now: () => Date;
  readonly settings: InvokeSettings;
}

/** The FDK envelope: the upstream's status, headers and body (as a string), and the attempts made. */
export interface Envelope {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly response: string;
  readonly attempts: number;
}

const invokeBody = z.strictObject({
  template: z.string().check(z.minLength(1)),
  context: z.optional(z.record(z.string(), z.unknown())),
  body: z.optional(z.unknown()),
  account: z.optional(z.string()),
});

/** What Lambda can return: 6 MB for the whole JSON answer. */
const MAX_ENVELOPE_BYTES = 6 * 1024 * 1024;

export const DEFAULT_INVOKE_SETTINGS: InvokeSettings = {
  timeoutMs: 15_000,
  rateLimitPerMinute: 50,
  maxBodyBytes: 100 * 1024,
  maxResponseBytes: 6 * 1024 * 1024,
};

function parse(input: unknown) {
  const parsed = invokeBody.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const summary = summarize(fieldProblems(parsed.error));
  throw appError(
    400,
    'INVALID_REQUEST',
    `Invalid invoke request: ${summary}; allowed: { template, context?, body?, account? }`,
  );
}

function templateNamed(app: App, name: string): RequestTemplate {
  const template = app.templates.get(name);
  if (template !== undefined) return template;
  if (app.undeclaredTemplates.has(name)) {
    throw appError(
      404,
      'TEMPLATE_NOT_DECLARED',
      `Template "${name}" is in config/requests.json but not declared in manifest.json, so it cannot be invoked`,
    );
  }
  throw appError(404, 'TEMPLATE_NOT_FOUND', `Template "${name}" does not exist in config/requests.json`);
}

function requestBody(body: unknown, limit: number): string | undefined {
  if (body === undefined || body === null) return undefined;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > limit) {
    throw appError(
      413,
      'PAYLOAD_TOO_LARGE',
      `The request body is ${size} bytes; at most ${limit} bytes are allowed`,
    );
  }
  return text;
}

async function iparamsOf(deps: InvokeDeps, installation: InstallationRecord) {
  if (installation.secureIparams === undefined)
    return { plain: installation.iparams, all: installation.iparams };
  const vault = await deps.vault();
  const secure = JSON.parse(vault.open(installation.secureIparams, iparamsAad(installation.id))) as Record<
    string,
    unknown
  >;
  return { plain: installation.iparams, all: { ...installation.iparams, ...secure } };
}

/**
 * POST /installations/{id}/invoke: renders the template with the caller's context, the
 * installation's iparams and the account's access token, sends it under the egress policy with
 * the template's retries, and answers the upstream's response in the FDK envelope.
 */
export async function invoke(deps: InvokeDeps, installationId: string, input: unknown): Promise<Envelope> {
  const started = deps.now().getTime();
  const call = parse(input);
  const template = templateNamed(deps.app, call.template);
  const installation = await loadInstallation(deps, installationId);
  if (deps.settings.rateLimitPerMinute > 0) {
    const taken = await deps.rateLimiter.take(installationId, deps.settings.rateLimitPerMinute, started);
    if (!taken.allowed) {
      throw platformError(
        429,
        'RATE_LIMITED',
        `At most ${deps.settings.rateLimitPerMinute} invokes per minute per installation; try again in ${Math.ceil(taken.retryAfterMs / 1000)} s`,
      );
    }
  }
  const body = requestBody(call.body, deps.settings.maxBodyBytes);
  const iparams = await iparamsOf(deps, installation);
  const key = accountKey(deps, installationId, template, call.account);
  let accessToken = key === undefined ? undefined : await deps.tokens.get(key);
  // Secure iparams and the token are only in scope for headers (the app validation says so too).
  const scope = (token: string | undefined): { url: TemplateScope; headers: TemplateScope } => ({
    url: { context: call.context ?? {}, iparam: iparams.plain },
    headers: {
      context: call.context ?? {},
      iparam: iparams.all,
      ...(token === undefined ? {} : { access_token: token }),
    },
  });
  const options = {
    maxAttempts: template.maxAttempts,
    retryDelayMs: template.retryDelay,
    deadline: started + deps.settings.timeoutMs,
    maxResponseBytes: deps.settings.maxResponseBytes,
    now: () => deps.now().getTime(),
  };
  let sent: Sent = await sendWithRetries(
    deps.egress,
    { ...renderRequest(template, scope(accessToken)), body },
    options,
  );
  if (sent.response.status === 401 && key !== undefined && accessToken !== undefined) {
    // One forced refresh and one retry: the token may have been revoked or rotated early.
    const previous = sent.attempts;
    accessToken = await deps.tokens.afterUnauthorized(key, accessToken);
    if (accessToken !== undefined) {
      const retried = await sendWithRetries(
        deps.egress,
        { ...renderRequest(template, scope(accessToken)), body },
        options,
      );
      sent = { response: retried.response, attempts: previous + retried.attempts };
    }
  }
  const envelope: Envelope = {
    status: sent.response.status,
    headers: sent.response.headers,
    response: sent.response.body.toString('utf8'),
    attempts: sent.attempts,
  };
  if (Buffer.byteLength(JSON.stringify(envelope), 'utf8') > MAX_ENVELOPE_BYTES) {
    throw platformError(
      502,
      'RESPONSE_TOO_LARGE',
      'The upstream response does not fit in the 6 MB an invoke can answer',
      sent.attempts,
    );
  }
  return envelope;
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
    throw appError(
      400,
      'INVALID_TEMPLATE',
      `Template uses integration "${template.oauth}", which does not exist`,
    );
  try {
    return { installationId, integration: integration.name, account: accountFor(integration, account) };
  } catch (error) {
    if (isHandshakeError(error)) throw appError(400, 'INVALID_REQUEST', error.message);
    throw error;
  }
}
