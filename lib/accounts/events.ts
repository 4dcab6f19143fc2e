import type { AccountRecord } from './record';
import { lastErrorOf, providerErrorView } from './view';

/** What the deployment wants told (from the configuration). */
export interface EventPolicy {
  /** Events are recorded only when HANDSHAKE_WEBHOOK_URL is set. */
  readonly enabled: boolean;
  /** Transient refresh failures become `account.refresh_failing` once they last this long. */
  readonly failingAfterMs: number;
}

/** Webhooks off, said explicitly: every use case that may emit events is given a policy. */
export const EVENTS_OFF: EventPolicy = { enabled: false, failingAfterMs: 15 * 60_000 };

/**
 * An auth event about one account, as a transition decides it (docs/webhooks.md). It gets its
 * id when it is issued to the outbox (lib/events/outbox.ts), so deciding it stays deterministic.
 * Never a token: only who it is about, what state the account is in now, and why.
 */
export interface AccountEvent {
  readonly type:
    | 'account.authorized'
    | 'account.refresh_failing'
    | 'account.reauthorization_required'
    | 'account.recovered'
    | 'account.disconnected';
  /** When it happened (ISO 8601): the write's time. */
  readonly time: string;
  readonly installation: string;
  readonly integration: string;
  readonly account: string;
  readonly status: 'authorized' | 'failing' | 'reauthorization_required' | 'disconnected';
  readonly data: Readonly<Record<string, unknown>>;
}

const event = (
  type: AccountEvent['type'],
  after: AccountRecord,
  status: AccountEvent['status'],
  data: AccountEvent['data'],
): AccountEvent => ({
  type,
  time: after.updatedAt,
  installation: after.installationId,
  integration: after.integration,
  account: after.account,
  status,
  data,
});

/** The statuses an event, a view or the listing filter gives an account. */
export const LISTED_STATUSES = ['authorized', 'failing', 'reauthorization_required'] as const;
export type ListedStatus = (typeof LISTED_STATUSES)[number];

/** The status an event or a view gives an account: `failing` once its episode was reported. */
export const eventStatusOf = (record: AccountRecord): ListedStatus =>
  record.status === 'authorized' && record.failing?.reportedAt !== undefined ? 'failing' : record.status;

/** The event of an account disconnected at `at`: its record is gone, `previousStatus` says what it was. */
export function disconnectionEvents(policy: EventPolicy, current: AccountRecord, at: string): AccountEvent[] {
  if (!policy.enabled) return [];
  return [
    {
      ...event('account.disconnected', current, 'disconnected', { previousStatus: eventStatusOf(current) }),
      time: at,
    },
  ];
}

const reportedAt = (record: AccountRecord | undefined): string | undefined =>
  record?.status === 'authorized' ? record.failing?.reportedAt : undefined;

const wasInTrouble = (record: AccountRecord | undefined): boolean =>
  record?.status === 'reauthorization_required' || reportedAt(record) !== undefined;

const errorData = (record: AccountRecord) => {
  const error = lastErrorOf(record);
  return error === undefined ? {} : { error: providerErrorView(error) };
};

/**
 * The events one account write means, found by comparing the record before and after it — so
 * every transition (a handshake, the sweep, refresh-now, an invoke's inline refresh) tells the
 * same story. Each event is written in the same transaction as the record: it exists if and
 * only if the change it reports does.
 */
export function accountEvents(
  policy: EventPolicy,
  before: AccountRecord | undefined,
  after: AccountRecord,
): AccountEvent[] {
  if (!policy.enabled) return [];
  const events: AccountEvent[] = [];
  if (after.status === 'authorized' && after.authorizedAt !== before?.authorizedAt) {
    events.push(
      event('account.authorized', after, 'authorized', {
        reauthorization: before !== undefined,
        ...(after.scope === undefined ? {} : { scope: after.scope }),
      }),
    );
  }
  if (
    after.status === 'authorized' &&
    after.failing?.reportedAt !== undefined &&
    reportedAt(before) === undefined
  ) {
    events.push(
      event('account.refresh_failing', after, 'failing', {
        failingSince: after.failing.since,
        failureCount: after.failing.failureCount,
        ...errorData(after),
      }),
    );
  }
  if (after.status === 'reauthorization_required' && before?.status !== 'reauthorization_required') {
    events.push(
      event('account.reauthorization_required', after, 'reauthorization_required', errorData(after)),
    );
  }
  if (after.status === 'authorized' && after.failing?.reportedAt === undefined && wasInTrouble(before)) {
    events.push(
      event('account.recovered', after, 'authorized', {
        previousStatus:
          before?.status === 'reauthorization_required' ? 'reauthorization_required' : 'failing',
      }),
    );
  }
  return events;
}
