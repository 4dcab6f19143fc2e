/**
 * @handshake-oauth/client against the HTTP API on DynamoDB Local with the test OAuth server
 * (oidc-provider) and a real upstream: FDK's promise semantics of `invokeTemplate` — a 200
 * resolves; an upstream 404, a Handshake refusal and a dead grant reject with FDK's error
 * object — the admin calls around it, and `verifyWebhook` on an event Handshake really
 * delivered (valid, tampered, stale).
 */
import { createClient, verifyWebhook } from '../../../packages/client/src/index';
import { ADMIN, linkFor, personConnects, testInfrastructure, useHarness, world } from '../../support/harness';
import { type Receiver, startReceiver } from '../../support/receiver';
import { startUpstream, type Upstream } from '../../support/upstream';
import { connectedToUpstream } from '../../support/upstream-installation';
import { rejection } from './rejection';

let receiver: Receiver;
let upstream: Upstream;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await upstream?.close();
  await receiver?.close();
});
useHarness({ env: () => ({ HANDSHAKE_WEBHOOK_URL: receiver.url, HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' }) });
beforeAll(async () => {
  upstream = await startUpstream(world.oauth.resourceUrl);
});

const admin = () => createClient({ url: world.api.url, key: ADMIN });

describe('request.invokeTemplate', () => {
  it('resolves with FDK’s envelope when the upstream answers 200, with the installation’s own key', async () => {
    const installation = await connectedToUpstream(upstream);
    const client = createClient({
      url: world.api.url,
      key: installation.apiKey,
      installationId: installation.id,
    });
    const result = await client.request.invokeTemplate('echo', {
      context: { id: 'ticket-7' },
      query: { page: 2 },
    });
    expect(result).toMatchObject({
      status: 200,
      attempts: 1,
      headers: expect.objectContaining({ 'x-upstream': 'echo' }),
    });
    expect(JSON.parse(result.response)).toMatchObject({
      method: 'GET',
      url: '/echo/ticket-7?q=&fixed=yes&page=2',
    });
    expect(Object.keys(result).sort()).toEqual(['attempts', 'headers', 'response', 'status']);
  }, 60_000);

  it('rejects with the upstream’s 404, errorSource APP and no code, as FDK does', async () => {
    const installation = await connectedToUpstream(upstream);
    const client = admin().forInstallation(installation.id);
    const error = await rejection(client.request.invokeTemplate('graph', { context: { path: '/missing' } }));
    expect(error).toMatchObject({
      status: 404,
      response: 'no such path',
      errorSource: 'APP',
      attempts: 1,
      code: undefined,
    });
    expect(error.headers['content-type']).toContain('text/plain');
    expect(error).toBeInstanceOf(Error);
  }, 60_000);

  it('rejects with Handshake’s refusal: status, errorSource, code and message', async () => {
    const { id } = await admin().installations.create({ iparams: { upstream: upstream.host } });
    const error = await rejection(admin().forInstallation(id).request.invokeTemplate('neverDeclared'));
    expect(error).toMatchObject({
      status: 404,
      errorSource: 'APP',
      code: 'TEMPLATE_NOT_DECLARED',
      attempts: 0,
    });
    expect(error.response).toContain('neverDeclared');
  });

  it('rejects a dead grant with 401 REAUTHORIZATION_REQUIRED, and status() and refresh() say so', async () => {
    const installation = await connectedToUpstream(upstream);
    const client = admin().forInstallation(installation.id);
    await world.oauth.revokeAllGrants();
    expect(await client.refresh('beta')).toMatchObject({
      outcome: 'dead',
      account: { status: 'reauthorization_required' },
    });
    const error = await rejection(client.request.invokeTemplate('me'));
    expect(error).toMatchObject({ status: 401, errorSource: 'APP', code: 'REAUTHORIZATION_REQUIRED' });
    const beta = (await client.status()).find((integration) => integration.name === 'beta');
    expect(beta?.accounts).toEqual([
      expect.objectContaining({ account: 'default', status: 'reauthorization_required' }),
    ]);
    const link = await client.connectLinks.create('beta', { expiresInSeconds: 120 });
    expect(link).toMatchObject({
      integration: 'beta',
      account: 'default',
      url: expect.stringMatching(/\/connect\/hcl_/),
    });
  }, 60_000);

  it('rejects a wrong key and an unknown installation with the API’s code, attempts 0', async () => {
    const { id } = await admin().installations.create({ iparams: { upstream: upstream.host } });
    const wrongKey = createClient({ url: world.api.url, key: 'hsk_wrong', installationId: id });
    expect(await rejection(wrongKey.request.invokeTemplate('echo', { context: { id: '1' } }))).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      errorSource: 'APP',
      attempts: 0,
    });
    const unknown = admin().forInstallation('in_aaaaaaaaaaaaaaaaaaaa');
    expect(await rejection(unknown.request.invokeTemplate('echo', { context: { id: '1' } }))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('rejects with PLATFORM when Handshake cannot be reached', async () => {
    const client = createClient({
      url: 'http://127.0.0.1:9',
      key: ADMIN,
      installationId: 'in_aaaaaaaaaaaaaaaaaaaa',
    });
    expect(await rejection(client.request.invokeTemplate('echo'))).toMatchObject({
      status: 502,
      errorSource: 'PLATFORM',
      code: 'HANDSHAKE_UNREACHABLE',
    });
  });
});

describe('cache: true through the client', () => {
  const cached = { cache: true, ttl: 600_000 } as const;
  const subject = (result: { response: string }) => (JSON.parse(result.response) as { sub?: string }).sub;
  const callsToMe = () => upstream.requests.filter((request) => request.url === '/me').length;

  it('answers from the response cache until a reconnect, a dead grant or a delete, each seen at the next call', async () => {
    // Arrange: alice connected; her answer cached.
    const installation = await connectedToUpstream(upstream);
    const client = admin().forInstallation(installation.id);
    expect(subject(await client.request.invokeTemplate('me', cached))).toBe('alice');
    const before = callsToMe();
    expect(subject(await client.request.invokeTemplate('me', cached))).toBe('alice');
    expect(callsToMe()).toBe(before);
    // A reconnect as someone else: the next call is bob's, from the upstream.
    const { page } = await personConnects(await linkFor(installation.id, { integration: 'beta' }), {
      login: 'bob',
    });
    await page.context().close();
    expect(subject(await client.request.invokeTemplate('me', cached))).toBe('bob');
    expect(callsToMe()).toBe(before + 1);
    // A dead grant: the cached answer is not served.
    await world.oauth.revokeAllGrants();
    expect(await client.refresh('beta')).toMatchObject({ outcome: 'dead' });
    expect(await rejection(client.request.invokeTemplate('me', cached))).toMatchObject({
      status: 401,
      code: 'REAUTHORIZATION_REQUIRED',
    });
    // A deleted installation: nothing is served either.
    const other = await connectedToUpstream(upstream);
    const gone = admin().forInstallation(other.id);
    await gone.request.invokeTemplate('me', cached);
    await gone.installations.delete();
    expect(await rejection(gone.request.invokeTemplate('me', cached))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(callsToMe()).toBe(before + 2);
  }, 120_000);
});

describe('the admin calls', () => {
  it('creates, reads and deletes an installation', async () => {
    const client = admin();
    const created = await client.installations.create({ iparams: { upstream: upstream.host } });
    expect(created.apiKey).toMatch(/^hsk_in_/);
    expect((await client.installations.get(created.id)).id).toBe(created.id);
    await client.installations.delete(created.id);
    await expect(client.installations.get(created.id)).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });
});

describe('verifyWebhook', () => {
  it('takes an event Handshake delivered, and refuses it tampered, stale or under another secret', async () => {
    const { id } = await admin().installations.create({ iparams: { upstream: upstream.host } });
    receiver.clear();
    expect(await admin().testWebhook(id)).toMatchObject({ delivered: true });
    const [delivered] = receiver.ofType('webhook.test');
    const secret = (await (await testInfrastructure()).secrets.get('webhook-signing')) ?? '';
    const { headers, raw } = delivered ?? { headers: {}, raw: '' };
    expect(verifyWebhook(raw, headers, secret)).toBe(true);
    expect(verifyWebhook(Buffer.from(raw), new Headers(headers as Record<string, string>), secret)).toBe(
      true,
    );
    expect(verifyWebhook(raw.replace(id, 'in_bbbbbbbbbbbbbbbbbbbb'), headers, secret)).toBe(false);
    expect(verifyWebhook(`${raw} `, headers, secret)).toBe(false);
    expect(verifyWebhook(raw, headers, `${secret}x`)).toBe(false);
    expect(verifyWebhook(raw, headers, secret, { now: Date.now() / 1000 + 301 })).toBe(false);
    expect(verifyWebhook(raw, headers, secret, { now: Date.now() / 1000 + 301, toleranceSeconds: 600 })).toBe(
      true,
    );
    expect(verifyWebhook(raw, { ...headers, 'handshake-timestamp': undefined }, secret)).toBe(false);
  });
});
