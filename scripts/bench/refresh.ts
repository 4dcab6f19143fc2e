/**
 * The refresh section: the real sweep (lib/refresh/sweep.ts) against DynamoDB Local and a
 * loopback token endpoint. Measures refreshes per second of one sweep over N due tokens, and
 * how many index items a sweep reads per due token when most stored tokens are not due.
 */
import { type SweepReport, sweep } from '../../lib/refresh/sweep';
import { openTokenSet } from '../../lib/tokens/token-set';
import { cpuMeter, OPERATIONS, Probe, probed } from './probe';
import {
  type BenchTable,
  type RefreshWorld,
  type SeededAccount,
  seedDueAccounts,
  seedInstallations,
  seedNotDueAccounts,
  startRefreshWorld,
} from './refresh-world';
import {
  type BenchSection,
  type Cleanup,
  formatNumber,
  inPool,
  markdownTable,
  passFail,
  type SectionResult,
} from './section';

/** One sweep over this many due tokens per concurrency (functions/refresh.ts defaults to 32). */
const THROUGHPUT = { accounts: 1000, accountsPerInstallation: 10, concurrencies: [16, 32] } as const;
/** A sweep first, unreported, so the measured ones do not pay for the JVM's and V8's warm-up. */
const WARM_UP = { accounts: 1000, concurrency: 16 } as const;
const TARGET_REFRESHES_PER_SECOND = 200;
/** Stored tokens, of which `due` are due; the rest are in the index with a later due time. */
const INDEX_READS = { stored: 10_000, due: 100, installations: 100, concurrency: 16 } as const;
const TARGET_ITEMS_READ_PER_DUE = 1.1;
/** Far enough that the sweep never stops for time. */
const SWEEP_TIME_MS = 10 * 60_000;

interface ThroughputRun {
  readonly concurrency: number;
  readonly accounts: number;
  readonly seconds: number;
  readonly report: SweepReport;
  readonly calls: number;
  readonly probe: Probe;
  readonly cpu: ReturnType<ReturnType<typeof cpuMeter>>;
  readonly problems: string[];
  /** The table and the accounts refreshed, for the store-only comparison that follows. */
  readonly table: BenchTable;
  readonly seeded: readonly SeededAccount[];
}

/** Every seeded account was refreshed once, with exactly the tokens the endpoint issued for it. */
async function verifyRefreshed(
  world: RefreshWorld,
  table: BenchTable,
  seeded: readonly SeededAccount[],
): Promise<string[]> {
  const wrong: string[] = [];
  const now = Date.now();
  await inPool(seeded, 32, async ({ key, refreshToken }) => {
    const record = await table.accounts.get(key);
    const issued = world.endpoint.issuedFor(refreshToken);
    const tokens = record?.status === 'authorized' ? openTokenSet(world.vault, record) : undefined;
    const right =
      record?.status === 'authorized' &&
      issued !== undefined &&
      record.version === 3 &&
      record.lease === undefined &&
      (record.refreshDueAt ?? 0) > now &&
      tokens?.accessToken === issued.accessToken &&
      tokens.refreshToken === issued.refreshToken;
    if (!right) wrong.push(`${key.installationId}/${key.account}`);
  });
  return wrong.length === 0
    ? []
    : [`${wrong.length} accounts not refreshed as expected, e.g. ${wrong.slice(0, 3).join(', ')}`];
}

function checkReport(report: SweepReport, calls: number, expected: number): string[] {
  const problems: string[] = [];
  if (report.due !== expected) problems.push(`the sweep found ${report.due} due tokens, not ${expected}`);
  if (report.outcomes.refreshed !== expected) {
    problems.push(
      `refreshed ${report.outcomes.refreshed} of ${expected} (${JSON.stringify(report.outcomes)})`,
    );
  }
  if (calls !== expected) problems.push(`the token endpoint was called ${calls} times, not ${expected}`);
  if (report.unfinished) problems.push('the sweep ran out of time');
  return problems;
}

async function throughputRun(
  world: RefreshWorld,
  name: string,
  concurrency: number,
  accounts: number,
): Promise<ThroughputRun> {
  const table = await world.table(`bench-${name}`);
  const installations = await seedInstallations(table, accounts / THROUGHPUT.accountsPerInstallation);
  const seeded = await seedDueAccounts(world, table, installations, accounts);
  const callsBefore = world.endpoint.calls();
  const probe = new Probe();
  const deps = probed(table.deps, probe);

  const meter = cpuMeter(world.dynamo.process.pid);
  const started = performance.now();
  const report = await sweep(deps, { concurrency, startBefore: Date.now() + SWEEP_TIME_MS });
  const seconds = (performance.now() - started) / 1000;
  const cpu = meter();

  const calls = world.endpoint.calls() - callsBefore;
  const problems = [
    ...checkReport(report, calls, accounts),
    ...(await verifyRefreshed(world, table, seeded)),
  ];
  return { concurrency, accounts, seconds, report, calls, probe, cpu, problems, table, seeded };
}

function throughputTable(runs: readonly ThroughputRun[]): string {
  return markdownTable(
    [
      'due tokens (N)',
      'concurrency (C)',
      'wall time',
      'refreshes/s',
      'token endpoint calls',
      'all N refreshed',
      `target ≥ ${TARGET_REFRESHES_PER_SECOND}/s`,
    ],
    runs.map((run) => {
      const perSecond = run.report.outcomes.refreshed / run.seconds;
      return [
        formatNumber(run.accounts),
        String(run.concurrency),
        `${formatNumber(run.seconds, 2)} s`,
        formatNumber(perSecond),
        formatNumber(run.calls),
        run.problems.length === 0 ? 'yes' : 'NO',
        passFail(perSecond >= TARGET_REFRESHES_PER_SECOND),
      ];
    }),
  );
}

/** Per operation: calls per refresh, mean latency, and its share of the workers' time, per run. */
function timeTable(runs: readonly ThroughputRun[]): string {
  const header = ['operation', 'calls per refresh'];
  for (const run of runs) header.push(`mean ms (C=${run.concurrency})`, `share (C=${run.concurrency})`);
  const first = runs[0];
  const rows = Object.values(OPERATIONS).map((name) => {
    const calls = first?.probe.totals.get(name)?.calls ?? 0;
    const row = [name, formatNumber(calls / (first?.accounts ?? 1), 3)];
    for (const run of runs) {
      const total = run.probe.totals.get(name) ?? { calls: 0, ms: 0 };
      const workerMs = run.concurrency * run.seconds * 1000;
      row.push(
        total.calls === 0 ? '–' : formatNumber(total.ms / total.calls, 2),
        `${formatNumber((100 * total.ms) / workerMs, 1)} %`,
      );
    }
    return row;
  });
  const rest = ['Node between calls (seal/open, JSON)', ''];
  const nodeCpu = ['Node CPU: cores busy / ms per refresh', ''];
  const dynamoCpu = ['DynamoDB Local CPU: cores busy / ms per refresh', ''];
  const cpuCells = (cores: number | undefined, run: ThroughputRun) =>
    cores === undefined
      ? ['n/a', '']
      : [
          formatNumber(cores, 2),
          `${formatNumber((cores * run.seconds * 1000) / run.report.outcomes.refreshed, 1)} ms`,
        ];
  for (const run of runs) {
    const workerMs = run.concurrency * run.seconds * 1000;
    let measured = 0;
    for (const total of run.probe.totals.values()) measured += total.ms;
    rest.push('', `${formatNumber(Math.max(0, 100 * (1 - measured / workerMs)), 1)} %`);
    nodeCpu.push(...cpuCells(run.cpu.node, run));
    dynamoCpu.push(...cpuCells(run.cpu.dynamo, run));
  }
  return markdownTable(header, [...rows, rest, nodeCpu, dynamoCpu]);
}

interface StoreCeiling {
  readonly concurrency: number;
  readonly perSecond: number;
  readonly cpu: ReturnType<ReturnType<typeof cpuMeter>>;
  readonly seconds: number;
}

/**
 * Diagnostic: the two DynamoDB writes of a refresh alone (take the lease, write the result), no
 * token call, no secrets, no crypto — the most the store side allows on this machine. Runs over
 * the accounts `run` just refreshed, leased unconditionally (as POST …/refresh does).
 */
async function storeCeiling(world: RefreshWorld, run: ThroughputRun): Promise<StoreCeiling> {
  const { table, seeded, concurrency } = run;
  const meter = cpuMeter(world.dynamo.process.pid);
  const started = performance.now();
  await inPool(seeded, concurrency, async ({ key }) => {
    const now = Date.now();
    const lease = await table.accounts.acquireLease(
      key,
      { owner: 'bench', until: now + 45_000, now },
      { kind: 'any' },
    );
    if (!lease.acquired) throw new Error(`no lease on ${key.account}`);
    const { record } = lease;
    await table.accounts.put(
      { ...record, lease: undefined, version: record.version + 1 },
      { kind: 'version', version: record.version },
    );
  });
  const seconds = (performance.now() - started) / 1000;
  return { concurrency, perSecond: seeded.length / seconds, cpu: meter(), seconds };
}

function ceilingTable(ceilings: readonly StoreCeiling[]): string {
  return markdownTable(
    ['concurrency (C)', 'lease + result writes/s', 'DynamoDB Local CPU per token', 'Node CPU per token'],
    ceilings.map((ceiling) => {
      const perToken = (cores: number | undefined) =>
        cores === undefined
          ? 'n/a'
          : `${formatNumber((cores * ceiling.seconds * 1000) / THROUGHPUT.accounts, 1)} ms`;
      return [
        String(ceiling.concurrency),
        formatNumber(ceiling.perSecond),
        perToken(ceiling.cpu.dynamo),
        perToken(ceiling.cpu.node),
      ];
    }),
  );
}

interface IndexRun {
  readonly report: SweepReport;
  readonly calls: number;
  readonly problems: string[];
}

async function indexRun(world: RefreshWorld): Promise<IndexRun> {
  const { stored, due, installations: installationCount, concurrency } = INDEX_READS;
  const table = await world.table('bench-index-reads');
  const installations = await seedInstallations(table, installationCount);
  await seedNotDueAccounts(world, table, installations, stored - due);
  const seeded = await seedDueAccounts(world, table, installations, due);
  const callsBefore = world.endpoint.calls();
  const report = await sweep(table.deps, { concurrency, startBefore: Date.now() + SWEEP_TIME_MS });
  const calls = world.endpoint.calls() - callsBefore;
  const problems = [...checkReport(report, calls, due), ...(await verifyRefreshed(world, table, seeded))];
  return { report, calls, problems };
}

function indexTable(run: IndexRun): string {
  const perDue = run.report.due === 0 ? Number.NaN : run.report.itemsRead / run.report.due;
  return markdownTable(
    [
      'stored tokens (S)',
      'due (D)',
      'due found',
      'index items read',
      'items read per due token',
      'refreshed',
      `target ≤ ${TARGET_ITEMS_READ_PER_DUE}`,
    ],
    [
      [
        formatNumber(INDEX_READS.stored),
        formatNumber(INDEX_READS.due),
        formatNumber(run.report.due),
        formatNumber(run.report.itemsRead),
        formatNumber(perDue, 2),
        formatNumber(run.report.outcomes.refreshed),
        passFail(perDue <= TARGET_ITEMS_READ_PER_DUE),
      ],
    ],
  );
}

const problemLines = (problems: readonly string[]) =>
  problems.length === 0
    ? ''
    : `\n\n${problems.map((problem) => `**Wrong result:** ${problem}`).join('\n\n')}`;

async function run(cleanup: Cleanup): Promise<SectionResult> {
  const world = await startRefreshWorld(cleanup);
  const warmUp = await throughputRun(world, 'warm-up', WARM_UP.concurrency, WARM_UP.accounts);
  const runs: ThroughputRun[] = [];
  const ceilings: StoreCeiling[] = [];
  for (const concurrency of THROUGHPUT.concurrencies) {
    const measured = await throughputRun(world, `refresh-c${concurrency}`, concurrency, THROUGHPUT.accounts);
    runs.push(measured);
    ceilings.push(await storeCeiling(world, measured));
  }
  const reads = await indexRun(world);
  const problems = [...warmUp.problems, ...runs.flatMap((run) => run.problems), ...reads.problems];
  const markdown = [
    '### Refreshes per second',
    '',
    `One \`sweep()\` over N due tokens (${THROUGHPUT.accountsPerInstallation} per installation), each refreshed ` +
      'through its lease: UpdateItem, token endpoint POST, TransactWrite. ' +
      `A sweep of ${formatNumber(WARM_UP.accounts)} tokens runs first, unmeasured, to warm up the JVM and V8.`,
    '',
    throughputTable(runs),
    '',
    '### Where the time goes',
    '',
    'Each port call timed from Node; "share" is its part of the workers\' time (C × wall time). ' +
      'Latencies include waiting for a busy CPU. The token endpoint runs in the bench process, so its ' +
      "CPU counts as Node's.",
    '',
    timeTable(runs),
    '',
    'The store alone, for comparison: per token only the lease UpdateItem and the result TransactWrite ' +
      '(no token call, no secrets, no crypto), over the same N accounts right after their sweep:',
    '',
    ceilingTable(ceilings),
    '',
    '### Items read per due token',
    '',
    `${formatNumber(INDEX_READS.stored)} stored tokens, all in the refresh index; ` +
      `${formatNumber(INDEX_READS.due)} due now, the rest due in 1–24 h.`,
    '',
    indexTable(reads),
  ].join('\n');
  return { markdown: markdown + problemLines(problems), ok: problems.length === 0 };
}

export const refreshSection: BenchSection = { run };
