/**
 * Handshake's own refusals of an invoke, in the FDK envelope: the HTTP status equals `status`,
 * `errorSource` says whose fault it is (APP: the template, the call or its data; PLATFORM:
 * Handshake or the network), `code` is machine-readable and the message goes in `response`.
 */
export type ErrorSource = 'APP' | 'PLATFORM';

export class InvokeError extends Error {
  constructor(
    readonly status: number,
    readonly errorSource: ErrorSource,
    readonly code: string,
    message: string,
    /** Upstream requests made before the refusal. */
    readonly attempts = 0,
  ) {
    super(message);
    this.name = 'InvokeError';
  }
}

export const appError = (status: number, code: string, message: string) =>
  new InvokeError(status, 'APP', code, message);

export const platformError = (status: number, code: string, message: string, attempts = 0) =>
  new InvokeError(status, 'PLATFORM', code, message, attempts);
