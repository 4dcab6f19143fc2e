/**
 * Every failure Handshake reports to a caller is a HandshakeError: a closed set of codes, one
 * table from code to HTTP status, and a message written for the caller. Anything else that
 * reaches the HTTP layer is an internal error: logged, never echoed.
 */
export const ERROR_STATUS = {
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

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface HandshakeErrorOptions {
  details?: unknown;
  cause?: unknown;
}

export class HandshakeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: HandshakeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HandshakeError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
  }
}

/** A conditional write lost a race or met a record that is not in the expected state. */
export class ConflictError extends HandshakeError {
  constructor(message: string, options: HandshakeErrorOptions = {}) {
    super('CONFLICT', message, options);
    this.name = 'ConflictError';
  }
}

/** Storage or a secret store did not answer: the caller may retry. */
export class UnavailableError extends HandshakeError {
  constructor(message: string, options: HandshakeErrorOptions = {}) {
    super('SERVICE_UNAVAILABLE', message, options);
    this.name = 'UnavailableError';
  }
}

/**
 * The request breaks the input rules every route shares (lib/http/input-rules.ts): ill-formed
 * Unicode, JSON nested too deep, a body that is not UTF-8. A class of its own so that invoke can
 * answer it in the FDK envelope like its other refusals of the caller's input.
 */
export class InvalidInputError extends HandshakeError {
  constructor(message: string, options: HandshakeErrorOptions = {}) {
    super('INVALID_REQUEST', message, options);
    this.name = 'InvalidInputError';
  }
}

export const isHandshakeError = (error: unknown): error is HandshakeError => error instanceof HandshakeError;
