/** First retry after a transient refresh failure, doubling up to the cap. */
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;

/**
 * When to try again after the `failures`-th transient failure in a row: 30 s, 1 min, 2 min …
 * capped at 30 min, with ±20 % jitter so tokens that failed together do not retry together.
 */
export function nextAttemptAt(now: number, failures: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return now + Math.round(base * (0.8 + 0.4 * random()));
}
