/**
 * verifyWebhook on signatures made here the way Handshake makes them (docs/webhooks.md): the
 * header forms it reads, a secret being changed (two signatures), the tolerance both ways, and
 * the refusals of what it must not take.
 */
import { createHmac } from 'node:crypto';
import { verifyWebhook } from '../../../packages/client/src/index';

const SECRET = 'whsec-test-0123456789abcdef0123456789abcdef';
const NOW = 1_780_000_000;
const body = '{"id":"evt_x","type":"webhook.test"}';
const sign = (secret: string, timestamp: number, raw = body) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
const headers = (signature: string, timestamp = NOW) => ({
  'handshake-timestamp': String(timestamp),
  'handshake-signature': signature,
});

describe('verifyWebhook', () => {
  it('takes Node’s headers, a Fetch Headers and any case of names, a string or the bytes', () => {
    const given = headers(sign(SECRET, NOW));
    expect(verifyWebhook(body, given, SECRET, { now: NOW })).toBe(true);
    expect(verifyWebhook(new TextEncoder().encode(body), new Headers(given), SECRET, { now: NOW })).toBe(
      true,
    );
    expect(
      verifyWebhook(
        body,
        { 'Handshake-Timestamp': String(NOW), 'Handshake-Signature': sign(SECRET, NOW) },
        SECRET,
        { now: NOW },
      ),
    ).toBe(true);
  });

  it('takes either signature while the secret changes, and refuses both wrong', () => {
    const both = `${sign('old-secret', NOW)} ${sign(SECRET, NOW)}`;
    expect(verifyWebhook(body, headers(both), SECRET, { now: NOW })).toBe(true);
    expect(verifyWebhook(body, headers(both), 'old-secret', { now: NOW })).toBe(true);
    expect(verifyWebhook(body, headers(both), 'third', { now: NOW })).toBe(false);
  });

  it('holds the timestamp to the tolerance both ways, and refuses a timestamp that is not one', () => {
    const signed = (timestamp: number) => headers(sign(SECRET, timestamp), timestamp);
    expect(verifyWebhook(body, signed(NOW - 300), SECRET, { now: NOW })).toBe(true);
    expect(verifyWebhook(body, signed(NOW - 301), SECRET, { now: NOW })).toBe(false);
    expect(verifyWebhook(body, signed(NOW + 301), SECRET, { now: NOW })).toBe(false);
    expect(verifyWebhook(body, signed(NOW - 3000), SECRET, { now: NOW, toleranceSeconds: 3600 })).toBe(true);
    expect(verifyWebhook(body, { ...signed(NOW), 'handshake-timestamp': '17e8' }, SECRET, { now: NOW })).toBe(
      false,
    );
  });

  it('refuses a signature of the timestamp without the dot, a truncated one, none at all', () => {
    const noDot = `v1=${createHmac('sha256', SECRET).update(`${NOW}${body}`).digest('hex')}`;
    expect(verifyWebhook(body, headers(noDot), SECRET, { now: NOW })).toBe(false);
    expect(verifyWebhook(body, headers(sign(SECRET, NOW).slice(0, -2)), SECRET, { now: NOW })).toBe(false);
    expect(verifyWebhook(body, { 'handshake-timestamp': String(NOW) }, SECRET, { now: NOW })).toBe(false);
  });

  it('throws on parsed JSON instead of the raw body, and on an empty secret', () => {
    expect(() => verifyWebhook(JSON.parse(body) as string, headers(sign(SECRET, NOW)), SECRET)).toThrow(
      /rawBody must be the body exactly as received/,
    );
    expect(() => verifyWebhook(body, headers(sign(SECRET, NOW)), '')).toThrow(/secret is empty/);
  });
});
