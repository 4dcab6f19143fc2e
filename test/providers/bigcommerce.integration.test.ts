/**
 * BigCommerce through the HTTP API (issue 18, templated token parameters): the callback names
 * the store as `context` (`stores/{hash}`), which the code exchange must send back; the token
 * answer repeats it, and the API path is built from it. BigCommerce tokens do not expire, so
 * there is nothing to refresh: a refresh is answered without calling the provider.
 */
import { invoke } from '../invoke/support/invoke-api';
import { createInstallation, useHarness } from '../support/harness';
import { connectOverApi, refreshOverApi, useProviderDouble, writeApp } from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({
    APP_DIR: writeApp({
      oauthConfig: {
        integrations: {
          bigcommerce: {
            display_name: 'BigCommerce',
            client_id: 'bc-client',
            client_secret: 'bc-secret-T5',
            authorize_url: `${provider().origin}/oauth2/authorize`,
            token_url: `${provider().origin}/oauth2/token`,
            token_type: 'account',
            options: { scope: 'store_v2_products_read_only' },
            handshake: {
              callback_params: ['context'],
              token_params: { context: '<%= account.context %>', scope: 'store_v2_products_read_only' },
              default_lifetime_seconds: null,
              allowed_hosts: [provider().host],
            },
          },
        },
      },
      requests: {
        listProducts: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: provider().host,
            path: '/<%= account.context %>/v3/catalog/products',
            headers: { 'X-Auth-Token': '<%= access_token %>' },
          },
          options: { oauth: 'bigcommerce' },
        },
      },
    }),
  }),
});

describe('BigCommerce: the callback’s context sent back with the code', () => {
  it('exchanges the code with the store’s context and calls that store’s API', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call) =>
      call.path === '/oauth2/token'
        ? {
            body: { access_token: 'bc-at-1', scope: 'store_v2_products_read_only', context: 'stores/abc123' },
          }
        : { body: { data: [] } };
    // Act: the handshake
    const connected = await connectOverApi(installation.id, {
      integration: 'bigcommerce',
      callbackParams: { context: 'stores/abc123', scope: 'store_v2_products_read_only' },
    });
    // Assess
    expect(connected.status).toBe(200);
    const [exchange] = provider().callsTo('/oauth2/token');
    expect(provider().formOf(exchange)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      context: 'stores/abc123',
      scope: 'store_v2_products_read_only',
    });
    // Act: a refresh (there is no refresh token)
    const refreshed = await refreshOverApi(installation.id, 'bigcommerce');
    // Assess
    expect(refreshed.status).toBe(409);
    expect(refreshed.body).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(provider().callsTo('/oauth2/token')).toHaveLength(1);
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'listProducts' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/stores/abc123/v3/catalog/products');
    expect(api?.path).toBe('/stores/abc123/v3/catalog/products');
    expect(api?.headers['x-auth-token']).toBe('bc-at-1');
  });
});
