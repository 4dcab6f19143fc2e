/** Percentiles of measured samples, shared by the latency sections. */

/** The `p`-th percentile (0 < p ≤ 100) by the nearest-rank method; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export interface Spread {
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
}

export function spread(samples: readonly number[]): Spread {
  return { median: median(samples), p90: percentile(samples, 90), p99: percentile(samples, 99) };
}
