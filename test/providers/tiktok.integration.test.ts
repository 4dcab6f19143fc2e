/**
 * TikTok through the HTTP API (issue 18, renamed parameters): TikTok calls the client id
 * `client_key` on the authorization request and on every token request, refreshes at the same
 * token URL and may rotate the refresh token. The recipe is docs/providers.md#tiktok, pointed
 * at the double.
 */
import { invoke } from '../invoke/support/invoke-api';
import { ADMIN, bearer, createInstallation, storedTokens, useHarness, world } from '../support/harness';
import {
  connectOverApi,
  recipeApp,
  refreshOverApi,
  tokens,
  useProviderDouble,
} from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({ APP_DIR: recipeApp('tiktok', provider(), ['www.tiktok.com', 'open.tiktokapis.com']) }),
  clientCredentials: { tiktok: { client_id: 'tiktok-key', client_secret: 'tiktok-secret-P3' } },
});

describe('TikTok: client_key on every request, the refresh token rotated', () => {
  it('connects, refreshes, calls the API and revokes with client_key, never client_id', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === '/v2/oauth/token/'
        ? tokens(count, { open_id: 'open-123', refresh_expires_in: 31_536_000, scope: 'user.info.basic' })
        : { body: { data: { user: { open_id: 'open-123' } } } };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'tiktok' });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.searchParams.get('client_key')).toBe('tiktok-key');
    expect(connected.authorize.searchParams.has('client_id')).toBe(false);
    const [exchange] = provider().callsTo('/v2/oauth/token/');
    const sent = provider().formOf(exchange);
    expect(sent).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      client_key: 'tiktok-key',
      client_secret: 'tiktok-secret-P3',
    });
    expect(sent).not.toHaveProperty('client_id');
    // Act: a refresh, at the same token URL
    const refreshed = await refreshOverApi(installation.id, 'tiktok');
    // Assess
    expect(refreshed.status).toBe(200);
    const refresh = provider().formOf(provider().callsTo('/v2/oauth/token/')[1]);
    expect(refresh).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_key: 'tiktok-key',
    });
    expect(refresh).not.toHaveProperty('client_id');
    const { tokens: rotated } = await storedTokens(installation.id, 'tiktok');
    expect(rotated?.refreshToken).toBe('rt-2');
    expect(rotated?.extra).toEqual({ open_id: 'open-123' });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'getUserInfo' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/v2/user/info/');
    expect(api?.headers.authorization).toBe('Bearer at-2');
    // Act: the installation is deleted
    const deleted = await fetch(`${world.api.url}/installations/${installation.id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN),
    });
    // Assess
    expect(deleted.status).toBe(204);
    const revocation = provider().formOf(provider().callsTo('/v2/oauth/revoke/')[0]);
    expect(revocation).toMatchObject({ token: 'rt-2', client_key: 'tiktok-key' });
    expect(revocation).not.toHaveProperty('client_id');
  });
});
