/**
 * The fan-out section: the refresh sweep as issue 20 deploys it — the producer (`fanOutDue` with
 * lib/wiring's `fanOutDeps`, as functions/refresh.ts runs it) sending the due keys to the
 * integration's queue on the local SQS server, and N workers (N = 1, 2, 4) refreshing them —
 * against DynamoDB Local and the loopback token endpoint, the endpoint answering at once and
 * then after a realistic 300 ms.
 *
 * A worker is a process of its own (fan-out-worker.ts), because a Lambda instance is: the
 * deployed handler of functions/refresh-worker.ts, wired at load as at a cold start, fed by one
 * poller with concurrency 1 and batches of 10, so it refreshes 10 keys at once and one batch at
 * a time. In-process pollers would share one event loop, which at 0 ms is a limit of its own:
 * N of them could not show whether N instances scale. At 300 ms a worker mostly waits, so N
 * workers should scale by N towards N × 10 / 0.3 s; at 0 ms this machine is the limit — its two
 * cores, shared by the workers, DynamoDB Local and this process (producer, SQS server, token
 * endpoint), and DynamoDB Local, which applies writes largely one at a time. The section shows
 * which by each party's CPU time (/proc) and a write probe of DynamoDB Local under the load.
 *
 * The targets are per worker, since a deployment gets its rate from Lambda's concurrency, not
 * from one machine: one worker at 300 ms ≥ 75 % of its ceiling of 10 per 0.3 s, and four
 * workers ≥ 3× one. Every token must be refreshed exactly once with the tokens the endpoint
 * issued (refresh.ts's check), every message handled once, none left in the queue; else the
 * section fails.
 */
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_REFRESH_LEAD_SECONDS } from '../../lib/app/handshake-defaults';
import { type FanOutReport, fanOutDue } from '../../lib/refresh/fan-out/producer';
import {
  type Batch,
  cpuShare,
  messagesLeft,
  type Pool,
  PROBE_MS,
  readCpu,
  type StoreProbe,
  startPool,
  startStoreProbe,
  within,
} from './fan-out-pool';
import {
  boundTable,
  CPU_BOUND_SHARE,
  LATENCY_SHARE,
  latencyText,
  percent,
  REALISTIC_LATENCY_MS,
  type Run,
  STORE_QUEUED_FACTOR,
  type StoreTimes,
  storeText,
  TARGET_SCALING,
  targetsTable,
  throughputTable,
} from './fan-out-tables';
import { EXPIRED, refreshedOnceEach, seed } from './refresh';
import { type Cleanup, formatNumber, median, type SectionResult, sectionResult } from './section';
import type { World } from './world';

/** Workers per run; each run polls with the first N of the pool. */
const WORKERS = [1, 2, 4] as const;
const MOST_WORKERS = Math.max(...WORKERS);
/** Tokens per run: enough batches per worker to measure, few enough to keep the section short. */
const RUNS = [
  { latencyMs: 0, tokens: 1000 },
  { latencyMs: REALISTIC_LATENCY_MS, tokens: 600 },
] as const;
/** First, unreported, with every worker: the JVM and each worker's V8 warm up. */
const WARM_UP = { latencyMs: 0, tokens: 1000, workers: MOST_WORKERS } as const;
const PER_INSTALLATION = 10;
/** How long the store is probed idle, for the figure its answers under load are held against. */
const IDLE_PROBE_MS = 1000;
/** Issue 20's size: a million accounts with 1-hour tokens, each refreshed its lead before expiry. */
const ACCOUNTS = 1_000_000;
const NEEDED_PER_SECOND = ACCOUNTS / (3600 - DEFAULT_REFRESH_LEAD_SECONDS);
/** Far enough that the producer never stops for time. */
const SWEEP_TIME_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = 90_000;

interface Tally {
  readonly tokens: number;
  readonly report: FanOutReport;
  readonly calls: number;
  readonly handled: number;
  readonly retried: number;
  readonly left: number;
  readonly timedOut: boolean;
}

/** The counts of one run: the producer's, the workers', the endpoint's and the queue's. */
function countProblems({ tokens: n, report, calls, handled, retried, left, timedOut }: Tally): string[] {
  const problems: string[] = [];
  if (report.due !== n) problems.push(`the producer found ${report.due} due tokens, not ${n}`);
  if (report.sent !== n || report.unsent > 0 || report.held > 0)
    problems.push(`the producer sent ${report.sent} of ${n} (unsent ${report.unsent}, held ${report.held})`);
  if (report.unfinished) problems.push('the producer ran out of time');
  if (timedOut)
    problems.push(`the workers handled ${handled} of ${n} messages within ${RUN_TIMEOUT_MS / 1000} s`);
  else if (handled !== n) problems.push(`the workers handled ${handled} messages for ${n} keys`);
  if (retried > 0) problems.push(`the workers asked for ${retried} messages to be delivered again`);
  if (calls !== n) problems.push(`the token endpoint was called ${calls} times, not ${n}`);
  if (left > 0) problems.push(`${left} messages were left in the queue`);
  return problems;
}

/** The workers' batches from now on, and a promise kept once `expected` messages are done. */
function tallyBatches(pool: Pool) {
  const batches: Batch[] = [];
  let handled = 0;
  let expected = Number.POSITIVE_INFINITY;
  let resolve = () => {};
  const done = new Promise<void>((settle) => {
    resolve = settle;
  });
  const check = () => {
    if (handled >= expected) resolve();
  };
  pool.collect = (batch) => {
    batches.push(batch);
    handled += batch.messages - batch.retried;
    check();
  };
  return {
    batches,
    handled: () => handled,
    expect: (count: number) => {
      expected = count;
      check();
    },
    done,
  };
}

type Spec = { readonly latencyMs: number; readonly tokens: number; readonly workers: number };

async function fanOutRun(
  world: World,
  pool: Pool,
  probeStore: () => StoreProbe,
  spec: Spec,
  name: string,
): Promise<Run> {
  const { latencyMs, tokens, workers } = spec;
  const seeded = await seed(world, name, tokens, tokens / PER_INSTALLATION, EXPIRED);
  const active = pool.workers.slice(0, workers);
  world.endpoint.setLatency(latencyMs);
  await Promise.all(active.map((worker) => worker.ask('poll', 'polling')));
  const tally = tallyBatches(pool);
  const calls = world.endpoint.calls();
  const probe = probeStore();
  const cpuBefore = readCpu(world, active);
  const started = Date.now();
  const report = await fanOutDue(world.fanOut, { startBefore: started + SWEEP_TIME_MS });
  tally.expect(report.sent);
  const timedOut = await within(tally.done, RUN_TIMEOUT_MS, 'the run').then(
    () => false,
    () => true,
  );
  const cpu = cpuShare(cpuBefore, readCpu(world, active));
  const store = await probe.stop();
  await Promise.all(active.map((worker) => worker.ask('stop', 'stopped')));
  pool.collect = undefined;
  world.endpoint.setLatency(0);
  const { batches } = tally;
  const counted: Tally = {
    tokens,
    report,
    calls: world.endpoint.calls() - calls,
    handled: tally.handled(),
    retried: batches.reduce((total, batch) => total + batch.retried, 0),
    left: await messagesLeft(pool, world),
    timedOut,
  };
  const lastEnd = Math.max(started, ...batches.map((batch) => batch.endedAt));
  return {
    ...spec,
    report,
    seconds: (lastEnd - started) / 1000,
    batchMs: median(batches.map((batch) => batch.ms)),
    store,
    cpu,
    problems: [...countProblems(counted), ...(await refreshedOnceEach(world, seeded))],
  };
}

function texts(cores: number, idle: StoreTimes, perWorker: number) {
  const instances = Math.ceil(NEEDED_PER_SECOND / perWorker);
  return {
    throughput:
      'The producer (`fanOutDue`, wired by `fanOutDeps`) sends the due keys to the integration’s queue on ' +
      'the local SQS server, 10 a batch; N workers refresh them. A worker is a process of its own, as a ' +
      'Lambda instance is: functions/refresh-worker.ts’s handler fed by one poller with concurrency 1 and ' +
      'batches of 10 (the event source mapping), so it refreshes 10 keys at once, one batch at a time. A ' +
      'refresh: UpdateItem (lease), token endpoint POST, TransactWrite; a batch adds one counts write. The ' +
      `token endpoint answers at once, then ${latencyText(REALISTIC_LATENCY_MS)} after each request. ` +
      `A run of ${formatNumber(WARM_UP.tokens)} tokens with all workers runs first, unmeasured, to warm ` +
      'up the JVM and each worker’s V8.',
    bound:
      `CPU: the share of one core each party used during the run (/proc; ${cores} cores in all). ` +
      `“DynamoDB Local write”: an UpdateItem of a probe table every ${PROBE_MS} ms during the run ` +
      `(${storeText(idle)} idle); DynamoDB Local applies writes largely one at a time, so it can make every ` +
      'batch wait without filling a core. The rule: a run at ' +
      `≥ ${percent(LATENCY_SHARE)} of N × 10 / latency is bound by the provider’s latency × the batch; ` +
      `else, with ≥ ${percent(CPU_BOUND_SHARE)} of all cores busy, by this machine’s CPU (the workers, ` +
      'DynamoDB Local and this process — producer, SQS server, token endpoint — share it); else, with ' +
      `the probe's p90 ≥ ${STORE_QUEUED_FACTOR}× its idle p90, by DynamoDB Local's write queue; else by ` +
      'the round trips of each batch. In AWS the table and the queue cost the workers no CPU and take ' +
      'their requests side by side.',
    targets:
      `${formatNumber(ACCOUNTS)} accounts with 1-hour tokens need ~${formatNumber(NEEDED_PER_SECOND)} ` +
      `refreshes/s (each refreshed ${DEFAULT_REFRESH_LEAD_SECONDS} s before it expires). A deployment ` +
      'gets that from Lambda’s concurrency (the mappings’ MaximumConcurrency), not from one machine, so ' +
      `the targets are per worker: one worker at ${latencyText(REALISTIC_LATENCY_MS)} at ` +
      `${percent(LATENCY_SHARE)} of its 10 per ${REALISTIC_LATENCY_MS / 1000} s or more, and ` +
      `${MOST_WORKERS} workers ≥ ${TARGET_SCALING}× one. At the ${formatNumber(perWorker)}/s measured ` +
      `for one worker, ${formatNumber(NEEDED_PER_SECOND)}/s takes ` +
      `${Number.isFinite(instances) ? formatNumber(instances) : 'n/a'} worker instances in all — a floor: ` +
      'the endpoint here always takes exactly its latency, while a real provider’s spread makes each batch ' +
      'last as long as its slowest of 10 calls.',
  };
}

export async function fanOutSection(world: World, cleanup: Cleanup): Promise<SectionResult> {
  const cores = cpus().length;
  const pool = await startPool(world, MOST_WORKERS, cleanup);
  const probeStore = await startStoreProbe(world, cleanup);
  const warmUp = await fanOutRun(world, pool, probeStore, WARM_UP, 'fan-out-warm-up');
  const idleProbe = probeStore();
  await sleep(IDLE_PROBE_MS);
  const idle = await idleProbe.stop();
  const runs: Run[] = [];
  for (const { latencyMs, tokens } of RUNS) {
    for (const workers of WORKERS) {
      const name = `fan-out-${latencyMs}-${workers}`;
      runs.push(await fanOutRun(world, pool, probeStore, { latencyMs, tokens, workers }, name));
    }
  }
  const strays = pool.strays > 0 ? [`the workers handled ${pool.strays} batches between runs`] : [];
  const { table, perWorker } = targetsTable(runs, MOST_WORKERS);
  const text = texts(cores, idle, perWorker);
  return sectionResult(
    [
      '### Refreshes per second',
      text.throughput,
      throughputTable(runs),
      '### What bounded them',
      text.bound,
      boundTable(runs, cores, idle),
      '### Targets',
      text.targets,
      table,
    ],
    [...warmUp.problems, ...runs.flatMap((run) => run.problems), ...strays],
  );
}
