import {
  DEAD_GRANT_ERRORS,
  failingEpisode,
  isFreshEnough,
  isLeased,
  isRefreshable,
  judgeFailure,
  leaseUntil,
  nextAttemptAt,
  type RefreshFailure,
  refreshDueAt,
} from '../../lib/accounts/decisions';
import type { AccountRecord, FailingEpisode } from '../../lib/accounts/record';
import { at, authorizedAccount, deadAccount, ms, seal } from './fixtures';

const NOW = ms(0);

describe('refreshDueAt', () => {
  it.each<[string, number, number | undefined, boolean, number | undefined]>([
    ['the lead before expiry', 300, NOW + 3_600_000, true, NOW + 3_300_000],
    ['never in the first half of a short life', 600, NOW + 300_000, true, NOW + 150_000],
    ['rounded to the millisecond', 600, NOW + 1_001, true, NOW + 501],
    ['at once for a token already expired', 300, NOW - 60_000, true, NOW],
    ['out of the sweep without a refresh token', 300, NOW + 3_600_000, false, undefined],
    ['out of the sweep without an expiry', 300, undefined, true, undefined],
  ])('%s', (_, refreshLeadSeconds, expiresAt, hasRefreshToken, due) => {
    expect(refreshDueAt({ refreshLeadSeconds }, expiresAt, hasRefreshToken, NOW)).toBe(due);
  });
});

describe('nextAttemptAt', () => {
  it.each([
    [1, 0.5, 30_000],
    [2, 0.5, 60_000],
    [3, 0.5, 120_000],
    [7, 0.5, 1_800_000],
    [20, 0.5, 1_800_000],
    [1, 0, 24_000],
    [1, 1, 36_000],
    [0, 0.5, 30_000],
  ])(
    'failure %d with jitter %d: %d ms later (30 s doubling, 30 min cap, ±20 %)',
    (failures, jitter, later) => {
      expect(nextAttemptAt(NOW, failures, jitter)).toBe(NOW + later);
    },
  );
});

describe('isFreshEnough', () => {
  it.each([
    ['no expiry', undefined, true],
    ['more than 5 s left', NOW + 5_001, true],
    ['5 s left', NOW + 5_000, false],
    ['expired', NOW - 1, false],
  ])('%s: %s', (_, expiresAt, fresh) => {
    expect(isFreshEnough({ expiresAt }, NOW)).toBe(fresh);
  });
});

describe('the refresh lease', () => {
  it('outlives the token request by 30 s', () => {
    expect(leaseUntil(NOW, 15_000)).toBe(NOW + 45_000);
  });

  it.each<[string, AccountRecord, boolean]>([
    ['no lease', authorizedAccount(), false],
    ['a live lease', authorizedAccount({ lease: { owner: 'a', until: NOW + 1 } }), true],
    ['a lease ending now', authorizedAccount({ lease: { owner: 'a', until: NOW } }), true],
    ['a lease that ended', authorizedAccount({ lease: { owner: 'a', until: NOW - 1 } }), false],
    ['a dead grant', deadAccount(), false],
  ])('isLeased with %s: %s', (_, record, leased) => {
    expect(isLeased(record, NOW)).toBe(leased);
  });

  it.each<[string, AccountRecord, boolean]>([
    ['with a refresh token', authorizedAccount(), true],
    ['without one', authorizedAccount({ tokens: seal({ accessToken: 'at' }) }), false],
    ['a dead grant', deadAccount(), false],
  ])('isRefreshable %s: %s', (_, record, refreshable) => {
    expect(isRefreshable(record)).toBe(refreshable);
  });

  it.each<[string, AccountRecord, boolean]>([
    ['without a refresh token', authorizedAccount({ tokens: seal({ accessToken: 'at' }) }), true],
    ['a dead grant', deadAccount(), false],
  ])('isRefreshable of a grant that renews itself (client credentials) %s: %s', (_, record, refreshable) => {
    expect(isRefreshable(record, true)).toBe(refreshable);
  });
});

describe('judgeFailure: only invalid_grant kills a grant', () => {
  it.each<[RefreshFailure, string, string | undefined, boolean]>([
    [
      { kind: 'rejected', status: 400, error: 'invalid_grant', description: 'revoked' },
      'invalid_grant',
      'revoked',
      true,
    ],
    [
      { kind: 'rejected', status: 401, error: 'invalid_client', description: undefined },
      'invalid_client',
      undefined,
      false,
    ],
    [
      { kind: 'rejected', status: 400, error: 'invalid_scope', description: 'x' },
      'invalid_scope',
      'x',
      false,
    ],
    [{ kind: 'unavailable', reason: 'HTTP 503', status: 503 }, 'unavailable', 'HTTP 503', false],
    [{ kind: 'refused', reason: 'not allowed' }, 'refused', 'not allowed', false],
  ])('%o → %s', (failure, code, description, dead) => {
    expect(judgeFailure(failure, at(0))).toEqual({ error: { code, description, at: at(0) }, dead });
  });

  it('names the dead-grant errors in one set', () => {
    expect([...DEAD_GRANT_ERRORS]).toEqual(['invalid_grant']);
  });
});

describe('failingEpisode', () => {
  const error = { code: 'temporarily_unavailable', at: at(0) };
  const threshold = 15 * 60_000;

  it.each<[string, FailingEpisode | undefined, number, FailingEpisode]>([
    [
      'starts at the first failure',
      undefined,
      threshold,
      { failureCount: 1, lastError: error, since: at(0) },
    ],
    [
      'keeps its start below the threshold',
      { failureCount: 1, lastError: error, since: at(-14) },
      threshold,
      { failureCount: 2, lastError: error, since: at(-14) },
    ],
    [
      'is reported once it has lasted the threshold',
      { failureCount: 2, lastError: error, since: at(-15) },
      threshold,
      { failureCount: 3, lastError: error, since: at(-15), reportedAt: at(0) },
    ],
    [
      'keeps the first report time after it',
      { failureCount: 3, lastError: error, since: at(-45), reportedAt: at(-30) },
      threshold,
      { failureCount: 4, lastError: error, since: at(-45), reportedAt: at(-30) },
    ],
    [
      'with a zero threshold reports the first failure',
      undefined,
      0,
      { failureCount: 1, lastError: error, since: at(0), reportedAt: at(0) },
    ],
  ])('%s', (_, current, failingAfterMs, next) => {
    expect(failingEpisode(current, error, at(0), failingAfterMs)).toEqual(next);
  });
});
