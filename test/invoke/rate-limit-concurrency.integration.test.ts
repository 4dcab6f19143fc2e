/**
 * The rate limit under concurrency, across containers: what it promises it admits, and never
 * more; a stranger's key spends nothing of an installation's minute.
 */
import { ADMIN, bearer, useHarness, world } from '../support/harness';
import { startUpstream, type Upstream } from '../support/upstream';
import { type InvokeHandler, invokeContainer, invokeWith } from './support/containers';

const LIMIT = 50;
useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });

let upstream: Upstream;
let containers: InvokeHandler[];
beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
  containers = [await invokeContainer(), await invokeContainer()];
});
afterAll(async () => {
  await upstream?.close();
});

async function install() {
  const response = await fetch(`${world.api.url}/installations`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({ iparams: { upstream: upstream.host } }),
  });
  return (await response.json()) as { id: string; apiKey: string };
}

/** Starts well inside a minute, so one window holds every call of the test. */
async function startOfAMinute() {
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - into));
}

const publicCall = { template: 'public' };

it(`admits all ${LIMIT} of ${LIMIT} concurrent invokes from two containers, then refuses every one over`, async () => {
  const installation = await install();
  // Each container has seen the key once (the path that counts alongside the read).
  await startOfAMinute();
  for (const handler of containers) {
    expect((await invokeWith(handler, installation.id, installation.apiKey, publicCall)).http).toBe(200);
  }
  const sent = upstream.requests.length;

  const burst = await Promise.all(
    Array.from({ length: LIMIT + 10 }, (_, index) =>
      invokeWith(containers[index % 2] as InvokeHandler, installation.id, installation.apiKey, publicCall),
    ),
  );

  const admitted = burst.filter((answer) => answer.http === 200).length;
  const refused = burst.filter((answer) => answer.http === 429);
  // Two were spent warming up: the minute holds exactly LIMIT.
  expect(admitted).toBe(LIMIT - 2);
  expect(refused).toHaveLength(burst.length - admitted);
  expect(refused[0]?.body).toMatchObject({ status: 429, errorSource: 'PLATFORM', code: 'RATE_LIMITED' });
  expect(upstream.requests.length - sent).toBe(admitted);
}, 60_000);

it(`admits at least 45 of ${LIMIT} concurrent invokes on a fresh installation and never more than ${LIMIT}`, async () => {
  const installation = await install();
  await startOfAMinute();
  const first = await Promise.all(
    Array.from({ length: LIMIT }, (_, index) =>
      invokeWith(containers[index % 2] as InvokeHandler, installation.id, installation.apiKey, publicCall),
    ),
  );
  const admitted = first.filter((answer) => answer.http === 200).length;
  expect(admitted).toBeGreaterThanOrEqual(45);
  expect(admitted).toBeLessThanOrEqual(LIMIT);
  const more = await invokeWith(
    containers[0] as InvokeHandler,
    installation.id,
    installation.apiKey,
    publicCall,
  );
  expect(more.http).toBe(admitted === LIMIT ? 429 : 200);
}, 60_000);

it('does not count a forged or foreign key against an installation', async () => {
  const victim = await install();
  const stranger = await install();
  await startOfAMinute();
  const forged = `${victim.apiKey.slice(0, -4)}AAAA`;
  const attempts = await Promise.all(
    Array.from({ length: LIMIT + 5 }, (_, index) =>
      invokeWith(
        containers[index % 2] as InvokeHandler,
        victim.id,
        index % 2 === 0 ? forged : stranger.apiKey,
        publicCall,
      ),
    ),
  );
  expect(new Set(attempts.map((answer) => answer.http))).toEqual(new Set([401, 403]));
  // The victim's minute is untouched.
  expect((await invokeWith(containers[0] as InvokeHandler, victim.id, victim.apiKey, publicCall)).http).toBe(
    200,
  );
  const answers = await Promise.all(
    Array.from({ length: LIMIT }, () =>
      invokeWith(containers[1] as InvokeHandler, victim.id, victim.apiKey, publicCall),
    ),
  );
  expect(answers.filter((answer) => answer.http === 200)).toHaveLength(LIMIT - 1);
}, 60_000);
