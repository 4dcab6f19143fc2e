/**
 * Notion's quirks through the HTTP API (issue 18, "no JSON token request"): its token endpoint
 * takes only `application/json` with HTTP Basic client authentication, it issues no PKCE, and
 * its answer carries the workspace's facts, kept for templates (`account.workspace_id`). The
 * recipe is docs/providers.md#notion; this double behaves as Notion's endpoint does.
 */

import { invoke } from '../invoke/support/invoke-api';
import { createInstallation, storedTokens, useHarness } from '../support/harness';
import {
  connectOverApi,
  refreshOverApi,
  tokens,
  useProviderDouble,
  writeApp,
} from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({
    APP_DIR: writeApp({
      oauthConfig: {
        integrations: {
          notion: {
            display_name: 'Notion',
            client_id: 'notion-client',
            client_secret: 'notion-secret-Kd2',
            authorize_url: `${provider().origin}/v1/oauth/authorize`,
            token_url: `${provider().origin}/v1/oauth/token`,
            token_type: 'account',
            options: { owner: 'user' },
            handshake: {
              token_request: 'json',
              client_auth: 'client_secret_basic',
              pkce: false,
              keep_fields: ['workspace_id', 'bot_id'],
              // localhost fixes no registrable domain: the double's host:port is named.
              allowed_hosts: [provider().host],
            },
          },
        },
      },
      requests: {
        search: {
          schema: {
            method: 'POST',
            protocol: 'http',
            host: provider().host,
            path: '/v1/search',
            headers: {
              Authorization: 'Bearer <%= access_token %>',
              'Notion-Version': '2022-06-28',
              'X-Workspace': '<%= account.workspace_id %>',
            },
          },
          options: { oauth: 'notion' },
        },
      },
    }),
  }),
});

const basic = `Basic ${Buffer.from('notion-client:notion-secret-Kd2').toString('base64')}`;

describe('Notion: a JSON-only token endpoint', () => {
  it('connects, refreshes and calls the API with JSON token requests and the kept workspace', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === '/v1/oauth/token'
        ? tokens(count, { workspace_id: 'ws-acme', bot_id: 'bot-1', owner: { type: 'user' } })
        : { body: { results: [] } };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'notion' });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.searchParams.get('owner')).toBe('user');
    expect(connected.authorize.searchParams.has('code_challenge')).toBe(false);
    const [exchange] = provider().callsTo('/v1/oauth/token');
    expect(exchange?.headers['content-type']).toBe('application/json');
    expect(exchange?.headers.authorization).toBe(basic);
    expect(JSON.parse(exchange?.body ?? '')).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: expect.stringMatching(/\/oauth\/callback$/),
    });
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'notion');
    // Assess
    expect(refreshed.status).toBe(200);
    const refresh = provider().callsTo('/v1/oauth/token')[1];
    expect(refresh?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(refresh?.body ?? '')).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'search', body: '{}' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/v1/search');
    expect(api?.headers.authorization).toBe('Bearer at-2');
    expect(api?.headers['x-workspace']).toBe('ws-acme');
    const { tokens: stored } = await storedTokens(installation.id, 'notion');
    expect(stored?.extra).toEqual({ workspace_id: 'ws-acme', bot_id: 'bot-1' });
  });
});
