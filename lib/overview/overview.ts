import { LISTED_STATUSES, type ListedStatus } from '../accounts/events';
import type { App } from '../app/model';
import {
  type BucketCounts,
  DELIVERY_OUTCOMES,
  type OverviewCounters,
  REFRESH_OUTCOMES,
} from '../store/counter-ports';
import { bucketStart, type CounterGrain } from '../store/layout';
import type { OutcomeBucket, OutcomeSeries, OverviewView } from './view';

export interface OverviewDeps {
  readonly app: App;
  readonly counters: OverviewCounters;
  readonly now: () => Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WINDOW: Readonly<Record<CounterGrain, { readonly count: number; readonly stepMs: number }>> = {
  hour: { count: 24, stepMs: HOUR_MS },
  day: { count: 30, stepMs: DAY_MS },
};

/** A count a drifted counter may have taken below zero (a lost ADD) is shown as none. */
const atLeastZero = (value: number | undefined): number => Math.max(0, value ?? 0);

function zeros<Outcome extends string>(outcomes: readonly Outcome[]): Record<Outcome, number> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

/** The last `count` buckets of `grain` up to and including the one `now` falls in, oldest first. */
function buckets<Outcome extends string>(
  counts: BucketCounts<Outcome>,
  outcomes: readonly Outcome[],
  grain: CounterGrain,
  now: number,
): OutcomeBucket<Outcome>[] {
  const { count, stepMs } = WINDOW[grain];
  const current = Math.floor(now / stepMs) * stepMs;
  return Array.from({ length: count }, (_, index) => {
    const startMs = current - (count - 1 - index) * stepMs;
    const found: Readonly<Partial<Record<Outcome, number>>> =
      counts.get(bucketStart(grain, startMs)) ?? ({} as Partial<Record<Outcome, number>>);
    const bucket = zeros(outcomes);
    for (const outcome of outcomes) bucket[outcome] = atLeastZero(found[outcome]);
    return { start: new Date(startMs).toISOString(), ...bucket };
  });
}

function total<Outcome extends string>(
  rows: readonly OutcomeBucket<Outcome>[],
  outcomes: readonly Outcome[],
): Record<Outcome, number> {
  const sum = zeros(outcomes);
  for (const row of rows) for (const outcome of outcomes) sum[outcome] += row[outcome];
  return sum;
}

function series<Outcome extends string>(
  counts: { readonly hour: BucketCounts<Outcome>; readonly day: BucketCounts<Outcome> },
  outcomes: readonly Outcome[],
  now: number,
): OutcomeSeries<Outcome> {
  const hourly = buckets(counts.hour, outcomes, 'hour', now);
  const daily = buckets(counts.day, outcomes, 'day', now);
  return { last24h: total(hourly, outcomes), last30d: total(daily, outcomes), hourly, daily };
}

/**
 * The deployment at a glance (GET /overview), from the counters alone: one Query per counter
 * shard, whatever the number of installations. Every integration of the app has its entry,
 * counted or not; counters of an integration the app no longer has are left out.
 */
export async function readOverview(deps: OverviewDeps): Promise<OverviewView> {
  const now = deps.now().getTime();
  const snapshot = await deps.counters.read();
  const byIntegration: Record<string, Record<ListedStatus, number>> = {};
  const byStatus = zeros(LISTED_STATUSES);
  for (const name of deps.app.integrations.keys()) {
    const counted = snapshot.accounts.get(name) ?? {};
    const row = zeros(LISTED_STATUSES);
    for (const status of LISTED_STATUSES) {
      row[status] = atLeastZero(counted[status]);
      byStatus[status] += row[status];
    }
    byIntegration[name] = row;
  }
  return {
    at: new Date(now).toISOString(),
    installations: { total: atLeastZero(snapshot.installations) },
    accounts: { byStatus, byIntegration },
    refreshes: series(snapshot.refreshes, REFRESH_OUTCOMES, now),
    deliveries: series(snapshot.deliveries, DELIVERY_OUTCOMES, now),
  };
}
