/**
 * `npm run -s admin-key`: print the admin key of the local backend (`npm start`) so it can go
 * straight into a variable — `ADMIN=$(npm run -s admin-key)` — without ever being printed in
 * `npm start`'s own output, which people paste into issues and chat. With --stage, a deployed
 * stage's key. Nothing but the key ever goes to stdout, so a variable is never filled with a
 * message: when there is no key, stderr says why and what to do, and the exit code is 1.
 */
import { statSync } from 'node:fs';
import { fail, parseCommandLine, runScript, type Usage, usageError } from './cli';
import { SECRET_STORE_ENVIRONMENT, secretStore } from './secret-store';

const USAGE: Usage = {
  name: 'npm run admin-key',
  synopsis: ['npm run -s admin-key [-- --stage <name> [--region <region>]]'],
  description: [
    'Prints the admin key on stdout and nothing else, so that it can go straight into a variable.',
    'Without --stage: the key of the local backend, which `npm start` generates on its first run',
    '(or takes from HANDSHAKE_ADMIN_KEY) and keeps in $HANDSHAKE_DATA_DIR/secrets.json. With',
    "--stage: the deployed stage's secret handshake/<name>/admin-key in Secrets Manager.",
  ].join('\n'),
  options: [
    ['--stage <name>', 'a deployed stage instead of the local backend'],
    ['--region <region>', 'the AWS region of that stage'],
  ],
  environment: SECRET_STORE_ENVIRONMENT,
  exitStatus: [
    ['0', 'the key was printed'],
    ['1', 'there is no key yet (stderr says why and what to do), or the store could not be read'],
    ['2', 'the command line is wrong'],
  ],
  examples: [
    'ADMIN=$(npm run -s admin-key)',
    'ADMIN=$(npm run -s admin-key -- --stage prod --region eu-west-1)',
  ],
};

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: { stage: { type: 'string' }, region: { type: 'string' } },
    maxPositionals: 0,
  });
  if (values.region !== undefined && values.stage === undefined) {
    usageError(USAGE, '--region goes with --stage; the local key has no region');
  }
  const target = secretStore(values.stage, values.region);
  if (target.kind === 'local' && !statSync(target.dataDir, { throwIfNoEntry: false })?.isDirectory()) {
    fail(
      USAGE,
      `no local admin key: the data folder ${target.dataDir} does not exist. Run \`npm start\` once (it creates the folder and a key), or point HANDSHAKE_DATA_DIR at the folder \`npm start\` uses.`,
    );
  }
  const key = await target.store.get('admin-key');
  if (key === undefined) {
    fail(
      USAGE,
      target.kind === 'local'
        ? `no local admin key yet in ${target.where}. Run \`npm start\` once (it generates one), or choose one with \`HANDSHAKE_ADMIN_KEY=… npm start\`.`
        : `no secret ${target.prefix}/admin-key in ${target.where}. Deploy the stage first (npm run deploy -- --stage ${values.stage ?? '<name>'}), or give its --region.`,
    );
  }
  process.stdout.write(`${key}\n`);
  return 0;
}

runScript(USAGE, main);
