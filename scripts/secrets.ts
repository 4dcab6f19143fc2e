/**
 * `npm run secrets -- <command>`: an integration's OAuth client credentials, kept in the
 * secret store rather than in oauth_config.json.
 *
 *   npm run secrets -- set <integration> --client-id <id>   (the secret is read from stdin)
 *   npm run secrets -- remove <integration>
 *   npm run secrets -- list
 *
 * Without --stage it writes the local store of `npm start` (HANDSHAKE_DATA_DIR); with
 * `--stage <name> [--region <region>]` the deployed stage's Secrets Manager secret
 * `handshake/<name>/client-credentials` (AWS credentials from the usual environment).
 */

import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { formatProblemLine, loadApp, readAppDir } from '../lib/app';
import { listClientCredentials, storeClientCredentials } from '../lib/oauth/client-credentials';
import { awsSecretsClient, createAwsSecretSource } from '../lib/secrets/aws';
import { createFileSecretSource, secretsFilePath } from '../lib/secrets/file';
import type { SecretWriter } from '../lib/secrets/port';

const USAGE = `usage:
  npm run secrets -- set <integration> --client-id <id> [--stage <name>] [--region <region>]
      the client secret is read from stdin: printf %s "$SECRET" | npm run secrets -- set …
  npm run secrets -- remove <integration> [--stage <name>]
  npm run secrets -- list [--stage <name>]`;

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
    where: `Secrets Manager ${prefix}/client-credentials (${awsRegion})`,
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'client-id': { type: 'string' }, stage: { type: 'string' }, region: { type: 'string' } },
  });
  const [command, integration] = positionals;
  const { store, where } = target(values.stage, values.region);
  const appDir = resolve(process.env.APP_DIR ?? 'app');
  const { app, problems } = loadApp(readAppDir(appDir));
  if (app === undefined)
    fail(`the app in ${appDir} is invalid:\n${problems.map(formatProblemLine).join('\n')}`);
  const known = [...app.integrations.keys()];
  const checkIntegration = (name: string | undefined): string => {
    if (name === undefined) fail('name the integration');
    if (!known.includes(name))
      fail(`"${name}" is not an integration of this app; it has: ${known.join(', ')}`);
    return name;
  };
  if (command === 'list') {
    const stored = await listClientCredentials(store);
    if (stored.length === 0) console.error(`No client credentials in ${where}.`);
    for (const entry of stored) process.stdout.write(`${entry.integration}\tclient_id=${entry.clientId}\n`);
  } else if (command === 'set') {
    const name = checkIntegration(integration);
    const clientId = values['client-id'];
    if (clientId === undefined || clientId === '') fail('--client-id is required');
    const clientSecret = await readSecret();
    if (clientSecret === '') fail('no client secret on stdin');
    await storeClientCredentials(store, name, { clientId, clientSecret });
    console.error(`Stored the client credentials of "${name}" in ${where}.`);
  } else if (command === 'remove') {
    const name = checkIntegration(integration);
    await storeClientCredentials(store, name, undefined);
    console.error(`Removed the client credentials of "${name}" from ${where}.`);
  } else {
    fail(command === undefined ? 'give a command' : `unknown command "${command}"`);
  }
}

main().catch((error: unknown) => {
  console.error(`npm run secrets: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
