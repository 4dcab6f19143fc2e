import type { AccountEvent } from '../../lib/accounts/events';
import type { AccountRecord, AuthorizedAccount, FailingEpisode, TokenSet } from '../../lib/accounts/record';
import {
  afterRefresh,
  authorized,
  disconnected,
  failedTransiently,
  type GrantInput,
  grantDied,
  reconnected,
  refreshed,
} from '../../lib/accounts/transitions';
import type { ParsedTokens } from '../../lib/oauth/token-response';
import { at, authorizedAccount, deadAccount, KEY, ms, OFF, ON, seal } from './fixtures';

const NOW = ms(0);
const on = { now: NOW, events: ON };
const settings = { refreshLeadSeconds: 300 };

const subject = { installation: KEY.installationId, integration: KEY.integration, account: KEY.account };
const event = (
  type: AccountEvent['type'],
  status: AccountEvent['status'],
  data: AccountEvent['data'],
): AccountEvent => ({ type, time: at(0), ...subject, status, data });

const REPORTED: FailingEpisode = {
  failureCount: 6,
  lastError: { code: 'server_error', at: at(-1) },
  since: at(-20),
  reportedAt: at(-5),
};
const UNREPORTED: FailingEpisode = {
  failureCount: 2,
  lastError: { code: 'server_error', at: at(-1) },
  since: at(-3),
};
const LEASE = { owner: 'container#1', until: ms(1) };

describe('a completed handshake', () => {
  const fresh: ParsedTokens = {
    accessToken: 'at-new',
    refreshToken: 'rt-new',
    expiresAt: ms(60),
    tokenType: 'Bearer',
    scope: 'read write',
    extra: {},
  };
  const input: GrantInput = { tokens: fresh, oauthIparams: { org: 'acme' }, settings, seal };
  const record = (version: number): AuthorizedAccount => ({
    ...KEY,
    status: 'authorized',
    tokens: seal({ accessToken: 'at-new', refreshToken: 'rt-new', oauthIparams: { org: 'acme' } }),
    tokenType: 'Bearer',
    scope: 'read write',
    expiresAt: ms(60),
    refreshDueAt: ms(55),
    authorizedAt: at(0),
    version,
    updatedAt: at(0),
  });
  const authorizedEvent = (reauthorization: boolean) =>
    event('account.authorized', 'authorized', { reauthorization, scope: 'read write' });

  it('authorized: the first token set, version 1, account.authorized', () => {
    expect(authorized(KEY, input, on)).toEqual({ record: record(1), events: [authorizedEvent(false)] });
  });

  it.each<[string, AccountRecord, AccountEvent[]]>([
    ['a healthy account', authorizedAccount(), [authorizedEvent(true)]],
    ['one in a refresh lease', authorizedAccount({ lease: LEASE }), [authorizedEvent(true)]],
    ['one failing, not yet reported', authorizedAccount({ failing: UNREPORTED }), [authorizedEvent(true)]],
    [
      'one whose failing was reported',
      authorizedAccount({ failing: REPORTED }),
      [authorizedEvent(true), event('account.recovered', 'authorized', { previousStatus: 'failing' })],
    ],
    [
      'a dead grant',
      deadAccount(),
      [
        authorizedEvent(true),
        event('account.recovered', 'authorized', { previousStatus: 'reauthorization_required' }),
      ],
    ],
  ])('reconnected over %s: everything of the old grant replaced', (_, current, events) => {
    expect(reconnected(current, input, on)).toEqual({ record: record(current.version + 1), events });
  });

  it.each<[string, Partial<ParsedTokens>, Partial<AuthorizedAccount>]>([
    [
      'no refresh token: not in the sweep',
      { refreshToken: undefined },
      { tokens: seal({ accessToken: 'at-new', oauthIparams: { org: 'acme' } }), refreshDueAt: undefined },
    ],
    [
      'no expiry: not in the sweep',
      { expiresAt: undefined },
      { expiresAt: undefined, refreshDueAt: undefined },
    ],
    [
      'kept fields: sealed with the tokens',
      { extra: { instance_url: 'https://acme.example' } },
      {
        tokens: seal({
          accessToken: 'at-new',
          refreshToken: 'rt-new',
          oauthIparams: { org: 'acme' },
          extra: { instance_url: 'https://acme.example' },
        }),
      },
    ],
  ])('authorized with %s', (_, tokens, expected) => {
    const { record: next } = authorized(KEY, { ...input, tokens: { ...fresh, ...tokens } }, on);
    expect(next).toEqual({ ...record(1), ...expected });
  });

  it('an imported grant: the same record, its account.authorized marked imported', () => {
    const imported = { ...input, imported: true };
    expect(authorized(KEY, imported, on)).toEqual({
      record: record(1),
      events: [
        event('account.authorized', 'authorized', {
          reauthorization: false,
          scope: 'read write',
          imported: true,
        }),
      ],
    });
    expect(reconnected(deadAccount(), imported, on).events).toEqual([
      event('account.authorized', 'authorized', {
        reauthorization: true,
        scope: 'read write',
        imported: true,
      }),
      event('account.recovered', 'authorized', { previousStatus: 'reauthorization_required' }),
    ]);
  });

  it('a client-credentials token (no refresh token) is due for renewal all the same', () => {
    const client = { ...input, tokens: { ...fresh, refreshToken: undefined }, renewsItself: true };
    expect(authorized(KEY, client, on).record.refreshDueAt).toBe(ms(55));
    const plain = { ...client, renewsItself: false };
    expect(authorized(KEY, plain, on).record.refreshDueAt).toBeUndefined();
  });

  it('records no event when webhooks are off', () => {
    expect(authorized(KEY, input, { now: NOW, events: OFF }).events).toEqual([]);
    expect(reconnected(deadAccount(), input, { now: NOW, events: OFF }).events).toEqual([]);
  });
});

describe('refreshed', () => {
  const previous: TokenSet = {
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    oauthIparams: { org: 'acme' },
    extra: { instance_url: 'https://a.example' },
  };
  const fresh: ParsedTokens = {
    accessToken: 'at-2',
    refreshToken: 'rt-2',
    expiresAt: ms(60),
    tokenType: undefined,
    scope: undefined,
    extra: {},
  };
  const current = authorizedAccount({ lease: LEASE, lastRefreshedAt: at(-30) });
  const expected: AuthorizedAccount = {
    ...KEY,
    status: 'authorized',
    tokens: seal({ ...previous, accessToken: 'at-2', refreshToken: 'rt-2' }),
    tokenType: 'Bearer',
    scope: 'read',
    expiresAt: ms(60),
    refreshDueAt: ms(55),
    authorizedAt: at(-60),
    lastRefreshedAt: at(0),
    version: 4,
    updatedAt: at(0),
  };

  it.each<
    [string, Partial<AuthorizedAccount>, Partial<ParsedTokens>, Partial<AuthorizedAccount>, AccountEvent[]]
  >([
    ['with a rotated refresh token: lease released', {}, {}, {}, []],
    [
      'by a provider that does not rotate: the stored refresh token stays',
      {},
      { refreshToken: undefined },
      { tokens: seal({ ...previous, accessToken: 'at-2' }) },
      [],
    ],
    [
      'with new kept fields: merged over the old ones',
      {},
      { extra: { instance_url: 'https://b.example', region: 'eu' } },
      {
        tokens: seal({
          ...previous,
          accessToken: 'at-2',
          refreshToken: 'rt-2',
          extra: { instance_url: 'https://b.example', region: 'eu' },
        }),
      },
      [],
    ],
    [
      'with a new scope and token type',
      {},
      { scope: 'read write', tokenType: 'MAC' },
      { scope: 'read write', tokenType: 'MAC' },
      [],
    ],
    [
      'without an expiry: out of the sweep',
      {},
      { expiresAt: undefined },
      { expiresAt: undefined, refreshDueAt: undefined },
      [],
    ],
    ['ending an unreported failing episode: silently', { failing: UNREPORTED }, {}, {}, []],
    [
      'ending a reported failing episode: account.recovered',
      { failing: REPORTED },
      {},
      {},
      [event('account.recovered', 'authorized', { previousStatus: 'failing' })],
    ],
  ])('%s', (_, before, tokens, changes, events) => {
    const next = refreshed(
      { ...current, ...before },
      { tokens: { ...fresh, ...tokens }, previous, settings, seal },
      on,
    );
    expect(next).toEqual({ record: { ...expected, ...changes }, events });
  });
});

describe('failedTransiently', () => {
  const error = { code: 'server_error', at: at(0) };
  const current = authorizedAccount({ lease: LEASE, lastRefreshedAt: at(-30) });
  const kept = {
    ...KEY,
    status: 'authorized',
    tokens: current.tokens,
    tokenType: 'Bearer',
    scope: 'read',
    expiresAt: ms(60),
    authorizedAt: at(-60),
    lastRefreshedAt: at(-30),
    version: 4,
    updatedAt: at(0),
  } as const;

  it.each<[string, FailingEpisode | undefined, FailingEpisode, number, AccountEvent[]]>([
    [
      'the first failure starts an episode',
      undefined,
      { failureCount: 1, lastError: error, since: at(0) },
      30_000,
      [],
    ],
    [
      'a later one, below the threshold, keeps its start',
      UNREPORTED,
      { failureCount: 3, lastError: error, since: at(-3) },
      120_000,
      [],
    ],
    [
      'the one that crosses the threshold reports it',
      { failureCount: 4, lastError: { code: 'x', at: at(-2) }, since: at(-15) },
      { failureCount: 5, lastError: error, since: at(-15), reportedAt: at(0) },
      480_000,
      [
        event('account.refresh_failing', 'failing', {
          failingSince: at(-15),
          failureCount: 5,
          error: { code: 'server_error', at: at(0) },
        }),
      ],
    ],
    [
      'once reported, never again; the backoff stops at 30 min',
      REPORTED,
      { failureCount: 7, lastError: error, since: at(-20), reportedAt: at(-5) },
      1_800_000,
      [],
    ],
  ])('%s', (_, failing, episode, retryIn, events) => {
    const next = failedTransiently({ ...current, failing }, { error, jitter: 0.5 }, on);
    expect(next).toEqual({ record: { ...kept, refreshDueAt: NOW + retryIn, failing: episode }, events });
  });

  it.each([
    [0, 24_000],
    [0.999, 35_988],
  ])('spreads the retry with jitter %d', (jitter, retryIn) => {
    expect(failedTransiently(current, { error, jitter }, on).record.refreshDueAt).toBe(NOW + retryIn);
  });
});

describe('grantDied', () => {
  const error = { code: 'invalid_grant', description: 'revoked', at: at(0) };
  const dead = {
    ...KEY,
    status: 'reauthorization_required',
    lastError: error,
    scope: 'read',
    expiresAt: ms(60),
    authorizedAt: at(-60),
    lastRefreshedAt: at(-30),
    version: 4,
    updatedAt: at(0),
  } as const;
  const told = event('account.reauthorization_required', 'reauthorization_required', {
    error: { code: 'invalid_grant', description: 'revoked', at: at(0) },
  });

  it.each<[string, Partial<AuthorizedAccount>]>([
    ['a healthy account', {}],
    ['one in its lease', { lease: LEASE }],
    ['one whose failing was reported', { failing: REPORTED }],
  ])('%s: no token, no lease, no episode kept; account.reauthorization_required once', (_, before) => {
    const current = authorizedAccount({ lastRefreshedAt: at(-30), ...before });
    expect(grantDied(current, { error }, on)).toEqual({ record: dead, events: [told] });
  });

  it('records no event when webhooks are off', () => {
    expect(grantDied(authorizedAccount(), { error }, { now: NOW, events: OFF }).events).toEqual([]);
  });
});

describe('disconnected', () => {
  it.each<[string, AccountRecord, string]>([
    ['a healthy account', authorizedAccount(), 'authorized'],
    ['one in its lease', authorizedAccount({ lease: LEASE }), 'authorized'],
    ['one failing, not yet reported', authorizedAccount({ failing: UNREPORTED }), 'authorized'],
    ['one whose failing was reported', authorizedAccount({ failing: REPORTED }), 'failing'],
    ['a dead one', deadAccount(), 'reauthorization_required'],
  ])('%s: no record remains; account.disconnected says what it was', (_, current, previousStatus) => {
    expect(disconnected(current, on)).toEqual({
      record: undefined,
      events: [event('account.disconnected', 'disconnected', { previousStatus })],
    });
  });

  it('records no event when webhooks are off', () => {
    expect(disconnected(authorizedAccount(), { now: NOW, events: OFF })).toEqual({
      record: undefined,
      events: [],
    });
  });
});

describe('afterRefresh: the token endpoint answer decides the transition', () => {
  const current = authorizedAccount({ lease: LEASE });
  const previous: TokenSet = { accessToken: 'at-1', refreshToken: 'rt-1', oauthIparams: { org: 'acme' } };
  const input = { previous, settings, seal, jitter: 0.5 };
  const tokens: ParsedTokens = {
    accessToken: 'at-2',
    refreshToken: undefined,
    expiresAt: ms(60),
    tokenType: undefined,
    scope: undefined,
    extra: {},
  };

  it.each([
    [
      'invalid_grant: dead',
      { kind: 'rejected', status: 400, error: 'invalid_grant', description: 'gone' },
      'dead',
      { code: 'invalid_grant', description: 'gone', at: at(0) },
    ],
    [
      'invalid_client: retried',
      { kind: 'rejected', status: 401, error: 'invalid_client', description: undefined },
      'failed',
      { code: 'invalid_client', description: undefined, at: at(0) },
    ],
    [
      'unavailable: retried',
      { kind: 'unavailable', reason: 'HTTP 503' },
      'failed',
      { code: 'unavailable', description: 'HTTP 503', at: at(0) },
    ],
    [
      'refused here: retried',
      { kind: 'refused', reason: 'host not allowed' },
      'failed',
      { code: 'refused', description: 'host not allowed', at: at(0) },
    ],
  ] as const)('%s', (_, answer, kind, error) => {
    const next = afterRefresh(current, answer, input, on);
    const direct =
      kind === 'dead'
        ? grantDied(current, { error }, on)
        : failedTransiently(current, { error, jitter: 0.5 }, on);
    expect(next).toEqual({ kind, error, ...direct });
  });

  it('new tokens: refreshed', () => {
    expect(afterRefresh(current, { kind: 'tokens', tokens }, input, on)).toEqual({
      kind: 'refreshed',
      ...refreshed(current, { tokens, previous, settings, seal }, on),
    });
  });
});
