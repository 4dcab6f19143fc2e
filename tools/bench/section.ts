/**
 * What a benchmark section returns, and the small pure helpers the sections share (tested in
 * test/tools/bench/). A section measures one thing on this machine and returns Markdown.
 */

/** Cleanups registered by a section; run last-in first-out when it ends, fails or is interrupted. */
export interface Cleanup {
  defer(stop: () => unknown): void;
}

export interface SectionResult {
  readonly markdown: string;
  /** False when a result was wrong (not merely slow): `npm run bench` then exits with 1. */
  readonly ok: boolean;
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
export const formatNumber = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const passFail = (pass: boolean): string => (pass ? 'pass' : 'FAIL');

/** The `p`-th percentile (0 < p ≤ 100) by the nearest-rank method; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** A section's Markdown: its paragraphs, then a "wrong result" line per problem; ok when there is none. */
export const sectionResult = (paragraphs: readonly string[], problems: readonly string[]): SectionResult => ({
  markdown: paragraphs.join('\n\n') + problems.map((problem) => `\n\n**Wrong result:** ${problem}`).join(''),
  ok: problems.length === 0,
});
