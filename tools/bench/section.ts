/**
 * What a benchmark section is, and the small pure helpers the sections share (tested in
 * test/tools/bench/). A section measures one
 * thing on this machine and returns Markdown (one or more tables) for `npm run bench` to print
 * and for docs/BENCHMARKS.md to quote.
 */

/** Cleanups registered by a section; run last-in first-out when it ends, fails or is interrupted. */
export interface Cleanup {
  /** Registers `stop` to run when the section is over. */
  defer(stop: () => unknown): void;
}

export interface SectionResult {
  /** Markdown: the section's tables and a line or two of notes. */
  readonly markdown: string;
  /** False when a result was wrong (not merely slow): `npm run bench` then exits with 1. */
  readonly ok: boolean;
}

export interface BenchSection {
  run(cleanup: Cleanup): Promise<SectionResult>;
}

/** A Markdown table with padded columns, so it reads well in a terminal as well as rendered. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** `value` with `digits` decimals and thousands separators: 1234.5 → "1,234.5". */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const passFail = (pass: boolean): string => (pass ? 'pass' : 'FAIL');

/** Runs `work` over `items` with at most `concurrency` in flight; rejects on the first failure. */
export async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** The `p`-th percentile (0 < p ≤ 100) by the nearest-rank method; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** The "wrong result" lines under a section's tables. */
export const problemLines = (problems: readonly string[]): string =>
  problems.map((problem) => `\n\n**Wrong result:** ${problem}`).join('');
