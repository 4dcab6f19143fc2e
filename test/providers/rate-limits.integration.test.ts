/**
 * Rate limits as real providers say them (issue 18, "Rate-limit retries only read Retry-After"),
 * through the HTTP API: each provider is connected, refreshed, then invoked while its API
 * answers the first call with its rate limit and the second with 200. The retry waits what the
 * provider said — GitHub's 403 with no calls left and the reset in epoch seconds, Okta's own
 * header names (`handshake.rate_limit`), the IETF draft's single `RateLimit` field, and a wait
 * in a JSON error body (`rate_limit.reset_body`, as Discord's `retry_after`) — and the envelope
 * counts both attempts. Templates retry with `retryDelay` 0, so only what the provider said
 * makes a wait.
 */

import { invoke } from '../invoke/support/invoke-api';
import { createInstallation, useHarness } from '../support/harness';
import {
  type Answer,
  connectOverApi,
  type ProviderCall,
  type ProviderDouble,
  refreshOverApi,
  tokens,
  useProviderDouble,
  writeApp,
} from '../support/provider-double';

/** How far a measured wait may be off what the provider said: timers and a local round trip. */
const EARLY_MS = 50;
const LATE_MS = 900;

const provider = useProviderDouble();

/** An integration named `name` on the double, with its token endpoint under `/<name>/`. */
const integration = (name: string, handshake: Record<string, unknown> = {}) => ({
  display_name: name,
  client_id: `${name}-client`,
  client_secret: `${name}-secret`,
  authorize_url: `${provider().origin}/${name}/authorize`,
  token_url: `${provider().origin}/${name}/token`,
  token_type: 'account',
  handshake: { ...handshake, allowed_hosts: [provider().host] },
});

/** A GET of `/<name>/api` with the access token of `oauth`, retried once. */
const template = (name: string, oauth = name) => ({
  schema: {
    method: 'GET',
    protocol: 'http',
    host: provider().host,
    path: `/${name}/api`,
    headers: { Authorization: 'Bearer <%= access_token %>' },
  },
  options: { oauth, maxAttempts: 2 },
});

useHarness({
  env: () => ({
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0',
    APP_DIR: writeApp({
      oauthConfig: {
        // At most 3 integrations in an app: the IETF field needs no setting, so GitHub's serves it.
        integrations: {
          github: integration('github'),
          okta: integration('okta', {
            rate_limit: {
              reset_header: 'X-Rate-Limit-Reset',
              reset: 'epoch_seconds',
              remaining_header: 'X-Rate-Limit-Remaining',
            },
          }),
          discord: integration('discord', { rate_limit: { reset_body: 'retry_after', reset: 'seconds' } }),
        },
      },
      requests: {
        github: template('github'),
        okta: template('okta'),
        ietf: template('ietf', 'github'),
        discord: template('discord'),
      },
    }),
  }),
});

/** Whole seconds since 1970, two to three seconds away: epoch-second resets count whole seconds. */
const resetAt = () => Math.floor(Date.now() / 1000) + 3;

/**
 * Connects and refreshes `integration` over the API, then sets template `name`'s API to answer
 * `limit` first and 200 after, recording when each API call arrived.
 */
async function connectedWithLimit(
  double: ProviderDouble,
  name: string,
  limit: () => Answer,
  integration = name,
) {
  const installation = await createInstallation();
  const connected = await connectOverApi(installation.id, { integration });
  const refreshed = await refreshOverApi(installation.id, integration);
  const arrivals: number[] = [];
  double.answer = (call: ProviderCall, count: number) => {
    if (call.path !== `/${name}/api`) return tokens(count);
    arrivals.push(Date.now());
    return arrivals.length === 1 ? limit() : { body: { ok: true } };
  };
  return { installation, connected, refreshed, arrivals };
}

/** Asserts the last handshake and refresh went to `name`'s token endpoint and were answered. */
function expectConnectedAndRefreshed(
  double: ProviderDouble,
  name: string,
  flow: Awaited<ReturnType<typeof connectedWithLimit>>,
) {
  expect(flow.connected.status).toBe(200);
  expect(flow.refreshed.status).toBe(200);
  const [exchange, refresh] = double
    .callsTo(`/${name}/token`)
    .slice(-2)
    .map((call) => double.formOf(call));
  expect(exchange).toMatchObject({ grant_type: 'authorization_code', code: 'the-code' });
  expect(refresh).toMatchObject({
    grant_type: 'refresh_token',
    refresh_token: expect.stringMatching(/^rt-/),
  });
}

const gap = (arrivals: readonly number[]) => (arrivals[1] ?? Number.NaN) - (arrivals[0] ?? Number.NaN);

describe('rate limits as providers say them', () => {
  it('GitHub: a 403 with x-ratelimit-remaining 0 waits for x-ratelimit-reset (epoch seconds)', async () => {
    // Prepare
    const reset = resetAt();
    const flow = await connectedWithLimit(provider(), 'github', () => ({
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'core',
      },
      body: { message: 'API rate limit exceeded for user ID 1.' },
    }));
    // Act
    const { envelope } = await invoke(flow.installation, { template: 'github' });
    // Assess
    expectConnectedAndRefreshed(provider(), 'github', flow);
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expect(flow.arrivals).toHaveLength(2);
    expect(flow.arrivals[1]).toBeGreaterThanOrEqual(reset * 1000 - EARLY_MS);
    expect(flow.arrivals[1]).toBeLessThan(reset * 1000 + LATE_MS);
    const api = provider().callsTo('/github/api');
    expect(api.map((call) => call.headers.authorization)).toEqual(['Bearer at-2', 'Bearer at-2']);
  });

  it('Okta: a 429 waits for its own X-Rate-Limit-Reset, named in handshake.rate_limit', async () => {
    // Prepare
    const reset = resetAt();
    const flow = await connectedWithLimit(provider(), 'okta', () => ({
      status: 429,
      headers: {
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(reset),
      },
      body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
    }));
    // Act
    const { envelope } = await invoke(flow.installation, { template: 'okta' });
    // Assess
    expectConnectedAndRefreshed(provider(), 'okta', flow);
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expect(flow.arrivals).toHaveLength(2);
    expect(flow.arrivals[1]).toBeGreaterThanOrEqual(reset * 1000 - EARLY_MS);
    expect(flow.arrivals[1]).toBeLessThan(reset * 1000 + LATE_MS);
  });

  it('the IETF RateLimit field, with no setting: waits the longest t of the policies with r=0', async () => {
    // Prepare
    const flow = await connectedWithLimit(
      provider(),
      'ietf',
      () => ({
        status: 429,
        headers: {
          ratelimit: '"burst";r=0;t=1, "day";r=4000;t=30000, "hour";r=0;t=2',
          'ratelimit-policy': '"burst";q=10;w=1, "day";q=5000;w=86400, "hour";q=100;w=3600',
        },
      }),
      'github',
    );
    // Act
    const { envelope } = await invoke(flow.installation, { template: 'ietf' });
    // Assess
    expectConnectedAndRefreshed(provider(), 'github', flow);
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expect(gap(flow.arrivals)).toBeGreaterThanOrEqual(2000 - EARLY_MS);
    expect(gap(flow.arrivals)).toBeLessThan(2000 + LATE_MS);
  });

  it('a wait in the JSON body (Discord’s retry_after, seconds as a float), named by rate_limit.reset_body', async () => {
    // Prepare
    const flow = await connectedWithLimit(provider(), 'discord', () => ({
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 1.5, global: false },
    }));
    // Act
    const { envelope } = await invoke(flow.installation, { template: 'discord' });
    // Assess
    expectConnectedAndRefreshed(provider(), 'discord', flow);
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expect(gap(flow.arrivals)).toBeGreaterThanOrEqual(1500 - EARLY_MS);
    expect(gap(flow.arrivals)).toBeLessThan(1500 + LATE_MS);
  });

  it('a wait past the deadline is not waited: the 429 comes back at once, one attempt', async () => {
    // Prepare
    const flow = await connectedWithLimit(provider(), 'discord', () => ({
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 60 },
    }));
    const started = Date.now();
    // Act
    const { envelope } = await invoke(flow.installation, { template: 'discord' });
    // Assess
    expect(envelope).toMatchObject({ status: 429, attempts: 1 });
    expect(JSON.parse(envelope.response)).toMatchObject({ retry_after: 60 });
    expect(flow.arrivals).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(LATE_MS * 3);
  });
});
