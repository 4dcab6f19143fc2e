import { providerErrorView } from '../installations/view';
import type { AccountRecord } from '../store/ports';
import { type AuthEvent, accountEvent } from './event';

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
 * The failing-episode markers of a record after a transient refresh failure at `at`: the
 * episode starts at its first failure and is reported once, when it has lasted long enough.
 */
export function failingEpisode(
  leased: AccountRecord,
  at: string,
  failingAfterMs: number,
): Pick<AccountRecord, 'failingSince' | 'failingReportedAt'> {
  const failingSince = leased.failingSince ?? at;
  const lasted = Date.parse(at) - Date.parse(failingSince);
  const failingReportedAt = leased.failingReportedAt ?? (lasted >= failingAfterMs ? at : undefined);
  return { failingSince, failingReportedAt };
}

const wasInTrouble = (record: AccountRecord | undefined): boolean =>
  record !== undefined &&
  (record.status === 'reauthorization_required' || record.failingReportedAt !== undefined);

const errorData = (record: AccountRecord) =>
  record.lastError === undefined ? {} : { error: providerErrorView(record.lastError) };

/**
 * The events one account write means, found by comparing the record before and after it — so
 * the handshake, the sweep, refresh-now and an invoke's inline refresh all tell the same story.
 * Each event is written in the same transaction as the record: it exists if and only if the
 * change it reports does.
 */
export function accountEvents(
  policy: EventPolicy,
  before: AccountRecord | undefined,
  after: AccountRecord,
): AuthEvent[] {
  if (!policy.enabled) return [];
  const at = after.updatedAt;
  const events: AuthEvent[] = [];
  const authorizedNow = after.status === 'authorized';
  if (authorizedNow && after.authorizedAt !== undefined && after.authorizedAt !== before?.authorizedAt) {
    events.push(
      accountEvent('account.authorized', after, 'authorized', at, {
        reauthorization: before?.authorizedAt !== undefined,
        ...(after.scope === undefined ? {} : { scope: after.scope }),
      }),
    );
  }
  if (after.failingReportedAt !== undefined && before?.failingReportedAt === undefined) {
    events.push(
      accountEvent('account.refresh_failing', after, 'failing', at, {
        failingSince: after.failingSince,
        failureCount: after.failureCount,
        ...errorData(after),
      }),
    );
  }
  if (after.status === 'reauthorization_required' && before?.status !== 'reauthorization_required') {
    events.push(
      accountEvent(
        'account.reauthorization_required',
        after,
        'reauthorization_required',
        at,
        errorData(after),
      ),
    );
  }
  if (authorizedNow && after.failingReportedAt === undefined && wasInTrouble(before)) {
    events.push(
      accountEvent('account.recovered', after, 'authorized', at, {
        previousStatus:
          before?.status === 'reauthorization_required' ? 'reauthorization_required' : 'failing',
      }),
    );
  }
  return events;
}
