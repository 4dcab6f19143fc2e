/**
 * The one worker pool: the refresh sweep, the delivery sweep, the stream's deliveries and the
 * bench run their work through it, so "how many at once" and "until when" mean the same
 * everywhere.
 */
export interface PoolOptions {
  /** Items in work at once; at least one. */
  readonly concurrency: number;
  /**
   * Epoch ms: no item is taken at or after this, so everything started ends within a
   * Lambda's time. Read against `clock`. Undefined: no deadline.
   */
  readonly startBefore?: number | undefined;
  /**
   * The deadline's clock: the wall clock by default, the one Lambda's remaining time is
   * measured on (not a use case's injected `now`, which dates records).
   */
  readonly clock?: (() => number) | undefined;
}

export interface PoolResult {
  /** True when the deadline stopped the pool before the items ran out. */
  readonly unfinished: boolean;
}

type Source<T> = Iterable<T> | AsyncIterable<T>;

function iteratorOf<T>(items: Source<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in items
    ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (items as Iterable<T>)[Symbol.iterator]();
}

/**
 * Runs `work` on each item with at most `concurrency` in flight. Items are read lazily, one
 * at a time (an async generator that queries page by page reads no further than the work).
 * The first failure stops the taking of items: the pool waits for the work in flight, then
 * rejects with that failure.
 */
export async function forEachPooled<T>(
  items: Source<T>,
  options: PoolOptions,
  work: (item: T) => Promise<void>,
): Promise<PoolResult> {
  const clock = options.clock ?? Date.now;
  const source = iteratorOf(items);
  // One next() at a time: a plain async iterator need not queue concurrent calls.
  let taking: Promise<unknown> = Promise.resolve();
  const take = (): Promise<IteratorResult<T>> => {
    const next = taking.then(() => source.next());
    taking = next.catch(() => undefined);
    return next;
  };
  let unfinished = false;
  let failure: { readonly error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      if (options.startBefore !== undefined && clock() >= options.startBefore) {
        unfinished = true;
        return;
      }
      const next = await take();
      if (next.done === true) return;
      await work(next.value);
    }
  };
  const size = Math.max(1, Math.floor(options.concurrency) || 1);
  const workers = Array.from({ length: size }, () =>
    worker().catch((error: unknown) => {
      failure ??= { error };
    }),
  );
  await Promise.all(workers);
  // Stopped early (deadline or failure): a generator's own clean-up (finally) runs now.
  await source.return?.();
  if (failure !== undefined) throw failure.error;
  return { unfinished };
}
