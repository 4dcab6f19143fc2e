/**
 * POST /installations/{id}/invoke against a real local HTTP upstream, with tokens from a real
 * OAuth server (connected by a person in Chromium): FDK envelope, encoding, retries, limits,
 * token refresh inline and after a 401, dead grants.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { accountSk, installationPk } from '../../lib/store/layout';
import { bearer, ofEndpoint, storedTokens, useHarness, world } from '../support/harness';
import { connectedToUpstream } from '../support/upstream-installation';
import { installationOn, invoke, useUpstream } from './support/invoke-api';

useHarness({ env: { HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' } });
const upstream = useUpstream();

const API_KEY = 'secret-api-key-77';
const newInstallation = () => installationOn(upstream().host, { api_key: API_KEY });
/** An installation with its beta account connected by a person. */
const connected = () => connectedToUpstream(upstream(), { iparams: { api_key: API_KEY } });

const lastRequest = () => upstream().requests.at(-1);

describe('invoke', () => {
  let installation: { id: string; apiKey: string };
  beforeAll(async () => {
    installation = await connected();
  }, 60_000);

  it('renders the template and answers the upstream response in the FDK envelope', async () => {
    const { http, envelope } = await invoke(installation, {
      template: 'echo',
      context: { id: '42', q: 'open tickets' },
    });
    expect(http).toBe(200);
    expect(envelope).toMatchObject({ status: 200, attempts: 1, headers: { 'x-upstream': 'echo' } });
    const echoed = JSON.parse(envelope.response) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/echo/42?q=open+tickets&fixed=yes');
    const { tokens } = await storedTokens(installation.id, 'beta');
    expect(echoed.headers.authorization).toBe(`Bearer ${tokens?.accessToken}`);
    expect(echoed.headers['x-api-key']).toBe('secret-api-key-77');
    expect(echoed.headers['x-trace']).toBe('none');
  });

  it('substitutes context in the path as text, as FDK does, and encodes a query value as a value', async () => {
    for (const [id, path, extra] of [
      ['a b', '/echo/a%20b', []],
      ['100%', '/echo/100%25', []],
      ['ünï/✓', '/echo/%C3%BCn%C3%AF/%E2%9C%93', []],
      ['a?b=c', '/echo/a', [['b', 'c']]],
    ] as const) {
      const { envelope } = await invoke(installation, {
        template: 'echo',
        context: { id, q: `${id}&admin=true#x` },
      });
      expect(envelope.status).toBe(200);
      const url = new URL(lastRequest()?.url ?? '', 'http://upstream');
      expect(url.pathname).toBe(path);
      expect([...url.searchParams]).toEqual([...extra, ['q', `${id}&admin=true#x`], ['fixed', 'yes']]);
    }
  });

  it.each([
    ['..', 'INVALID_PATH'],
    ['.', 'INVALID_PATH'],
    ['../admin', 'INVALID_PATH'],
    ['x#frag', 'INVALID_PATH'],
  ])('refuses the context value %j in the path, sending nothing', async (id, code) => {
    const sent = upstream().requests.length;
    const { http, envelope } = await invoke(installation, {
      template: 'echo',
      context: { id },
    });
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ status: 400, errorSource: 'APP', code, attempts: 0 });
    expect(upstream().requests.length).toBe(sent);
  });

  it('refuses CR or LF in a header value before anything is sent', async () => {
    const sent = upstream().requests.length;
    const { http, envelope } = await invoke(installation, {
      template: 'echo',
      context: { id: '1', trace: 'abc\r\nX-Injected: yes' },
    });
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ errorSource: 'APP', code: 'INVALID_HEADER' });
    expect(upstream().requests.length).toBe(sent);
  });

  it.each([
    ['neverDeclared', 'TEMPLATE_NOT_DECLARED'],
    ['noSuchTemplate', 'TEMPLATE_NOT_FOUND'],
  ])('answers 404 APP for %s', async (template, code) => {
    const { http, envelope } = await invoke(installation, { template });
    expect(http).toBe(404);
    expect(envelope).toMatchObject({ status: 404, errorSource: 'APP', code, attempts: 0 });
    expect(envelope.response).toContain(template);
  });

  it('refuses a 150 KB body with 413 APP and sends a 90 KB one', async () => {
    const big = await invoke(installation, {
      template: 'post',
      body: 'x'.repeat(150 * 1024),
    });
    expect(big.http).toBe(413);
    expect(big.envelope).toMatchObject({ status: 413, errorSource: 'APP', code: 'PAYLOAD_TOO_LARGE' });
    const body = { items: 'y'.repeat(90 * 1024) };
    const fits = await invoke(installation, { template: 'post', body });
    expect(fits.envelope.status).toBe(200);
    expect(lastRequest()?.body).toBe(JSON.stringify(body));
    expect(lastRequest()?.method).toBe('POST');
  });

  it('rides out two 503s with attempts: 3', async () => {
    const { http, envelope } = await invoke(installation, {
      template: 'flaky',
      context: { id: 'ride-out' },
    });
    expect(http).toBe(200);
    expect(envelope).toMatchObject({ status: 200, attempts: 3, response: 'ok after two 503s' });
  });

  it('returns a final upstream 500 as status 500 inside a 200', async () => {
    const { http, envelope } = await invoke(installation, { template: 'broken' });
    expect(http).toBe(200);
    expect(envelope).toMatchObject({ status: 500, attempts: 2, response: 'status 500' });
    expect(envelope.errorSource).toBeUndefined();
  });

  it('honours Retry-After', async () => {
    const started = Date.now();
    const { envelope } = await invoke(installation, {
      template: 'throttled',
      context: { id: 'wait' },
    });
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('returns a 5 MB response intact and refuses a 7 MB one cleanly', async () => {
    const five = 5 * 1024 * 1024;
    const ok = await invoke(installation, {
      template: 'big',
      context: { bytes: String(five) },
    });
    expect(ok.envelope.status).toBe(200);
    expect(ok.envelope.response).toHaveLength(five);
    const pattern = 'abcdefghijklmnopqrstuvwxyz0123456789';
    expect(ok.envelope.response.startsWith(pattern)).toBe(true);
    expect(ok.envelope.response.slice(65536, 65536 + 36)).toBe(pattern);
    const tooBig = await invoke(installation, {
      template: 'big',
      context: { bytes: String(7 * 1024 * 1024) },
    });
    expect(tooBig.http).toBe(502);
    expect(tooBig.envelope).toMatchObject({ errorSource: 'PLATFORM', code: 'RESPONSE_TOO_LARGE' });
    expect(tooBig.envelope.response).not.toContain('abcdefgh');
  });

  it('answers 504 PLATFORM when the upstream does not answer in time', async () => {
    const started = Date.now();
    const { http, envelope } = await invoke(installation, { template: 'slow' });
    expect(http).toBe(504);
    expect(envelope).toMatchObject({ status: 504, errorSource: 'PLATFORM', code: 'TIMEOUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(14_500);
  }, 30_000);

  it("refuses another installation's key, and any call without a key", async () => {
    const other = await newInstallation();
    const refused = await fetch(`${world.api.url}/installations/${installation.id}/invoke`, {
      method: 'POST',
      headers: bearer(other.apiKey),
      body: JSON.stringify({ template: 'public' }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const anonymous = await fetch(`${world.api.url}/installations/${installation.id}/invoke`, {
      method: 'POST',
      body: JSON.stringify({ template: 'public' }),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('invoke and tokens', () => {
  const expire = async (id: string) =>
    world.table.client.send(
      new UpdateCommand({
        TableName: world.table.tableName,
        Key: { pk: installationPk(id), sk: accountSk({ integration: 'beta', account: 'default' }) },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1000 },
      }),
    );
  const refreshCalls = async () =>
    ofEndpoint(await world.oauth.received(), 'token').filter(
      (request) => request.form.grant_type === 'refresh_token',
    );

  it('refreshes an expired access token inline and sends the new one', async () => {
    const installation = await connected();
    const before = await storedTokens(installation.id, 'beta');
    await expire(installation.id);
    await world.oauth.clearReceived();
    const { envelope } = await invoke(installation, { template: 'me' });
    expect(envelope.status).toBe(200);
    expect(await refreshCalls()).toHaveLength(1);
    const after = await storedTokens(installation.id, 'beta');
    expect(after.tokens?.accessToken).not.toBe(before.tokens?.accessToken);
    expect(lastRequest()?.headers.authorization).toBe(`Bearer ${after.tokens?.accessToken}`);
  }, 60_000);

  it('refreshes once after a 401 and retries once', async () => {
    const installation = await connected();
    const warm = await invoke(installation, { template: 'me' });
    expect(warm.envelope.status).toBe(200);
    const before = await storedTokens(installation.id, 'beta');
    upstream().rejectOnce(before.tokens?.accessToken ?? '');
    await world.oauth.clearReceived();
    const sent = upstream().requests.length;
    const { envelope } = await invoke(installation, { template: 'me' });
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    expect(await refreshCalls()).toHaveLength(1);
    const tokensSent = upstream()
      .requests.slice(sent)
      .map((request) => request.headers.authorization);
    const after = await storedTokens(installation.id, 'beta');
    expect(tokensSent).toEqual([
      `Bearer ${before.tokens?.accessToken}`,
      `Bearer ${after.tokens?.accessToken}`,
    ]);
  }, 60_000);

  it('answers 401 REAUTHORIZATION_REQUIRED for a dead grant', async () => {
    const installation = await connected();
    await world.oauth.revokeAllGrants();
    await expire(installation.id);
    const { http, envelope } = await invoke(installation, { template: 'me' });
    expect(http).toBe(401);
    expect(envelope).toMatchObject({ status: 401, code: 'REAUTHORIZATION_REQUIRED' });
    expect(envelope.response).toContain('reauthorization');
    const again = await invoke(installation, { template: 'me' });
    expect(again.envelope.code).toBe('REAUTHORIZATION_REQUIRED');
  }, 60_000);

  it('answers 401 REAUTHORIZATION_REQUIRED for an account never connected, and 400 without the agent id', async () => {
    const installation = await newInstallation();
    const never = await invoke(installation, { template: 'me' });
    expect(never.http).toBe(401);
    expect(never.envelope.code).toBe('REAUTHORIZATION_REQUIRED');
    const agent = await invoke(installation, { template: 'crewMe' });
    expect(agent.http).toBe(400);
    expect(agent.envelope).toMatchObject({ errorSource: 'APP', code: 'INVALID_REQUEST' });
  });
});
