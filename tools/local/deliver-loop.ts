/**
 * serverless-offline has no DynamoDB streams and runs the deliver schedule once a minute, so
 * under `npm start` this loop stands in for the stream: when an auth event is due, it invokes
 * the deliver function through serverless-offline's Lambda API — the same handler on the same
 * outbox as in AWS.
 */
import type { DueQueue } from '../../lib/store/ports';

/** How often the loop looks; in AWS the table's stream wakes the function at once. */
export const LOCAL_DELIVERY_INTERVAL_MS = 2_000;

/** Whether any auth event is waiting for delivery now. */
async function eventsDue(queue: DueQueue): Promise<boolean> {
  const now = Date.now();
  for (const shard of queue.shards('delivery')) {
    if ((await queue.due('delivery', shard, now, 1)).items.length > 0) return true;
  }
  return false;
}

export function deliverEventsLocally(
  queue: DueQueue,
  functionUrl: string,
  stopped: () => boolean,
  warn: (message: string) => void,
): void {
  const scheduled = JSON.stringify({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
  let warned = false;
  const deliver = async () => {
    const response = await fetch(functionUrl, { method: 'POST', body: scheduled });
    await response.arrayBuffer();
    if (!response.ok && !warned) {
      warned = true;
      warn(`the local deliver run answered ${response.status}; see the output above`);
    }
  };
  const tick = async () => {
    if (stopped()) return;
    try {
      if (await eventsDue(queue)) await deliver();
    } catch {
      // Nothing due, or serverless-offline is stopping or restarting; the next tick tries again.
    }
    setTimeout(() => void tick(), LOCAL_DELIVERY_INTERVAL_MS).unref();
  };
  void tick();
}
