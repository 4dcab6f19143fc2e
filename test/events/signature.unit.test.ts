import { createHmac } from 'node:crypto';
import { verifyHandshakeEvent } from '../../examples/verify-webhook.mjs';
import { signature, signedHeaders } from '../../lib/events/signature';

const SECRET = 'whsec-test-0123456789abcdefghijklmnopqrstuvwxyz';
const NOW = Date.parse('2026-11-26T10:00:00.000Z');
const BODY = '{"id":"evt_abcdefghijklmnopqrstuvwxyz","type":"account.authorized"}';

describe('event signatures', () => {
  it('are HMAC-SHA256 over "<timestamp>.<body>", hex, as v1=', () => {
    const expected = createHmac('sha256', SECRET).update(`1795687200.${BODY}`).digest('hex');
    expect(signature(SECRET, 1795687200, BODY)).toBe(`v1=${expected}`);
  });

  it('come with the event id, type and a timestamp in seconds', () => {
    const headers = signedHeaders(
      SECRET,
      { id: 'evt_abcdefghijklmnopqrstuvwxyz', type: 'account.authorized' },
      BODY,
      NOW,
    );
    expect(headers).toEqual({
      'content-type': 'application/json',
      'handshake-event-id': 'evt_abcdefghijklmnopqrstuvwxyz',
      'handshake-event-type': 'account.authorized',
      'handshake-timestamp': String(NOW / 1000),
      'handshake-signature': signature(SECRET, NOW / 1000, BODY),
    });
  });

  const cases: Array<
    [string, (headers: Record<string, string>) => [Record<string, string>, string, string, number]]
  > = [
    ['the request as sent', (h) => [h, BODY, SECRET, NOW]],
    ['an altered body', (h) => [h, BODY.replace('authorized', 'recovered'), SECRET, NOW]],
    ['another secret', (h) => [h, BODY, `${SECRET}x`, NOW]],
    [
      'a timestamp changed after signing',
      (h) => [{ ...h, 'handshake-timestamp': String(NOW / 1000 + 1) }, BODY, SECRET, NOW + 1000],
    ],
    ['a replay six minutes later', (h) => [h, BODY, SECRET, NOW + 360_000]],
    ['no signature', (h) => [{ ...h, 'handshake-signature': '' }, BODY, SECRET, NOW]],
    [
      'a second signature that matches',
      (h) => [{ ...h, 'handshake-signature': `v1=00 ${h['handshake-signature']}` }, BODY, SECRET, NOW],
    ],
  ];
  const expected = [true, false, false, false, false, false, true];

  it.each(cases.map(([name, build], index) => [name, build, expected[index]] as const))(
    'the documented recipe checks %s',
    (_name, build, valid) => {
      const [headers, body, secret, now] = build(
        signedHeaders(SECRET, { id: 'evt_x', type: 't' }, BODY, NOW),
      );
      expect(verifyHandshakeEvent(secret, headers, body, now / 1000)).toBe(valid);
    },
  );
});
