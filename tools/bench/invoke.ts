/**
 * The invoke section: the latency Handshake adds to a request over a direct call to the same
 * loopback upstream, warm and in-process — the real `invoke()` with the dependencies
 * functions/invoke.ts gets, and that whole HTTP handler, against direct requests; all
 * interleaved, so drift hits every path alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Agent, request } from 'undici';
import { type Envelope, invoke } from '../../lib/invoke/invoke';
import { lambdaContext } from '../lambda-context';
import type { Cleanup } from './section';
import {
  formatNumber,
  markdownTable,
  median,
  passFail,
  percentile,
  problemLines,
  type SectionResult,
} from './section';
import { PONG } from './servers';
import { INVOKED, TEMPLATE, type World } from './world';

const WARM_UP = 500;
const MEASURED = 3000;
/** Added latency besides the one storage read each invoke makes. */
const TARGET_ADDED_MS = 1;
const REPO_ROOT = join(__dirname, '..', '..');

/** One measured path: `call` runs one request and returns a check to run once the clock stopped. */
interface Path {
  readonly name: string;
  /** Measured against the direct egress call, less the storage read (false: a baseline). */
  readonly handshake: boolean;
  readonly call: () => Promise<() => boolean>;
  readonly samples: number[];
  wrong: number;
}

/** events/invoke.json — what `serverless invoke local` sends — pointed at the bench installation. */
function invokeEvent(world: World): APIGatewayProxyEventV2 {
  const event = JSON.parse(
    readFileSync(join(REPO_ROOT, 'events', 'invoke.json'), 'utf8'),
  ) as APIGatewayProxyEventV2;
  const body = JSON.stringify({ template: TEMPLATE });
  event.rawPath = event.rawPath.replace(/in_[a-z2-7]+/, world.installationId);
  event.requestContext.http.path = event.rawPath;
  event.pathParameters = { ...event.pathParameters, id: world.installationId };
  const authorization = `Bearer ${world.installationKey}`;
  event.headers = { ...event.headers, authorization, 'content-length': String(Buffer.byteLength(body)) };
  event.body = body;
  return event;
}

const path = (name: string, handshake: boolean, call: Path['call']): Path => ({
  name,
  handshake,
  call,
  samples: [],
  wrong: 0,
});
const right = (envelope: Envelope) => envelope.status === 200 && envelope.response === PONG;

function paths(world: World, cleanup: Cleanup): Path[] {
  const headers = { Authorization: `Bearer ${world.accessToken}` };
  const url = world.upstream.url;
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  cleanup.defer(() => agent.close());
  const event = invokeEvent(world);
  // API Gateway hands every invocation its own event object: made here, outside the timing.
  const events = Array.from({ length: WARM_UP + MEASURED }, () => structuredClone(event));
  const context = lambdaContext('handshake-bench-invoke');
  const { installationId, installationKey: key } = world;
  const account = { installationId, integration: INVOKED, account: 'default' };
  const call = {
    installationId,
    credential: { kind: 'installation', installationId, key },
    input: () => ({ template: TEMPLATE }),
  } as const;
  const { timeoutMs, maxResponseBytes } = world.invoke.settings;
  return [
    path('direct: undici `request`, keep-alive Agent', false, async () => {
      const response = await request(url, { dispatcher: agent, method: 'GET', headers });
      const text = await response.body.text();
      return () => response.statusCode === 200 && text === PONG;
    }),
    path("direct: invoke's egress `send()`", false, async () => {
      const response = await world.invoke.egress.send({
        url,
        method: 'GET',
        headers,
        timeoutMs,
        maxResponseBytes,
      });
      return () => response.status === 200 && response.body.toString('utf8') === PONG;
    }),
    path('direct: the BatchGetItem each invoke makes, alone', false, async () => {
      const snapshot = await world.snapshots.read(installationId, account);
      return () => snapshot.installation !== undefined && snapshot.account !== undefined;
    }),
    path('`invoke()`', true, async () => {
      const envelope = await invoke(world.invoke, call);
      return () => right(envelope);
    }),
    path('`handler` of functions/invoke.ts', true, async () => {
      const result = await world.handler(events.pop() ?? structuredClone(event), context);
      return () => result.statusCode === 200 && right(JSON.parse(String(result.body)) as Envelope);
    }),
  ];
}

/** Each round runs every path once, starting one path later than the round before. */
async function interleaved(all: readonly Path[], rounds: number, record: boolean): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < all.length; step++) {
      const current = all[(round + step) % all.length] as Path;
      const started = performance.now();
      const check = await current.call().catch(() => () => false);
      const elapsed = performance.now() - started;
      if (!check()) current.wrong += 1;
      if (record) current.samples.push(elapsed);
    }
  }
}

const ms = (value: number) => `${formatNumber(value, 3)} ms`;
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`;

function latencyTable(all: readonly Path[]): string {
  const [, egress, read] = all.map((current) => median(current.samples));
  const header = ['path', 'median', 'p90', 'p99', 'added median (vs egress)', 'added − storage read'];
  return markdownTable(
    [...header, `target ≤ ${TARGET_ADDED_MS} ms`],
    all.map((current) => {
      const own = median(current.samples);
      const spread = [
        current.name,
        ms(own),
        ms(percentile(current.samples, 90)),
        ms(percentile(current.samples, 99)),
      ];
      if (!current.handshake || egress === undefined || read === undefined) return [...spread, '', '', ''];
      const added = own - egress;
      return [...spread, signed(added), signed(added - read), passFail(added - read <= TARGET_ADDED_MS)];
    }),
  );
}

export async function invokeSection(world: World, cleanup: Cleanup): Promise<SectionResult> {
  const all = paths(world, cleanup);
  await interleaved(all, WARM_UP, false);
  const refusedBefore = world.upstream.refused();
  for (const current of all) current.wrong = 0;
  await interleaved(all, MEASURED, true);
  const problems = all
    .filter((current) => current.wrong > 0)
    .map((current) => `${current.name}: ${current.wrong} answers were not the upstream's 200`);
  const refused = world.upstream.refused() - refusedBefore;
  if (refused > 0) problems.push(`the upstream refused ${refused} requests (wrong path or token)`);
  const markdown = [
    '### Added latency',
    '',
    `${formatNumber(WARM_UP)} unmeasured rounds, then ${formatNumber(MEASURED)} measured ones; each round ` +
      'runs every path once, in an order that rotates by one each round. Latency is ' +
      '`performance.now()` around one awaited call, in the bench process. Every invoke reads the ' +
      'installation and the account in one strongly consistent BatchGetItem (the third row); the target ' +
      "is on what Handshake adds besides it. The rate limit is off (the deployment's default).",
    '',
    latencyTable(all),
  ].join('\n');
  return { markdown: markdown + problemLines(problems), ok: problems.length === 0 };
}
