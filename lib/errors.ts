/**
 * The failures Handshake names: each class says what happened, never how a transport answers
 * it. Their messages are written for the caller and safe to show (no secret, no SDK text).
 * One table gives each its HTTP status, its public code and its FDK envelope
 * (lib/http/error-status.ts); anything that is not a NamedError is a bug: logged, never echoed.
 */

export interface NamedErrorOptions {
  /** Problems one by one (a request body's fields, an installation's iparams). */
  readonly details?: unknown;
  readonly cause?: unknown;
}

/** Each subclass names itself: bundles are minified, and logs and tests read `name`. */
export abstract class NamedError extends Error {
  readonly details: unknown;

  constructor(message: string, options: NamedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details;
  }
}

export const isNamedError = (error: unknown): error is NamedError => error instanceof NamedError;

/** The caller's input is not what the operation accepts; the message names each field. */
export class InvalidInputError extends NamedError {
  override readonly name: string = 'InvalidInputError';
}

/** What a NotFoundError says is missing. */
export type Missing = 'installation' | 'integration' | 'account' | 'template' | 'route' | 'event';

/** Something the caller named does not exist — wherever it was named (a path, a body field). */
export class NotFoundError extends NamedError {
  override readonly name: string = 'NotFoundError';

  constructor(
    readonly what: Missing,
    message: string,
    options: NamedErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** A template in config/requests.json that manifest.json does not declare: it cannot be invoked. */
export class UndeclaredTemplateError extends NotFoundError {
  override readonly name: string = 'UndeclaredTemplateError';

  constructor(message: string) {
    super('template', message);
  }
}

/** No credential, or one that is not valid: every such failure looks the same to the caller. */
export class UnauthenticatedError extends NamedError {
  override readonly name: string = 'UnauthenticatedError';
}

/** A valid credential used where it is not allowed. */
export class ForbiddenError extends NamedError {
  override readonly name: string = 'ForbiddenError';
}

/** A conditional write lost a race or met a record that is not in the expected state. */
export class ConflictError extends NamedError {
  override readonly name: string = 'ConflictError';
}

/**
 * The request is well-formed, but the deployment's or the account's state does not allow it
 * (yet): webhooks off, placeholder client credentials, no refresh token. The message says
 * what to do. Not a ConflictError, which is a lost race the code itself may retry.
 */
export class PreconditionFailedError extends NamedError {
  override readonly name: string = 'PreconditionFailedError';
}

/** Storage or a secret store did not answer, or the deployment is not set up: the caller may retry. */
export class UnavailableError extends NamedError {
  override readonly name: string = 'UnavailableError';
}

/** A body over its limit: the request's (HTTP) or the one an invoke would send upstream. */
export class PayloadTooLargeError extends NamedError {
  override readonly name: string = 'PayloadTooLargeError';

  constructor(
    readonly size: number,
    readonly limit: number,
    what = 'Request body',
  ) {
    super(`${what} is ${size} bytes; at most ${limit} bytes are allowed`);
  }
}

/** Over the installation's invokes per minute. */
export class RateLimitedError extends NamedError {
  override readonly name: string = 'RateLimitedError';

  constructor(
    readonly limitPerMinute: number,
    readonly retryAfterMs: number,
  ) {
    super(
      `At most ${limitPerMinute} invokes per minute per installation; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}

/** The account is not connected, or its grant is dead: a connect link fixes it. */
export class ReauthorizationRequiredError extends NamedError {
  override readonly name: string = 'ReauthorizationRequiredError';
}

/** How a request template, rendered for one call, fails to make a request that can be sent. */
export type TemplateProblem = 'context' | 'host' | 'path' | 'header' | 'substitution' | 'integration';

/** The template and the call's data do not make a sendable request (nothing was sent). */
export class TemplateRequestError extends NamedError {
  override readonly name: string = 'TemplateRequestError';

  constructor(
    readonly problem: TemplateProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The egress policy refused the destination. */
export class DestinationRefusedError extends NamedError {
  override readonly name: string = 'DestinationRefusedError';
}

/** The upstream could not be reached, or its answer is too large to return. */
export class UpstreamError extends NamedError {
  override readonly name: string = 'UpstreamError';

  constructor(
    readonly problem: 'unreachable' | 'response_too_large',
    message: string,
  ) {
    super(message);
  }
}

/** The operation's deadline passed before the upstream (or a token refresh) answered. */
export class DeadlineExceededError extends NamedError {
  override readonly name: string = 'DeadlineExceededError';
}

/** The access token expired and the provider could not refresh it; try again later. */
export class TokenRefreshFailedError extends NamedError {
  override readonly name: string = 'TokenRefreshFailedError';
}

/**
 * An invoke's failure once upstream requests were made: the FDK envelope reports how many. It
 * wraps the named error that says what happened, which keeps its status and code.
 */
export class FailedAfterAttempts extends Error {
  override readonly name: string = 'FailedAfterAttempts';

  constructor(
    readonly failure: NamedError,
    readonly attempts: number,
  ) {
    super(failure.message, { cause: failure });
  }
}
