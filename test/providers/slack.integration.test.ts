/**
 * Slack's nested token response through the HTTP API (issue 18, "dotted token-response
 * fields"): `oauth.v2.access` answers a user token under `authed_user` and the workspace under
 * `team`. `token_response` paths take the token, its expiry and scope from `authed_user`;
 * `keep_fields` keeps `team.id`, read in a template as `account.team.id`.
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
          slack: {
            display_name: 'Slack',
            client_id: 'slack-client',
            client_secret: 'slack-secret-Vb5',
            authorize_url: `${provider().origin}/oauth/v2/authorize`,
            token_url: `${provider().origin}/api/oauth.v2.access`,
            token_type: 'account',
            options: { user_scope: 'team:read users:read' },
            handshake: {
              token_response: {
                access_token: 'authed_user.access_token',
                refresh_token: 'authed_user.refresh_token',
                expires_in: 'authed_user.expires_in',
                scope: 'authed_user.scope',
              },
              keep_fields: ['team.id', 'incoming_webhook.url'],
              allowed_hosts: [provider().host],
            },
          },
        },
      },
      requests: {
        teamInfo: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: provider().host,
            path: '/api/team.info',
            query: { team: '<%= account.team.id %>' },
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { oauth: 'slack' },
        },
      },
    }),
  }),
});

const TOKEN = '/api/oauth.v2.access';

/** Slack's answer for a user token (with token rotation on): nothing useful at the top level. */
const slackAnswer = (count: number) => ({
  body: {
    ok: true,
    app_id: 'A0APP',
    team: { id: 'T0ACME', name: 'Acme' },
    incoming_webhook: { url: 'https://hooks.slack.test/services/T0ACME/B1/x', channel: '#general' },
    authed_user: {
      id: 'U1',
      scope: 'team:read,users:read',
      access_token: `xoxe.xoxp-${count}`,
      refresh_token: `xoxe-1-rt-${count}`,
      expires_in: 43_200,
      token_type: 'user',
    },
  },
});

describe('Slack: dotted token-response fields', () => {
  it('takes the token from authed_user, keeps team.id and sends it as account.team.id', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === TOKEN ? slackAnswer(count) : { body: { ok: true, team: { id: 'T0ACME' } } };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'slack' });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.searchParams.get('user_scope')).toBe('team:read users:read');
    expect(provider().formOf(provider().callsTo(TOKEN)[0])).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
    });
    const [shown] = await accountsOf(installation.id, 'slack');
    expect(shown).toMatchObject({ status: 'authorized', scope: 'team:read,users:read' });
    // authed_user.expires_in (12 h), not the 30-minute default.
    expect(Date.parse(shown?.expiresAt ?? '') - Date.now()).toBeGreaterThan(43_000_000);
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'slack');
    // Assess
    expect(refreshed.status).toBe(200);
    expect(provider().formOf(provider().callsTo(TOKEN)[1])).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'xoxe-1-rt-1',
    });
    const { item, tokens } = await storedTokens(installation.id, 'slack');
    expect(tokens).toMatchObject({ accessToken: 'xoxe.xoxp-2', refreshToken: 'xoxe-1-rt-2' });
    expect(tokens?.extra).toEqual({
      team: { id: 'T0ACME' },
      incoming_webhook: { url: 'https://hooks.slack.test/services/T0ACME/B1/x' },
    });
    // Sealed: the webhook URL is a credential of its own.
    expect(JSON.stringify(item)).not.toContain('hooks.slack.test');
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'teamInfo' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/api/team.info');
    expect(api?.query.get('team')).toBe('T0ACME');
    expect(api?.headers.authorization).toBe('Bearer xoxe.xoxp-2');
  });
});
