/**
 * The invoke section: the latency Handshake adds to a request over a direct call to the same
 * loopback upstream, warm and in-process. The real `invoke()` (lib/invoke/invoke.ts) with its
 * dependencies wired as lib/wiring/ wires them, the whole HTTP handler of
 * functions/invoke.ts, and invoke with the DynamoDB rate limit on, each against a direct
 * request through the same client stack — all interleaved, so drift hits every path alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { Agent, request } from 'undici';
import { type Envelope, invoke } from '../../lib/invoke/invoke';
import { dynamoSnapshotReader } from '../../lib/store/dynamo-snapshot';
import { lambdaContext } from '../lambda-context';
import { type ProfileSummary, profiled, WAITING } from './cpu-profile';
import {
  EGRESS_ALLOW,
  INTEGRATION,
  type InvokeWorld,
  PONG,
  type StorageTiming,
  startInvokeWorld,
  TABLE_NAME,
  TEMPLATE,
} from './invoke-world';
import { cpuMeter } from './probe';
import {
  type BenchSection,
  type Cleanup,
  formatNumber,
  markdownTable,
  passFail,
  type SectionResult,
} from './section';

import { median, type Spread, spread } from './stats';

const WARM_UP = 500;
const MEASURED = 3000;
/** Calls per path under the CPU profiler, after the measurement (one path at a time). */
const PROFILED = 1000;
/** Added latency besides the one storage read each invoke makes. */
const TARGET_ADDED_MEDIAN_MS = 1;
/** Handshake's own CPU per invoke in the bench process, besides the upstream request's. */
const TARGET_CPU_PER_INVOKE_MS = 0.3;
/** The rate-limited row: high enough that no invoke of the run is refused. */
const RATE_LIMIT_PER_MINUTE = 50_000;
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
const TIMEOUT_MS = 15_000;
const REPO_ROOT = join(__dirname, '..', '..');

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** One measured path: `call` runs one request and returns a check to run once the clock stopped. */
interface Path {
  readonly name: string;
  /** Short name for the profile table's header. */
  readonly short: string;
  readonly baseline: boolean;
  readonly call: () => Promise<() => boolean>;
  readonly samples: number[];
  wrong: number;
}

/** The environment test/support/local-env.ts gives a function, set before functions/invoke loads. */
function functionEnv(world: InvokeWorld): Record<string, string> {
  return {
    HANDSHAKE_LOCAL: '1',
    HANDSHAKE_TABLE: TABLE_NAME,
    AWS_ENDPOINT_URL_DYNAMODB: world.dynamo.endpoint,
    HANDSHAKE_DATA_DIR: world.dataDir,
    HANDSHAKE_SECRET_SOURCE: 'file',
    APP_DIR: world.appDir,
    HANDSHAKE_EGRESS_ALLOW: EGRESS_ALLOW.join(','),
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0',
  };
}

/** Sets `values` in process.env until the section's cleanup puts the old ones back. */
function setEnv(values: Record<string, string>, cleanup: Cleanup): void {
  const before = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  cleanup.defer(() => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  Object.assign(process.env, values);
}

async function loadHandler(world: InvokeWorld, cleanup: Cleanup): Promise<Handler> {
  setEnv(functionEnv(world), cleanup);
  // Nothing in the bench should have parsed the configuration yet; should it have, start over.
  (await import('../../lib/config')).resetConfigForTests();
  (await import('../../lib/app')).resetAppForTests();
  const { handler } = await import('../../functions/invoke');
  // functions/invoke built its infrastructure from these two at load; its idle pooled sockets
  // do not hold the process open (Node unrefs a keep-alive agent's free sockets).
  const { config } = await import('../../lib/config');
  const { getApp } = await import('../../lib/app');
  if (config().tableName !== TABLE_NAME || getApp().templates.get(TEMPLATE) === undefined) {
    throw new Error('functions/invoke was already loaded with another configuration in this process');
  }
  return handler as unknown as Handler;
}

/** events/invoke.json — what `serverless invoke local` sends — pointed at the bench installation. */
function invokeEvent(world: InvokeWorld): APIGatewayProxyEventV2 {
  const event = JSON.parse(
    readFileSync(join(REPO_ROOT, 'events', 'invoke.json'), 'utf8'),
  ) as APIGatewayProxyEventV2;
  const body = JSON.stringify({ template: TEMPLATE });
  event.rawPath = event.rawPath.replace(/in_[a-z2-7]+/, world.installationId);
  event.requestContext.http.path = event.rawPath;
  event.pathParameters = { ...event.pathParameters, id: world.installationId };
  event.headers = {
    ...event.headers,
    authorization: `Bearer ${world.installationKey}`,
    'content-length': String(Buffer.byteLength(body)),
  };
  event.body = body;
  return event;
}

const path = (name: string, short: string, baseline: boolean, call: Path['call']): Path => ({
  name,
  short,
  baseline,
  call,
  samples: [],
  wrong: 0,
});

const envelopeRight = (envelope: Envelope) => envelope.status === 200 && envelope.response === PONG;

async function paths(
  world: InvokeWorld,
  handler: Handler,
  cleanup: Cleanup,
  timing: StorageTiming,
): Promise<Path[]> {
  const headers = { Authorization: `Bearer ${world.accessToken}` };
  const url = world.upstream.url;
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  cleanup.defer(() => agent.close());
  const egress = world.egress();
  const plain = world.invokeDeps(0, { reads: timing.reads, takes: [] });
  const limited = world.invokeDeps(RATE_LIMIT_PER_MINUTE, { reads: [], takes: timing.takes });
  const event = invokeEvent(world);
  const reader = dynamoSnapshotReader(world.table);
  const accountKey = { installationId: world.installationId, integration: INTEGRATION, account: 'default' };
  // API Gateway hands every invocation its own event object: made here, outside the timing.
  const events = Array.from({ length: WARM_UP + MEASURED + PROFILED }, () => structuredClone(event));
  const context = lambdaContext('handshake-bench-invoke');
  const call = {
    installationId: world.installationId,
    credential: { kind: 'installation', installationId: world.installationId, key: world.installationKey },
    input: () => ({ template: TEMPLATE }),
  } as const;
  return [
    path('direct: undici `request`, keep-alive Agent', 'undici', true, async () => {
      const response = await request(url, { dispatcher: agent, method: 'GET', headers });
      const text = await response.body.text();
      return () => response.statusCode === 200 && text === PONG;
    }),
    path('direct: `createEgress().send()`', 'egress', true, async () => {
      const response = await egress.send({
        url,
        method: 'GET',
        headers,
        timeoutMs: TIMEOUT_MS,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      return () => response.status === 200 && response.body.toString('utf8') === PONG;
    }),
    path('direct: the BatchGetItem each invoke makes, alone', 'read', true, async () => {
      const snapshot = await reader.read(world.installationId, accountKey);
      return () => snapshot.installation !== undefined && snapshot.account !== undefined;
    }),
    path('`invoke()`, rate limit off', 'invoke()', false, async () => {
      const envelope = await invoke(plain, call);
      return () => envelopeRight(envelope);
    }),
    path('`handler` of functions/invoke.ts, rate limit off', 'handler', false, async () => {
      const result = await handler(events.pop() ?? structuredClone(event), context);
      return () => result.statusCode === 200 && envelopeRight(JSON.parse(String(result.body)) as Envelope);
    }),
    path(
      `\`invoke()\`, rate limit ${formatNumber(RATE_LIMIT_PER_MINUTE)}/min`,
      'invoke() + rate limit',
      false,
      async () => {
        const envelope = await invoke(limited, call);
        return () => envelopeRight(envelope);
      },
    ),
  ];
}

/**
 * `rounds` rounds; each runs every path once, starting one path later than the round before,
 * so no path always follows the same one. Records latencies when `record`.
 */
async function interleaved(all: readonly Path[], rounds: number, record: boolean): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < all.length; step++) {
      const current = all[(round + step) % all.length] as Path;
      let right: () => boolean;
      const started = performance.now();
      try {
        right = await current.call();
      } catch {
        right = () => false;
      }
      const elapsed = performance.now() - started;
      if (!right()) current.wrong += 1;
      if (record) current.samples.push(elapsed);
    }
  }
}

const ms = (value: number) => `${formatNumber(value, 3)} ms`;
const added = (value: number) => `${value >= 0 ? '+' : '−'}${formatNumber(Math.abs(value), 3)} ms`;

/**
 * Added latency besides the storage round trip of the path: the read, or for the rate-limited
 * path the longer of the read and the count (they run side by side).
 */
function latencyTable(
  all: readonly Path[],
  spreads: ReadonlyMap<Path, Spread>,
  storageMedian: (path: Path) => number,
): string {
  const [undiciPath, egressPath] = all;
  const byEgress = egressPath === undefined ? undefined : spreads.get(egressPath);
  const byUndici = undiciPath === undefined ? undefined : spreads.get(undiciPath);
  return markdownTable(
    [
      'path',
      'median',
      'p90',
      'p99',
      'added median (vs egress)',
      'added p99 (vs egress)',
      'added median (vs undici)',
      `target: added median − storage median ≤ ${TARGET_ADDED_MEDIAN_MS} ms`,
    ],
    all.map((current) => {
      const own = spreads.get(current) as Spread;
      if (current.baseline || byEgress === undefined || byUndici === undefined) {
        return [current.name, ms(own.median), ms(own.p90), ms(own.p99), '', '', '', ''];
      }
      const addedMedian = own.median - byEgress.median;
      return [
        current.name,
        ms(own.median),
        ms(own.p90),
        ms(own.p99),
        added(addedMedian),
        added(own.p99 - byEgress.p99),
        added(own.median - byUndici.median),
        passFail(addedMedian - storageMedian(current) <= TARGET_ADDED_MEDIAN_MS),
      ];
    }),
  );
}

interface PathProfile {
  readonly path: Path;
  readonly summary: ProfileSummary;
  /** Wall time per call under the profiler. */
  readonly wallMs: number;
  readonly nodeCpuMs: number;
  readonly dynamoCpuMs: number | undefined;
}

/** Each path alone, `PROFILED` calls in a row under the V8 CPU profiler, with both processes' CPU. */
async function profilePaths(world: InvokeWorld, all: readonly Path[]): Promise<PathProfile[]> {
  const profiles: PathProfile[] = [];
  for (const current of all.filter((candidate) => candidate.short !== 'undici')) {
    const meter = cpuMeter(world.dynamo.process.pid);
    const started = performance.now();
    const summary = await profiled(async () => {
      for (let call = 0; call < PROFILED; call++) {
        const right = await current.call();
        if (!right()) current.wrong += 1;
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter();
    profiles.push({
      path: current,
      summary,
      wallMs: (seconds * 1000) / PROFILED,
      nodeCpuMs: (cpu.node * seconds * 1000) / PROFILED,
      dynamoCpuMs: cpu.dynamo === undefined ? undefined : (cpu.dynamo * seconds * 1000) / PROFILED,
    });
  }
  return profiles;
}

/** ms per call by origin, one column per path; origins under 0.005 ms everywhere go to "other". */
function profileTable(profiles: readonly PathProfile[]): string {
  const origins = new Map<string, number>();
  for (const { summary } of profiles) {
    for (const [origin, total] of summary) origins.set(origin, (origins.get(origin) ?? 0) + total);
  }
  const perCall = (profile: PathProfile, origin: string) => (profile.summary.get(origin) ?? 0) / PROFILED;
  const shown = [...origins.keys()]
    .filter((origin) => profiles.some((profile) => perCall(profile, origin) >= 0.005))
    .sort((a, b) => (origins.get(b) ?? 0) - (origins.get(a) ?? 0));
  const rows = shown.map((origin) => [origin, ...profiles.map((profile) => ms(perCall(profile, origin)))]);
  rows.push([
    'other (each < 0.005 ms)',
    ...profiles.map((profile) => {
      let rest = 0;
      for (const [origin, total] of profile.summary) if (!shown.includes(origin)) rest += total;
      return ms(rest / PROFILED);
    }),
  ]);
  rows.push(['**wall time per call (profiled)**', ...profiles.map((profile) => ms(profile.wallMs))]);
  rows.push([
    '**busy (wall − idle)**',
    ...profiles.map((profile) => ms(profile.wallMs - perCall(profile, WAITING))),
  ]);
  rows.push(['Node CPU per call (/proc)', ...profiles.map((profile) => ms(profile.nodeCpuMs))]);
  rows.push([
    'DynamoDB Local CPU per call (/proc)',
    ...profiles.map((profile) => (profile.dynamoCpuMs === undefined ? 'n/a' : ms(profile.dynamoCpuMs))),
  ]);
  return markdownTable(
    ['self time per call, by origin', ...profiles.map((profile) => profile.path.short)],
    rows,
  );
}

/** Node CPU per `invoke()` call less that of the direct egress call: what Handshake itself costs. */
function cpuLine(profiles: readonly PathProfile[]): string {
  const cpuOf = (short: string) => profiles.find((profile) => profile.path.short === short)?.nodeCpuMs;
  const own = cpuOf('invoke()');
  const direct = cpuOf('egress');
  const read = cpuOf('read');
  if (own === undefined || direct === undefined || read === undefined)
    return '**CPU per invoke:** not measured.';
  const added = own - direct - read;
  return (
    `**CPU per invoke besides the round trip**: Node CPU of \`invoke()\` (rate limit off, ${ms(own)}) less ` +
    `that of the direct egress call (${ms(direct)}) and of the BatchGetItem alone (${ms(read)}, the AWS ` +
    `SDK building, sending and parsing it): ${ms(added)} — target ≤ ${TARGET_CPU_PER_INVOKE_MS} ms: ` +
    `${passFail(added <= TARGET_CPU_PER_INVOKE_MS)}.`
  );
}

async function run(cleanup: Cleanup): Promise<SectionResult> {
  const world = await startInvokeWorld(cleanup);
  const handler = await loadHandler(world, cleanup);
  const timing: StorageTiming = { reads: [], takes: [] };
  const all = await paths(world, handler, cleanup, timing);
  await interleaved(all, WARM_UP, false);
  const refusedAfterWarmUp = world.upstream.refused();
  for (const current of all) current.wrong = 0;
  timing.reads.length = 0;
  timing.takes.length = 0;
  await interleaved(all, MEASURED, true);
  const spreads = new Map(all.map((current) => [current, spread(current.samples)] as const));
  const takeMedian = median(timing.takes);
  const readMedian = median(timing.reads);
  const profiles = await profilePaths(world, all);

  const problems = all
    .filter((current) => current.wrong > 0)
    .map((current) => `${current.name}: ${current.wrong} answers were not the upstream's 200`);
  const refused = world.upstream.refused() - refusedAfterWarmUp;
  if (refused > 0) problems.push(`the upstream refused ${refused} requests (wrong path or token)`);
  const markdown = [
    '### Added latency',
    '',
    `${formatNumber(WARM_UP)} unmeasured rounds, then ${formatNumber(MEASURED)} measured ones; each round ` +
      'runs every path once, in an order that rotates by one each round. Latency is ' +
      '`performance.now()` around one awaited call, in the bench process.',
    '',
    latencyTable(all, spreads, (current) =>
      current.short === 'invoke() + rate limit' ? Math.max(readMedian, takeMedian) : readMedian,
    ),
    '',
    'Every invoke reads the installation and the account in one strongly consistent ' +
      `BatchGetItem: ${ms(readMedian)} at the median of its ${formatNumber(timing.reads.length)} measured calls ` +
      '(DynamoDB Local on loopback; in AWS a consistent read in the region is a few ms). With the rate limit on, ' +
      `\`rateLimiter.take\` (one conditional UpdateItem per invoke, sent alongside the read once the key is known) took ${ms(takeMedian)} at the ` +
      `median of its ${formatNumber(timing.takes.length)} measured calls. The upstream accepted ` +
      `${world.upstream.connections()} TCP connections over all requests (one keep-alive connection ` +
      'per client: undici Agent, direct egress, invoke, handler, invoke with rate limit).',
    '',
    '### Where the time goes',
    '',
    `Each path alone, ${formatNumber(PROFILED)} calls in a row under the V8 CPU profiler ` +
      '(100 µs sampling; it slows calls a little), self time per call by where the code comes from:',
    '',
    profileTable(profiles),
    '',
    cpuLine(profiles),
  ].join('\n');
  const problemLines = problems.map((problem) => `\n\n**Wrong result:** ${problem}`).join('');
  return { markdown: markdown + problemLines, ok: problems.length === 0 };
}

export const invokeSection: BenchSection = { run };
