import type { ErrorSource } from './types.js';

/**
 * What `invokeTemplate` rejects with: FDK's rejection — `status`, `headers`, `response`,
 * `errorSource`, `attempts` as own fields — plus Handshake's `code` where Handshake refused
 * (`REAUTHORIZATION_REQUIRED`, `RATE_LIMITED`, …; undefined for an upstream's own error
 * status). An Error, so that it has a stack and `instanceof` works; its fields are what FDK code
 * reads.
 */
export class InvokeError extends Error {
  readonly status: number;
  readonly headers: { readonly [name: string]: string };
  readonly response: string;
  readonly errorSource: ErrorSource;
  readonly attempts: number;
  readonly code: string | undefined;
  readonly encoding?: 'base64';

  constructor(fields: {
    status: number;
    headers: { readonly [name: string]: string };
    response: string;
    errorSource: ErrorSource;
    attempts: number;
    code: string | undefined;
    encoding?: 'base64' | undefined;
  }) {
    super(
      fields.code === undefined
        ? `the upstream answered ${fields.status}`
        : `${fields.code}: ${fields.response}`,
    );
    this.name = 'InvokeError';
    this.status = fields.status;
    this.headers = fields.headers;
    this.response = fields.response;
    this.errorSource = fields.errorSource;
    this.attempts = fields.attempts;
    this.code = fields.code;
    if (fields.encoding !== undefined) this.encoding = fields.encoding;
  }
}

/** A refusal of Handshake's API (a wrong key, an unknown installation, a bad request). */
export class HandshakeApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HandshakeApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}
