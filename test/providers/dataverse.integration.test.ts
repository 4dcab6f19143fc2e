/**
 * Dataverse through the HTTP API (issue 18, templated token parameters): the Azure AD v1
 * endpoint wants the environment URL as `resource` on the code exchange and on every refresh;
 * the person types that URL on the connect page (`oauth_iparams.org_url`), and the API host is
 * the same URL (`account.org_url`). The double stands for both the login server and the
 * environment.
 */
import { invoke } from '../invoke/support/invoke-api';
import { createInstallation, useHarness } from '../support/harness';
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
          dataverse: {
            display_name: 'Dataverse',
            client_id: 'dv-client',
            client_secret: 'dv-secret-M2',
            authorize_url: `${provider().origin}/common/oauth2/authorize`,
            token_url: `${provider().origin}/common/oauth2/token`,
            token_type: 'account',
            oauth_iparams: { org_url: { display_name: 'Environment URL', type: 'url', required: true } },
            handshake: {
              token_params: { resource: '<%= account.org_url %>' },
              refresh_params: { resource: '<%= account.org_url %>' },
              allowed_hosts: [provider().host],
            },
          },
        },
      },
      requests: {
        whoAmI: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: '<%= account.org_url %>',
            path: '/api/data/v9.2/WhoAmI',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { oauth: 'dataverse' },
        },
      },
    }),
  }),
});

describe('Dataverse: the environment URL as resource on every token request', () => {
  it('sends the typed URL as resource on the exchange and the refresh, and calls it', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === '/common/oauth2/token' ? tokens(count) : { body: { UserId: 'u-1' } };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, {
      integration: 'dataverse',
      fields: { org_url: provider().origin },
    });
    // Assess
    expect(connected.status).toBe(200);
    const [exchange, ...none] = provider().callsTo('/common/oauth2/token');
    expect(none).toEqual([]);
    expect(provider().formOf(exchange)).toMatchObject({
      grant_type: 'authorization_code',
      resource: provider().origin,
    });
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'dataverse');
    // Assess
    expect(refreshed.status).toBe(200);
    const refresh = provider().callsTo('/common/oauth2/token')[1];
    expect(provider().formOf(refresh)).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      resource: provider().origin,
    });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'whoAmI' });
    // Assess
    expect(envelope.status).toBe(200);
    expect(provider().callsTo('/api/data/v9.2/WhoAmI')[0]?.headers.authorization).toBe('Bearer at-2');
  });
});
