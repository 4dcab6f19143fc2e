import type { App } from '../../lib/app/model';
import { readOverview } from '../../lib/overview/overview';
import type { CounterSnapshot } from '../../lib/store/counter-ports';

const app = {
  integrations: new Map([
    ['crm', {}],
    ['mail', {}],
  ]),
} as unknown as App;

function snapshot(overrides: Partial<CounterSnapshot> = {}): CounterSnapshot {
  return {
    installations: 3,
    accounts: new Map(),
    refreshes: { hour: new Map(), day: new Map() },
    deliveries: { hour: new Map(), day: new Map() },
    ...overrides,
  };
}

const at = (iso: string) => () => new Date(iso);

describe('readOverview', () => {
  it('places counts in the bucket of their hour and day, oldest first, and sums the windows', async () => {
    // Prepare
    const counters = {
      read: async () =>
        snapshot({
          refreshes: {
            hour: new Map([
              ['2026-12-03T09', { refreshed: 5, failed: 1 }],
              ['2026-12-02T10', { refreshed: 2 }], // the oldest of the 24
              ['2026-12-02T09', { refreshed: 100 }], // 25 hours ago: outside
            ]),
            day: new Map([
              ['2026-12-03', { refreshed: 5, grant_died: 2 }],
              ['2026-11-04', { failed: 4 }], // the oldest of the 30
              ['2026-11-03', { failed: 50 }],
            ]),
          },
        }),
    };
    // Act
    const view = await readOverview({ app, counters, now: at('2026-12-03T09:30:00Z') });
    // Assess
    expect(view.refreshes.hourly[0]).toEqual({
      start: '2026-12-02T10:00:00.000Z',
      refreshed: 2,
      failed: 0,
      grant_died: 0,
    });
    expect(view.refreshes.hourly[23]).toMatchObject({ start: '2026-12-03T09:00:00.000Z', refreshed: 5 });
    expect(view.refreshes.last24h).toEqual({ refreshed: 7, failed: 1, grant_died: 0 });
    expect(view.refreshes.daily[0]).toMatchObject({ start: '2026-11-04T00:00:00.000Z', failed: 4 });
    expect(view.refreshes.last30d).toEqual({ refreshed: 5, failed: 4, grant_died: 2 });
    expect(view.deliveries.last24h).toEqual({ delivered: 0, retried: 0, dead: 0 });
  });

  it('gives every integration of the app a row, drops others, and reads a drifted count below zero as 0', async () => {
    // Prepare
    const counters = {
      read: async () =>
        snapshot({
          installations: -1,
          accounts: new Map([
            ['crm', { authorized: 4, failing: -1, reauthorization_required: 2 }],
            ['gone', { authorized: 9 }],
          ]),
        }),
    };
    // Act
    const view = await readOverview({ app, counters, now: at('2026-12-03T00:00:00Z') });
    // Assess
    expect(view.installations.total).toBe(0);
    expect(view.accounts.byIntegration).toEqual({
      crm: { authorized: 4, failing: 0, reauthorization_required: 2 },
      mail: { authorized: 0, failing: 0, reauthorization_required: 0 },
    });
    expect(view.accounts.byStatus).toEqual({ authorized: 4, failing: 0, reauthorization_required: 2 });
  });
});
