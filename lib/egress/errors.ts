export type EgressErrorKind = 'refused' | 'network' | 'timeout' | 'response_too_large';

/**
 * Why an outgoing request did not produce a response. The message names the destination as
 * `scheme://host:port` only: paths, query strings and header values may carry tokens.
 */
export class EgressError extends Error {
  readonly kind: EgressErrorKind;
  /** Short and machine-readable: `address`, `scheme`, `ECONNREFUSED`, `ENOTFOUND`, … */
  readonly reason: string;

  constructor(kind: EgressErrorKind, reason: string, message: string) {
    super(message);
    this.name = 'EgressError';
    this.kind = kind;
    this.reason = reason;
  }
}

/** A policy decision against a request: why, in a short code and in words. */
export interface Refusal {
  readonly reason: string;
  readonly message: string;
}

/** `destination` is undefined when the URL did not even parse. */
export const refused = (destination: string | undefined, refusal: Refusal): EgressError =>
  new EgressError(
    'refused',
    refusal.reason,
    `Egress ${destination === undefined ? '' : `to ${destination} `}refused: ${refusal.message}`,
  );

/** Only error codes such as `ECONNRESET` are repeated; free text from below might echo a URL. */
function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'UNKNOWN';
}

/**
 * Translate whatever node:http, node:net, node:tls or node:dns threw into an EgressError.
 * `expiredAfterMs` is set when our own deadline fired: whatever the abort surfaced as, it is
 * then a timeout. No socket timeout of Node's is set, so only that deadline makes a timeout
 * (an OS-level ETIMEDOUT stays a network error, which invoke retries).
 */
export function toEgressError(error: unknown, destination: string, expiredAfterMs?: number): EgressError {
  if (error instanceof EgressError) return error;
  const code = codeOf(error);
  if (expiredAfterMs !== undefined) {
    return new EgressError(
      'timeout',
      'timeout',
      `Egress to ${destination} timed out after ${expiredAfterMs} ms`,
    );
  }
  return new EgressError('network', code, `Egress to ${destination} failed: ${code}`);
}
