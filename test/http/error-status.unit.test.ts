/**
 * The one table from named errors to the API's error shape and the FDK envelope
 * (lib/http/error-status.ts): every named error has a row, each row is the public contract
 * the docs promise, and anything else is a 500 that echoes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TemplateRenderError } from '../../lib/app/template';
import * as errors from '../../lib/errors';
import {
  ConflictError,
  DeadlineExceededError,
  DestinationRefusedError,
  FailedAfterAttempts,
  ForbiddenError,
  InvalidInputError,
  NamedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  RateLimitedError,
  ReauthorizationRequiredError,
  TemplateRequestError,
  TokenRefreshFailedError,
  UnauthenticatedError,
  UnavailableError,
  UndeclaredTemplateError,
  UpstreamError,
} from '../../lib/errors';
import { API_ERROR_STATUS, apiErrorOf, fdkRefusalOf, mappedClasses } from '../../lib/http/error-status';
import { UnreadableBodyError } from '../../lib/http/request';
import { ClientNotConfiguredError, credentialsNotSet } from '../../lib/oauth/client-credentials';

type Fdk = readonly [source: 'APP' | 'PLATFORM', code: string] | undefined;

/** Each named error (every variant of the ones that carry one), its API status and code, its envelope. */
const CONTRACT: ReadonlyArray<readonly [Error, number, string, Fdk]> = [
  [new InvalidInputError('bad'), 400, 'INVALID_REQUEST', ['APP', 'INVALID_REQUEST']],
  [new UnreadableBodyError('missing', 'no body'), 400, 'INVALID_REQUEST', undefined],
  [new UnreadableBodyError('not_json', 'not json'), 400, 'INVALID_JSON', undefined],
  [new UnreadableBodyError('media_type', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
  [new PayloadTooLargeError(2, 1), 413, 'PAYLOAD_TOO_LARGE', ['APP', 'PAYLOAD_TOO_LARGE']],
  [new UnauthenticatedError('who'), 401, 'UNAUTHENTICATED', undefined],
  [new ForbiddenError('no'), 403, 'FORBIDDEN', undefined],
  [new NotFoundError('installation', 'gone'), 404, 'NOT_FOUND', undefined],
  [new NotFoundError('integration', 'gone'), 404, 'NOT_FOUND', undefined],
  [new NotFoundError('account', 'gone'), 404, 'NOT_FOUND', undefined],
  [new NotFoundError('route', 'gone'), 404, 'NOT_FOUND', undefined],
  [new NotFoundError('template', 'gone'), 404, 'NOT_FOUND', ['APP', 'TEMPLATE_NOT_FOUND']],
  [new UndeclaredTemplateError('undeclared'), 404, 'NOT_FOUND', ['APP', 'TEMPLATE_NOT_DECLARED']],
  [new ConflictError('raced'), 409, 'CONFLICT', undefined],
  [new PreconditionFailedError('not yet'), 409, 'CONFLICT', undefined],
  [new UnavailableError('down'), 503, 'SERVICE_UNAVAILABLE', ['PLATFORM', 'SERVICE_UNAVAILABLE']],
  [new RateLimitedError(50, 1000), 429, 'RATE_LIMITED', ['PLATFORM', 'RATE_LIMITED']],
  [
    new ReauthorizationRequiredError('reconnect'),
    401,
    'REAUTHORIZATION_REQUIRED',
    ['APP', 'REAUTHORIZATION_REQUIRED'],
  ],
  [new TemplateRequestError('context', 'x'), 400, 'INVALID_REQUEST', ['APP', 'INVALID_CONTEXT']],
  [new TemplateRequestError('host', 'x'), 400, 'INVALID_REQUEST', ['APP', 'INVALID_HOST']],
  [new TemplateRequestError('path', 'x'), 400, 'INVALID_REQUEST', ['APP', 'INVALID_PATH']],
  [new TemplateRequestError('header', 'x'), 400, 'INVALID_REQUEST', ['APP', 'INVALID_HEADER']],
  [new TemplateRequestError('substitution', 'x'), 400, 'INVALID_REQUEST', ['APP', 'SUBSTITUTION_FAILED']],
  [new TemplateRequestError('integration', 'x'), 400, 'INVALID_REQUEST', ['APP', 'INVALID_TEMPLATE']],
  [new DestinationRefusedError('refused'), 403, 'FORBIDDEN', ['APP', 'URL_REFUSED']],
  [new UpstreamError('unreachable', 'x'), 502, 'BAD_GATEWAY', ['PLATFORM', 'CONNECTION_FAILED']],
  [new UpstreamError('response_too_large', 'x'), 502, 'BAD_GATEWAY', ['PLATFORM', 'RESPONSE_TOO_LARGE']],
  [new DeadlineExceededError('late'), 504, 'GATEWAY_TIMEOUT', ['PLATFORM', 'TIMEOUT']],
  [new TokenRefreshFailedError('x'), 503, 'SERVICE_UNAVAILABLE', ['PLATFORM', 'TOKEN_REFRESH_FAILED']],
];

const namedClasses = (Object.values(errors) as unknown[]).filter(
  (value): value is abstract new (...args: never[]) => NamedError =>
    typeof value === 'function' && value.prototype instanceof NamedError,
);

describe('the error table', () => {
  it('has a row of its own for every named error of lib/errors.ts and for HTTP’s unreadable body', () => {
    // Assess
    expect(namedClasses.length).toBeGreaterThanOrEqual(16);
    const missing = [...namedClasses, UnreadableBodyError]
      .filter((type) => !mappedClasses().has(type))
      .map((type) => type.name);
    expect(missing).toEqual([]);
  });

  it('is tested here for every class it maps', () => {
    const tested = new Set(CONTRACT.map(([error]) => error.constructor));
    expect([...mappedClasses()].filter((type) => !tested.has(type)).map((type) => type.name)).toEqual([]);
  });

  it.each(CONTRACT)('answers %p with %i %s and the envelope %p', (error, status, code, fdk) => {
    // Act
    const api = apiErrorOf(error, 'req-1');
    const refusal = fdkRefusalOf(error);
    // Assess
    expect(api).toEqual({ status, code, message: error.message, internal: false });
    expect(API_ERROR_STATUS[api.code]).toBe(status);
    expect(refusal === undefined ? undefined : [refusal.errorSource, refusal.code]).toEqual(fdk);
    if (refusal !== undefined) {
      expect(refusal).toMatchObject({ status, headers: {}, response: error.message, attempts: 0 });
    }
  });

  it('passes a named error’s details on, and its message as written', () => {
    const details = [{ field: 'iparams.domain', message: 'required' }];
    expect(apiErrorOf(new InvalidInputError('Invalid iparams', { details }), 'r')).toMatchObject({
      message: 'Invalid iparams',
      details,
    });
  });

  it('answers what it does not name with a 500 that echoes nothing but the reference', () => {
    for (const caught of [
      new Error('AccessDenied: arn:aws:secret'),
      new TypeError('x is undefined'),
      'text',
      {},
    ]) {
      // Act
      const api = apiErrorOf(caught, 'req-42');
      // Assess
      expect(api).toEqual({
        status: 500,
        code: 'INTERNAL',
        message: 'Internal error; reference req-42',
        internal: true,
      });
      expect(fdkRefusalOf(caught)).toBeUndefined();
    }
  });

  it('maps a subclass defined elsewhere by the class it extends', () => {
    expect(
      apiErrorOf(new ClientNotConfiguredError('hubspot', 'client_id is empty', 'placeholder'), 'r'),
    ).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(apiErrorOf(new TemplateRenderError('context.list'), 'r')).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
    expect(apiErrorOf(credentialsNotSet('hubspot', ['client_id'], { kind: 'local' }), 'r')).toMatchObject({
      status: 409,
      code: 'CONFLICT',
    });
  });

  it('reports the attempts an invoke made before it failed, and the failure’s own status and code', () => {
    // Prepare
    const failed = new FailedAfterAttempts(
      new DeadlineExceededError('The upstream did not answer in time'),
      3,
    );
    // Act / Assess
    expect(fdkRefusalOf(failed)).toEqual({
      status: 504,
      headers: {},
      response: 'The upstream did not answer in time',
      attempts: 3,
      errorSource: 'PLATFORM',
      code: 'TIMEOUT',
    });
    expect(apiErrorOf(failed, 'r')).toMatchObject({ status: 504, code: 'GATEWAY_TIMEOUT' });
  });
});

describe('the error table and openapi/openapi.yaml', () => {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.yaml'), 'utf8')) as {
    components: { schemas: Record<string, Record<string, never>> };
  };
  const refusal = doc.components.schemas.Refusal as unknown as {
    properties: { status: { enum: number[] } };
    then: { properties: { code: { enum: string[] } } };
    else: { properties: { code: { enum: string[] } } };
  };

  it('documents every envelope the table can answer, under its errorSource and status', () => {
    for (const [error, status, , fdk] of CONTRACT) {
      if (fdk === undefined) continue;
      const [source, code] = fdk;
      const documented = (source === 'APP' ? refusal.then : refusal.else).properties.code.enum;
      expect({ error: error.name, code, documented: documented.includes(code) }).toEqual({
        error: error.name,
        code,
        documented: true,
      });
      expect(refusal.properties.status.enum).toContain(status);
    }
  });
});
