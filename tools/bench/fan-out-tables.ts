/** The fan-out section's figures: its runs, the rule for what bounded each, its tables and targets. */
import { type FanOutReport, MESSAGES_PER_BATCH } from '../../lib/refresh/fan-out/producer';
import { type CpuShare, sumOf } from './fan-out-pool';
import { formatNumber, markdownTable, passFail } from './section';

export interface StoreTimes {
  readonly median: number;
  readonly p90: number;
}

export interface Run {
  readonly latencyMs: number;
  readonly workers: number;
  readonly tokens: number;
  readonly report: FanOutReport;
  /** From the producer's start to the end of the last batch. */
  readonly seconds: number;
  /** A handler call's time, median. */
  readonly batchMs: number;
  /** DynamoDB Local's answers to the write probe during the run, ms. */
  readonly store: StoreTimes;
  readonly cpu: CpuShare;
  readonly problems: string[];
}

/** The provider's latency the targets are about: a token endpoint across the internet. */
export const REALISTIC_LATENCY_MS = 300;
/** A run at this share of N × 10 / latency or more is bound by the provider. */
export const LATENCY_SHARE = 0.75;
/** Cores this busy (of all) make a run CPU-bound. */
export const CPU_BOUND_SHARE = 0.8;
/** A store whose 90th percentile write is this many times its idle one is where batches wait. */
export const STORE_QUEUED_FACTOR = 3;
export const TARGET_ONE_WORKER = (MESSAGES_PER_BATCH / (REALISTIC_LATENCY_MS / 1000)) * LATENCY_SHARE;
export const TARGET_SCALING = 3;

export const perSecond = (run: Run): number => run.tokens / run.seconds;
export const percent = (share: number | undefined): string =>
  share === undefined ? 'n/a' : `${formatNumber(share * 100)} %`;
export const latencyText = (ms: number): string => `${formatNumber(ms)} ms`;
/** What N workers would refresh if a batch took just the provider's latency: N × 10 / latency. */
const ceilingOf = (run: Run) =>
  run.latencyMs === 0 ? Number.POSITIVE_INFINITY : (run.workers * MESSAGES_PER_BATCH * 1000) / run.latencyMs;

/** What limited a run, by the rule the section prints. */
function boundOf(run: Run, cores: number, idle: StoreTimes): string {
  const ceiling = ceilingOf(run);
  if (perSecond(run) >= LATENCY_SHARE * ceiling)
    return `the provider's latency × the batch (${percent(perSecond(run) / ceiling)} of N × 10 / latency)`;
  const busy = sumOf([run.cpu.workers, run.cpu.dynamo, run.cpu.bench]);
  if (busy !== undefined && busy >= CPU_BOUND_SHARE * cores)
    return `this machine's CPU (${percent(busy / cores)} busy)`;
  if (run.store.p90 >= STORE_QUEUED_FACTOR * idle.p90)
    return `DynamoDB Local's write queue (p90 ${formatNumber(run.store.p90 / idle.p90, 1)}× idle)`;
  return 'the round trips of each batch, one batch at a time per worker';
}

export function throughputTable(runs: readonly Run[]): string {
  const header = [
    'provider latency',
    'workers (N)',
    'due tokens',
    'producer',
    'keys sent/s',
    'producer start → last refresh',
    'refreshes/s',
    'batch (median)',
    'all refreshed once',
  ];
  return markdownTable(
    header,
    runs.map((run) => [
      latencyText(run.latencyMs),
      String(run.workers),
      formatNumber(run.tokens),
      `${formatNumber(run.report.durationMs / 1000, 2)} s`,
      formatNumber(run.report.sent / (run.report.durationMs / 1000)),
      `${formatNumber(run.seconds, 2)} s`,
      formatNumber(perSecond(run)),
      `${formatNumber(run.batchMs)} ms`,
      run.problems.length === 0 ? 'yes' : 'NO',
    ]),
  );
}

export const storeText = ({ median, p90 }: StoreTimes): string =>
  `${formatNumber(median, 1)} / ${formatNumber(p90, 1)} ms`;

export function boundTable(runs: readonly Run[], cores: number, idle: StoreTimes): string {
  const header = [
    'provider latency',
    'N',
    'refreshes/s',
    'N × 10 / latency',
    'CPU: workers',
    'DynamoDB Local',
    'bench process',
    `all, of ${cores} cores`,
    'DynamoDB Local write, median / p90',
    'bound by',
  ];
  return markdownTable(
    header,
    runs.map((run) => {
      const ceiling = ceilingOf(run);
      const all = sumOf([run.cpu.workers, run.cpu.dynamo, run.cpu.bench]);
      return [
        latencyText(run.latencyMs),
        String(run.workers),
        formatNumber(perSecond(run)),
        Number.isFinite(ceiling) ? formatNumber(ceiling) : '—',
        percent(run.cpu.workers),
        percent(run.cpu.dynamo),
        percent(run.cpu.bench),
        all === undefined ? 'n/a' : percent(all / cores),
        storeText(run.store),
        boundOf(run, cores, idle),
      ];
    }),
  );
}

/** The targets' table, and one worker's rate at the realistic latency (NaN without that run). */
export function targetsTable(runs: readonly Run[], most: number): { table: string; perWorker: number } {
  const at = (workers: number) =>
    runs.find((run) => run.latencyMs === REALISTIC_LATENCY_MS && run.workers === workers);
  const [one, all] = [at(1), at(most)];
  const perWorker = one === undefined ? Number.NaN : perSecond(one);
  const scaling = all === undefined ? Number.NaN : perSecond(all) / perWorker;
  const latency = latencyText(REALISTIC_LATENCY_MS);
  const table = markdownTable(
    ['what', 'figure', 'target', 'result'],
    [
      [
        `one worker, provider ${latency}`,
        `${formatNumber(perWorker)}/s`,
        `≥ ${formatNumber(TARGET_ONE_WORKER)}/s`,
        passFail(perWorker >= TARGET_ONE_WORKER),
      ],
      [
        `${most} workers ÷ one, provider ${latency}`,
        `${formatNumber(scaling, 2)}×`,
        `≥ ${TARGET_SCALING}×`,
        passFail(scaling >= TARGET_SCALING),
      ],
    ],
  );
  return { table, perWorker };
}
