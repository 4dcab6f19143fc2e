/**
 * `npm run -s event -- <payload> [--id <installation id>] [--key <key>]`: prints a payload of
 * events/ pointed at your own installation and key, for `serverless invoke local -d`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENTS_DIR, forInstallation, loadEvent, withAuthorization } from './local/event-payloads';

const USAGE = `Usage: npm run -s event -- <payload> [--id <installation id>] [--key <key>]

Prints a payload of events/ (a real API Gateway HTTP API event) changed for a replay against
your local state, to pass to \`npx serverless invoke local -f <function> -d "$(…)"\`.

  <payload>   a file of events/, with or without .json: installations/get, invoke, health …
  --id ID     the installation the route acts on (the payloads carry an example id that
              no installation has)
  --key KEY   the Authorization key: the admin key (npm run -s admin-key) or an
              installation's key (the payloads carry an example admin key)
  -h, --help  this text

Example:
  ADMIN=$(npm run -s admin-key)
  npx serverless invoke local -f installations \\
    -d "$(npm run -s event -- installations/get --id in_… --key "$ADMIN")"

Payloads:
`;

function payloads(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return payloads(path);
    return name.endsWith('.json') ? [relative(EVENTS_DIR, path).replace(/\.json$/, '')] : [];
  });
}

function main(argv: readonly string[]): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`npm run event: ${(error as Error).message}. See --help.`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    console.log(
      `${USAGE}${payloads(EVENTS_DIR)
        .sort()
        .map((name) => `  ${name}`)
        .join('\n')}`,
    );
    return 0;
  }
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) {
    console.error('npm run event: name one payload of events/, e.g. installations/get. See --help.');
    return 2;
  }
  const file = name.endsWith('.json') ? name : `${name}.json`;
  if (/(^|\/)\.\.(\/|$)/.test(file) || !existsSync(join(EVENTS_DIR, file))) {
    console.error(`npm run event: events/${file} does not exist. --help lists the payloads.`);
    return 2;
  }
  if (values.id !== undefined && !/^in_[a-z2-7]{20}$/.test(values.id)) {
    console.error(`npm run event: --id must be an installation id like in_…, got "${values.id}"`);
    return 2;
  }
  const event = loadEvent(file, (payload) => {
    if (values.id !== undefined) forInstallation(values.id)(payload);
    if (values.key !== undefined) withAuthorization(`Bearer ${values.key}`)(payload);
  });
  process.stdout.write(`${JSON.stringify(event)}\n`);
  return 0;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { id: { type: 'string' }, key: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}

process.exitCode = main(process.argv.slice(2));
