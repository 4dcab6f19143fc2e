import { forEachPooled } from '../concurrency/pool';
import { allDue } from '../store/due-queue';
import type { TableStreamBatch } from '../store/outbox-ports';
import type { DueQueue } from '../store/ports';
import { type DeliveryDeps, type DeliveryState, deliverEvent } from './deliver';

export interface DeliverySweepDeps extends DeliveryDeps {
  readonly queue: DueQueue;
}

export interface DeliverySweepOptions {
  /** Attempts in flight at once. */
  readonly concurrency: number;
  /** No attempt starts after this (epoch ms, wall clock), so the function ends inside its timeout. */
  readonly startBefore: number;
}

export type DeliverySweepReport = Readonly<Record<DeliveryState, number>>;

const PAGE = 50;
/** A new event's time is its writer's clock; another container's may be this far behind. */
const CLOCK_SKEW_MS = 5_000;

const emptyReport = (): Record<DeliveryState, number> => ({ delivered: 0, retry: 0, dead: 0, not_due: 0 });

/**
 * Every pending event whose time has come, shard by shard: first attempts the stream trigger
 * missed, retries whose backoff is over, attempts whose sender died. The same code runs on the
 * schedule in AWS and every few seconds under `npm start`.
 */
export async function deliverDue(
  deps: DeliverySweepDeps,
  options: DeliverySweepOptions,
): Promise<DeliverySweepReport> {
  const report = emptyReport();
  if (deps.webhookUrl === undefined) return report;
  const ids = allDue(deps.queue, 'delivery', deps.now().getTime(), PAGE);
  await forEachPooled(ids, options, async (id) => {
    report[await deliverEvent(deps, id)] += 1;
  });
  return report;
}

/**
 * The first attempt at each event a stream batch inserted, at once. The stream is only a
 * wake-up: what it misses, the schedule's `deliverDue` sends.
 */
export async function deliverInserted(
  deps: DeliveryDeps,
  batch: TableStreamBatch,
  options: Pick<DeliverySweepOptions, 'concurrency'>,
): Promise<DeliverySweepReport> {
  const report = emptyReport();
  const dueBy = deps.now().getTime() + CLOCK_SKEW_MS;
  await forEachPooled(deps.outbox.insertedIds(batch), options, async (id) => {
    report[await deliverEvent(deps, id, dueBy)] += 1;
  });
  return report;
}
