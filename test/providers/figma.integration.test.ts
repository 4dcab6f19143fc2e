/**
 * Figma's separate refresh endpoint through the HTTP API (issue 18, "a separate refresh
 * endpoint"): the code is exchanged at `/v1/oauth/token`, refreshes go to `/v1/oauth/refresh`
 * (`handshake.refresh_url`), which answers a new access token and no refresh token.
 */
import { invoke } from '../invoke/support/invoke-api';
import { accountsOf, createInstallation, storedTokens, useHarness } from '../support/harness';
import { connectOverApi, refreshOverApi, useProviderDouble, writeApp } from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({
    APP_DIR: writeApp({
      oauthConfig: {
        integrations: {
          figma: {
            display_name: 'Figma',
            client_id: 'figma-client',
            client_secret: 'figma-secret-Tg6',
            authorize_url: `${provider().origin}/oauth`,
            token_url: `${provider().origin}/v1/oauth/token`,
            token_type: 'account',
            options: { scope: 'current_user:read file_content:read' },
            handshake: {
              refresh_url: `${provider().origin}/v1/oauth/refresh`,
              client_auth: 'client_secret_basic',
              allowed_hosts: [provider().host],
            },
          },
        },
      },
      requests: {
        me: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: provider().host,
            path: '/v1/me',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { oauth: 'figma' },
        },
      },
    }),
  }),
});

const basic = `Basic ${Buffer.from('figma-client:figma-secret-Tg6').toString('base64')}`;
const NINETY_DAYS = 7_776_000;

describe('Figma: handshake.refresh_url', () => {
  it('exchanges the code at token_url, refreshes at refresh_url, and keeps the refresh token', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call) => {
      if (call.path === '/v1/oauth/token')
        return {
          body: { user_id: '42', access_token: 'figu-1', refresh_token: 'figr-1', expires_in: NINETY_DAYS },
        };
      if (call.path === '/v1/oauth/refresh')
        return { body: { access_token: 'figu-2', expires_in: NINETY_DAYS } };
      return { body: { id: '42', handle: 'ada' } };
    };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'figma' });
    // Assess
    expect(connected.status).toBe(200);
    expect(provider().callsTo('/v1/oauth/token')).toHaveLength(1);
    expect(provider().formOf(provider().callsTo('/v1/oauth/token')[0])).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
    });
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'figma');
    // Assess: only refresh_url received it, with the same client authentication.
    expect(refreshed.status).toBe(200);
    expect(provider().callsTo('/v1/oauth/token')).toHaveLength(1);
    const [renewal] = provider().callsTo('/v1/oauth/refresh');
    expect(renewal?.headers.authorization).toBe(basic);
    expect(provider().formOf(renewal)).toEqual({ grant_type: 'refresh_token', refresh_token: 'figr-1' });
    const { tokens } = await storedTokens(installation.id, 'figma');
    expect(tokens).toMatchObject({ accessToken: 'figu-2', refreshToken: 'figr-1' });
    const [shown] = await accountsOf(installation.id, 'figma');
    expect(refreshed.body).toMatchObject({ outcome: 'refreshed' });
    expect(Date.parse(shown?.expiresAt ?? '') - Date.now()).toBeGreaterThan((NINETY_DAYS - 60) * 1000);
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'me' });
    // Assess
    expect(envelope.status).toBe(200);
    expect(provider().callsTo('/v1/me')[0]?.headers.authorization).toBe('Bearer figu-2');
  });
});
