/** The per-installation invoke limit, through the HTTP API. */
import { ADMIN, bearer, useHarness, world } from '../support/harness';
import { startUpstream, type Upstream } from '../support/upstream';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '3' } });

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
});
afterAll(async () => {
  await upstream?.close();
});

it('answers 429 PLATFORM once an installation used its invokes for the minute, and counts per installation', async () => {
  const install = async () => {
    const response = await fetch(`${world.api.url}/installations`, {
      method: 'POST',
      headers: bearer(ADMIN),
      body: JSON.stringify({ iparams: { upstream: upstream.host } }),
    });
    return (await response.json()) as { id: string; apiKey: string };
  };
  const call = (installation: { id: string; apiKey: string }) =>
    fetch(`${world.api.url}/installations/${installation.id}/invoke`, {
      method: 'POST',
      headers: bearer(installation.apiKey),
      body: JSON.stringify({ template: 'public' }),
    });
  const busy = await install();
  // A minute boundary between the calls would reset the window; start well inside one.
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
  const statuses = [];
  for (let index = 0; index < 4; index++) statuses.push((await call(busy)).status);
  expect(statuses).toEqual([200, 200, 200, 429]);
  const limited = (await (await call(busy)).json()) as Record<string, unknown>;
  expect(limited).toMatchObject({ status: 429, errorSource: 'PLATFORM', code: 'RATE_LIMITED' });
  expect(String(limited.response)).toContain('3 invokes per minute');
  expect((await call(await install())).status).toBe(200);
}, 90_000);
