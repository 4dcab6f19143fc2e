/**
 * `npm run secrets -- <command>`: an integration's OAuth client credentials, kept in the
 * secret store rather than in oauth_config.json.
 *
 *   npm run secrets -- set <integration> --client-id <id>   (the secret is read from stdin)
 *   npm run secrets -- remove <integration>
 *   npm run secrets -- list
 *   npm run secrets -- rotate-keys [--activate <key id>]
 *   npm run -s secrets -- webhook-secret     (prints the key receivers verify events with)
 *
 * Without --stage it writes the local store of `npm start` (HANDSHAKE_DATA_DIR); with
 * `--stage <name> [--region <region>]` the deployed stage's Secrets Manager secret
 * `handshake/<name>/client-credentials` (AWS credentials from the usual environment).
 */

import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type RotationStep, rotateTokenKeys } from '../lib/crypto/rotation';
import { listClientCredentials, storeClientCredentials } from '../lib/oauth/client-credentials';
import type { SecretWriter } from '../lib/secrets/port';
import { formatProblemLine, loadApp, readAppDir } from './app';
import { fail, parseCommandLine, runScript, type Usage, usageError } from './cli';
import { SECRET_STORE_ENVIRONMENT, secretStore } from './secret-store';

const USAGE: Usage = {
  name: 'npm run secrets',
  synopsis: [
    'npm run secrets -- set <integration> --client-id <id> [--stage <name> [--region <region>]]',
    'npm run secrets -- remove <integration> [--stage <name> [--region <region>]]',
    'npm run secrets -- list [--stage <name> [--region <region>]]',
    'npm run secrets -- rotate-keys [--stage <name> [--region <region>] [--activate <key id>]]',
    'npm run -s secrets -- webhook-secret [--stage <name> [--region <region>]]',
  ],
  description: [
    "Manages the secrets of the local backend (npm start) or, with --stage, of a deployed stage's",
    'Secrets Manager secrets handshake/<name>/…:',
    "  set             stores an integration's OAuth client id and secret, which win over",
    '                  oauth_config.json; the secret is read from stdin, never from an argument',
    '  remove          removes them again',
    '  list            lists integrations and client ids; never a secret',
    '  rotate-keys     a new token-encryption key. Locally it is used at once; on a stage, step 1',
    '                  adds it and step 2 (--activate, 5 minutes later) writes with it. Old keys',
    '                  stay, so old tokens stay readable.',
    '  webhook-secret  prints the key that signs auth events, for the app backend that checks them',
    'Integrations are those of the app in APP_DIR.',
  ].join('\n'),
  arguments: [['<integration>', 'an integration of config/oauth_config.json (set, remove)']],
  options: [
    ['--client-id <id>', 'the OAuth client id (set)'],
    ['--stage <name>', 'a deployed stage instead of the local store'],
    ['--region <region>', 'the AWS region of that stage'],
    ['--activate <key id>', 'rotate-keys step 2: write with the key step 1 added'],
  ],
  environment: [
    ['APP_DIR', 'the app whose integrations set and remove accept (default app/)'],
    ...SECRET_STORE_ENVIRONMENT,
  ],
  exitStatus: [
    ['0', 'done'],
    ['1', 'it failed (stderr says why)'],
    ['2', 'the command line is wrong'],
  ],
  examples: [
    'printf %s "$SECRET" | npm run secrets -- set hubspot --client-id "$CLIENT_ID"',
    'npm run secrets -- list --stage prod',
    'npm run secrets -- rotate-keys --stage prod',
    'WEBHOOK_SECRET=$(npm run -s secrets -- webhook-secret)',
  ],
};

async function readSecret(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Client secret (paste, then Enter): ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  return '';
}

type Options = Partial<Record<'client-id' | 'stage' | 'region' | 'activate', string>>;

interface Args {
  readonly values: Options;
  readonly integration: string | undefined;
  readonly store: SecretWriter;
  readonly where: string;
}

/** The integration named on the command line, checked against the app in APP_DIR. */
function integrationOf(name: string | undefined): string {
  if (name === undefined) usageError(USAGE, 'name the integration');
  const appDir = resolve(process.env.APP_DIR ?? 'app');
  const { app, problems } = loadApp(readAppDir(appDir));
  if (app === undefined)
    fail(USAGE, `the app in ${appDir} is invalid:\n${problems.map(formatProblemLine).join('\n')}`);
  const known = [...app.integrations.keys()];
  if (!known.includes(name)) {
    usageError(USAGE, `"${name}" is not an integration of the app in ${appDir}; it has: ${known.join(', ')}`);
  }
  return name;
}

interface Command {
  /** Positional arguments after the command's name. */
  readonly arguments: number;
  /** The options it reads besides --stage and --region. */
  readonly options: readonly (keyof Options)[];
  readonly run: (args: Args) => Promise<void>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  list: {
    arguments: 0,
    options: [],
    async run({ store, where }) {
      const stored = await listClientCredentials(store);
      if (stored.length === 0) console.error(`No client credentials in ${where}.`);
      for (const entry of stored) process.stdout.write(`${entry.integration}\tclient_id=${entry.clientId}\n`);
    },
  },
  set: {
    arguments: 1,
    options: ['client-id'],
    async run({ values, integration, store, where }) {
      const name = integrationOf(integration);
      const clientId = values['client-id'];
      if (clientId === undefined || clientId === '') usageError(USAGE, '--client-id is required');
      const clientSecret = await readSecret();
      if (clientSecret === '') usageError(USAGE, 'no client secret on stdin');
      await storeClientCredentials(store, name, { clientId, clientSecret });
      console.error(`Stored the client credentials of "${name}" in ${where}.`);
    },
  },
  remove: {
    arguments: 1,
    options: [],
    async run({ integration, store, where }) {
      const name = integrationOf(integration);
      await storeClientCredentials(store, name, undefined);
      console.error(`Removed the client credentials of "${name}" from ${where}.`);
    },
  },
  'webhook-secret': {
    arguments: 0,
    options: [],
    async run({ store, where }) {
      const secret = await store.get('webhook-signing');
      if (secret === undefined || secret === '') {
        fail(
          USAGE,
          `no webhook-signing secret in ${where}: run \`npm start\` once (or deploy the stage) to create it`,
        );
      }
      process.stdout.write(`${secret}\n`);
    },
  },
  'rotate-keys': {
    arguments: 0,
    options: ['activate'],
    async run({ values, store, where }) {
      const step: RotationStep =
        values.activate !== undefined
          ? { kind: 'activate', id: values.activate }
          : values.stage === undefined
            ? { kind: 'at-once' }
            : { kind: 'add' };
      const id = await rotateTokenKeys(store, step);
      if (step.kind === 'add') {
        console.error(
          `Added token key ${id} to ${where}. In 5 minutes every container knows it; then run\n  npm run secrets -- rotate-keys --stage ${values.stage} --activate ${id}`,
        );
      } else {
        console.error(
          `New tokens are now encrypted with key ${id} (${where}); older keys stay to read older tokens.`,
        );
      }
    },
  },
};

const COMMAND_NAMES = Object.keys(COMMANDS).join(', ');

/** An option the command would silently ignore is a mistake worth naming. */
function checkOptions(name: string, command: Command, values: Options): void {
  for (const option of ['client-id', 'activate'] as const) {
    if (values[option] !== undefined && !command.options.includes(option)) {
      usageError(USAGE, `--${option} does not go with ${name}`);
    }
  }
  if (values.region !== undefined && values.stage === undefined) {
    usageError(USAGE, '--region goes with --stage; the local store has no region');
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine({
    usage: USAGE,
    options: {
      'client-id': { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      activate: { type: 'string' },
    },
    maxPositionals: 2,
  });
  const [name, integration, ...rest] = positionals;
  if (name === undefined) usageError(USAGE, `give a command: ${COMMAND_NAMES}`);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined)
    usageError(USAGE, `unknown command "${name}"; the commands are ${COMMAND_NAMES}`);
  const surplus = [integration, ...rest].slice(command.arguments).find((arg) => arg !== undefined);
  if (surplus !== undefined)
    usageError(USAGE, `unexpected argument ${JSON.stringify(surplus)} after ${name}`);
  checkOptions(name, command, values);
  await command.run({ values, integration, ...secretStore(values.stage, values.region) });
  return 0;
}

runScript(USAGE, main);
