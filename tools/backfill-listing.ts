/**
 * `npm run backfill-listing`: once, after the deploy that added the listing index, files the
 * installations, accounts and events written before it, so `GET /installations` and
 * `GET /events` list them (tools/backfill/listing.ts; docs/DECISIONS.md, "Issue 19: listings").
 */
import { backfillListing } from './backfill/listing';
import { STAGE_OPTIONS, STAGE_USAGE, stageTable } from './backfill/stage-table';
import { parseCommandLine, runScript, type Usage } from './cli';

const USAGE: Usage = {
  name: 'npm run backfill-listing',
  synopsis: ['npm run backfill-listing [-- --stage <name> [--region <region>]]'],
  description: [
    'Adds the listing attributes to every installation, account and webhook event that lacks them',
    '(items written before the listing index existed). Safe beside live traffic and to run again:',
    'each update is conditioned on the item being unchanged. Without --stage: the table of the',
    'local backend (npm start must be running); with --stage: the table handshake-<name> in AWS.',
  ].join('\n'),
  ...STAGE_USAGE,
  exitStatus: [
    ['0', 'done; the counts are printed'],
    ['1', 'it failed (stderr says why)'],
    ['2', 'the command line is wrong'],
  ],
  examples: ['npm run backfill-listing', 'npm run backfill-listing -- --stage prod --region eu-west-1'],
};

async function main(): Promise<number> {
  const { values } = parseCommandLine({ usage: USAGE, options: STAGE_OPTIONS, maxPositionals: 0 });
  const report = await backfillListing(stageTable(USAGE, values));
  process.stdout.write(
    `Filed ${report.installations} installations, ${report.accounts} accounts and ${report.events} events; skipped ${report.skipped} (changed meanwhile, malformed or orphaned).\n`,
  );
  return 0;
}

runScript(USAGE, main);
