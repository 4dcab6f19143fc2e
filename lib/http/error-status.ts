/**
 * Where an error gets its status: the one table from each named error (lib/errors.ts) to the
 * API's error shape — its public code, and from the code its HTTP status — and, for the errors
 * an invoke answers in the FDK envelope, to the envelope's `errorSource` and `code`. A row is
 * found by the error's class, or the nearest class it extends. Anything that is not a named
 * error has no row: a 500 whose message says nothing but the request's reference.
 */
import {
  ConflictError,
  DeadlineExceededError,
  DestinationRefusedError,
  FailedAfterAttempts,
  ForbiddenError,
  InvalidInputError,
  type NamedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  RateLimitedError,
  ReauthorizationRequiredError,
  type TemplateProblem,
  TemplateRequestError,
  TokenRefreshFailedError,
  UnauthenticatedError,
  UnavailableError,
  UndeclaredTemplateError,
  UpstreamError,
} from '../errors';
import { UnreadableBodyError } from './request';

/** Every code the API's error shape can carry, with its status (openapi: `ErrorCode`). */
export const API_ERROR_STATUS = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  REAUTHORIZATION_REQUIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** The envelope's `errorSource`: APP — the template, the call or its data; PLATFORM — Handshake or the network. */
export type ErrorSource = 'APP' | 'PLATFORM';

interface Row {
  readonly code: ApiErrorCode;
  /** Absent: an invoke answers it in the API's error shape too (authentication, the body's format). */
  readonly fdk?: { readonly errorSource: ErrorSource; readonly code: string };
}

type Class<E extends Error> = abstract new (...args: never[]) => E;

const app = (code: string) => ({ errorSource: 'APP', code }) as const;
const platform = (code: string) => ({ errorSource: 'PLATFORM', code }) as const;

const TEMPLATE_CODES: Record<TemplateProblem, string> = {
  context: 'INVALID_CONTEXT',
  host: 'INVALID_HOST',
  path: 'INVALID_PATH',
  header: 'INVALID_HEADER',
  substitution: 'SUBSTITUTION_FAILED',
  integration: 'INVALID_TEMPLATE',
};

const BODY_CODES: Record<UnreadableBodyError['problem'], ApiErrorCode> = {
  missing: 'INVALID_REQUEST',
  not_json: 'INVALID_JSON',
  media_type: 'UNSUPPORTED_MEDIA_TYPE',
};

const rows = new Map<Class<Error>, (error: never) => Row>();
function row<E extends Error>(type: Class<E>, map: (error: E) => Row): void {
  rows.set(type, map as (error: never) => Row);
}

row(InvalidInputError, () => ({ code: 'INVALID_REQUEST', fdk: app('INVALID_REQUEST') }));
row(UnreadableBodyError, (error) => ({ code: BODY_CODES[error.problem] }));
row(PayloadTooLargeError, () => ({ code: 'PAYLOAD_TOO_LARGE', fdk: app('PAYLOAD_TOO_LARGE') }));
row(UnauthenticatedError, () => ({ code: 'UNAUTHENTICATED' }));
row(ForbiddenError, () => ({ code: 'FORBIDDEN' }));
row(NotFoundError, (error) =>
  error.what === 'template' ? { code: 'NOT_FOUND', fdk: app('TEMPLATE_NOT_FOUND') } : { code: 'NOT_FOUND' },
);
row(UndeclaredTemplateError, () => ({ code: 'NOT_FOUND', fdk: app('TEMPLATE_NOT_DECLARED') }));
row(ConflictError, () => ({ code: 'CONFLICT' }));
row(PreconditionFailedError, () => ({ code: 'CONFLICT' }));
row(UnavailableError, () => ({ code: 'SERVICE_UNAVAILABLE', fdk: platform('SERVICE_UNAVAILABLE') }));
row(RateLimitedError, () => ({ code: 'RATE_LIMITED', fdk: platform('RATE_LIMITED') }));
row(ReauthorizationRequiredError, () => ({
  code: 'REAUTHORIZATION_REQUIRED',
  fdk: app('REAUTHORIZATION_REQUIRED'),
}));
row(TemplateRequestError, (error) => ({ code: 'INVALID_REQUEST', fdk: app(TEMPLATE_CODES[error.problem]) }));
// FDK's status for a URL the platform does not allow.
row(DestinationRefusedError, () => ({ code: 'FORBIDDEN', fdk: app('URL_REFUSED') }));
row(UpstreamError, (error) => ({
  code: 'BAD_GATEWAY',
  fdk: platform(error.problem === 'unreachable' ? 'CONNECTION_FAILED' : 'RESPONSE_TOO_LARGE'),
}));
row(DeadlineExceededError, () => ({ code: 'GATEWAY_TIMEOUT', fdk: platform('TIMEOUT') }));
row(TokenRefreshFailedError, () => ({
  code: 'SERVICE_UNAVAILABLE',
  fdk: platform('TOKEN_REFRESH_FAILED'),
}));

/** The classes the table has a row for (its test checks that every named error is one). */
export const mappedClasses = (): ReadonlySet<Class<Error>> => new Set(rows.keys());

/** The row of the error's class or of the nearest class it extends; undefined for a non-named error. */
function rowOf(error: unknown): Row | undefined {
  if (!(error instanceof Error)) return undefined;
  for (let type = error.constructor; type !== Error && type !== Object; type = Object.getPrototypeOf(type)) {
    const map = rows.get(type as Class<Error>);
    if (map !== undefined) return map(error as never);
  }
  return undefined;
}

/** The API's error shape, with its HTTP status. */
export interface ApiError {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

const named = (error: unknown): unknown => (error instanceof FailedAfterAttempts ? error.failure : error);

/**
 * A failure in the API's shape: a named error's own message and details; anything else a 500
 * whose message is only the reference to find in the logs (`internal` says it was one).
 */
export function apiErrorOf(caught: unknown, requestId: string): ApiError & { readonly internal: boolean } {
  const error = named(caught);
  const found = rowOf(error);
  if (found === undefined || !(error instanceof Error)) {
    return {
      status: 500,
      code: 'INTERNAL',
      message: `Internal error; reference ${requestId}`,
      internal: true,
    };
  }
  const details = (error as NamedError).details;
  return {
    status: API_ERROR_STATUS[found.code],
    code: found.code,
    message: error.message,
    ...(details === undefined ? {} : { details }),
    internal: false,
  };
}

/** Handshake's refusal of an invoke in the FDK envelope; the HTTP status equals `status`. */
export interface FdkRefusal {
  readonly status: number;
  readonly headers: Record<string, never>;
  readonly response: string;
  readonly attempts: number;
  readonly errorSource: ErrorSource;
  readonly code: string;
}

/**
 * The envelope of an invoke's failure, or undefined when the API's error shape answers it
 * (authentication, an unknown installation, a body that is missing or not JSON, a bug).
 */
export function fdkRefusalOf(caught: unknown): FdkRefusal | undefined {
  const error = named(caught);
  const found = rowOf(error);
  if (found?.fdk === undefined || !(error instanceof Error)) return undefined;
  return {
    status: API_ERROR_STATUS[found.code],
    headers: {},
    response: error.message,
    attempts: caught instanceof FailedAfterAttempts ? caught.attempts : 0,
    errorSource: found.fdk.errorSource,
    code: found.fdk.code,
  };
}
