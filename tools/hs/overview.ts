/** `npm run hs -- overview`: GET /overview, the deployment at a glance (lib/overview/view.ts). */
import { LISTED_STATUSES } from '../../lib/accounts/events';
import type { OutcomeSeries, OverviewView } from '../../lib/overview/view';
import { DELIVERY_OUTCOMES, REFRESH_OUTCOMES } from '../../lib/store/counter-ports';
import { type Command, commandUsage, defineCommand } from './command';
import { renderFields, renderTable, type Style, shortTime, sparkline, status } from './table';

/** One line per outcome: the totals, and the last 24 hours hour by hour as bars. */
function seriesTable<Outcome extends string>(
  series: OutcomeSeries<Outcome>,
  outcomes: readonly Outcome[],
  style: Style,
): string {
  // One scale for the table: a failure's bar is as tall as its count next to the successes'.
  const top = Math.max(0, ...series.hourly.flatMap((bucket) => outcomes.map((outcome) => bucket[outcome])));
  return renderTable(
    ['outcome', 'last 24h', 'last 30d', 'last 24h by hour'],
    outcomes.map((outcome) => [
      status(outcome),
      String(series.last24h[outcome]),
      String(series.last30d[outcome]),
      sparkline(
        series.hourly.map((bucket) => bucket[outcome]),
        top,
      ),
    ]),
    style,
  );
}

/** GET /overview's answer as a person reads it: counts, accounts by status, then the two series. */
export function overviewText(view: OverviewView, style: Style): string {
  const total = (counts: Readonly<Record<string, number>>) =>
    String(LISTED_STATUSES.reduce((sum, name) => sum + (counts[name] ?? 0), 0));
  const row = (name: string, counts: Readonly<Record<string, number>>) => [
    name,
    ...LISTED_STATUSES.map((name) => String(counts[name] ?? 0)),
    total(counts),
  ];
  const accounts = renderTable(
    ['integration', ...LISTED_STATUSES, 'total'],
    [
      ...Object.entries(view.accounts.byIntegration)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, counts]) => row(name, counts)),
      row('all', view.accounts.byStatus),
    ],
    style,
  );
  return [
    renderFields(
      [
        ['at', shortTime(view.at)],
        ['installations', String(view.installations.total)],
      ],
      style,
    ),
    `Accounts\n${accounts}`,
    `Refreshes\n${seriesTable(view.refreshes, REFRESH_OUTCOMES, style)}`,
    `Webhook deliveries\n${seriesTable(view.deliveries, DELIVERY_OUTCOMES, style)}`,
  ].join('\n\n');
}

const OVERVIEW_USAGE = commandUsage('overview', {
  synopsis: ['npm run hs -- overview [--json] [--url <url>]'],
  description: [
    'The deployment at a glance (GET /overview): installations, accounts by status for each',
    'integration, and refreshes and webhook deliveries over the last 24 hours and 30 days.',
  ].join('\n'),
  examples: ['npm run hs -- overview', 'npm run -s hs -- overview --json'],
});

const overview = defineCommand({
  usage: OVERVIEW_USAGE,
  options: {},
  positionals: [],
  async run(context) {
    const { body, text } = await context.api.send<OverviewView>({ method: 'GET', path: '/overview' });
    context.print(context.json ? text : overviewText(body, context.style));
    return 0;
  },
});

export const OVERVIEW: Command = overview;
