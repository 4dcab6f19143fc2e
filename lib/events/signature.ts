import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How an event is signed (docs/webhooks.md has the receiver's side): HMAC-SHA256 with the
 * `webhook-signing` secret over `<timestamp>.<body>`, hex, sent as `Handshake-Signature: v1=<hex>`.
 * The timestamp is signed too, so a captured request cannot be replayed later with a new one.
 */
export const SIGNATURE_HEADER = 'handshake-signature';
export const TIMESTAMP_HEADER = 'handshake-timestamp';
export const EVENT_ID_HEADER = 'handshake-event-id';
export const EVENT_TYPE_HEADER = 'handshake-event-type';

/** How old a timestamp the receiver recipe accepts (seconds). */
export const TOLERANCE_SECONDS = 300;

export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one delivery attempt (a new timestamp on every attempt). */
export function signedHeaders(
  secret: string,
  event: { readonly id: string; readonly type: string },
  body: string,
  nowMs: number,
): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    [EVENT_ID_HEADER]: event.id,
    [EVENT_TYPE_HEADER]: event.type,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signature(secret, timestamp, body),
  };
}

/** The receiver's check, for tests and for a receiver written in TypeScript. */
export function verifySignature(
  secret: string,
  header: string | undefined,
  timestamp: string | undefined,
  body: string,
  nowMs: number,
): boolean {
  if (header === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signature(secret, Number(timestamp), body));
  // Several `v1=` values may be sent while a secret is being changed; any one may match.
  return header
    .split(/[\s,]+/)
    .map((candidate) => Buffer.from(candidate))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
}
