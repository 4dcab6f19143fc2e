import { accountEvents, EVENTS_OFF, type EventPolicy, failingEpisode } from '../../lib/events/account-events';
import type { AccountRecord, Sealed } from '../../lib/store/ports';

const ON: EventPolicy = { enabled: true, failingAfterMs: 15 * 60_000 };
const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function record(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    installationId: 'in_abcdefghijklmnopqrst',
    integration: 'crm',
    account: 'sales',
    status: 'authorized',
    accessToken: 'v1.k1.sealed-access' as Sealed,
    refreshToken: 'v1.k1.sealed-refresh' as Sealed,
    authorizedAt: at(-60),
    version: 3,
    updatedAt: at(0),
    ...overrides,
  };
}

const types = (before: AccountRecord | undefined, after: AccountRecord, policy = ON) =>
  accountEvents(policy, before, after).map((event) => event.type);

describe('failingEpisode', () => {
  it('starts at the first failure and is reported once it has lasted the threshold', () => {
    const first = failingEpisode(record(), at(0), ON.failingAfterMs);
    expect(first).toEqual({ failingSince: at(0), failingReportedAt: undefined });
    const early = failingEpisode(record(first), at(14), ON.failingAfterMs);
    expect(early).toEqual({ failingSince: at(0), failingReportedAt: undefined });
    const due = failingEpisode(record(early), at(15), ON.failingAfterMs);
    expect(due).toEqual({ failingSince: at(0), failingReportedAt: at(15) });
    // Reported once: a later failure keeps the first report's time.
    expect(failingEpisode(record(due), at(45), ON.failingAfterMs)).toEqual(due);
  });

  it('with a zero threshold reports the first failure', () => {
    expect(failingEpisode(record(), at(0), 0)).toEqual({ failingSince: at(0), failingReportedAt: at(0) });
  });
});

describe('accountEvents', () => {
  it('records nothing when webhooks are off', () => {
    expect(types(undefined, record({ authorizedAt: at(0) }), EVENTS_OFF)).toEqual([]);
    expect(types(record(), record({ status: 'reauthorization_required' }), EVENTS_OFF)).toEqual([]);
  });

  it('a first handshake is account.authorized; a second one says it is a reauthorization', () => {
    const first = accountEvents(ON, undefined, record({ authorizedAt: at(0) }));
    expect(first).toEqual([
      expect.objectContaining({
        type: 'account.authorized',
        installation: 'in_abcdefghijklmnopqrst',
        integration: 'crm',
        account: 'sales',
        status: 'authorized',
        time: at(0),
        data: { reauthorization: false },
      }),
    ]);
    const again = accountEvents(ON, record(), record({ authorizedAt: at(0), scope: 'read' }));
    expect(again.map((event) => event.data)).toEqual([{ reauthorization: true, scope: 'read' }]);
  });

  it('a refresh that only renews tokens says nothing', () => {
    expect(types(record(), record({ lastRefreshedAt: at(0), version: 4 }))).toEqual([]);
  });

  it('a failing episode: nothing below the threshold, refresh_failing when it is crossed, nothing after', () => {
    const failing = record({ failingSince: at(0), failureCount: 1 });
    expect(types(record(), failing)).toEqual([]);
    const reported = record({
      failingSince: at(0),
      failingReportedAt: at(16),
      failureCount: 5,
      lastError: { code: 'temporarily_unavailable', description: 'try later', at: at(16) },
    });
    const [event] = accountEvents(ON, failing, reported);
    expect(event).toMatchObject({
      type: 'account.refresh_failing',
      status: 'failing',
      data: {
        failingSince: at(0),
        failureCount: 5,
        error: { code: 'temporarily_unavailable', description: 'try later' },
      },
    });
    expect(types(reported, record({ ...reported, failureCount: 6 }))).toEqual([]);
  });

  it('recovered follows only a reported episode or a dead grant', () => {
    const reported = record({ failingSince: at(0), failingReportedAt: at(16) });
    expect(
      accountEvents(ON, reported, record({ lastRefreshedAt: at(20) })).map((e) => [e.type, e.data]),
    ).toEqual([['account.recovered', { previousStatus: 'failing' }]]);
    // An episode shorter than the threshold was never reported, so its end is not either.
    expect(types(record({ failingSince: at(0) }), record({ lastRefreshedAt: at(5) }))).toEqual([]);
    const dead = record({
      status: 'reauthorization_required',
      accessToken: undefined,
      refreshToken: undefined,
    });
    expect(types(dead, record({ authorizedAt: at(30) }))).toEqual([
      'account.authorized',
      'account.recovered',
    ]);
  });

  it('a dead grant is reauthorization_required once, with the provider error code', () => {
    const dead = record({
      status: 'reauthorization_required',
      lastError: { code: 'invalid_grant', at: at(0) },
    });
    const [event, ...rest] = accountEvents(ON, record(), dead);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'account.reauthorization_required',
      status: 'reauthorization_required',
      data: { error: { code: 'invalid_grant' } },
    });
    expect(types(dead, { ...dead, version: 5 })).toEqual([]);
  });

  it('never puts a sealed token in an event', () => {
    const events = accountEvents(ON, undefined, record({ authorizedAt: at(0) }));
    expect(JSON.stringify(events)).not.toMatch(/sealed-access|sealed-refresh/);
  });
});
