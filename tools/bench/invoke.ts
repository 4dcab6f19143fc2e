/**
 * The invoke section: the latency Handshake adds to a request over a direct call to the same
 * loopback upstream, warm and in-process — the real `invoke()` with lib/wiring's `invokeDeps`,
 * and the whole handler of functions/invoke.ts, against direct requests; all interleaved, so
 * drift hits every path alike.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Agent, request } from 'undici';
import { type Envelope, invoke } from '../../lib/invoke/invoke';
import { lambdaContext } from '../lambda-context';
import { forInstallation, loadEvent, withAuthorization } from '../local/event-payloads';
import {
  type Cleanup,
  formatNumber,
  markdownTable,
  median,
  passFail,
  percentile,
  type SectionResult,
  sectionResult,
} from './section';
import { PONG } from './servers';
import { INVOKED, TEMPLATE, type World } from './world';

const WARM_UP = 500;
const MEASURED = 3000;
/** Added latency besides the one storage read each invoke makes. */
const TARGET_ADDED_MS = 1;

/** One measured path: `call` runs one request and returns a check to run once the clock stopped. */
interface Path {
  readonly name: string;
  readonly call: () => Promise<() => boolean>;
  readonly samples: number[];
  wrong: number;
}

/** events/invoke.json — what `serverless invoke local` sends — pointed at the bench installation. */
function invokeEvent({ id, key }: World['installation']): APIGatewayProxyEventV2 {
  return loadEvent('invoke.json', (event) => {
    forInstallation(id)(event);
    withAuthorization(`Bearer ${key}`)(event);
    event.body = JSON.stringify({ template: TEMPLATE });
    event.headers['content-length'] = String(Buffer.byteLength(event.body));
  });
}

const right = (envelope: Envelope) => envelope.status === 200 && envelope.response === PONG;

/** The three baselines (direct, egress, storage read), then `invoke()` and the handler. */
function paths(world: World, cleanup: Cleanup): Path[] {
  const headers = { Authorization: `Bearer ${world.accessToken}` };
  const url = world.upstream.url;
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  cleanup.defer(() => agent.close());
  const event = invokeEvent(world.installation);
  // API Gateway hands every invocation its own event object: made here, outside the timing.
  const events = Array.from({ length: WARM_UP + MEASURED }, () => structuredClone(event));
  const context = lambdaContext('handshake-bench-invoke');
  const { id: installationId, key } = world.installation;
  const account = { installationId, integration: INVOKED, account: 'default' };
  const credential = { kind: 'installation', installationId, key } as const;
  const { timeoutMs, maxResponseBytes } = world.invoke.settings;
  const calls: Record<string, Path['call']> = {
    'direct: undici `request`, keep-alive Agent': async () => {
      const response = await request(url, { dispatcher: agent, method: 'GET', headers });
      const text = await response.body.text();
      return () => response.statusCode === 200 && text === PONG;
    },
    "direct: invoke's egress `send()`": async () => {
      const sent = { url, method: 'GET', headers, timeoutMs, maxResponseBytes } as const;
      const response = await world.invoke.egress.send(sent);
      return () => response.status === 200 && response.body.toString('utf8') === PONG;
    },
    'direct: the BatchGetItem each invoke makes, alone': async () => {
      const snapshot = await world.snapshots.read(installationId, account);
      return () => snapshot.installation !== undefined && snapshot.account !== undefined;
    },
    '`invoke()`': async () => {
      const envelope = await invoke(world.invoke, {
        installationId,
        credential,
        input: () => ({ template: TEMPLATE }),
      });
      return () => right(envelope);
    },
    '`handler` of functions/invoke.ts': async () => {
      const result = await world.handler(events.pop() ?? structuredClone(event), context);
      return () => result.statusCode === 200 && right(JSON.parse(String(result.body)) as Envelope);
    },
  };
  return Object.entries(calls).map(([name, call]) => ({ name, call, samples: [], wrong: 0 }));
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

/** Handshake's paths (the last two) against the egress call, less the storage read. */
function latencyTable(all: readonly Path[]): string {
  const [, egress = Number.NaN, read = Number.NaN] = all.map((current) => median(current.samples));
  const header = ['path', 'median', 'p90', 'p99', 'added median (vs egress)', 'added − storage read'];
  return markdownTable(
    [...header, `target ≤ ${TARGET_ADDED_MS} ms`],
    all.map(({ name, samples }, index) => {
      const own = median(samples);
      const spread = [name, ms(own), ms(percentile(samples, 90)), ms(percentile(samples, 99))];
      if (index < 3) return [...spread, '', '', ''];
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
  const method =
    `${formatNumber(WARM_UP)} unmeasured rounds, then ${formatNumber(MEASURED)} measured ones; each round ` +
    'runs every path once, in an order that rotates by one each round. Latency is ' +
    '`performance.now()` around one awaited call, in the bench process. Every invoke reads the ' +
    'installation and the account in one strongly consistent BatchGetItem (the third row); the target ' +
    "is on what Handshake adds besides it. The rate limit is off (the deployment's default).";
  return sectionResult(['### Added latency', method, latencyTable(all)], problems);
}
