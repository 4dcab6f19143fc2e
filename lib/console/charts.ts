import type { OutcomeBucket } from '../overview/view';
import { html, type SafeHtml } from '../pages/html';

/** One outcome of a chart: its key in the buckets, its legend label and its colour's class. */
export interface Series<Outcome extends string> {
  readonly key: Outcome;
  readonly label: string;
  /** `ok`, `warn` or `bad` (the console's stylesheet colours them). */
  readonly tone: 'ok' | 'warn' | 'bad';
}

export interface ChartModel<Outcome extends string> {
  /** The element id (and the stem of its title's id): stable for tests and links. */
  readonly id: string;
  readonly title: string;
  readonly buckets: readonly OutcomeBucket<Outcome>[];
  readonly series: readonly Series<Outcome>[];
  /** The label a bucket's start gets under its bar (shown for a few bars only). */
  readonly tick: (start: string) => string;
}

const WIDTH = 600;
const HEIGHT = 160;
const AXIS = 18;

/**
 * A stacked bar chart drawn by the server as inline SVG (no script, no image request): one bar
 * per bucket, one segment per outcome. Its `<title>` names it and each bar's `<title>` says its
 * numbers, and the totals follow as text, so a screen reader (or a test) reads the same facts.
 */
export function barChart<Outcome extends string>(model: ChartModel<Outcome>): SafeHtml {
  const count = Math.max(model.buckets.length, 1);
  const slot = WIDTH / count;
  const bar = Math.max(slot * 0.7, 1);
  const totalOf = (bucket: OutcomeBucket<Outcome>) =>
    model.series.reduce((sum, series) => sum + (bucket[series.key] ?? 0), 0);
  const highest = Math.max(1, ...model.buckets.map(totalOf));
  const scale = (HEIGHT - AXIS) / highest;
  const every = Math.max(1, Math.ceil(count / 6));
  const bars = model.buckets.map((bucket, index) => {
    const x = index * slot + (slot - bar) / 2;
    let top = HEIGHT - AXIS;
    const segments = model.series.map((series) => {
      const value = bucket[series.key] ?? 0;
      const height = value * scale;
      top -= height;
      return value === 0
        ? ''
        : html`<rect class="seg ${series.tone}" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${bar.toFixed(1)}" height="${height.toFixed(1)}"/>`;
    });
    const says = model.series.map((series) => `${series.label} ${bucket[series.key] ?? 0}`).join(', ');
    // The first label starts at the edge: centred under a bar that narrow, it would be cut off.
    const [tickX, anchor] = index === 0 ? [0, 'start'] : [x + bar / 2, 'middle'];
    const tick =
      index % every === 0
        ? html`<text x="${tickX.toFixed(1)}" y="${HEIGHT - 4}" text-anchor="${anchor}">${model.tick(bucket.start)}</text>`
        : '';
    return html`<g><title>${model.tick(bucket.start)}: ${says}</title><rect class="slot" x="${(index * slot).toFixed(1)}" y="0" width="${slot.toFixed(1)}" height="${HEIGHT - AXIS}"/>${segments}${tick}</g>`;
  });
  const totals = model.series.map((series) => ({
    series,
    total: model.buckets.reduce((sum, bucket) => sum + (bucket[series.key] ?? 0), 0),
  }));
  return html`<figure class="chart" id="${model.id}" data-testid="${model.id}">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${model.id}-title"><title id="${model.id}-title">${model.title}</title><line class="axis" x1="0" y1="${HEIGHT - AXIS}" x2="${WIDTH}" y2="${HEIGHT - AXIS}"/>${bars}</svg>
<figcaption><strong>${model.title}</strong> <span class="totals">${totals.map(
    ({ series, total }) =>
      html`<span class="legend ${series.tone}" data-testid="${model.id}-${series.key}">${series.label}: ${total}</span> `,
  )}</span></figcaption>
</figure>`;
}
