/**
 * Notion's quirks through the HTTP API (issue 18, "no JSON token request"), with the recipe of
 * docs/providers.md#notion pointed at a double that behaves as Notion's endpoints do: the token
 * endpoint takes only `application/json` with HTTP Basic client authentication, there is no
 * PKCE, the answer carries the workspace's facts and no `expires_in`, and a refresh rotates the
 * refresh token.
 */

import { invoke } from '../invoke/support/invoke-api';
import { accountsOf, createInstallation, storedTokens, useHarness } from '../support/harness';
import {
  connectOverApi,
  recipeApp,
  refreshOverApi,
  tokens,
  useProviderDouble,
} from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({ APP_DIR: recipeApp('notion', provider(), ['api.notion.com']) }),
  clientCredentials: { notion: { client_id: 'notion-client', client_secret: 'notion-secret-Kd2' } },
});

const basic = `Basic ${Buffer.from('notion-client:notion-secret-Kd2').toString('base64')}`;

/** Notion's token answer: no expires_in, the workspace and bot beside the tokens. */
const notionTokens = (count: number) => {
  const { expires_in: _none, ...body } = tokens(count, {
    workspace_id: 'ws-acme',
    workspace_name: 'Acme',
    bot_id: 'bot-1',
    owner: { type: 'user', user: { id: 'u-1' } },
  }).body as Record<string, unknown>;
  return { body };
};

describe('Notion (docs/providers.md recipe): a JSON-only token endpoint', () => {
  it('connects, refreshes and calls the API with JSON token requests and the kept workspace', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === '/v1/oauth/token' ? notionTokens(count) : { body: { object: 'list', results: [] } };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'notion' });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.pathname).toBe('/v1/oauth/authorize');
    expect(connected.authorize.searchParams.get('owner')).toBe('user');
    expect(connected.authorize.searchParams.get('client_id')).toBe('notion-client');
    expect(connected.authorize.searchParams.has('code_challenge')).toBe(false);
    const [exchange] = provider().callsTo('/v1/oauth/token');
    expect(exchange?.headers['content-type']).toBe('application/json');
    expect(exchange?.headers.authorization).toBe(basic);
    expect(JSON.parse(exchange?.body ?? '')).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: expect.stringMatching(/\/oauth\/callback$/),
    });
    // No expires_in and default_lifetime_seconds null: no expiry, no scheduled refresh.
    expect(await accountsOf(installation.id, 'notion')).toEqual([
      expect.objectContaining({ account: 'default', status: 'authorized', expiresAt: null }),
    ]);
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'notion');
    // Assess
    expect(refreshed.status).toBe(200);
    const refresh = provider().callsTo('/v1/oauth/token')[1];
    expect(refresh?.headers['content-type']).toBe('application/json');
    expect(refresh?.headers.authorization).toBe(basic);
    expect(JSON.parse(refresh?.body ?? '')).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'search', body: '{"query":"Roadmap"}' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/v1/search');
    expect(api?.method).toBe('POST');
    expect(api?.headers.authorization).toBe('Bearer at-2');
    expect(api?.headers['notion-version']).toBe('2025-09-03');
    expect(api?.body).toBe('{"query":"Roadmap"}');
    const { tokens: stored } = await storedTokens(installation.id, 'notion');
    // Rotated, and only the facts the recipe keeps.
    expect(stored).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2' });
    expect(stored?.extra).toEqual({ workspace_id: 'ws-acme', bot_id: 'bot-1' });
  });
});
