/**
 * `npm run -s event -- <payload> [--id <installation id>] [--key <key>]`: prints a payload of
 * events/ pointed at your own installation and key, for `serverless invoke local -d`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseCommandLine, runScript, type Usage, usageError } from './cli';
import { EVENTS_DIR, forInstallation, loadEvent, withAuthorization } from './local/event-payloads';

function payloads(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return payloads(path);
    return name.endsWith('.json') ? [relative(EVENTS_DIR, path).replace(/\.json$/, '')] : [];
  });
}

const USAGE: Usage = {
  name: 'npm run event',
  synopsis: ['npm run -s event -- <payload> [--id <installation id>] [--key <key>]'],
  description: [
    'Prints a payload of events/ (a real API Gateway HTTP API event) changed for a replay against',
    'your local state, to pass to `npx serverless invoke local -f <function> -d "$(…)"`. The',
    'payloads carry an example installation id that no installation has and an example admin key.',
    '',
    `Payloads: ${payloads(EVENTS_DIR).sort().join(', ')}`,
  ].join('\n'),
  arguments: [['<payload>', 'a file of events/, with or without .json']],
  options: [
    ['--id <id>', 'the installation the route acts on (in_…)'],
    ['--key <key>', "the Authorization key: the admin key or an installation's key"],
  ],
  examples: [
    'ADMIN=$(npm run -s admin-key)',
    'npx serverless invoke local -f installations -d "$(npm run -s event -- installations/get --id in_… --key "$ADMIN")"',
  ],
};

function main(): number {
  const { values, positionals } = parseCommandLine({
    usage: USAGE,
    options: { id: { type: 'string' }, key: { type: 'string' } },
    maxPositionals: 1,
  });
  const [name] = positionals;
  if (name === undefined) usageError(USAGE, 'name one payload of events/, e.g. installations/get');
  const file = name.endsWith('.json') ? name : `${name}.json`;
  if (/(^|\/)\.\.(\/|$)/.test(file) || !existsSync(join(EVENTS_DIR, file)))
    usageError(USAGE, `events/${file} does not exist; --help lists the payloads`);
  const { id, key } = values;
  if (id !== undefined && !/^in_[a-z2-7]{20}$/.test(id))
    usageError(USAGE, `--id must be an installation id like in_…, got "${id}"`);
  const event = loadEvent(file, (payload) => {
    if (id !== undefined) forInstallation(id)(payload);
    if (key !== undefined) withAuthorization(`Bearer ${key}`)(payload);
  });
  process.stdout.write(`${JSON.stringify(event)}\n`);
  return 0;
}

runScript(USAGE, main);
