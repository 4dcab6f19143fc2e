/**
 * An invoke's retries wait what a real upstream's rate-limit headers say — Retry-After,
 * RateLimit-Reset, X-RateLimit-Reset in seconds or epoch seconds, GitHub's 403 with no calls
 * left, the IETF draft's single RateLimit field, a provider's own names from `rate_limit` (the
 * template's over the integration's) — count every attempt, and never wait past the invoke's
 * deadline.
 */

import { useHarness } from '../support/harness';
import type { UpstreamRequest } from '../support/upstream';
import { connectedToUpstream } from '../support/upstream-installation';
import { type Installation, installationOn, invoke, useUpstream } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });
const upstream = useUpstream();

/** How far a measured wait may be off what the header said: timers and a local round trip. */
const EARLY_MS = 50;
const LATE_MS = 900;

let installation: Installation;
beforeAll(async () => {
  installation = await installationOn(upstream().host);
});

let ids = 0;
/** A path of its own for each call: the upstream limits the first requests to each path. */
const nextId = () => `case-${++ids}-${Date.now()}`;

const arrivals = (id: string): UpstreamRequest[] =>
  upstream().requests.filter((request) => request.url.startsWith(`/limited/${id}?`));

/** Invokes `template` on a fresh path whose limited answers carry `query`'s headers. */
async function limitedCall(template: string, query: Record<string, string>, on: Installation = installation) {
  const id = nextId();
  const started = Date.now();
  const answer = await invoke(on, { template, context: { id }, query });
  return { ...answer, id, elapsed: Date.now() - started, sent: arrivals(id) };
}

/** The time between the first and the second request to the path. */
const gap = (sent: readonly UpstreamRequest[]) => (sent[1]?.at ?? Number.NaN) - (sent[0]?.at ?? Number.NaN);

const expectWaited = (sent: readonly UpstreamRequest[], ms: number) => {
  expect(gap(sent)).toBeGreaterThanOrEqual(ms - EARLY_MS);
  expect(gap(sent)).toBeLessThan(ms + LATE_MS);
};

describe('the wait each header form says', () => {
  it.each([
    ['Retry-After in seconds', { 'retry-after': '1' }, 1000],
    ['RateLimit-Reset (IETF: seconds from now)', { 'ratelimit-reset': '2' }, 2000],
    [
      'X-RateLimit-Reset in seconds (Calendly)',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' },
      2000,
    ],
    ['X-RateLimit-Reset in fractions of seconds', { 'x-ratelimit-reset': '1.5' }, 1500],
    ['RateLimit (IETF, one field): the exhausted policy’s t', { ratelimit: '"default";r=0;t=1' }, 1000],
    [
      'RateLimit with two policies exhausted: the longer t',
      { ratelimit: '"second";r=0;t=1, "minute";r=0;t=2, "day";r=900;t=40000' },
      2000,
    ],
  ])('%s', async (_name, headers, ms) => {
    const { http, envelope, sent } = await limitedCall('limited', { status: '429', ...headers });
    expect(http).toBe(200);
    expect(envelope).toMatchObject({ status: 200, attempts: 2, response: 'ok after the limit' });
    expect(sent).toHaveLength(2);
    expectWaited(sent, ms);
  });

  it.each([
    // GitHub's primary rate limit: a 403, no calls left, the reset in epoch seconds.
    [
      'X-RateLimit-Reset in epoch seconds on a 403',
      '403',
      (at: number) => ({ 'x-ratelimit-reset': String(at / 1000), 'x-ratelimit-remaining': '0' }),
    ],
    ['Retry-After as an HTTP date', '503', (at: number) => ({ 'retry-after': new Date(at).toUTCString() })],
  ])('%s: retried once the time it names has come', async (_name, status, headers) => {
    // A whole second two to three seconds away: both forms count whole seconds.
    const at = (Math.floor(Date.now() / 1000) + 3) * 1000;
    const { envelope, sent } = await limitedCall('limited', { status, ...headers(at) });
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expect(sent[1]?.at).toBeGreaterThanOrEqual(at - EARLY_MS);
    expect(sent[1]?.at).toBeLessThan(at + LATE_MS);
  });

  it('takes Retry-After over X-RateLimit-Reset when both are there', async () => {
    const { envelope, sent } = await limitedCall('limited', {
      status: '429',
      'retry-after': '1',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '4',
    });
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expectWaited(sent, 1000);
  });

  it('reads no reset on a 503 that has calls left: retryDelay (0) decides', async () => {
    const { envelope, sent } = await limitedCall('limited', {
      status: '503',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': '5',
    });
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expectWaited(sent, 0);
  });

  it("retries GitHub's secondary limit: a 403 with Retry-After and calls left", async () => {
    const { envelope, sent } = await limitedCall('limited', {
      status: '403',
      'retry-after': '1',
      'x-ratelimit-remaining': '4000',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    });
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expectWaited(sent, 1000);
  });

  it('does not retry a plain 403', async () => {
    const { envelope, sent } = await limitedCall('limited', { status: '403', 'x-ratelimit-reset': '1' });
    expect(envelope).toMatchObject({ status: 403, attempts: 1, response: 'rate limited' });
    expect(sent).toHaveLength(1);
  });
});

describe('a provider’s own header names', () => {
  const okta = () => ({
    status: '429',
    'x-rate-limit-remaining': '0',
    'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 3),
  });

  it("waits for Okta's epoch under the template's rate_limit", async () => {
    const headers = okta();
    const { envelope, sent } = await limitedCall('limitedOkta', headers);
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    const at = Number(headers['x-rate-limit-reset']) * 1000;
    expect(sent[1]?.at).toBeGreaterThanOrEqual(at - EARLY_MS);
    expect(sent[1]?.at).toBeLessThan(at + LATE_MS);
  });

  it('without a rule the same answer waits only retryDelay', async () => {
    const { envelope, sent } = await limitedCall('limited', okta());
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expectWaited(sent, 0);
  });

  describe('from the integration, unless the template has its own', () => {
    let connected: Installation;
    beforeAll(async () => {
      connected = await connectedToUpstream(upstream());
    }, 60_000);

    it.each([
      // beta's handshake.rate_limit reads X-Beta-Reset; limitedBetaOwn's own reads X-Own-Reset.
      ['limitedBeta', 2000],
      ['limitedBetaOwn', 1000],
    ])('%s', async (template, ms) => {
      const { envelope, sent } = await limitedCall(
        template,
        { status: '429', 'x-beta-reset': '2', 'x-own-reset': '1' },
        connected,
      );
      expect(envelope).toMatchObject({ status: 200, attempts: 2 });
      expect(sent[0]?.headers.authorization).toMatch(/^Bearer /);
      expectWaited(sent, ms);
    });
  });
});

describe('attempts, exactly, within the deadline', () => {
  it('waits before every retry and counts each attempt', async () => {
    const { envelope, sent } = await limitedCall('limited', {
      status: '429',
      times: '2',
      'ratelimit-reset': '1',
    });
    expect(envelope).toMatchObject({ status: 200, attempts: 3 });
    expect(sent).toHaveLength(3);
    expectWaited(sent, 1000);
    expectWaited(sent.slice(1), 1000);
  });

  it('answers the last 429 when maxAttempts run out', async () => {
    const { envelope, sent } = await limitedCall('limited', {
      status: '429',
      times: '5',
      'retry-after': '0',
    });
    expect(envelope).toMatchObject({ status: 429, attempts: 3, response: 'rate limited' });
    expect(envelope.headers['retry-after']).toBe('0');
    expect(sent).toHaveLength(3);
  });

  it.each([
    ['a reset a minute away', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' }],
    ['a RateLimit reset a minute away', { ratelimit: '"default";r=0;t=60' }],
    ['an epoch an hour away', { 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600) }],
    ['a reset that leaves no time for the attempt', { 'ratelimit-reset': '14.5' }],
    ['a value too big to be a number', { 'ratelimit-reset': '9'.repeat(400) }],
  ])('returns the 429 at once, as it is, for %s', async (_name, headers) => {
    const { http, envelope, sent, elapsed } = await limitedCall('limited', { status: '429', ...headers });
    expect(http).toBe(200);
    expect(envelope).toMatchObject({ status: 429, attempts: 1, response: 'rate limited' });
    expect(envelope.errorSource).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(elapsed).toBeLessThan(1500);
  });

  it('waits the first reset, then returns the answer whose reset is past the deadline', async () => {
    const { envelope, sent, elapsed } = await limitedCall('limited', {
      status: '429',
      times: '3',
      'ratelimit-reset': '1|60',
    });
    expect(envelope).toMatchObject({ status: 429, attempts: 2, response: 'rate limited' });
    expect(envelope.headers['ratelimit-reset']).toBe('60');
    expect(sent).toHaveLength(2);
    expectWaited(sent, 1000);
    expect(elapsed).toBeLessThan(1000 + 1500);
  });
});
