/**
 * RFC 9207 against oidc-provider, which sends `iss` and says so in its metadata: `beta` names
 * no issuer (its metadata is discovered at the authorize URL's origin), `crew` names its
 * metadata_url, `acme` its issuer. A response whose `iss` is stripped or differs by so much as
 * a path is refused before the code reaches the token endpoint, and nothing is stored.
 */
import {
  accountsOf,
  callback,
  createInstallation,
  linkFor,
  ofEndpoint,
  personConnects,
  startAuthorization,
  useHarness,
  world,
} from '../support/harness';

useHarness();

async function refusedWith(
  integration: string,
  iss: string | undefined,
  fields: Record<string, string> = {},
) {
  const installation = await createInstallation();
  const link = await linkFor(installation.id, {
    integration,
    ...(integration === 'crew' ? { account: 'a1' } : {}),
  });
  const { state, cookie } = await startAuthorization(link, fields);
  const response = await callback({ code: 'a-code', state, ...(iss === undefined ? {} : { iss }) }, cookie);
  expect(response.status).toBe(400);
  expect(await response.text()).toContain('issuer_mismatch');
  expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
  expect(await accountsOf(installation.id, integration)).toEqual([]);
}

describe('iss on the callback', () => {
  it.each([
    ['beta', 'discovered'],
    ['crew', 'from handshake.metadata_url'],
    ['acme', 'from handshake.issuer'],
  ])('%s (issuer %s): a stripped iss is refused, nothing exchanged or stored', async (integration) => {
    await refusedWith(integration, undefined, integration === 'acme' ? { tenant: 't' } : {});
  });

  it.each([['beta'], ['crew'], ['acme']])(
    '%s: an iss of the same origin but another path is refused',
    async (integration) => {
      await refusedWith(
        integration,
        `${world.oauth.issuer}/other-tenant`,
        integration === 'acme' ? { tenant: 't' } : {},
      );
    },
  );

  it('accepts the exact iss the provider sends, in a real browser flow', async () => {
    const installation = await createInstallation();
    const { page } = await personConnects(await linkFor(installation.id, { integration: 'beta' }));
    expect(await page.locator('h1').textContent()).toBe('Beta CRM is connected');
    await page.context().close();
    expect((await accountsOf(installation.id, 'beta'))[0]?.status).toBe('authorized');
  }, 60_000);
});
