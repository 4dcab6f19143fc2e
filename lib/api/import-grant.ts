/**
 * The request of POST /installations/{id}/integrations/{name}/import: a grant issued elsewhere,
 * in the names of an OAuth token response. Only its shape is judged here; what the integration
 * allows (its oauth_iparams, keep_fields, expiry rules) is the use case's.
 */
import * as v from 'valibot';
import { InvalidInputError } from '../errors';
import { type HttpRequest, jsonBody } from '../http/request';
import type { ImportedExpiry, ImportGrantInput } from '../refresh/import-grant';
import { jsonObject, jsonRecord, parseWith } from '../validation';
import { installationIdOf } from './installations';

/** Bounded like any secret Handshake stores; real tokens (JWTs included) are far shorter. */
const MAX_TOKEN = 16_384;

const token = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty('must not be empty'),
  v.maxLength(MAX_TOKEN, `at most ${MAX_TOKEN} characters`),
);
const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `at most ${max} characters`));

// An RFC 3339 time with its offset: a local time would be read in the function's zone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const isoTime = v.pipe(
  v.string(),
  v.check(
    (value) => ISO_TIME.test(value) && Number.isFinite(Date.parse(value)),
    'an ISO 8601 time with its offset (2026-01-31T12:00:00Z), or epoch seconds',
  ),
);
const epochSeconds = v.pipe(v.number(), v.integer('whole seconds'), v.minValue(0, 'not negative'));

const importBody = jsonObject({
  account: v.optional(v.string()),
  access_token: token,
  refresh_token: v.optional(token),
  expires_at: v.optional(v.union([isoTime, epochSeconds], 'an ISO 8601 time or epoch seconds')),
  expires_in: v.optional(v.pipe(v.number(), v.minValue(1, 'at least 1 (seconds)'))),
  scope: v.optional(text(4096)),
  token_type: v.optional(text(64)),
  extra: v.optional(jsonRecord(v.unknown())),
  oauth_iparams: v.optional(jsonRecord(v.string())),
  validate: v.optional(
    v.union(
      [
        v.picklist(['refresh', 'none']),
        jsonObject({
          template: v.pipe(
            v.string(),
            v.nonEmpty('must not be empty'),
            v.maxLength(256, 'at most 256 characters'),
          ),
          context: v.optional(jsonRecord(v.unknown())),
        }),
      ],
      '"refresh", "none", or { "template": "<a request template of this integration>", "context": { … } }',
    ),
  ),
});

type ImportBody = v.InferOutput<typeof importBody>;

function expiryOf(body: ImportBody): ImportedExpiry {
  if (body.expires_at !== undefined && body.expires_in !== undefined) {
    throw new InvalidInputError('Invalid grant import: give expires_at or expires_in, not both', {
      details: [{ field: 'expires_in', message: 'not with expires_at' }],
    });
  }
  if (body.expires_in !== undefined) return { kind: 'in', seconds: body.expires_in };
  if (typeof body.expires_at === 'number') return { kind: 'at', at: body.expires_at * 1000 };
  if (body.expires_at !== undefined) return { kind: 'at', at: Date.parse(body.expires_at) };
  return { kind: 'unknown' };
}

const validationOf = (validate: ImportBody['validate']): ImportGrantInput['validate'] =>
  typeof validate === 'object'
    ? { template: validate.template, context: validate.context ?? {} }
    : (validate ?? 'none');

/** A body (required) with the grant; an unknown field is refused, never ignored. */
export function importGrantRequest(request: HttpRequest): ImportGrantInput {
  const body = parseWith(importBody, jsonBody(request, { required: true }), 'grant import');
  return {
    installationId: installationIdOf(request),
    integration: request.pathParameters.name ?? '',
    account: body.account,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiry: expiryOf(body),
    scope: body.scope === '' ? undefined : body.scope,
    tokenType: body.token_type === '' ? undefined : body.token_type,
    extra: body.extra ?? {},
    oauthIparams: body.oauth_iparams ?? {},
    validate: validationOf(body.validate),
  };
}
