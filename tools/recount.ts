/**
 * `npm run recount`: sets the overview's installation and account counters to what the records
 * hold (tools/backfill/counters.ts; docs/DECISIONS.md, "Issue 19: overview").
 */
import { recountCounters } from './backfill/counters';
import { STAGE_OPTIONS, STAGE_USAGE, stageTable } from './backfill/stage-table';
import { parseCommandLine, runScript, type Usage } from './cli';

const USAGE: Usage = {
  name: 'npm run recount',
  synopsis: ['npm run recount [-- --stage <name> [--region <region>]]'],
  description: [
    "Counts the installations and accounts of the table (a Scan) and moves GET /overview's counters",
    'to those counts: run it once on a stage deployed before the counters existed, or when a count',
    'looks off. Writes landing meanwhile still count. Refresh and delivery history is not recounted.',
    'Without --stage: the local backend (npm start must be running); with --stage: handshake-<name>.',
  ].join('\n'),
  ...STAGE_USAGE,
  exitStatus: [
    ['0', 'done; the counts are printed'],
    ['1', 'it failed (stderr says why)'],
    ['2', 'the command line is wrong'],
  ],
  examples: ['npm run recount', 'npm run recount -- --stage prod --region eu-west-1'],
};

async function main(): Promise<number> {
  const { values } = parseCommandLine({ usage: USAGE, options: STAGE_OPTIONS, maxPositionals: 0 });
  const report = await recountCounters(stageTable(USAGE, values));
  process.stdout.write(
    `Counted ${report.installations} installations and ${report.accounts} accounts; corrected ${report.corrected} counters.\n`,
  );
  return 0;
}

runScript(USAGE, main);
