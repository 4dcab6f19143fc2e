import type { HandshakeSettings } from '../../lib/app/model';
import { parseBody, parseTokens, providerError } from '../../lib/oauth/token-response';
import { DEFAULT_HANDSHAKE_SETTINGS } from '../../tools/app/load/handshake-settings';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const settings = (change: Partial<HandshakeSettings> = {}): HandshakeSettings => ({
  ...DEFAULT_HANDSHAKE_SETTINGS,
  ...change,
});

describe('parseTokens', () => {
  it('reads the RFC 6749 fields', () => {
    const tokens = parseTokens(
      { access_token: 'at', refresh_token: 'rt', expires_in: 3600, token_type: 'Bearer', scope: 'a b' },
      settings(),
      NOW,
    );
    expect(tokens).toEqual({
      accessToken: 'at',
      refreshToken: 'rt',
      expiresAt: NOW + 3_600_000,
      tokenType: 'Bearer',
      scope: 'a b',
      extra: {},
    });
  });

  it.each([
    ['a numeric string', '1800', NOW + 1_800_000],
    ['a number', 60, NOW + 60_000],
    ['missing', undefined, NOW + 1_800_000],
    ['zero', 0, NOW + 1_800_000],
    ['garbage', 'soon', NOW + 1_800_000],
  ])('takes expires_in as %s', (_what, expiresIn, expected) => {
    expect(parseTokens({ access_token: 'at', expires_in: expiresIn }, settings(), NOW)?.expiresAt).toBe(
      expected,
    );
  });

  const SECONDS = NOW / 1000;
  it.each([
    ['epoch seconds', SECONDS + 900, NOW + 900_000],
    ['epoch seconds as a string', String(SECONDS + 900), NOW + 900_000],
    ['epoch milliseconds', NOW + 900_000, NOW + 900_000],
    ['an ISO 8601 date', new Date(NOW + 900_000).toISOString(), NOW + 900_000],
    ['an ISO 8601 date with an offset', '2026-11-26T13:15:00+01:00', NOW + 900_000],
    ['in the past (ignored: the default lifetime)', SECONDS - 10, NOW + 1_800_000],
    ['not a date (ignored)', 'tomorrow', NOW + 1_800_000],
    ['a date without a time (ignored)', '2026-11-27', NOW + 1_800_000],
  ])('takes expires_at as %s when expires_in is absent', (_what, expiresAt, expected) => {
    expect(parseTokens({ access_token: 'at', expires_at: expiresAt }, settings(), NOW)?.expiresAt).toBe(
      expected,
    );
  });

  it('prefers expires_in to expires_at, and follows a configured expires_at path', () => {
    const both = { access_token: 'at', expires_in: 60, expires_at: NOW / 1000 + 900 };
    expect(parseTokens(both, settings(), NOW)?.expiresAt).toBe(NOW + 60_000);
    const nested = { access_token: 'at', token: { valid_until: new Date(NOW + 5000).toISOString() } };
    const paths = { ...DEFAULT_HANDSHAKE_SETTINGS.tokenResponse, expiresAt: 'token.valid_until' };
    expect(parseTokens(nested, settings({ tokenResponse: paths }), NOW)?.expiresAt).toBe(NOW + 5000);
  });

  it('keeps dotted keep_fields nested as the response had them, and reads a nested access token', () => {
    const slack = {
      ok: true,
      team: { id: 'T1', name: 'Acme' },
      incoming_webhook: { url: 'https://hooks.example.com/x', channel: '#general' },
      authed_user: { id: 'U1', access_token: 'xoxp-1' },
    };
    const tokens = parseTokens(
      slack,
      settings({
        tokenResponse: {
          ...DEFAULT_HANDSHAKE_SETTINGS.tokenResponse,
          accessToken: 'authed_user.access_token',
        },
        keepFields: ['team.id', 'incoming_webhook.url', 'team.missing', 'gone.x'],
      }),
      NOW,
    );
    expect(tokens?.accessToken).toBe('xoxp-1');
    expect(tokens?.extra).toEqual({
      team: { id: 'T1' },
      incoming_webhook: { url: 'https://hooks.example.com/x' },
    });
    expect(slack.team).toEqual({ id: 'T1', name: 'Acme' });
  });

  it('has no expiry when the provider gives none and the default lifetime is off', () => {
    const tokens = parseTokens({ access_token: 'at' }, settings({ defaultLifetimeSeconds: null }), NOW);
    expect(tokens?.expiresAt).toBeUndefined();
    expect(tokens?.refreshToken).toBeUndefined();
  });

  it('follows configured paths, units and kept fields', () => {
    const tokens = parseTokens(
      { data: { token: 'at', ttl: 2 }, instance_url: 'https://acme.my.example.com', id_token: 'x' },
      settings({
        tokenResponse: {
          ...DEFAULT_HANDSHAKE_SETTINGS.tokenResponse,
          accessToken: 'data.token',
          expiresIn: 'data.ttl',
        },
        expiresInUnit: 'minutes',
        keepFields: ['instance_url', 'absent'],
      }),
      NOW,
    );
    expect(tokens?.accessToken).toBe('at');
    expect(tokens?.expiresAt).toBe(NOW + 120_000);
    expect(tokens?.extra).toEqual({ instance_url: 'https://acme.my.example.com' });
  });

  it('joins a scope array with the separator and refuses a missing access token', () => {
    expect(
      parseTokens({ access_token: 'at', scope: ['a', 'b'] }, settings({ scopeSeparator: ',' }), NOW)?.scope,
    ).toBe('a,b');
    expect(parseTokens({ token: 'at' }, settings(), NOW)).toBeUndefined();
    expect(parseTokens({ access_token: '' }, settings(), NOW)).toBeUndefined();
    expect(parseTokens({ access_token: 42 }, settings(), NOW)).toBeUndefined();
  });

  it('never reads inherited properties as token fields', () => {
    expect(parseTokens(JSON.parse('{"__proto__": {"access_token": "x"}}'), settings(), NOW)).toBeUndefined();
  });
});

describe('parseBody and providerError', () => {
  it('reads JSON and form-encoded bodies', () => {
    expect(parseBody('{"access_token":"a"}', 'application/json')).toEqual({ access_token: 'a' });
    expect(parseBody('access_token=a&scope=repo', 'application/x-www-form-urlencoded')).toEqual({
      access_token: 'a',
      scope: 'repo',
    });
    expect(parseBody('access_token=a', 'text/plain')).toEqual({ access_token: 'a' });
    expect(parseBody('', 'application/json')).toBeUndefined();
    expect(parseBody('[1]', 'application/json')).toBeUndefined();
    expect(parseBody('{broken', 'application/json')).toBeUndefined();
  });

  it('cleans and bounds provider error text', () => {
    expect(providerError({ error: 'invalid_grant', error_description: 'expired\r\n<b>x</b>' })).toEqual({
      error: 'invalid_grant',
      description: 'expired <b>x</b>',
    });
    expect(providerError({ error: 'x'.repeat(500) })?.error).toHaveLength(100);
    expect(providerError({ message: 'no' })).toBeUndefined();
  });
});
