/**
 * `verifyWebhook(rawBody, headers, secret)`: whether a request really is a Handshake event
 * (docs/webhooks.md): `Handshake-Signature` is `v1=` + the hex HMAC-SHA256 of
 * `<Handshake-Timestamp>.<raw body>` under the deployment's webhook-signing secret — several,
 * space-separated, while the secret changes — and the timestamp is at most `toleranceSeconds`
 * away, so that a captured request cannot be replayed later. Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Node's `req.headers`, a Fetch `Headers`, or a plain object with any case of names. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | { readonly [name: string]: string | readonly string[] | undefined };

export interface VerifyOptions {
  readonly toleranceSeconds?: number;
  /** Seconds since the epoch; the clock, for tests. */
  readonly now?: number;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as { readonly [name: string]: string | readonly string[] | undefined };
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
}

export function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyOptions = {},
): boolean {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError(
      'verifyWebhook: rawBody must be the body exactly as received (a string or bytes), not parsed JSON',
    );
  }
  if (secret === '') throw new TypeError('verifyWebhook: the webhook-signing secret is empty');
  const timestamp = header(headers, 'handshake-timestamp') ?? '';
  const now = options.now ?? Date.now() / 1000;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > tolerance) return false;
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const digest = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  const expected = Buffer.from(`v1=${digest}`);
  return (header(headers, 'handshake-signature') ?? '').split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
