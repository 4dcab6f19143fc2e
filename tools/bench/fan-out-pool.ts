/**
 * The fan-out section's moving parts on this machine: the worker processes (fan-out-worker.ts)
 * driven over IPC, the CPU time each party used, DynamoDB Local's write queue, and what the
 * queue still holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../lib/refresh/fan-out/sqs-sender';
import { createDynamoClient } from '../../lib/store/dynamo';
import { REPO_ROOT } from './cold-start-build';
import { cpuSeconds } from './cpu';
import type { FromWorker, ToWorker, WorkerSetup } from './fan-out-worker';
import { type Cleanup, median, percentile } from './section';
import type { World } from './world';

export type Batch = Extract<FromWorker, { kind: 'batch' }>;

interface Worker {
  readonly pid: number | undefined;
  /** Sends `command`; resolves when the worker answers `answer`, rejects if it exits first. */
  ask(command: ToWorker, answer: FromWorker['kind']): Promise<void>;
}

export interface Pool {
  readonly workers: readonly Worker[];
  /** Where the workers' batches go: the run's tally; none between runs, when a batch is a stray. */
  collect: ((batch: Batch) => void) | undefined;
  strays: number;
  /** This process's own client on the queue, to see what is left in it. */
  readonly client: SQSClient;
}

/** The tsx loader in the worker itself: one process per worker, whose /proc is the worker's. */
const WORKER_COMMAND = ['--import', 'tsx', join(__dirname, 'fan-out-worker.ts')];
const WORKER_ANSWER_MS = 30_000;
/** How often the store probe reads. */
export const PROBE_MS = 20;

export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** A worker process, polling nothing until asked to; its batches go to `onBatch`. */
async function startWorker(
  setup: WorkerSetup,
  onBatch: (batch: Batch) => void,
  cleanup: Cleanup,
): Promise<Worker> {
  const child = spawn(process.execPath, WORKER_COMMAND, {
    cwd: REPO_ROOT,
    env: { ...process.env, HANDSHAKE_BENCH_WORKER: JSON.stringify(setup) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  cleanup.defer(() => stopProcess(child));
  // Its log lines (errors only, at the bench's level) belong on stderr: stdout is the Markdown.
  child.stdout?.pipe(process.stderr);
  child.stderr?.pipe(process.stderr);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`a fan-out worker exited (${signal ?? code})`))),
  );
  // Seen by whoever waits on the worker next; unawaited, it must not crash the bench.
  exited.catch(() => undefined);
  child.on('message', (message: FromWorker) => {
    if (message.kind === 'batch') onBatch(message);
  });
  const next = (kind: FromWorker['kind'], what: string) =>
    within(
      Promise.race([
        new Promise<void>((resolve) => {
          const listener = (message: FromWorker) => {
            if (message.kind !== kind) return;
            child.off('message', listener);
            resolve();
          };
          child.on('message', listener);
        }),
        exited,
      ]),
      WORKER_ANSWER_MS,
      what,
    );
  await next('ready', 'a fan-out worker’s start');
  return {
    pid: child.pid,
    ask: (command, answer) => {
      const answered = next(answer, `a fan-out worker’s "${command}"`);
      child.send(command);
      return answered;
    },
  };
}

/** `size` workers on the world's refresh queue, started side by side, stopped by `cleanup`. */
export async function startPool(world: World, size: number, cleanup: Cleanup): Promise<Pool> {
  const { endpoint, url, arn } = world.refreshQueue;
  const client = createSqsClient({ region: 'us-east-1', sqsEndpoint: endpoint, local: true });
  cleanup.defer(() => client.destroy());
  const workers: Worker[] = [];
  const pool: Pool = { workers, collect: undefined, strays: 0, client };
  const onBatch = (batch: Batch) => {
    if (pool.collect === undefined) pool.strays += 1;
    else pool.collect(batch);
  };
  const setup: WorkerSetup = { queueUrl: url, queueArn: arn };
  const started = Array.from({ length: size }, () => startWorker(setup, onBatch, cleanup));
  workers.push(...(await Promise.all(started)));
  return pool;
}

/** Messages still in the queue, waiting or in flight. */
export async function messagesLeft(pool: Pool, world: World): Promise<number> {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
  const answer = await pool.client.send(
    new GetQueueAttributesCommand({ QueueUrl: world.refreshQueue.url, AttributeNames: [...names] }),
  );
  return names.reduce((total, name) => total + Number(answer.Attributes?.[name] ?? 0), 0);
}

/** The total, or undefined when any part is unknown. */
export const sumOf = (values: readonly (number | undefined)[]): number | undefined =>
  values.some((value) => value === undefined)
    ? undefined
    : values.reduce<number>((total, value) => total + (value ?? 0), 0);

const PARTIES = ['workers', 'dynamo', 'bench'] as const;
type Party = (typeof PARTIES)[number];
/** CPU seconds so far of the given workers, DynamoDB Local and this process, at `at` (ms). */
type CpuReading = Readonly<Record<Party, number | undefined>> & { readonly at: number };
/** Each party's CPU over an interval, as a share of one core; absent where unknown. */
export type CpuShare = Readonly<Partial<Record<Party, number>>>;

export function readCpu(world: World, workers: readonly Worker[]): CpuReading {
  return {
    workers: sumOf(workers.map(({ pid }) => cpuSeconds(pid))),
    dynamo: cpuSeconds(world.dynamo.pid),
    bench: cpuSeconds(process.pid),
    at: performance.now(),
  };
}

export function cpuShare(before: CpuReading, after: CpuReading): CpuShare {
  const seconds = (after.at - before.at) / 1000;
  return Object.fromEntries(
    PARTIES.flatMap((party) => {
      const [from, to] = [before[party], after[party]];
      return from === undefined || to === undefined ? [] : [[party, (to - from) / seconds]];
    }),
  );
}

/** The probe's own table beside the bench's, in the same DynamoDB Local and its one database. */
const PROBE_TABLE = 'bench-probe';

export interface StoreProbe {
  /** Stops probing; the median and 90th percentile of the answer times, ms. */
  stop(): Promise<{ readonly median: number; readonly p90: number }>;
}

/**
 * Probes DynamoDB Local's write queue: one UpdateItem (an ADD on an item of its own table) every
 * PROBE_MS until `stop()`. Its CPU alone cannot say whether it is the limit: it applies writes
 * largely one at a time (alone, it took no more UpdateItems a second at 40 in flight than at 10,
 * each waiting longer), so it can make batches wait without filling a core. A GetItem probe
 * barely moved while the batches waited: only a write shows that queue.
 */
export async function startStoreProbe(world: World, cleanup: Cleanup): Promise<() => StoreProbe> {
  const client = createDynamoClient({
    region: 'us-east-1',
    dynamodbEndpoint: world.dynamo.endpoint,
    local: true,
  });
  cleanup.defer(() => client.destroy());
  await client.send(
    new CreateTableCommand({
      TableName: PROBE_TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  const write = new UpdateItemCommand({
    TableName: PROBE_TABLE,
    Key: { id: { S: 'probe' } },
    UpdateExpression: 'ADD probes :one',
    ExpressionAttributeValues: { ':one': { N: '1' } },
  });
  return () => {
    const samples: number[] = [];
    let stopping = false;
    const loop = (async () => {
      while (!stopping) {
        const started = performance.now();
        await client.send(write);
        samples.push(performance.now() - started);
        await sleep(PROBE_MS);
      }
    })();
    return {
      stop: async () => {
        stopping = true;
        await loop;
        return { median: median(samples), p90: percentile(samples, 90) };
      },
    };
  };
}
