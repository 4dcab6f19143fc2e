/**
 * `npm run backfill-listing`: once, after the deploy that added the listing index, files the
 * installations, accounts and events written before it, so `GET /installations` and
 * `GET /events` list them (tools/backfill/listing.ts; docs/DECISIONS.md, "Issue 19: listings").
 */
import { dataDirOf, readRecord } from '../infra/local-environment.cjs';
import { tableRef } from '../lib/store/dynamo';
import { backfillListing } from './backfill/listing';
import { fail, parseCommandLine, runScript, type Usage, usageError } from './cli';
import { DEFAULT_REGION } from './secret-store';

const USAGE: Usage = {
  name: 'npm run backfill-listing',
  synopsis: ['npm run backfill-listing [-- --stage <name> [--region <region>]]'],
  description: [
    'Adds the listing attributes to every installation, account and webhook event that lacks them',
    '(items written before the listing index existed). Safe beside live traffic and to run again:',
    'each update is conditioned on the item being unchanged. Without --stage: the table of the',
    'local backend (npm start must be running); with --stage: the table handshake-<name> in AWS.',
  ].join('\n'),
  options: [
    ['--stage <name>', 'a deployed stage instead of the local backend'],
    ['--region <region>', 'the AWS region of that stage'],
  ],
  environment: [
    ['HANDSHAKE_DATA_DIR', 'the local data folder of npm start (default .handshake); without --stage'],
    ['AWS_REGION', `the region of a stage when --region is not given (default ${DEFAULT_REGION})`],
    ['AWS_PROFILE, AWS_…', 'the AWS credentials used with --stage'],
  ],
  exitStatus: [
    ['0', 'done; the counts are printed'],
    ['1', 'it failed (stderr says why)'],
    ['2', 'the command line is wrong'],
  ],
  examples: ['npm run backfill-listing', 'npm run backfill-listing -- --stage prod --region eu-west-1'],
};

function localTable() {
  const dataDir = dataDirOf(process.env, process.cwd());
  const found = readRecord(dataDir);
  if (found.record === undefined) {
    fail(USAGE, `no local backend found (${found.problem}): run \`npm start\` first, or give --stage`);
  }
  const { dynamodbEndpoint, stage } = found.record;
  return tableRef({ region: DEFAULT_REGION, dynamodbEndpoint, local: true, tableName: `handshake-${stage}` });
}

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: { stage: { type: 'string' }, region: { type: 'string' } },
    maxPositionals: 0,
  });
  if (values.region !== undefined && values.stage === undefined) {
    usageError(USAGE, '--region goes with --stage; the local table has no region');
  }
  const table =
    values.stage === undefined
      ? localTable()
      : tableRef({
          region: values.region ?? process.env.AWS_REGION ?? DEFAULT_REGION,
          dynamodbEndpoint: undefined,
          local: false,
          tableName: `handshake-${values.stage}`,
        });
  const report = await backfillListing(table);
  process.stdout.write(
    `Filed ${report.installations} installations, ${report.accounts} accounts and ${report.events} events; skipped ${report.skipped} (changed meanwhile, malformed or orphaned).\n`,
  );
  return 0;
}

runScript(USAGE, main);
