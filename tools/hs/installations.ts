/** `npm run hs -- installations list|show|delete`: GET /installations, GET and DELETE /installations/{id}. */
import { LISTED_STATUSES } from '../../lib/accounts/events';
import type { AccountView } from '../../lib/accounts/view';
import type { InstallationsPage } from '../../lib/installations/list';
import type { InstallationView, IntegrationView } from '../../lib/installations/view';
import { usageError } from '../cli';
import { segment } from './api-client';
import { type Command, commandUsage, defineCommand } from './command';
import { fetchPages, oneOf, PAGING_OPTIONS, PAGING_ROWS, pagingOf } from './paging';
import { type Cell, renderFields, renderTable, type Style, shortTime, status, type Tone } from './table';

/**
 * An account's status as the listing filter and the overview count it: `failing` while its
 * reported refresh-failing episode lasts (the view's `failingSince`).
 */
export const shownStatus = (account: AccountView): string =>
  account.failingSince === undefined ? account.status : 'failing';

const SEVERITY: readonly (Tone | undefined)[] = ['good', 'dim', 'warn', 'bad'];
const worst = (cells: readonly Cell[]): Tone | undefined =>
  cells.reduce<Tone | undefined>(
    (tone, cell) => (SEVERITY.indexOf(cell.tone) > SEVERITY.indexOf(tone) ? cell.tone : tone),
    undefined,
  );

/** Every connected account of an installation on one line: `beta:default authorized, crew:a-1 failing`. */
function accountsCell(integrations: readonly IntegrationView[]): Cell {
  const parts = integrations.flatMap((integration) =>
    integration.accounts.map((account) => ({
      text: `${integration.name}:${account.account} ${shownStatus(account)}`,
      tone: status(shownStatus(account)).tone,
    })),
  );
  if (parts.length === 0) return { text: 'none connected', tone: 'dim' };
  return { text: parts.map((part) => part.text).join(', '), tone: worst(parts) };
}

/** GET /installations's rows as a table: one line each, newest first as the API gave them. */
export function installationsTable(rows: readonly InstallationView[], style: Style): string {
  if (rows.length === 0) return 'No installations.';
  return renderTable(
    ['id', 'created', 'accounts'],
    rows.map((row) => [row.id, shortTime(row.createdAt), accountsCell(row.integrations)]),
    style,
  );
}

const listOf = (names: readonly string[]): string => (names.length === 0 ? '-' : names.join(', '));

/** GET /installations/{id} as a person reads it: its fields, then one line per account. */
export function installationDetail(view: InstallationView, style: Style): string {
  const urls = Object.entries(view.current_host.endpoint_urls).map(([name, url]) => `${name}=${url}`);
  const fields = renderFields(
    [
      ['id', view.id],
      ['created', shortTime(view.createdAt)],
      ['iparams', Object.keys(view.iparams).length === 0 ? '-' : JSON.stringify(view.iparams)],
      ['secure iparams', listOf(view.secureIparams)],
      ['endpoint urls', listOf(urls)],
      ['app settings', listOf(view.app_settings)],
    ],
    style,
  );
  const rows = view.integrations.flatMap((integration) =>
    integration.accounts.length === 0
      ? [[integration.name, '-', status('not connected'), '-', '-', '-']]
      : integration.accounts.map((account) => [
          integration.name,
          account.account,
          status(shownStatus(account)),
          shortTime(account.expiresAt),
          shortTime(account.lastRefreshedAt),
          account.error === undefined
            ? '-'
            : `${account.error.code}${account.error.description === undefined ? '' : `: ${account.error.description}`}`,
        ]),
  );
  const accounts = renderTable(
    ['integration', 'account', 'status', 'expires', 'last refreshed', 'last error'],
    rows,
    style,
  );
  return `${fields}\n\n${accounts}`;
}

const LIST_USAGE = commandUsage('installations list', {
  synopsis: [
    `npm run hs -- installations list [--status ${LISTED_STATUSES.join('|')}] [--integration <name>]`,
    '                                 [--limit <n>] [--cursor <c> | --all] [--json] [--url <url>]',
  ],
  description: [
    'Lists installations newest first (GET /installations), one line each with its accounts and',
    'their status. `failing`: authorized, in a reported refresh-failing episode (it is retried).',
    'Without --all, a note on stderr gives the cursor of the next page.',
  ].join('\n'),
  options: [
    ['--status <status>', `only those with an account in it: ${LISTED_STATUSES.join(', ')}`],
    ['--integration <name>', 'only those with an account of this integration'],
    ...PAGING_ROWS,
  ],
  examples: [
    'npm run hs -- installations list',
    'npm run hs -- installations list --status reauthorization_required --all',
    "npm run -s hs -- installations list --all --json | jq -r '.installations[].id'",
  ],
});

const list = defineCommand({
  usage: LIST_USAGE,
  options: { status: { type: 'string' }, integration: { type: 'string' }, ...PAGING_OPTIONS },
  positionals: [],
  async run(context, { values }) {
    const usage = LIST_USAGE;
    const statusFilter = oneOf(usage, '--status', LISTED_STATUSES, values.status);
    const paging = pagingOf(usage, values);
    const query = { status: statusFilter, integration: values.integration };
    const page = await fetchPages<'installations', InstallationsPage['installations'][number]>(
      context.api,
      '/installations',
      'installations',
      query,
      paging,
    );
    if (context.json) {
      context.print(page.text);
      return 0;
    }
    context.print(installationsTable(page.rows, context.style));
    if (page.next !== null) context.note(`More: add --cursor ${page.next} (or --all).`);
    return 0;
  },
});

const SHOW_USAGE = commandUsage('installations show', {
  synopsis: ['npm run hs -- installations show <installation id> [--json] [--url <url>]'],
  description: 'Shows one installation (GET /installations/{id}): its iparams and every account.',
  arguments: [['<installation id>', 'in_…']],
  examples: ['npm run hs -- installations show in_abcdefghijklmnopqrst'],
});

const show = defineCommand({
  usage: SHOW_USAGE,
  options: {},
  positionals: ['the installation id (in_…)'],
  async run(context, { positionals: [id = ''] }) {
    const { body, text } = await context.api.send<InstallationView>({
      method: 'GET',
      path: `/installations/${segment(id)}`,
    });
    context.print(context.json ? text : installationDetail(body, context.style));
    return 0;
  },
});

const DELETE_USAGE = commandUsage('installations delete', {
  synopsis: ['npm run hs -- installations delete <installation id> --yes [--url <url>]'],
  description: [
    'Deletes an installation (DELETE /installations/{id}): revokes its grants where the provider',
    'has a revocation URL, then removes every record of it. It cannot be undone, so it asks for',
    '--yes. Prints one line; nothing with --json (the API answers 204 without a body).',
  ].join('\n'),
  arguments: [['<installation id>', 'in_…']],
  options: [['--yes', 'yes, delete it']],
  examples: ['npm run hs -- installations delete in_abcdefghijklmnopqrst --yes'],
});

const remove = defineCommand({
  usage: DELETE_USAGE,
  options: { yes: { type: 'boolean' } },
  positionals: ['the installation id (in_…)'],
  async run(context, { values, positionals: [id = ''] }) {
    if (values.yes !== true) {
      usageError(
        DELETE_USAGE,
        `deleting ${id} revokes its grants and removes every record of it, for good: add --yes to do it`,
      );
    }
    await context.api.send({ method: 'DELETE', path: `/installations/${segment(id)}` });
    if (!context.json) context.print(`Deleted installation ${id}.`);
    return 0;
  },
});

export const INSTALLATIONS: Readonly<Record<string, Command>> = { list, show, delete: remove };
