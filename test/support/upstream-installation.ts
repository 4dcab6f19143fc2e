import { ADMIN, bearer, linkFor, personConnects, world } from './harness';
import type { Upstream } from './upstream';

/**
 * An installation whose templates call `upstream` (its host is the `upstream` iparam), with its
 * beta account connected in Chromium by `login` (alice unless said otherwise).
 */
export async function connectedToUpstream(upstream: Upstream, login = 'alice') {
  const response = await fetch(`${world.api.url}/installations`, {
    method: 'POST',
    headers: bearer(ADMIN),
    body: JSON.stringify({ iparams: { upstream: upstream.host } }),
  });
  expect(response.status).toBe(201);
  const installation = (await response.json()) as { id: string; apiKey: string };
  const { page } = await personConnects(await linkFor(installation.id, { integration: 'beta' }), { login });
  await page.context().close();
  return installation;
}
