import { ALLOWED_HOST_RULE, parseAllowedHost } from '../../../lib/app/allowed-hosts';
import { DEFAULT_HANDSHAKE_SETTINGS } from '../../../lib/app/handshake-defaults';
import type { AllowedHost, HandshakeSettings } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import { HANDSHAKE_RULES, type HandshakeSettingsInput, handshakeSettingsSchema } from '../schemas/handshake';
import { parseSalvaging } from '../zod-problems';
import {
  checkAuthorizeParamNames,
  checkCallbackParams,
  checkCodeParam,
  checkTokenParamNames,
} from './handshake-quirks';
import { toRateLimitRule } from './rate-limit';
import { checkProviderUrl, parseField, restrictRoots } from './template-field';
import { readCallbackParams, readParamTemplates, toRefreshRequest } from './token-request';

export {
  DEFAULT_HANDSHAKE_SETTINGS,
  DEFAULT_LIFETIME_SECONDS,
  DEFAULT_REFRESH_LEAD_SECONDS,
} from '../../../lib/app/handshake-defaults';

/** Kept fields are stored in the clear next to the account: the tokens themselves never are. */
const SECRET_FIELDS = new Set(['access_token', 'refresh_token', 'id_token']);

/** The provider URLs under `handshake`, templates like token_url's. */
export type HandshakeUrlKey = 'revocation_url' | 'refresh_url';

function urlTemplate(
  key: HandshakeUrlKey,
  source: string | undefined,
  where: Where,
  sink: ProblemSink,
): Template | undefined {
  if (source === undefined) return undefined;
  const at = child(where, key);
  const template = parseField(source, at, key, sink);
  if (template === undefined) return undefined;
  restrictRoots(template, ['oauth_iparams', 'account'], at, key, sink);
  checkProviderUrl(template, at, key, sink);
  return template;
}

/** The token paths a kept field would expose: the field is one of them, or holds one. */
function exposedToken(field: string, tokenPaths: readonly string[]): string | undefined {
  const leaf = field.slice(field.lastIndexOf('.') + 1);
  if (SECRET_FIELDS.has(leaf)) return field;
  return tokenPaths.find((path) => path === field || path.startsWith(`${field}.`));
}

function checkKeepFields(
  fields: readonly string[],
  paths: HandshakeSettingsInput['token_response'],
  where: Where,
  sink: ProblemSink,
): void {
  const tokenPaths = [paths?.access_token ?? 'access_token', paths?.refresh_token ?? 'refresh_token'];
  fields.forEach((field, index) => {
    const token = exposedToken(field, tokenPaths);
    if (token === undefined) return;
    sink.error(
      child(where, 'keep_fields', index),
      token === field
        ? `keep_fields names "${field}", a token that is only ever stored encrypted`
        : `keep_fields names "${field}", which holds the token at ${token} (only ever stored encrypted)`,
      'non-secret token-response fields, e.g. instance_url or api_domain',
    );
  });
}

function readAllowedHosts(
  patterns: readonly string[] | undefined,
  where: Where,
  sink: ProblemSink,
): AllowedHost[] | undefined {
  if (patterns === undefined) return undefined;
  const parsed: AllowedHost[] = [];
  patterns.forEach((pattern, index) => {
    const result = parseAllowedHost(pattern);
    if (typeof result === 'string') {
      sink.error(
        child(where, 'allowed_hosts', index),
        `allowed_hosts pattern ${describeValue(pattern)} ${result}`,
        ALLOWED_HOST_RULE,
      );
    } else parsed.push(result);
  });
  return parsed;
}

/** What the authorization request sends and what its callback brings back. */
function callbackSettings(input: HandshakeSettingsInput, read: ReadParts) {
  const defaults = DEFAULT_HANDSHAKE_SETTINGS;
  return {
    authorizeParamNames: input.authorize_param_names ?? defaults.authorizeParamNames,
    dropEmptyAuthorizeParams: input.drop_empty_authorize_params ?? defaults.dropEmptyAuthorizeParams,
    codeParam: input.code_param ?? defaults.codeParam,
    ...read.callback,
  };
}

/** What the token request sends (lib/oauth/token-endpoint.ts). */
function tokenRequestSettings(input: HandshakeSettingsInput, read: ReadParts) {
  const tokenParamNames = input.token_param_names ?? DEFAULT_HANDSHAKE_SETTINGS.tokenParamNames;
  return {
    tokenParams: read.tokenParams ?? {},
    refreshParams: read.refreshParams ?? {},
    tokenParamNames,
    refreshRequest: toRefreshRequest(input.refresh_request, tokenParamNames),
  };
}

/** The parts read beyond the schema: templates and the callback's facts. */
interface ReadParts {
  readonly urls: HandshakeUrls;
  readonly allowedHosts: readonly AllowedHost[] | undefined;
  readonly callback: Pick<HandshakeSettings, 'callbackParams' | 'callbackFactNames'>;
  readonly tokenParams: HandshakeSettings['tokenParams'] | undefined;
  readonly refreshParams: HandshakeSettings['refreshParams'] | undefined;
}

function normalize(input: HandshakeSettingsInput, read: ReadParts): HandshakeSettings {
  const { urls, allowedHosts } = read;
  const defaults = DEFAULT_HANDSHAKE_SETTINGS;
  const paths = input.token_response ?? {};
  return {
    pkce: input.pkce ?? defaults.pkce,
    clientAuth: input.client_auth ?? defaults.clientAuth,
    tokenRequest: input.token_request ?? defaults.tokenRequest,
    ...callbackSettings(input, read),
    ...tokenRequestSettings(input, read),
    scopeSeparator: input.scope_separator ?? defaults.scopeSeparator,
    tokenResponse: {
      accessToken: paths.access_token ?? defaults.tokenResponse.accessToken,
      refreshToken: paths.refresh_token ?? defaults.tokenResponse.refreshToken,
      expiresIn: paths.expires_in ?? defaults.tokenResponse.expiresIn,
      expiresAt: paths.expires_at ?? defaults.tokenResponse.expiresAt,
      tokenType: paths.token_type ?? defaults.tokenResponse.tokenType,
      scope: paths.scope ?? defaults.tokenResponse.scope,
    },
    expiresInUnit: input.expires_in_unit ?? defaults.expiresInUnit,
    refreshLeadSeconds: input.refresh_lead_seconds ?? defaults.refreshLeadSeconds,
    defaultLifetimeSeconds:
      input.default_lifetime_seconds === undefined
        ? defaults.defaultLifetimeSeconds
        : input.default_lifetime_seconds,
    revocationUrl: urls.revocation_url,
    refreshUrl: urls.refresh_url,
    keepFields: input.keep_fields ?? defaults.keepFields,
    issuer: input.issuer,
    allowedHosts,
    metadataUrl: input.metadata_url,
    rateLimit: toRateLimitRule(input.rate_limit),
  };
}

type HandshakeUrls = Readonly<Partial<Record<HandshakeUrlKey, Template | undefined>>>;

export interface ReadSettings {
  /** The settings; undefined when the key has any error. */
  readonly settings: HandshakeSettings | undefined;
  /** revocation_url and refresh_url as templates when they parsed, even if another setting is wrong. */
  readonly urls: HandshakeUrls;
}

/**
 * Reads an integration's `handshake` key (absent: every default). Every setting that passed the
 * schema is checked further even when another did not. `where` is the path of the key itself.
 */
export function readHandshakeSettings(value: unknown, where: Where, sink: ProblemSink): ReadSettings {
  if (value === undefined) return { settings: DEFAULT_HANDSHAKE_SETTINGS, urls: {} };
  const mark = sink.mark();
  const { value: input, valid: parts } = parseSalvaging(
    handshakeSettingsSchema,
    handshakeSettingsSchema,
    value,
    where,
    HANDSHAKE_RULES,
    'handshake',
    sink,
  );
  if (parts === undefined) return { settings: undefined, urls: {} };
  const urls: HandshakeUrls = {
    revocation_url: urlTemplate('revocation_url', parts.revocation_url, where, sink),
    refresh_url: urlTemplate('refresh_url', parts.refresh_url, where, sink),
  };
  checkKeepFields(parts.keep_fields ?? [], parts.token_response, where, sink);
  const read: ReadParts = {
    urls,
    allowedHosts: readAllowedHosts(parts.allowed_hosts, where, sink),
    callback: readCallbackParams(parts.callback_params, where, sink),
    tokenParams: readParamTemplates('token_params', parts.token_params, where, sink),
    refreshParams: readParamTemplates('refresh_params', parts.refresh_params, where, sink),
  };
  checkAuthorizeParamNames(parts.authorize_param_names, where, sink);
  checkTokenParamNames(parts.token_param_names, where, sink);
  checkCodeParam(parts.code_param, where, sink);
  checkCallbackParams(read.callback.callbackParams, parts.code_param, where, sink);
  const settings = input === undefined || sink.errorsSince(mark) ? undefined : normalize(input, read);
  return { settings, urls };
}
