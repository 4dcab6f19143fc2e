/**
 * The invoke deadline covers every step — the upstream's late 401, the forced refresh, the
 * retry — and never runs past the time the runtime gives the invocation: the caller always
 * gets the envelope, 504 TIMEOUT when time ran out.
 */
import { lambdaContext } from '../support/events';
import { ofEndpoint, storedTokens, useHarness, world } from '../support/harness';
import { startUpstream, type Upstream } from '../support/upstream';
import { connectedToUpstream } from '../support/upstream-installation';
import { type InvokeHandler, invokeContainer, invokeWith } from './support/containers';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });

let upstream: Upstream;
let handler: InvokeHandler;
beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
  handler = await invokeContainer();
});
afterAll(async () => {
  await upstream?.close();
});

/** A Lambda context with only `ms` left, as near the end of a function's timeout. */
const leaving = (ms: number) => {
  const started = Date.now();
  return {
    ...lambdaContext('handshake-test-invoke'),
    getRemainingTimeInMillis: () => ms - (Date.now() - started),
  };
};

async function connectedAndRefused() {
  const installation = await connectedToUpstream(upstream);
  const { tokens } = await storedTokens(installation.id, 'beta');
  upstream.rejectAlways(tokens?.accessToken ?? '');
  return installation;
}

const refreshCalls = async () =>
  ofEndpoint(await world.oauth.received(), 'token').filter(
    (request) => request.form.grant_type === 'refresh_token',
  );

it('answers 504 TIMEOUT in the envelope when a late 401 and a slow refresh use up the time', async () => {
  const installation = await connectedAndRefused();
  await world.oauth.failTokenEndpoint({ status: 503, delayMs: 8_000, times: 1 });
  const started = Date.now();

  const answer = await invokeWith(
    handler,
    installation.id,
    installation.apiKey,
    { template: 'lateMe', context: { ms: '800' } },
    leaving(4_000),
  );

  const elapsed = Date.now() - started;
  expect(answer.http).toBe(504);
  expect(answer.body).toMatchObject({ status: 504, errorSource: 'PLATFORM', code: 'TIMEOUT', attempts: 1 });
  // Within the invocation's time, with the margin for the answer itself.
  expect(elapsed).toBeLessThan(4_000);
  expect(await refreshCalls()).toHaveLength(1);
  // The account is not marked dead by a refresh the deadline cut short.
  const { item } = await storedTokens(installation.id, 'beta');
  expect(item.status).toBe('authorized');
}, 60_000);

it('does not start a refresh it cannot finish: 504 at once, no token request', async () => {
  const installation = await connectedAndRefused();
  const started = Date.now();

  const answer = await invokeWith(
    handler,
    installation.id,
    installation.apiKey,
    { template: 'lateMe', context: { ms: '2500' } },
    leaving(4_000),
  );

  expect(answer.http).toBe(504);
  expect(answer.body).toMatchObject({ status: 504, code: 'TIMEOUT', attempts: 1 });
  expect(Date.now() - started).toBeLessThan(4_000);
  expect(await refreshCalls()).toEqual([]);
}, 60_000);
