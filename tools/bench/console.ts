/**
 * The console section: what a console page adds over the API calls that read the same data —
 * the whole handler of functions/console.ts (session, reads, HTML) against the whole handler of
 * functions/installations.ts (admin key, the same reads, JSON), warm and in-process, on a
 * deployment of installations with live and dead grants; pairs interleaved, so drift hits both.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext } from '../lambda-context';
import { loadEvent } from '../local/event-payloads';
import {
  formatNumber,
  markdownTable,
  median,
  passFail,
  percentile,
  type SectionResult,
  sectionResult,
} from './section';
import { type Handler, INVOKED, REFRESHED, type World } from './world';

const INSTALLATIONS = 60;
/** Of which this many have a dead grant: the overview lists them first. */
const DEAD = 6;
const WARM_UP = 100;
const MEASURED = 500;
/** The target: a page adds at most this over the API calls it makes. */
const TARGET_ADDED_MS = 10;

interface Request {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The route's key, with its {parameters}. */
  readonly route: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** events/console.json (what API Gateway sends a browser's request as), for another route. */
function eventFor(request: Request, change: (event: APIGatewayProxyEventV2) => void): APIGatewayProxyEventV2 {
  return loadEvent('console.json', (event) => {
    const routeKey = `${request.method} ${request.route}`;
    const query = new URLSearchParams(request.query ?? {}).toString();
    Object.assign(event, { routeKey, rawPath: request.path, rawQueryString: query });
    Object.assign(event.requestContext, { routeKey });
    Object.assign(event.requestContext.http, { method: request.method, path: request.path });
    if (request.pathParameters !== undefined) event.pathParameters = request.pathParameters;
    if (request.query !== undefined) event.queryStringParameters = request.query;
    change(event);
  });
}

type Result = APIGatewayProxyStructuredResultV2;
const context = lambdaContext('handshake-bench-console');

/** Signs in as a browser does (the form post with the admin key) and returns the session cookie. */
async function signIn(pages: Handler, adminKey: string): Promise<string> {
  const event = eventFor({ method: 'POST', path: '/console/sign-in', route: '/console/sign-in' }, (e) => {
    e.body = new URLSearchParams({ admin_key: adminKey }).toString();
    // The console's own origin, as the browser that loaded the sign-in page sends it.
    const origin = `${e.headers['x-forwarded-proto']}://${e.headers.host}`;
    Object.assign(e.headers, { 'content-type': 'application/x-www-form-urlencoded', origin });
  });
  const result: Result = await pages(event, context);
  const cookie = result.cookies?.[0]?.split(';')[0];
  if (result.statusCode !== 303 || cookie === undefined) {
    throw new Error(`the console refused the bench's sign-in (${result.statusCode})`);
  }
  return cookie;
}

/** One page and the API calls that read what it shows, each run by its function's handler. */
interface Pair {
  readonly page: Request;
  readonly api: readonly Request[];
  /** What the page must contain to be the right answer (besides its 200). */
  readonly shows: string;
  readonly samples: { page: number[]; api: number[] };
  wrong: number;
}

function pairs(shown: { id: string; dead: string }): Pair[] {
  const listing = (query: Record<string, string>): Request => ({
    method: 'GET',
    path: '/installations',
    route: '/installations',
    query,
  });
  const one = (path: string, route: string): Request => ({
    method: 'GET',
    path,
    route,
    pathParameters: { id: shown.id },
  });
  const made: Omit<Pair, 'samples' | 'wrong'>[] = [
    {
      // The overview reads the counters and one listing page per status needing attention.
      page: { method: 'GET', path: '/console', route: '/console' },
      api: [
        { method: 'GET', path: '/overview', route: '/overview' },
        listing({ status: 'reauthorization_required', limit: '25' }),
        listing({ status: 'failing', limit: '25' }),
      ],
      shows: shown.dead,
    },
    {
      page: { method: 'GET', path: '/console/installations', route: '/console/installations' },
      api: [listing({ limit: '25' })],
      // Newest first: the last one made is on the first page.
      shows: shown.id,
    },
    {
      page: one(`/console/installations/${shown.id}`, '/console/installations/{id}'),
      api: [one(`/installations/${shown.id}`, '/installations/{id}')],
      shows: shown.id,
    },
    {
      page: { method: 'GET', path: '/console/events', route: '/console/events' },
      api: [{ method: 'GET', path: '/events', route: '/events', query: { limit: '25' } }],
      shows: 'data-testid="events-empty"',
    },
  ];
  return made.map((pair) => ({ ...pair, samples: { page: [], api: [] }, wrong: 0 }));
}

type Side = 'page' | 'api';
interface Sides {
  readonly prepare: (pair: Pair, side: Side) => readonly APIGatewayProxyEventV2[];
  readonly page: (pair: Pair, events: readonly APIGatewayProxyEventV2[]) => Promise<boolean>;
  readonly api: (pair: Pair, events: readonly APIGatewayProxyEventV2[]) => Promise<boolean>;
}

/** Each round times every pair's page and its API calls, which of the two first alternating. */
async function measure(all: readonly Pair[], rounds: number, record: boolean, sides: Sides) {
  for (let round = 0; round < rounds; round++) {
    for (const pair of all) {
      const order: readonly Side[] = round % 2 === 0 ? ['page', 'api'] : ['api', 'page'];
      for (const side of order) {
        const events = sides.prepare(pair, side);
        const started = performance.now();
        const right = await sides[side](pair, events).catch(() => false);
        const elapsed = performance.now() - started;
        if (!right) pair.wrong += 1;
        if (record) pair.samples[side].push(elapsed);
      }
    }
  }
}

const ms = (value: number) => `${formatNumber(value, 2)} ms`;
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`;

function table(all: readonly Pair[]): string {
  const label = (request: Request) =>
    `${request.method} ${request.path.replace(/in_[a-z2-7]+/, '{id}')}` +
    (request.query === undefined ? '' : `?${new URLSearchParams(request.query).toString()}`);
  return markdownTable(
    [
      'page',
      'median (p90)',
      'the API calls it makes',
      'median (p90)',
      'added median',
      `target ≤ ${TARGET_ADDED_MS} ms`,
    ],
    all.map(({ page, api, samples }) => {
      const added = median(samples.page) - median(samples.api);
      return [
        label(page),
        `${ms(median(samples.page))} (${ms(percentile(samples.page, 90))})`,
        api.map(label).join(' ∥ '),
        `${ms(median(samples.api))} (${ms(percentile(samples.api, 90))})`,
        signed(added),
        passFail(added <= TARGET_ADDED_MS),
      ];
    }),
  );
}

/** `INSTALLATIONS` installations with an account on each integration, `DEAD` of them with a dead grant. */
async function deployment(world: World): Promise<{ id: string; dead: string }> {
  const made = await world.installations(INSTALLATIONS);
  for (const [index, { id }] of made.entries()) {
    for (const integration of [REFRESHED, INVOKED]) {
      const key = { installationId: id, integration, account: 'default' };
      const tokens = { accessToken: `bench-at-${index}`, refreshToken: `bench-rt-${index}` };
      await world.putAccount(key, tokens, Date.now() + 3600_000);
      if (integration === REFRESHED && index < DEAD) await world.killGrant(key);
    }
  }
  return { id: made.at(-1)?.id ?? '', dead: made[0]?.id ?? '' };
}

export async function consoleSection(world: World): Promise<SectionResult> {
  // Loaded now, as functions/invoke.ts is by the world: they wire themselves on the bench's configuration.
  const pages = (await import('../../functions/console')).handler as unknown as Handler;
  const api = (await import('../../functions/installations')).handler as unknown as Handler;
  const shown = await deployment(world);
  const cookie = await signIn(pages, world.adminKey);
  const all = pairs(shown);
  const withCookie = (e: APIGatewayProxyEventV2) => {
    e.cookies = [cookie];
  };
  const withKey = (e: APIGatewayProxyEventV2) => {
    e.headers.authorization = `Bearer ${world.adminKey}`;
  };
  const events = new Map(
    all.map((pair) => [
      pair,
      { page: eventFor(pair.page, withCookie), api: pair.api.map((r) => eventFor(r, withKey)) },
    ]),
  );
  const sides: Sides = {
    // API Gateway hands every invocation its own event: the copies are made before the clock starts.
    prepare: (pair, side) => {
      const made = events.get(pair);
      if (made === undefined) throw new Error('no events for a pair');
      return structuredClone(side === 'page' ? [made.page] : made.api);
    },
    page: async (pair, [event]) => {
      if (event === undefined) return false;
      const result: Result = await pages(event, context);
      return result.statusCode === 200 && String(result.body).includes(pair.shows);
    },
    api: async (_pair, requests) => {
      const results: Result[] = await Promise.all(requests.map((event) => api(event, context)));
      return results.length > 0 && results.every((result) => result.statusCode === 200);
    },
  };
  await measure(all, WARM_UP, false, sides);
  for (const pair of all) pair.wrong = 0;
  await measure(all, MEASURED, true, sides);
  const problems = all
    .filter((pair) => pair.wrong > 0)
    .map((pair) => `${pair.page.path}: ${pair.wrong} answers were not the expected 200`);
  const method =
    `${formatNumber(INSTALLATIONS)} installations with an account on each of two integrations, ` +
    `${DEAD} of them with a dead grant. ${formatNumber(WARM_UP)} unmeasured rounds, then ` +
    `${formatNumber(MEASURED)} measured ones; each round times every page and, beside it, the API ` +
    'calls that read the same data (run concurrently, as the page runs its reads), which of the two ' +
    'first alternating. A page is the whole handler of functions/console.ts (the session cookie ' +
    'opened, the reads, the HTML); the API calls the whole handler of functions/installations.ts ' +
    '(the admin key checked, the same reads, JSON). The events page lists what the outbox holds ' +
    '(webhooks are off in the bench: nothing).';
  return sectionResult(['### Added latency of a page', method, table(all)], problems);
}
