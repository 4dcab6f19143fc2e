import { createHmac } from 'node:crypto';

/**
 * How an event is signed (docs/webhooks.md has the receiver's side): HMAC-SHA256 with the
 * `webhook-signing` secret over `<timestamp>.<body>`, hex, sent as `Handshake-Signature: v1=<hex>`.
 * The timestamp is signed too, so a captured request cannot be replayed later with a new one;
 * examples/verify-webhook.mjs is the receiver's check (and the tests use it).
 */
export const SIGNATURE_HEADER = 'handshake-signature';
export const TIMESTAMP_HEADER = 'handshake-timestamp';
export const EVENT_ID_HEADER = 'handshake-event-id';
export const EVENT_TYPE_HEADER = 'handshake-event-type';

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
