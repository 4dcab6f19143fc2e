import type { ListedStatus } from '../accounts/events';

/** The overview's counters (GET /overview): what the writes count, and how they are read back. */

/** How a refresh attempt ended, as the overview counts it (GET /overview). */
export const REFRESH_OUTCOMES = ['refreshed', 'failed', 'grant_died'] as const;
export type RefreshTally = (typeof REFRESH_OUTCOMES)[number];
/** How a delivery attempt ended: the receiver took it, it will be tried again, or it gave up. */
export const DELIVERY_OUTCOMES = ['delivered', 'retried', 'dead'] as const;
export type DeliveryTally = (typeof DELIVERY_OUTCOMES)[number];

/** Counts of outcomes by bucket: its grain and first instant (`hour` ISO `2026-12-03T07`, `day` `2026-12-03`). */
export type BucketCounts<Outcome extends string> = ReadonlyMap<
  string,
  Readonly<Partial<Record<Outcome, number>>>
>;

/** The counters the writes keep (lib/store/dynamo-counters.ts), summed over their shards. */
export interface CounterSnapshot {
  readonly installations: number;
  /** By integration, then listed status. */
  readonly accounts: ReadonlyMap<string, Readonly<Partial<Record<ListedStatus, number>>>>;
  readonly refreshes: { readonly hour: BucketCounts<RefreshTally>; readonly day: BucketCounts<RefreshTally> };
  readonly deliveries: {
    readonly hour: BucketCounts<DeliveryTally>;
    readonly day: BucketCounts<DeliveryTally>;
  };
}

export interface OverviewCounters {
  read(): Promise<CounterSnapshot>;
}
