/** Hand-built answers of the API, typed by the API's own view types. */
import type { EventView } from '../../../lib/events/list';
import type { InstallationView } from '../../../lib/installations/view';
import type { OutcomeBucket, OverviewView } from '../../../lib/overview/view';

export const INSTALLATION: InstallationView = {
  id: 'in_abcdefghijklmnopqrst',
  createdAt: '2026-12-01T09:30:00.123Z',
  iparams: { subdomain: 'acme' },
  secureIparams: ['api_key'],
  current_host: { endpoint_urls: { freshdesk: 'https://acme.freshdesk.com' } },
  app_settings: [],
  integrations: [
    {
      name: 'beta',
      displayName: 'Beta',
      tokenType: 'account',
      accounts: [
        {
          account: 'default',
          status: 'authorized',
          expiresAt: '2026-12-03T10:00:00.000Z',
          lastRefreshedAt: '2026-12-03T09:00:00.000Z',
          authorizedAt: '2026-12-01T09:31:00.000Z',
          scope: 'read',
        },
      ],
    },
    {
      name: 'crew',
      displayName: 'Crew',
      tokenType: 'agent',
      accounts: [
        {
          account: 'agent-1',
          status: 'authorized',
          expiresAt: '2026-12-03T08:00:00.000Z',
          lastRefreshedAt: null,
          authorizedAt: '2026-12-01T09:32:00.000Z',
          scope: null,
          error: {
            code: 'temporarily_unavailable',
            description: 'try later',
            at: '2026-12-03T08:01:00.000Z',
          },
          failingSince: '2026-12-03T07:00:00.000Z',
        },
        {
          account: 'agent-2',
          status: 'reauthorization_required',
          expiresAt: null,
          lastRefreshedAt: null,
          authorizedAt: null,
          scope: null,
          error: { code: 'invalid_grant', at: '2026-12-02T08:00:00.000Z' },
        },
      ],
    },
    { name: 'acme', displayName: 'Acme', tokenType: 'account', accounts: [] },
  ],
};

/** An installation with nothing connected. */
export const BARE: InstallationView = {
  ...INSTALLATION,
  id: 'in_zzzzzzzzzzzzzzzzzzzz',
  createdAt: '2026-12-02T00:00:00.000Z',
  iparams: {},
  secureIparams: [],
  current_host: { endpoint_urls: {} },
  integrations: INSTALLATION.integrations.map((integration) => ({ ...integration, accounts: [] })),
};

export const DEAD_EVENT: EventView = {
  id: 'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  type: 'account.authorized',
  installation: 'in_abcdefghijklmnopqrst',
  state: 'dead',
  attempts: 8,
  createdAt: '2026-12-02T10:00:00.000Z',
  nextAttemptAt: null,
  lastAttemptAt: '2026-12-03T10:00:00.000Z',
  lastStatus: 500,
  lastError: 'the receiver answered HTTP 500',
  deliveredAt: null,
  event: { id: 'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa' },
};

export const PENDING_EVENT: EventView = {
  ...DEAD_EVENT,
  id: 'evt_bbbbbbbbbbbbbbbbbbbbbbbbbb',
  type: 'installation.deleted',
  state: 'pending',
  attempts: 1,
  lastStatus: null,
  lastError: 'the receiver did not answer within 5 s',
};

const hours = (make: (index: number) => Record<'refreshed' | 'failed' | 'grant_died', number>) =>
  Array.from({ length: 24 }, (_unused, index) => ({
    start: new Date(Date.UTC(2026, 11, 2, 11 + index)).toISOString(),
    ...make(index),
  }));

export const OVERVIEW: OverviewView = {
  at: '2026-12-03T10:15:00.000Z',
  installations: { total: 42 },
  accounts: {
    byStatus: { authorized: 50, failing: 3, reauthorization_required: 2 },
    byIntegration: {
      crew: { authorized: 20, failing: 3, reauthorization_required: 0 },
      beta: { authorized: 30, failing: 0, reauthorization_required: 2 },
    },
  },
  refreshes: {
    last24h: { refreshed: 240, failed: 5, grant_died: 1 },
    last30d: { refreshed: 7000, failed: 40, grant_died: 9 },
    hourly: hours((index) => ({
      refreshed: 10,
      failed: index === 23 ? 5 : 0,
      grant_died: index === 0 ? 1 : 0,
    })),
    daily: [],
  },
  deliveries: {
    last24h: { delivered: 12, retried: 0, dead: 0 },
    last30d: { delivered: 300, retried: 4, dead: 1 },
    hourly: Array.from(
      { length: 24 },
      (_unused, index): OutcomeBucket<'delivered' | 'retried' | 'dead'> => ({
        start: new Date(Date.UTC(2026, 11, 2, 11 + index)).toISOString(),
        delivered: index % 2 === 0 ? 1 : 0,
        retried: 0,
        dead: 0,
      }),
    ),
    daily: [],
  },
};
