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
import { parseArgs } from 'node:util';
import { formatProblemLine, readAppDir } from '../lib/app';
import { loadApp } from '../lib/app/load-folder';
import { type RotationStep, rotateTokenKeys } from '../lib/crypto/rotation';
import { listClientCredentials, storeClientCredentials } from '../lib/oauth/client-credentials';
import { awsSecretsClient, createAwsSecretSource } from '../lib/secrets/aws';
import { createFileSecretSource, secretsFilePath } from '../lib/secrets/file';
import type { SecretWriter } from '../lib/secrets/port';

const USAGE = `usage:
  npm run secrets -- set <integration> --client-id <id> [--stage <name>] [--region <region>]
      the client secret is read from stdin: printf %s "$SECRET" | npm run secrets -- set …
  npm run secrets -- remove <integration> [--stage <name>]
  npm run secrets -- list [--stage <name>]
  npm run secrets -- rotate-keys [--stage <name> [--activate <key id>]]
      locally: a new token key, used at once; with --stage: step 1 adds it, step 2
      (--activate, after 5 minutes) writes with it. Old keys stay: old tokens stay readable.
  npm run -s secrets -- webhook-secret [--stage <name>]
      prints the webhook-signing secret, for the app backend that verifies events`;

function fail(message: string): never {
  console.error(`npm run secrets: ${message}\n${USAGE}`);
  process.exit(2);
}

async function readSecret(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Client secret (paste, then Enter): ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  return '';
}

function target(
  stage: string | undefined,
  region: string | undefined,
): { store: SecretWriter; where: string } {
  if (stage === undefined) {
    const dataDir = resolve(process.env.HANDSHAKE_DATA_DIR ?? '.handshake');
    return { store: createFileSecretSource(dataDir), where: secretsFilePath(dataDir) };
  }
  const awsRegion = region ?? process.env.AWS_REGION ?? 'us-east-1';
  const prefix = `handshake/${stage}`;
  return {
    store: createAwsSecretSource({ client: awsSecretsClient(awsRegion), prefix, maxAgeSeconds: 0 }),
    where: `Secrets Manager, secrets under ${prefix}/ (${awsRegion})`,
  };
}

interface Args {
  readonly values: { 'client-id'?: string; stage?: string; region?: string; activate?: string };
  readonly integration: string | undefined;
  readonly store: SecretWriter;
  readonly where: string;
}

/** The integration named on the command line, checked against the app in APP_DIR. */
function integrationOf(name: string | undefined): string {
  const appDir = resolve(process.env.APP_DIR ?? 'app');
  const { app, problems } = loadApp(readAppDir(appDir));
  if (app === undefined)
    fail(`the app in ${appDir} is invalid:\n${problems.map(formatProblemLine).join('\n')}`);
  const known = [...app.integrations.keys()];
  if (name === undefined) fail('name the integration');
  if (!known.includes(name)) fail(`"${name}" is not an integration of this app; it has: ${known.join(', ')}`);
  return name;
}

const COMMANDS: Record<string, (args: Args) => Promise<void>> = {
  async list({ store, where }) {
    const stored = await listClientCredentials(store);
    if (stored.length === 0) console.error(`No client credentials in ${where}.`);
    for (const entry of stored) process.stdout.write(`${entry.integration}\tclient_id=${entry.clientId}\n`);
  },
  async set({ values, integration, store, where }) {
    const name = integrationOf(integration);
    const clientId = values['client-id'];
    if (clientId === undefined || clientId === '') fail('--client-id is required');
    const clientSecret = await readSecret();
    if (clientSecret === '') fail('no client secret on stdin');
    await storeClientCredentials(store, name, { clientId, clientSecret });
    console.error(`Stored the client credentials of "${name}" in ${where}.`);
  },
  async remove({ integration, store, where }) {
    const name = integrationOf(integration);
    await storeClientCredentials(store, name, undefined);
    console.error(`Removed the client credentials of "${name}" from ${where}.`);
  },
  async 'webhook-secret'({ store, where }) {
    const secret = await store.get('webhook-signing');
    if (secret === undefined || secret === '') {
      fail(
        `no webhook-signing secret in ${where}: run \`npm start\` once (or deploy the stage) to create it`,
      );
    }
    process.stdout.write(`${secret}\n`);
  },
  async 'rotate-keys'({ values, store, where }) {
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
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'client-id': { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      activate: { type: 'string' },
    },
  });
  const [command, integration] = positionals;
  const run = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) fail(command === undefined ? 'give a command' : `unknown command "${command}"`);
  await run({ values, integration, ...target(values.stage, values.region) });
}

main().catch((error: unknown) => {
  console.error(`npm run secrets: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
