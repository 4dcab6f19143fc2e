/**
 * The refresh section: the real sweep (`refreshDue` with lib/wiring's `sweepDeps`, as
 * functions/refresh.ts runs it) against DynamoDB Local and the loopback token endpoint.
 * Measures refreshes per second of one sweep over N due tokens, and the index items a sweep
 * reads per due token when most stored tokens are not due.
 */
import type { AccountKey } from '../../lib/accounts/record';
import { forEachPooled } from '../../lib/concurrency/pool';
import { type RefreshSweepReport, refreshDue } from '../../lib/refresh/refresh-due';
import { openTokenSet } from '../../lib/tokens/token-set';
import { formatNumber, markdownTable, passFail, type SectionResult, sectionResult } from './section';
import { secretToken } from './servers';
import { REFRESHED, type World } from './world';

/** One sweep over this many due tokens per concurrency (functions/refresh.ts runs 32). */
const THROUGHPUT = { accounts: 1000, perInstallation: 10, concurrencies: [16, 32] } as const;
/** A sweep first, unreported, so the measured ones do not pay for the JVM's and V8's warm-up. */
const WARM_UP_CONCURRENCY = 16;
const TARGET_PER_SECOND = 200;
/** Stored tokens, of which `due` are due; the rest expire later. */
const INDEX_READS = { stored: 10_000, due: 100, installations: 100, concurrency: 16 } as const;
const TARGET_ITEMS_PER_DUE = 1.1;
/** Far enough that the sweep never stops for time. */
const SWEEP_TIME_MS = 10 * 60_000;
const HOUR_MS = 3600_000;
/** Expired a minute ago: due now. */
export const EXPIRED = () => Date.now() - 60_000;

export interface Seeded {
  readonly key: AccountKey;
  readonly refreshToken: string;
}

interface Run {
  readonly concurrency: number;
  readonly seconds: number;
  readonly report: RefreshSweepReport;
  readonly calls: number;
  readonly problems: string[];
}

/** `count` accounts named `<prefix>-<i>`, round-robin over new installations, expiring at `expiresAt()`. */
export async function seed(
  world: World,
  prefix: string,
  count: number,
  owners: number,
  expiresAt: () => number,
) {
  const ids = (await world.installations(owners)).map(({ id }) => id);
  const seeded = Array.from({ length: count }, (_, i): Seeded => {
    const installationId = ids[i % ids.length] ?? '';
    const key = { installationId, integration: REFRESHED, account: `${prefix}-${i}` };
    return { key, refreshToken: secretToken('rt') };
  });
  await forEachPooled(seeded, { concurrency: 16 }, ({ key, refreshToken }) =>
    world.putAccount(key, { accessToken: secretToken('at'), refreshToken }, expiresAt()),
  );
  return seeded;
}

/**
 * Problems unless every seeded account was refreshed exactly once, holding exactly the tokens
 * the endpoint issued for it; shared with the fan-out section, whose workers run the same core.
 */
export async function refreshedOnceEach(world: World, seeded: readonly Seeded[]): Promise<string[]> {
  const wrong: string[] = [];
  const now = Date.now();
  await forEachPooled(seeded, { concurrency: 32 }, async ({ key, refreshToken }) => {
    const record = await world.sweep.accounts.get(key);
    const issued = world.endpoint.issuedFor(refreshToken);
    // Version 3: written by the handshake (1), leased (2), refreshed (3) — once, and released.
    const tokens = record?.status === 'authorized' ? openTokenSet(world.vault, record) : undefined;
    const right =
      record?.status === 'authorized' &&
      record.version === 3 &&
      record.lease === undefined &&
      (record.refreshDueAt ?? 0) > now &&
      issued !== undefined &&
      tokens?.accessToken === issued.accessToken &&
      tokens.refreshToken === issued.refreshToken;
    if (!right) wrong.push(key.account);
  });
  return wrong.length === 0
    ? []
    : [`${wrong.length} accounts not refreshed as expected, e.g. ${wrong.slice(0, 3).join(', ')}`];
}

async function check(world: World, seeded: readonly Seeded[], report: RefreshSweepReport, calls: number) {
  const n = seeded.length;
  const problems: string[] = [];
  if (report.due !== n) problems.push(`the sweep found ${report.due} due tokens, not ${n}`);
  if (report.outcomes.refreshed !== n)
    problems.push(`refreshed ${report.outcomes.refreshed} of ${n} (${JSON.stringify(report.outcomes)})`);
  if (calls !== n) problems.push(`the token endpoint was called ${calls} times, not ${n}`);
  if (report.unfinished) problems.push('the sweep ran out of time');
  problems.push(...(await refreshedOnceEach(world, seeded)));
  return problems;
}

async function sweepOver(world: World, seeded: readonly Seeded[], concurrency: number): Promise<Run> {
  const before = world.endpoint.calls();
  const started = performance.now();
  const report = await refreshDue(world.sweep, { concurrency, startBefore: Date.now() + SWEEP_TIME_MS });
  const seconds = (performance.now() - started) / 1000;
  const calls = world.endpoint.calls() - before;
  return { concurrency, seconds, report, calls, problems: await check(world, seeded, report, calls) };
}

async function throughput(world: World, name: string, accounts: number, concurrency: number) {
  const seeded = await seed(world, name, accounts, accounts / THROUGHPUT.perInstallation, EXPIRED);
  return sweepOver(world, seeded, concurrency);
}

function throughputTable(runs: readonly Run[]): string {
  const header = 'due tokens (N)|concurrency (C)|wall time|refreshes/s|token endpoint calls|all N refreshed';
  return markdownTable(
    `${header}|target ≥ ${TARGET_PER_SECOND}/s`.split('|'),
    runs.map(({ report, concurrency, seconds, calls, problems }) => {
      const perSecond = report.outcomes.refreshed / seconds;
      const counts = [report.due, concurrency].map((value) => formatNumber(value));
      const done = problems.length === 0 ? 'yes' : 'NO';
      const rate = [formatNumber(perSecond), formatNumber(calls), done];
      return [...counts, `${formatNumber(seconds, 2)} s`, ...rate, passFail(perSecond >= TARGET_PER_SECOND)];
    }),
  );
}

async function indexReads(world: World): Promise<{ run: Run; table: string }> {
  const { stored, due, installations, concurrency } = INDEX_READS;
  // Due no earlier than half their life (lib/accounts/decisions.ts), so ≥ 1 h from now.
  const later = () => Date.now() + 2 * HOUR_MS + Math.random() * 23 * HOUR_MS;
  await seed(world, 'later', stored - due, installations, later);
  const run = await sweepOver(world, await seed(world, 'due', due, installations, EXPIRED), concurrency);
  const { due: found, itemsRead, outcomes } = run.report;
  const perDue = found === 0 ? Number.NaN : itemsRead / found;
  const header = 'stored tokens (S)|due (D)|due found|index items read|items read per due token|refreshed';
  const counts = [stored, due, found, itemsRead].map((value) => formatNumber(value));
  const row = [...counts, formatNumber(perDue, 2), formatNumber(outcomes.refreshed)];
  const table = markdownTable(`${header}|target ≤ ${TARGET_ITEMS_PER_DUE}`.split('|'), [
    [...row, passFail(perDue <= TARGET_ITEMS_PER_DUE)],
  ]);
  return { run, table };
}

export async function refreshSection(world: World): Promise<SectionResult> {
  const warmUp = await throughput(world, 'warm-up', THROUGHPUT.accounts, WARM_UP_CONCURRENCY);
  const runs: Run[] = [];
  for (const concurrency of THROUGHPUT.concurrencies) {
    runs.push(await throughput(world, `c${concurrency}`, THROUGHPUT.accounts, concurrency));
  }
  const reads = await indexReads(world);
  return sectionResult(
    [
      '### Refreshes per second',
      `One \`refreshDue()\` over N due tokens (${THROUGHPUT.perInstallation} per installation), each refreshed ` +
        'through its lease: UpdateItem, token endpoint POST, TransactWrite. ' +
        `A sweep of ${formatNumber(THROUGHPUT.accounts)} tokens runs first, unmeasured, to warm up the JVM and V8.`,
      throughputTable(runs),
      '### Items read per due token',
      `${formatNumber(INDEX_READS.stored)} tokens stored by this step, all in the refresh index; ` +
        `${formatNumber(INDEX_READS.due)} due now, the rest expire in 2–25 h, so none is due ` +
        "(nor are the earlier steps' tokens).",
      reads.table,
    ],
    [warmUp, ...runs, reads.run].flatMap((run) => run.problems),
  );
}
