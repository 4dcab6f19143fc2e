import * as z from 'zod';
import { ALLOWED_HOST_RULE } from '../../../lib/app/allowed-hosts';
import { RENAMABLE_AUTHORIZE_PARAMS, TOKEN_PROTOCOL_PARAMS } from '../../../lib/app/model';
import type { FieldRules } from '../zod-problems';
import { rateLimitRules, rateLimitSchema } from './rate-limit';

const DOTTED_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/;

const PARAMETER_NAME = /^[A-Za-z0-9_.~[\]-]+$/;
/** What `account.NAME` can read: a name of the template language. */
export const FACT_NAME = /^[A-Za-z_$][\w$]*$/;

const dottedPath = z.string().regex(DOTTED_PATH);
const stringMap = z.record(z.string(), z.string());

/** The `handshake` key of an integration: Handshake's own knobs, never sent to a provider. */
export const handshakeSettingsSchema = z.strictObject({
  pkce: z.boolean().optional(),
  client_auth: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
  token_request: z.enum(['form', 'json']).optional(),
  authorize_param_names: z
    .partialRecord(z.enum(RENAMABLE_AUTHORIZE_PARAMS), z.string().regex(PARAMETER_NAME))
    .optional(),
  drop_empty_authorize_params: z.boolean().optional(),
  refresh_url: z.string().optional(),
  code_param: z.string().regex(PARAMETER_NAME).optional(),
  callback_params: z
    .array(
      z.union([
        z.string().regex(PARAMETER_NAME),
        z.record(z.string().regex(PARAMETER_NAME), z.string().regex(FACT_NAME)),
      ]),
    )
    .optional(),
  token_params: stringMap.optional(),
  refresh_params: stringMap.optional(),
  token_param_names: z
    .partialRecord(z.enum(TOKEN_PROTOCOL_PARAMS), z.string().regex(PARAMETER_NAME))
    .optional(),
  refresh_request: z
    .strictObject({
      method: z.enum(['GET', 'POST']).optional(),
      grant_type: z.string().regex(PARAMETER_NAME),
      token: z.enum(['refresh_token', 'access_token']).optional(),
      token_param: z.string().regex(PARAMETER_NAME).optional(),
    })
    .optional(),
  scope_separator: z.string().min(1).optional(),
  token_response: z
    .strictObject({
      access_token: dottedPath.optional(),
      refresh_token: dottedPath.optional(),
      expires_in: dottedPath.optional(),
      expires_at: dottedPath.optional(),
      token_type: dottedPath.optional(),
      scope: dottedPath.optional(),
    })
    .optional(),
  expires_in_unit: z.enum(['seconds', 'milliseconds', 'minutes']).optional(),
  refresh_lead_seconds: z.int().min(0).max(86_400).optional(),
  default_lifetime_seconds: z.int().min(1).nullable().optional(),
  revocation_url: z.string().optional(),
  keep_fields: z.array(dottedPath).optional(),
  issuer: z.string().min(1).optional(),
  allowed_hosts: z.array(z.string()).min(1).optional(),
  metadata_url: z.string().regex(HTTP_URL).optional(),
  rate_limit: rateLimitSchema.optional(),
});

export type HandshakeSettingsInput = z.infer<typeof handshakeSettingsSchema>;

export const HANDSHAKE_KEYS =
  'pkce, client_auth, token_params, refresh_params, scope_separator, token_response, expires_in_unit, refresh_lead_seconds, default_lifetime_seconds, revocation_url, keep_fields, issuer, metadata_url, allowed_hosts, rate_limit, token_request, authorize_param_names, drop_empty_authorize_params, refresh_url, code_param, callback_params, token_param_names, refresh_request';

const PATH_RULE = { allowed: 'a dotted path into the token response, e.g. data.access_token' };

export const HANDSHAKE_RULES: FieldRules = {
  '': { allowed: `an object with ${HANDSHAKE_KEYS}`, keys: HANDSHAKE_KEYS },
  pkce: { allowed: 'true or false' },
  client_auth: { allowed: 'client_secret_basic, client_secret_post' },
  authorize_param_names: {
    allowed: `an object from ${RENAMABLE_AUTHORIZE_PARAMS.join(', ')} to the name the provider wants, e.g. { "client_id": "client_key" }`,
    keys: RENAMABLE_AUTHORIZE_PARAMS.join(', '),
  },
  'authorize_param_names.*': { allowed: 'a parameter name of letters, digits and _ . ~ - [ ]' },
  drop_empty_authorize_params: { allowed: 'true or false' },
  code_param: {
    allowed: 'the callback query parameter that carries the code, e.g. spapi_oauth_code (default code)',
  },
  callback_params: {
    allowed: 'an array of callback query parameter names to keep with the account, e.g. ["realmId"]',
  },
  'callback_params.*': {
    allowed:
      'a parameter name of letters, digits and _ . ~ - [ ], or an object renaming one to the account fact it is kept as, e.g. { "accounts-server": "accounts_server" } (letters, digits, _ and $)',
  },
  'callback_params.*.*': {
    allowed: 'an account fact name of letters, digits, _ and $, e.g. accounts_server',
  },
  token_param_names: {
    allowed: `an object from ${TOKEN_PROTOCOL_PARAMS.join(', ')} to the name the provider wants on the token request, e.g. { "client_id": "client_key" }`,
    keys: TOKEN_PROTOCOL_PARAMS.join(', '),
  },
  'token_param_names.*': { allowed: 'a parameter name of letters, digits and _ . ~ - [ ]' },
  refresh_request: {
    allowed:
      'an object with grant_type (required), method (GET or POST), token (refresh_token or access_token) and token_param, e.g. { "method": "GET", "grant_type": "ig_refresh_token", "token": "access_token" }',
    keys: 'method, grant_type, token, token_param',
  },
  'refresh_request.method': { allowed: 'GET or POST (default POST)' },
  'refresh_request.grant_type': { allowed: 'the grant_type value the provider wants, e.g. ig_refresh_token' },
  'refresh_request.token': {
    allowed: "refresh_token (default) or access_token, which of the account's tokens is renewed",
  },
  'refresh_request.token_param': {
    allowed: "the parameter that carries the token (default: the token's own name)",
  },
  token_request: {
    allowed: 'form (application/x-www-form-urlencoded, the standard) or json (application/json, e.g. Notion)',
  },
  token_params: {
    allowed: 'an object of parameter names to string values (templates of oauth_iparams and account)',
  },
  'token_params.*': { allowed: 'a string, e.g. offline or <%= account.context %>' },
  refresh_params: {
    allowed: 'an object of parameter names to string values (templates of oauth_iparams and account)',
  },
  'refresh_params.*': { allowed: 'a string, e.g. offline or <%= account.context %>' },
  scope_separator: { allowed: 'a non-empty string, e.g. " " or ","' },
  token_response: {
    allowed: 'an object with access_token, refresh_token, expires_in, token_type, scope, expires_at',
    keys: 'access_token, refresh_token, expires_in, token_type, scope, expires_at',
  },
  'token_response.*': PATH_RULE,
  expires_in_unit: { allowed: 'seconds, milliseconds, minutes' },
  refresh_lead_seconds: { allowed: 'a whole number of seconds from 0 to 86400' },
  default_lifetime_seconds: {
    allowed: 'a whole number of seconds (at least 1), or null to refresh only after a 401',
  },
  revocation_url: { allowed: 'an absolute https URL' },
  refresh_url: { allowed: 'an absolute https URL, like token_url' },
  keep_fields: { allowed: 'an array of token-response field names or dotted paths, e.g. team.id' },
  'keep_fields.*': {
    allowed: 'a field name of letters, digits, _ and -, or a dotted path of them, e.g. team.id',
  },
  issuer: { allowed: 'the issuer identifier the provider sends as iss' },
  allowed_hosts: { allowed: `a non-empty array of patterns: ${ALLOWED_HOST_RULE}` },
  'allowed_hosts.*': { allowed: ALLOWED_HOST_RULE },
  metadata_url: {
    allowed:
      "the absolute URL of the provider's metadata (.well-known/oauth-authorization-server or openid-configuration)",
  },
  ...rateLimitRules('rate_limit'),
};
