/**
 * Gong through the HTTP API (issue 18): the customer's API host comes with the token answer
 * (`api_base_url_for_customer`), kept with the account and read as the templates' host. Gong's
 * token endpoint authenticates the client with HTTP Basic. The double stands for both servers.
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
          gong: {
            display_name: 'Gong',
            client_id: 'gong-client',
            client_secret: 'gong-secret-R8',
            authorize_url: `${provider().origin}/oauth2/authorize`,
            token_url: `${provider().origin}/oauth2/generate-customer-token`,
            token_type: 'account',
            options: { scope: 'api:calls:read:basic' },
            handshake: {
              client_auth: 'client_secret_basic',
              keep_fields: ['api_base_url_for_customer'],
              allowed_hosts: [provider().host],
            },
          },
        },
      },
      requests: {
        listCalls: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: '<%= account.api_base_url_for_customer %>',
            path: '/v2/calls',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { oauth: 'gong' },
        },
      },
    }),
  }),
});

describe('Gong: the API host from the token answer', () => {
  it('keeps api_base_url_for_customer and calls the API there after a refresh', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === '/oauth2/generate-customer-token'
        ? tokens(count, { api_base_url_for_customer: `${provider().origin}/customer-7` })
        : { body: { calls: [] } };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'gong' });
    // Assess
    expect(connected.status).toBe(200);
    const [exchange] = provider().callsTo('/oauth2/generate-customer-token');
    expect(exchange?.headers.authorization).toBe(
      `Basic ${Buffer.from('gong-client:gong-secret-R8').toString('base64')}`,
    );
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'gong');
    // Assess
    expect(refreshed.status).toBe(200);
    expect(provider().formOf(provider().callsTo('/oauth2/generate-customer-token')[1])).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'listCalls' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/customer-7/v2/calls');
    expect(api?.headers.authorization).toBe('Bearer at-2');
    const { tokens: stored } = await storedTokens(installation.id, 'gong');
    expect(stored?.extra).toEqual({ api_base_url_for_customer: `${provider().origin}/customer-7` });
  });
});
