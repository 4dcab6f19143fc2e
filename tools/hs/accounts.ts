/**
 * The commands on one account of an installation: `connect-link` (POST …/connect-links),
 * `refresh` (POST …/integrations/{name}/refresh) and `disconnect` (DELETE …/accounts/{account}).
 */
import { DEFAULT_ACCOUNT } from '../../lib/accounts/label';
import { LINK_TTL_SECONDS } from '../../lib/connect/deps';
import type { ConnectLink } from '../../lib/connect/links';
import type { RefreshNowResult } from '../../lib/refresh/refresh-now';
import { usageError } from '../cli';
import { segment } from './api-client';
import { type Command, commandUsage, defineCommand } from './command';
import { shownStatus } from './installations';
import { renderFields, type Style, shortTime, status } from './table';

const ACCOUNT_ROW = [
  '--account <label>',
  `the account (default "${DEFAULT_ACCOUNT}"; an agent-level integration needs the agent's id)`,
] as const;
const ID_ARGUMENTS = [
  ['<installation id>', 'in_…'],
  ['<integration>', "one of the app's integrations (config/oauth_config.json)"],
] as const;
const ID_POSITIONALS = ['the installation id (in_…)', 'the integration'];

const CONNECT_LINK_USAGE = commandUsage('connect-link', {
  synopsis: [
    'npm run -s hs -- connect-link <installation id> <integration> [--account <label>]',
    '                              [--return-url <url>] [--expires-in <seconds>] [--json] [--url <url>]',
  ],
  description: [
    'Makes a single-use connect link (POST /installations/{id}/connect-links) for the person who',
    'authorizes. The link is a secret: it is printed once, alone on stdout, so that it can go',
    'straight into a variable; when it expires is said on stderr.',
  ].join('\n'),
  arguments: ID_ARGUMENTS,
  options: [
    ACCOUNT_ROW,
    ['--return-url <url>', 'where the person lands afterwards: an absolute https URL of your app'],
    ['--expires-in <seconds>', `how long it stays valid: 60 to 604800 (default ${LINK_TTL_SECONDS})`],
  ],
  examples: [
    'LINK=$(npm run -s hs -- connect-link in_abcdefghijklmnopqrst hubspot)',
    'npm run -s hs -- connect-link in_abcdefghijklmnopqrst crew --account agent-42 --expires-in 86400',
  ],
});

const connectLink = defineCommand({
  usage: CONNECT_LINK_USAGE,
  options: {
    account: { type: 'string' },
    'return-url': { type: 'string' },
    'expires-in': { type: 'string' },
  },
  positionals: ID_POSITIONALS,
  async run(context, { values, positionals: [id = '', integration = ''] }) {
    const expiresIn = values['expires-in'];
    if (expiresIn !== undefined && !/^\d{1,7}$/.test(expiresIn)) {
      usageError(CONNECT_LINK_USAGE, `--expires-in must be a number of seconds, got "${expiresIn}"`);
    }
    const { body, text } = await context.api.send<ConnectLink>({
      method: 'POST',
      path: `/installations/${segment(id)}/connect-links`,
      body: {
        integration,
        ...(values.account === undefined ? {} : { account: values.account }),
        ...(values['return-url'] === undefined ? {} : { returnUrl: values['return-url'] }),
        ...(expiresIn === undefined ? {} : { expiresInSeconds: Number(expiresIn) }),
      },
    });
    context.print(context.json ? text : body.url);
    if (!context.json) {
      context.note(
        `Single-use link for ${body.integration}:${body.account} of ${id}, valid until ${shortTime(body.expiresAt)}. Send it to the person who connects, nowhere else.`,
      );
    }
    return 0;
  },
});

/** POST …/refresh's answer as a person reads it. */
export function refreshDetail(result: RefreshNowResult, style: Style): string {
  const { account } = result;
  return renderFields(
    [
      ['outcome', status(result.outcome === 'dead' ? 'grant_died' : result.outcome)],
      ['account', account.account],
      ['status', status(shownStatus(account))],
      ['expires', shortTime(account.expiresAt)],
      ['last refreshed', shortTime(account.lastRefreshedAt)],
      ...(account.error === undefined
        ? []
        : [['last error', `${account.error.code} at ${shortTime(account.error.at)}`] as const]),
    ],
    style,
  );
}

const REFRESH_USAGE = commandUsage('refresh', {
  synopsis: [
    'npm run hs -- refresh <installation id> <integration> [--account <label>] [--json] [--url <url>]',
  ],
  description: [
    'Refreshes one account now (POST /installations/{id}/integrations/{name}/refresh), through the',
    "same lease as the sweep. Exit 1 when the provider's answer was a failure (retried later) or a",
    'dead grant (reauthorization required); the account is printed either way.',
  ].join('\n'),
  arguments: ID_ARGUMENTS,
  options: [ACCOUNT_ROW],
  examples: ['npm run hs -- refresh in_abcdefghijklmnopqrst hubspot'],
});

const refresh = defineCommand({
  usage: REFRESH_USAGE,
  options: { account: { type: 'string' } },
  positionals: ID_POSITIONALS,
  async run(context, { values, positionals: [id = '', integration = ''] }) {
    const { body, text } = await context.api.send<RefreshNowResult>({
      method: 'POST',
      path: `/installations/${segment(id)}/integrations/${segment(integration)}/refresh`,
      body: values.account === undefined ? {} : { account: values.account },
    });
    context.print(context.json ? text : refreshDetail(body, context.style));
    if (body.outcome === 'refreshed') return 0;
    context.note(
      `${REFRESH_USAGE.name}: the refresh ${body.outcome === 'dead' ? 'found the grant dead: the account needs a new connect link' : 'failed; the sweep tries again'}${body.account.error === undefined ? '' : ` (${body.account.error.code})`}`,
    );
    return 1;
  },
});

const DISCONNECT_USAGE = commandUsage('disconnect', {
  synopsis: ['npm run hs -- disconnect <installation id> <integration> [--account <label>] [--url <url>]'],
  description: [
    'Disconnects one account (DELETE /installations/{id}/integrations/{name}/accounts/{account}):',
    'revokes its grant where the provider has a revocation URL, deletes its tokens and sends',
    '`account.disconnected`. The installation stays. Nothing on stdout with --json (204).',
  ].join('\n'),
  arguments: ID_ARGUMENTS,
  options: [ACCOUNT_ROW],
  examples: [
    'npm run hs -- disconnect in_abcdefghijklmnopqrst hubspot',
    'npm run hs -- disconnect in_abcdefghijklmnopqrst crew --account agent-42',
  ],
});

const disconnect = defineCommand({
  usage: DISCONNECT_USAGE,
  options: { account: { type: 'string' } },
  positionals: ID_POSITIONALS,
  async run(context, { values, positionals: [id = '', integration = ''] }) {
    const account = values.account ?? DEFAULT_ACCOUNT;
    await context.api.send({
      method: 'DELETE',
      path: `/installations/${segment(id)}/integrations/${segment(integration)}/accounts/${segment(account)}`,
    });
    if (!context.json) context.print(`Disconnected ${integration}:${account} of ${id}.`);
    return 0;
  },
});

export const ACCOUNT_COMMANDS: Readonly<Record<string, Command>> = {
  'connect-link': connectLink,
  refresh,
  disconnect,
};
