import type { Delivery, Queue } from './queue';

/**
 * Receives, and if nothing is there waits up to `waitSeconds` for a message to be sent, to become
 * visible again or to end its delay; answers as soon as one is there. Waits on events and one timer,
 * never by polling in a loop. `signal` (the server closing, the client gone) ends the wait early.
 */
export async function receiveWaiting(
  queue: Queue,
  take: () => Delivery[],
  waitSeconds: number,
  signal: AbortSignal,
): Promise<Delivery[]> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const deliveries = take();
    const now = Date.now();
    if (deliveries.length > 0 || now >= deadline || signal.aborted) return deliveries;
    const nextVisible = queue.nextVisibleAt();
    const until =
      nextVisible === undefined || nextVisible <= now ? deadline : Math.min(deadline, nextVisible);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', done);
        resolve();
      };
      // A message that is visible now but was not taken (only redriven ones) would make `until` now: wait at least 1 ms.
      const timer = setTimeout(done, Math.max(until - now, 1));
      const unsubscribe = queue.subscribe(done);
      signal.addEventListener('abort', done);
    });
  }
}
