/**
 * Instagram through the HTTP API (issue 18, a separate refresh endpoint): there is no refresh
 * token; the long-lived access token itself is renewed with
 * `GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=…`.
 * The token is in that URL because Instagram designed it so: the GET carries no client secret,
 * and no log line holds the URL or the token. The recipe is docs/providers.md#instagram,
 * pointed at the double. Logs are on (DEBUG) and captured, as in test/observability/log-scan.
 */
import { invoke } from '../invoke/support/invoke-api';
import { createInstallation, storedTokens, useHarness } from '../support/harness';
import { connectOverApi, recipeApp, refreshOverApi, useProviderDouble } from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    APP_DIR: recipeApp('instagram', provider(), [
      'www.instagram.com',
      'api.instagram.com',
      'graph.instagram.com',
    ]),
  }),
  clientCredentials: { instagram: { client_id: 'ig-app', client_secret: 'ig-secret-W4' } },
});

const captured: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
beforeAll(() => {
  for (const stream of ['stdout', 'stderr'] as const) {
    const original = writes[stream].bind(process[stream]);
    process[stream].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      captured.push(text);
      if (text.startsWith('{"level"') || text.startsWith('{"_aws"')) return true;
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  }
});
afterAll(() => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
});

describe('Instagram: the access token itself refreshed with a GET', () => {
  it('connects without a refresh token, renews the access token by GET and calls the API with the new one', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call) => {
      if (call.path === '/oauth/access_token')
        return { body: { access_token: 'ig-long-1', user_id: 17841400, expires_in: 5_184_000 } };
      if (call.path === '/refresh_access_token')
        return { body: { access_token: 'ig-long-2', token_type: 'bearer', expires_in: 5_183_944 } };
      return { body: { id: '17841400', username: 'acme' } };
    };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'instagram' });
    // Assess
    expect(connected.status).toBe(200);
    const [exchange] = provider().callsTo('/oauth/access_token');
    expect(exchange?.method).toBe('POST');
    expect(provider().formOf(exchange)).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'ig-app',
      client_secret: 'ig-secret-W4',
    });
    const { tokens: first, item } = await storedTokens(installation.id, 'instagram');
    expect(first?.refreshToken).toBeUndefined();
    // Due for renewal all the same: the sweep refreshes it before it expires.
    expect(item.refreshDueAt).toEqual(expect.any(Number));
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'instagram');
    // Assess
    expect(refreshed.status).toBe(200);
    const [refresh] = provider().callsTo('/refresh_access_token');
    expect(refresh?.method).toBe('GET');
    expect(Object.fromEntries(refresh?.query ?? [])).toEqual({
      grant_type: 'ig_refresh_token',
      access_token: 'ig-long-1',
    });
    expect(refresh?.body).toBe('');
    expect(refresh?.headers.authorization).toBeUndefined();
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'getProfile' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/v21.0/me');
    expect(api?.headers.authorization).toBe('Bearer ig-long-2');
    const { tokens: stored } = await storedTokens(installation.id, 'instagram');
    expect(stored?.accessToken).toBe('ig-long-2');
    expect(stored?.extra).toEqual({ user_id: 17841400 });
    const logs = captured.join('');
    expect(logs).toContain('account authorized');
    for (const secret of ['ig-long-1', 'ig-long-2', 'ig-secret-W4', 'refresh_access_token?'])
      expect(logs).not.toContain(secret);
  });
});
