/**
 * The refresh section: the real sweep (lib/refresh/refresh-due.ts, wired as functions/refresh.ts
 * wires it) against DynamoDB Local and the loopback token endpoint. Measures refreshes per
 * second of one sweep over N due tokens, and the index items a sweep reads per due token when
 * most stored tokens are not due.
 */

import type { AccountKey } from '../../lib/accounts/record';
import { type RefreshSweepReport, refreshDue } from '../../lib/refresh/refresh-due';
import { openTokenSet } from '../../lib/tokens/token-set';
import { formatNumber, inPool, markdownTable, passFail, problemLines, type SectionResult } from './section';
import { secretToken } from './servers';
import { REFRESHED, type World } from './world';

/** One sweep over this many due tokens per concurrency (functions/refresh.ts runs 32). */
const THROUGHPUT = { accounts: 1000, perInstallation: 10, concurrencies: [16, 32] } as const;
/** A sweep first, unreported, so the measured ones do not pay for the JVM's and V8's warm-up. */
const WARM_UP = { accounts: 1000, concurrency: 16 } as const;
const TARGET_PER_SECOND = 200;
/** Stored tokens, of which `due` are due; the rest are in the index with a later due time. */
const INDEX_READS = { stored: 10_000, due: 100, installations: 100, concurrency: 16 } as const;
const TARGET_ITEMS_PER_DUE = 1.1;
/** Far enough that the sweep never stops for time. */
const SWEEP_TIME_MS = 10 * 60_000;
const HOUR_MS = 3600_000;

interface Seeded {
  readonly key: AccountKey;
  readonly refreshToken: string;
}

/** `count` accounts named `<prefix>-<i>`, spread round-robin over `installations`, due at `dueAt(i)`. */
async function seed(world: World, prefix: string, count: number, installations: number, dueAt: () => number) {
  const owners = await world.installations(installations);
  const seeded: Seeded[] = Array.from({ length: count }, (_, index) => ({
    key: {
      installationId: owners[index % owners.length]?.id ?? '',
      integration: REFRESHED,
      account: `${prefix}-${index}`,
    },
    refreshToken: secretToken('rt'),
  }));
  await inPool(seeded, 16, ({ key, refreshToken }) =>
    world.putAccount(key, { accessToken: secretToken('at'), refreshToken }, dueAt()),
  );
  return seeded;
}

/** What went wrong: every seeded account refreshed once, with exactly the tokens the endpoint issued. */
async function check(world: World, seeded: readonly Seeded[], report: RefreshSweepReport, calls: number) {
  const problems: string[] = [];
  const expected = seeded.length;
  if (report.due !== expected) problems.push(`the sweep found ${report.due} due tokens, not ${expected}`);
  if (report.outcomes.refreshed !== expected)
    problems.push(
      `refreshed ${report.outcomes.refreshed} of ${expected} (${JSON.stringify(report.outcomes)})`,
    );
  if (calls !== expected) problems.push(`the token endpoint was called ${calls} times, not ${expected}`);
  if (report.unfinished) problems.push('the sweep ran out of time');
  const wrong: string[] = [];
  const now = Date.now();
  await inPool(seeded, 32, async ({ key, refreshToken }) => {
    const record = await world.sweep.accounts.get(key);
    const issued = world.endpoint.issuedFor(refreshToken);
    const tokens = record?.status === 'authorized' ? openTokenSet(world.vault, record) : undefined;
    const right =
      record?.status === 'authorized' &&
      record.version === 3 &&
      record.lease === undefined &&
      (record.refreshDueAt ?? 0) > now &&
      tokens?.accessToken === issued?.accessToken &&
      tokens?.refreshToken === issued?.refreshToken;
    if (!right || issued === undefined) wrong.push(key.account);
  });
  if (wrong.length > 0)
    problems.push(`${wrong.length} accounts not refreshed as expected, e.g. ${wrong.slice(0, 3).join(', ')}`);
  return problems;
}

interface Run {
  readonly concurrency: number;
  readonly seconds: number;
  readonly report: RefreshSweepReport;
  readonly calls: number;
  readonly problems: string[];
}

async function sweepOver(world: World, seeded: readonly Seeded[], concurrency: number): Promise<Run> {
  const before = world.endpoint.calls();
  const started = performance.now();
  const report = await refreshDue(world.sweep, { concurrency, startBefore: Date.now() + SWEEP_TIME_MS });
  const seconds = (performance.now() - started) / 1000;
  const calls = world.endpoint.calls() - before;
  return { concurrency, seconds, report, calls, problems: await check(world, seeded, report, calls) };
}

async function throughput(world: World, name: string, accounts: number, concurrency: number): Promise<Run> {
  const seeded = await seed(
    world,
    name,
    accounts,
    accounts / THROUGHPUT.perInstallation,
    () => Date.now() - 60_000,
  );
  return sweepOver(world, seeded, concurrency);
}

function throughputTable(runs: readonly Run[]): string {
  const header = ['due tokens (N)', 'concurrency (C)', 'wall time', 'refreshes/s', 'token endpoint calls'];
  return markdownTable(
    [...header, 'all N refreshed', `target ≥ ${TARGET_PER_SECOND}/s`],
    runs.map((run) => {
      const perSecond = run.report.outcomes.refreshed / run.seconds;
      return [
        formatNumber(run.report.due),
        String(run.concurrency),
        `${formatNumber(run.seconds, 2)} s`,
        formatNumber(perSecond),
        formatNumber(run.calls),
        run.problems.length === 0 ? 'yes' : 'NO',
        passFail(perSecond >= TARGET_PER_SECOND),
      ];
    }),
  );
}

async function indexReads(world: World): Promise<{ run: Run; table: string }> {
  const { stored, due, installations, concurrency } = INDEX_READS;
  await seed(
    world,
    'later',
    stored - due,
    installations,
    () => Date.now() + HOUR_MS + Math.random() * 23 * HOUR_MS,
  );
  const seeded = await seed(world, 'due', due, installations, () => Date.now() - 60_000);
  const run = await sweepOver(world, seeded, concurrency);
  const perDue = run.report.due === 0 ? Number.NaN : run.report.itemsRead / run.report.due;
  const table = markdownTable(
    [
      'stored tokens (S)',
      'due (D)',
      'due found',
      'index items read',
      'items read per due token',
      'refreshed',
    ].concat(`target ≤ ${TARGET_ITEMS_PER_DUE}`),
    [
      [
        formatNumber(stored),
        formatNumber(due),
        formatNumber(run.report.due),
        formatNumber(run.report.itemsRead),
        formatNumber(perDue, 2),
        formatNumber(run.report.outcomes.refreshed),
        passFail(perDue <= TARGET_ITEMS_PER_DUE),
      ],
    ],
  );
  return { run, table };
}

export async function refreshSection(world: World): Promise<SectionResult> {
  const warmUp = await throughput(world, 'warm-up', WARM_UP.accounts, WARM_UP.concurrency);
  const runs: Run[] = [];
  for (const concurrency of THROUGHPUT.concurrencies) {
    runs.push(await throughput(world, `c${concurrency}`, THROUGHPUT.accounts, concurrency));
  }
  const reads = await indexReads(world);
  const problems = [warmUp, ...runs, reads.run].flatMap((run) => run.problems);
  const markdown = [
    '### Refreshes per second',
    '',
    `One \`refreshDue()\` over N due tokens (${THROUGHPUT.perInstallation} per installation), each refreshed ` +
      'through its lease: UpdateItem, token endpoint POST, TransactWrite. ' +
      `A sweep of ${formatNumber(WARM_UP.accounts)} tokens runs first, unmeasured, to warm up the JVM and V8.`,
    '',
    throughputTable(runs),
    '',
    '### Items read per due token',
    '',
    `${formatNumber(INDEX_READS.stored)} tokens stored by this step, all in the refresh index; ` +
      `${formatNumber(INDEX_READS.due)} due now, the rest due in 1–24 h (the earlier steps' tokens are not due either).`,
    '',
    reads.table,
  ].join('\n');
  return { markdown: markdown + problemLines(problems), ok: problems.length === 0 };
}
