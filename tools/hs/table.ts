/**
 * What people read: aligned columns and `name: value` blocks in plain text. Colour only marks a
 * status, and only on a terminal that has not asked for none (NO_COLOR): piped into a file or
 * grep, the output is the same text without escape codes.
 */

/** A cell: its text, and the colour it is shown in on a terminal. */
export interface Cell {
  readonly text: string;
  readonly tone?: Tone | undefined;
}

export type Tone = 'good' | 'warn' | 'bad' | 'dim';

const ANSI: Readonly<Record<Tone, string>> = { good: '32', warn: '33', bad: '31', dim: '2' };

export interface Style {
  readonly color: boolean;
}

export const PLAIN: Style = { color: false };

const paint = (style: Style, cell: Cell): string =>
  style.color && cell.tone !== undefined ? `\u001b[${ANSI[cell.tone]}m${cell.text}\u001b[0m` : cell.text;

const cellOf = (value: string | Cell): Cell => (typeof value === 'string' ? { text: value } : value);

/**
 * Columns padded to their widest cell (headers in capitals, two spaces apart), the last one
 * unpadded so no line ends in blanks; widths count the text, never the colour codes.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly (string | Cell)[])[],
  style: Style = PLAIN,
): string {
  const cells = rows.map((row) => row.map(cellOf));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cells.map((row) => row[column]?.text.length ?? 0)),
  );
  const line = (row: readonly Cell[]) =>
    row
      .map((cell, column) => {
        const last = column === row.length - 1;
        const pad = last ? '' : ' '.repeat((widths[column] ?? 0) - cell.text.length);
        return `${paint(style, cell)}${pad}`;
      })
      .join('  ');
  return [line(headers.map((header) => ({ text: header.toUpperCase() }))), ...cells.map(line)]
    .map((text) => text.trimEnd())
    .join('\n');
}

/** `name: value` lines, the values aligned. */
export function renderFields(fields: readonly (readonly [string, string | Cell])[], style: Style = PLAIN) {
  const width = Math.max(0, ...fields.map(([name]) => name.length + 1));
  return fields
    .map(([name, value]) => `${`${name}:`.padEnd(width)}  ${paint(style, cellOf(value))}`.trimEnd())
    .join('\n');
}

/** A time as a table shows it: to the second, UTC (`2026-12-03 07:43:41Z`); `-` for none. */
export const shortTime = (iso: string | null | undefined): string =>
  iso === null || iso === undefined || iso === '' ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** How each status reads at a glance. */
const TONES: Readonly<Record<string, Tone>> = {
  authorized: 'good',
  refreshed: 'good',
  delivered: 'good',
  failing: 'warn',
  failed: 'warn',
  pending: 'warn',
  retried: 'warn',
  reauthorization_required: 'bad',
  grant_died: 'bad',
  dead: 'bad',
  'not connected': 'dim',
};

export const status = (text: string): Cell => ({ text, tone: TONES[text] });

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A row of counts as bars scaled to `top` (give rows that are read together the same top, so
 * their heights compare); a zero is a dot, so a quiet hour never looks like a busy one.
 */
export function sparkline(values: readonly number[], top = Math.max(0, ...values)): string {
  return values
    .map((value) =>
      value <= 0 || top <= 0
        ? '·'
        : BARS[Math.min(BARS.length - 1, Math.ceil((value / top) * BARS.length) - 1)],
    )
    .join('');
}
