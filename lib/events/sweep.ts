import { type DeliveryDeps, type DeliveryState, deliverEvent } from './deliver';

export interface DeliverySweepOptions {
  readonly concurrency: number;
  /** No attempt starts after this (epoch ms), so the function ends inside its timeout. */
  readonly startBefore: number;
}

export type DeliverySweepReport = Readonly<Record<DeliveryState, number>>;

const PAGE = 50;

/**
 * Every pending event whose time has come, shard by shard: first attempts the stream trigger
 * missed, retries whose backoff is over, attempts whose sender died. The same code runs on the
 * schedule in AWS and every few seconds under `npm start`.
 */
export async function deliverDue(
  deps: DeliveryDeps,
  options: DeliverySweepOptions,
): Promise<DeliverySweepReport> {
  const report: Record<DeliveryState, number> = { delivered: 0, retry: 0, dead: 0, not_due: 0 };
  if (deps.webhookUrl === undefined) return report;
  const now = deps.now().getTime();
  for (const shard of deps.outbox.shards) {
    let cursor: Readonly<Record<string, unknown>> | undefined;
    do {
      if (Date.now() >= options.startBefore) return report;
      const page = await deps.outbox.due(shard, now, PAGE, cursor);
      cursor = page.cursor;
      const ids = [...page.ids];
      const workers = Array.from({ length: Math.min(options.concurrency, ids.length) }, async () => {
        for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
          if (Date.now() >= options.startBefore) return;
          report[await deliverEvent(deps, id)] += 1;
        }
      });
      await Promise.all(workers);
    } while (cursor !== undefined);
  }
  return report;
}
