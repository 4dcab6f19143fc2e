import { type AccountEvent, accountEvents, EVENTS_OFF } from '../../lib/accounts/events';
import type { AccountRecord, FailingEpisode } from '../../lib/accounts/record';
import { at, authorizedAccount, deadAccount, KEY, ON } from './fixtures';

const subject = { installation: KEY.installationId, integration: KEY.integration, account: KEY.account };
const event = (
  type: AccountEvent['type'],
  status: AccountEvent['status'],
  data: AccountEvent['data'],
): AccountEvent => ({ type, time: at(0), ...subject, status, data });

const failing = (episode: Partial<FailingEpisode> = {}): FailingEpisode => ({
  failureCount: 5,
  lastError: { code: 'temporarily_unavailable', description: 'try later', at: at(0) },
  since: at(-16),
  ...episode,
});
/** A record as written now (its updatedAt is the event time). */
const healthy = authorizedAccount({ updatedAt: at(0) });
const reauthorized = authorizedAccount({ authorizedAt: at(0), updatedAt: at(0) });

describe('accountEvents: what a change of the record means', () => {
  it.each<[string, AccountRecord | undefined, AccountRecord, AccountEvent[]]>([
    [
      'a first handshake',
      undefined,
      reauthorized,
      [event('account.authorized', 'authorized', { reauthorization: false, scope: 'read' })],
    ],
    [
      'a second handshake, without a scope',
      authorizedAccount(),
      authorizedAccount({ authorizedAt: at(0), updatedAt: at(0), scope: undefined }),
      [event('account.authorized', 'authorized', { reauthorization: true })],
    ],
    [
      'a refresh that only renews tokens',
      authorizedAccount(),
      authorizedAccount({ lastRefreshedAt: at(0), version: 4 }),
      [],
    ],
    ['a failure below the threshold', authorizedAccount(), authorizedAccount({ failing: failing() }), []],
    [
      'the failure that crosses the threshold',
      authorizedAccount({ failing: failing({ failureCount: 4 }) }),
      authorizedAccount({ updatedAt: at(0), failing: failing({ reportedAt: at(0) }) }),
      [
        event('account.refresh_failing', 'failing', {
          failingSince: at(-16),
          failureCount: 5,
          error: { code: 'temporarily_unavailable', description: 'try later', at: at(0) },
        }),
      ],
    ],
    [
      'a failure after the report',
      authorizedAccount({ failing: failing({ reportedAt: at(-1) }) }),
      authorizedAccount({ failing: failing({ failureCount: 6, reportedAt: at(-1) }) }),
      [],
    ],
    [
      'the end of a reported episode',
      authorizedAccount({ failing: failing({ reportedAt: at(-1) }) }),
      healthy,
      [event('account.recovered', 'authorized', { previousStatus: 'failing' })],
    ],
    ['the end of an unreported episode', authorizedAccount({ failing: failing() }), healthy, []],
    [
      'a dead grant',
      authorizedAccount(),
      deadAccount({ updatedAt: at(0), lastError: { code: 'invalid_grant', at: at(0) } }),
      [
        event('account.reauthorization_required', 'reauthorization_required', {
          error: { code: 'invalid_grant', at: at(0) },
        }),
      ],
    ],
    ['a dead grant written again', deadAccount(), deadAccount({ version: 10 }), []],
    [
      'reauthorizing a dead grant',
      deadAccount(),
      reauthorized,
      [
        event('account.authorized', 'authorized', { reauthorization: true, scope: 'read' }),
        event('account.recovered', 'authorized', { previousStatus: 'reauthorization_required' }),
      ],
    ],
  ])('%s', (_, before, after, events) => {
    expect(accountEvents(ON, before, after)).toEqual(events);
  });

  it('records nothing when webhooks are off', () => {
    expect(accountEvents(EVENTS_OFF, undefined, reauthorized)).toEqual([]);
    expect(accountEvents(EVENTS_OFF, authorizedAccount(), deadAccount())).toEqual([]);
  });

  it('never puts a sealed token in an event', () => {
    const events = accountEvents(ON, deadAccount(), reauthorized);
    expect(events).toHaveLength(2);
    expect(JSON.stringify(events)).not.toContain('sealed(');
  });
});
