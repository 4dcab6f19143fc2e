// Verifies a Handshake webhook request: copy this function into the app's backend.
// `secret` is the deployment's webhook-signing secret; `rawBody` is the request body exactly as
// received (a string, before any JSON parsing); `headers` has lower-case names (Node's default).
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyHandshakeEvent(secret, headers, rawBody, nowSeconds = Date.now() / 1000) {
  const timestamp = headers['handshake-timestamp'];
  // Refuse old (replayed) requests: Handshake signs every attempt with a fresh timestamp.
  if (!/^\d+$/.test(timestamp ?? '') || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(
    `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`,
  );
  // Several space-separated signatures may come while the secret is being changed.
  return String(headers['handshake-signature'] ?? '')
    .split(' ')
    .some((candidate) => {
      const given = Buffer.from(candidate);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
