/**
 * A delete, a reconnect or a dead grant takes effect at the very next invoke, in every
 * container: real handshakes in Chromium against oidc-provider, a real upstream that checks the
 * token at the provider, and invoke handlers loaded as separate "containers" (each its own
 * module registry, so its own runtime and memory).
 */
import {
  ADMIN,
  bearer,
  linkFor,
  ofEndpoint,
  personConnects,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';
import { startUpstream, type Upstream } from '../support/upstream';
import { connectedToUpstream } from '../support/upstream-installation';
import { type InvokeAnswer, type InvokeHandler, invokeContainer, invokeWith } from './support/containers';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
});
afterAll(async () => {
  await upstream?.close();
});

const container = invokeContainer;
const invokeIn = (handler: InvokeHandler, id: string, key: string) =>
  invokeWith(handler, id, key, { template: 'me' });

const subjectOf = (answer: InvokeAnswer) =>
  (JSON.parse(answer.body.response ?? '{}') as { sub?: string }).sub;

describe('revocation takes effect at the next invoke', () => {
  it('acts as the new user at the very next invoke after a reconnect as someone else', async () => {
    const handler = await container();
    const installation = await connectedToUpstream(upstream);
    const first = await invokeIn(handler, installation.id, installation.apiKey);
    expect(first.body.status).toBe(200);
    expect(subjectOf(first)).toBe('alice');

    const { page } = await personConnects(await linkFor(installation.id, { integration: 'beta' }), {
      login: 'bob',
    });
    await page.context().close();

    const next = await invokeIn(handler, installation.id, installation.apiKey);
    expect(next.body.status).toBe(200);
    expect(subjectOf(next)).toBe('bob');
    const { tokens } = await storedTokens(installation.id, 'beta');
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${tokens?.accessToken}`);
  }, 90_000);

  it('refuses the next invoke after DELETE, with the installation key and the admin key, in every container', async () => {
    const [one, two] = [await container(), await container()];
    const installation = await connectedToUpstream(upstream);
    for (const handler of [one, two]) {
      expect((await invokeIn(handler, installation.id, installation.apiKey)).body.status).toBe(200);
      expect((await invokeIn(handler, installation.id, ADMIN)).body.status).toBe(200);
    }

    // The delete goes through a third container (the API's own installations function).
    const deleted = await fetch(`${world.api.url}/installations/${installation.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    expect(deleted.status).toBe(204);
    const sent = upstream.requests.length;
    await world.oauth.clearReceived();

    for (const handler of [one, two]) {
      const own = await invokeIn(handler, installation.id, installation.apiKey);
      expect(own.http).toBe(401);
      expect(own.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      const admin = await invokeIn(handler, installation.id, ADMIN);
      expect(admin.http).toBe(404);
      expect(admin.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    // Nothing reached the upstream, and no refresh was tried with the deleted grant.
    expect(upstream.requests.length).toBe(sent);
    expect(ofEndpoint(await world.oauth.received(), 'token')).toEqual([]);
  }, 90_000);

  it('answers REAUTHORIZATION_REQUIRED in every container once one of them found the grant dead', async () => {
    const [one, two] = [await container(), await container()];
    const installation = await connectedToUpstream(upstream);
    expect((await invokeIn(one, installation.id, installation.apiKey)).body.status).toBe(200);
    expect((await invokeIn(two, installation.id, installation.apiKey)).body.status).toBe(200);
    const { tokens } = await storedTokens(installation.id, 'beta');
    // The provider revokes the grant; the upstream refuses the access token from now on.
    await world.oauth.revokeAllGrants();
    upstream.rejectAlways(tokens?.accessToken ?? '');

    const found = await invokeIn(one, installation.id, installation.apiKey);
    expect(found.http).toBe(401);
    expect(found.body).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
    const sent = upstream.requests.length;
    const other = await invokeIn(two, installation.id, installation.apiKey);
    expect(other.body).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
    expect(upstream.requests.length).toBe(sent);
  }, 90_000);
});
