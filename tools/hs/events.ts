/** `npm run hs -- events list|replay`: GET /events and POST /events/{id}/replay (webhook deliveries). */
import type { EventView } from '../../lib/events/list';
import { EVENT_STATES } from '../../lib/store/outbox-ports';
import { segment } from './api-client';
import { type Command, commandUsage, defineCommand } from './command';
import { fetchPages, oneOf, PAGING_OPTIONS, PAGING_ROWS, pagingOf } from './paging';
import { renderTable, type Style, shortTime, status } from './table';

/** The receiver's last answer in a few words: its status, or why there was none. */
const lastAnswer = (event: EventView): string => {
  if (event.lastStatus !== null) return `HTTP ${event.lastStatus}`;
  return event.lastError ?? '-';
};

/** GET /events's rows as a table, newest first as the API gave them. */
export function eventsTable(rows: readonly EventView[], style: Style): string {
  if (rows.length === 0) return 'No events.';
  return renderTable(
    ['id', 'type', 'state', 'attempts', 'last answer', 'created', 'installation'],
    rows.map((row) => [
      row.id,
      row.type,
      status(row.state),
      String(row.attempts),
      lastAnswer(row),
      shortTime(row.createdAt),
      row.installation,
    ]),
    style,
  );
}

const LIST_USAGE = commandUsage('events list', {
  synopsis: [
    `npm run hs -- events list [--state ${EVENT_STATES.join('|')}] [--limit <n>] [--cursor <c> | --all]`,
    '                          [--json] [--url <url>]',
  ],
  description: [
    'Lists the webhook deliveries newest first (GET /events): each event, its state, attempts and',
    "the receiver's last answer (never its body). `dead`: it gave up; `events replay` sends it again.",
  ].join('\n'),
  options: [['--state <state>', `only the events in it: ${EVENT_STATES.join(', ')}`], ...PAGING_ROWS],
  examples: ['npm run hs -- events list --state dead', 'npm run -s hs -- events list --all --json'],
});

const list = defineCommand({
  usage: LIST_USAGE,
  options: { state: { type: 'string' }, ...PAGING_OPTIONS },
  positionals: [],
  async run(context, { values }) {
    const state = oneOf(LIST_USAGE, '--state', EVENT_STATES, values.state);
    const paging = pagingOf(LIST_USAGE, values);
    const page = await fetchPages<'events', EventView>(context.api, '/events', 'events', { state }, paging);
    if (context.json) {
      context.print(page.text);
      return 0;
    }
    context.print(eventsTable(page.rows, context.style));
    if (page.next !== null) context.note(`More: add --cursor ${page.next} (or --all).`);
    return 0;
  },
});

const REPLAY_USAGE = commandUsage('events replay', {
  synopsis: ['npm run hs -- events replay <event id> [--json] [--url <url>]'],
  description: [
    'Sends a dead event again (POST /events/{id}/replay): back to pending with its attempts reset,',
    'and its first attempt at once. Prints the event after that attempt; one that fails again is',
    'retried on the usual schedule. Only a dead event can be replayed (409 otherwise).',
  ].join('\n'),
  arguments: [['<event id>', 'evt_…, as `events list --state dead` shows it']],
  examples: ['npm run hs -- events replay evt_aaaaaaaaaaaaaaaaaaaaaaaaaa'],
});

const replay = defineCommand({
  usage: REPLAY_USAGE,
  options: {},
  positionals: ['the event id (evt_…)'],
  async run(context, { positionals: [id = ''] }) {
    const { body, text } = await context.api.send<EventView>({
      method: 'POST',
      path: `/events/${segment(id)}/replay`,
    });
    context.print(context.json ? text : eventsTable([body], context.style));
    return 0;
  },
});

export const EVENTS: Readonly<Record<string, Command>> = { list, replay };
