import type { Integration } from '../app/model';
import { renderTemplate, TemplateRenderError } from '../app/template';
import { type Egress, EgressError } from '../egress';
import { applyClientAuth, renamed } from './client-auth';
import type { ClientCredentials } from './client-credentials';
import { renderProviderUrl, templateScope } from './provider-url';
import { type ParsedTokens, parseBody, parseTokens, providerError } from './token-response';

export type TokenGrant =
  | {
      readonly grant_type: 'authorization_code';
      readonly code: string;
      readonly redirect_uri: string;
      readonly code_verifier?: string | undefined;
    }
  /** `refresh_token` is the token renewed: the access token itself when refresh_request says so (Instagram). */
  | { readonly grant_type: 'refresh_token'; readonly refresh_token: string }
  /** RFC 6749 §4.4: the client's own token (token_type "client"); `scope` from `options.scope`. */
  | { readonly grant_type: 'client_credentials'; readonly scope?: string | undefined };

export interface TokenRequest {
  readonly integration: Integration;
  /** The account's oauth_iparams: token_url may be built from them. */
  readonly oauthIparams: Readonly<Record<string, string>>;
  /** `account.NAME` as known at this point: at the code exchange the callback's, later the stored ones. */
  readonly facts: Readonly<Record<string, unknown>>;
  readonly credentials: ClientCredentials;
  readonly grant: TokenGrant;
}

/**
 * What came of one token-endpoint call. `rejected` is the provider's definite answer (an OAuth
 * error such as invalid_grant, or a 4xx); `unavailable` is transient (network, timeout, 429,
 * 5xx) and says nothing about the grant; `refused` means our egress policy stopped it.
 */
export type TokenResult =
  | { readonly kind: 'tokens'; readonly tokens: ParsedTokens }
  | {
      readonly kind: 'rejected';
      readonly status: number;
      readonly error: string;
      readonly description: string | undefined;
    }
  | { readonly kind: 'unavailable'; readonly reason: string; readonly status?: number | undefined }
  | { readonly kind: 'refused'; readonly reason: string };

export interface TokenCallOptions {
  readonly timeoutMs: number;
  readonly now: () => number;
}

/** Token responses are small; anything near this is not a token response. */
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

/** The grant's own parameters, under the protocol's names (refresh_request's for a renewal it describes). */
function grantParams(request: TokenRequest): URLSearchParams {
  const { grant } = request;
  const custom = request.integration.settings.refreshRequest;
  if (grant.grant_type === 'refresh_token' && custom !== undefined)
    return new URLSearchParams({ grant_type: custom.grantType, [custom.tokenParam]: grant.refresh_token });
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(grant)) if (value !== undefined) params.set(name, value);
  return params;
}

interface RequestParts {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

function requestParts(request: TokenRequest, url: string): RequestParts {
  const { integration, credentials, grant } = request;
  const settings = integration.settings;
  const refresh = grant.grant_type === 'refresh_token';
  const extra = refresh ? settings.refreshParams : settings.tokenParams;
  const scope = templateScope({ oauthIparams: request.oauthIparams, account: request.facts });
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(extra)) form.set(name, renderTemplate(value, scope));
  const headers: Record<string, string> = { ...integration.customHeaders, accept: 'application/json' };
  const protocol = grantParams(request);
  // A GET puts its parameters in the URL, where a client secret must never be: such a refresh sends none.
  const get = refresh && settings.refreshRequest?.method === 'GET';
  if (!get) applyClientAuth(settings.clientAuth, credentials, protocol, headers);
  for (const [name, value] of renamed(protocol, settings.tokenParamNames)) form.set(name, value);
  if (get) {
    const target = new URL(url);
    for (const [name, value] of form) target.searchParams.set(name, value);
    return { method: 'GET', url: target.toString(), headers };
  }
  const json = settings.tokenRequest === 'json';
  headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
  // The same parameters either way: every value stays a string, as in the form.
  return {
    method: 'POST',
    url,
    headers,
    body: json ? JSON.stringify(Object.fromEntries(form)) : form.toString(),
  };
}

/**
 * One POST to the integration's token endpoint through the egress policy. Never retried here:
 * a code may be exchanged only once, and a refresh token reused after a rotation can kill the
 * grant — retrying is the caller's decision, under its lease.
 */
export async function callTokenEndpoint(request: TokenRequest, egress: Egress, options: TokenCallOptions) {
  const { integration, oauthIparams, credentials } = request;
  const template =
    request.grant.grant_type === 'refresh_token'
      ? (integration.settings.refreshUrl ?? integration.tokenUrl)
      : integration.tokenUrl;
  // Before anything leaves: a refused URL gets neither the code nor the client secret.
  const rendered = renderProviderUrl(
    integration,
    template,
    { oauthIparams, account: request.facts },
    credentials.clientSecret,
  );
  if ('refusal' in rendered) return { kind: 'refused', reason: rendered.refusal } satisfies TokenResult;
  let response: Awaited<ReturnType<Egress['send']>>;
  try {
    // After the URL's checks: a parameter value that is not text is refused like a URL.
    const parts = requestParts(request, rendered.url);
    response = await egress.send({
      ...parts,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES,
    });
  } catch (error) {
    if (error instanceof TemplateRenderError)
      return {
        kind: 'refused',
        reason: 'a token parameter rendered to something that is not text',
      } satisfies TokenResult;
    if (error instanceof EgressError) {
      if (error.kind === 'refused') return { kind: 'refused', reason: error.message } satisfies TokenResult;
      return { kind: 'unavailable', reason: error.message } satisfies TokenResult;
    }
    throw error;
  }
  return interpret(request, response.status, response.body.toString('utf8'), response.headers, options.now());
}

function interpret(
  request: TokenRequest,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>>,
  now: number,
): TokenResult {
  const parsed = parseBody(text, headers['content-type']);
  if (status === 429 || status >= 500) {
    return { kind: 'unavailable', reason: `the token endpoint answered HTTP ${status}`, status };
  }
  const oauthError = providerError(parsed);
  if (status >= 200 && status < 300 && oauthError === undefined && parsed !== undefined) {
    const tokens = parseTokens(parsed, request.integration.settings, now);
    if (tokens !== undefined) return { kind: 'tokens', tokens };
    return {
      kind: 'rejected',
      status,
      error: 'invalid_token_response',
      description: `the response has no access token at "${request.integration.settings.tokenResponse.accessToken}"`,
    };
  }
  return {
    kind: 'rejected',
    status,
    error: oauthError?.error ?? `http_${status}`,
    description:
      oauthError?.description ??
      (oauthError === undefined
        ? `the token endpoint answered HTTP ${status} without an OAuth error`
        : undefined),
  };
}
