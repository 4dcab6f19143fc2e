import type { ListedStatus } from '../accounts/events';
import type { DeliveryTally, RefreshTally } from '../store/counter-ports';

/**
 * What GET /overview answers (issue 19): the deployment at a glance, read from counters kept in
 * the table by the writes that already happen — never a scan. The console's overview page and
 * `npm run hs -- overview` render this shape as it is.
 */
export interface OverviewView {
  /** When the counters were read (ISO 8601). */
  readonly at: string;
  readonly installations: { readonly total: number };
  readonly accounts: {
    /** Every account by its listed status (`failing`: a refresh-failing episode). */
    readonly byStatus: Readonly<Record<ListedStatus, number>>;
    /** The same per integration, one entry for each of the app's integrations. */
    readonly byIntegration: Readonly<Record<string, Readonly<Record<ListedStatus, number>>>>;
  };
  readonly refreshes: OutcomeSeries<RefreshOutcome>;
  readonly deliveries: OutcomeSeries<DeliveryOutcome>;
}

/** A refresh attempt's end: new tokens, a transient failure (retried), or a dead grant. */
export type RefreshOutcome = RefreshTally;

/** A delivery attempt's end: the receiver took it, it will be tried again, or it gave up. */
export type DeliveryOutcome = DeliveryTally;

/** Totals over the last 24 hours and 30 days, and the buckets a chart draws. */
export interface OutcomeSeries<Outcome extends string> {
  readonly last24h: Readonly<Record<Outcome, number>>;
  readonly last30d: Readonly<Record<Outcome, number>>;
  /** 24 hourly buckets, oldest first; `start` is the bucket's first instant (ISO 8601). */
  readonly hourly: readonly OutcomeBucket<Outcome>[];
  /** 30 daily buckets (UTC days), oldest first. */
  readonly daily: readonly OutcomeBucket<Outcome>[];
}

export type OutcomeBucket<Outcome extends string> = { readonly start: string } & Readonly<
  Record<Outcome, number>
>;
