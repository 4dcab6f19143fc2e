/**
 * Test setups start servers, child processes and a browser; one of them left running keeps jest
 * from exiting. So each thing's stop is registered the moment it runs, and a setup that fails
 * half-way stops what it had started before its error goes on.
 */

export interface Stoppable {
  stop(): Promise<void>;
}

/** The stops of what a setup started, run newest first. */
export class Stops {
  readonly #stops: Array<() => unknown> = [];

  /** Registers how to stop `thing`, which has just started, and returns it. */
  add<T>(thing: T, stop: (thing: T) => unknown): T {
    this.#stops.push(() => stop(thing));
    return thing;
  }

  /**
   * Runs every stop, newest first (a thing may use an older one), each even when another
   * failed; then throws what failed, if anything did.
   */
  async stopAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const stop of this.#stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} stops failed`);
  }
}

/**
 * Runs `start`, which registers a stop for each thing it starts. Resolves to what `start`
 * returned and a `stop` for all of it; if `start` throws, what it had started is stopped first,
 * so the caller has everything running or nothing.
 */
export async function startAll<T extends object>(
  start: (stops: Stops) => Promise<T>,
): Promise<T & Stoppable> {
  const stops = new Stops();
  try {
    return { ...(await start(stops)), stop: () => stops.stopAll() };
  } catch (error) {
    // The setup's own error says what went wrong; a failing stop is secondary, so it is attached.
    await stops.stopAll().catch((stopError: unknown) => {
      if (error instanceof Error) error.message += `\n(and stopping what had started failed: ${stopError})`;
    });
    throw error;
  }
}

/**
 * Like Promise.all for things started side by side, but settles all of them before rejecting:
 * Promise.all rejects at the first failure while the others are still starting, and what they
 * then start would never get its stop registered.
 */
export async function allStarted<P extends readonly Promise<unknown>[]>(
  starts: readonly [...P],
): Promise<{ -readonly [K in keyof P]: Awaited<P[K]> }> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof P]: Awaited<P[K]>;
  };
}
