/**
 * Shopify-style OAuth through the HTTP API (issue 18, "callback query parameters" and
 * `scope_separator`): scopes are joined with commas, each shop is its own authorization server
 * (the shop typed on the connect page, fenced by `allowed_hosts`), and the redirect back names
 * the shop (`shop`, kept by `callback_params`), which is the API host. A `shop` outside
 * `allowed_hosts` is refused at invoke with nothing sent. The double stands in for
 * `<shop>.myshopify.com`.
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
          shopify: {
            display_name: 'Shopify',
            client_id: 'shopify-client',
            client_secret: 'shopify-secret-Mx9',
            authorize_url: 'http://<%= oauth_iparams.shop_domain %>/admin/oauth/authorize',
            token_url: 'http://<%= oauth_iparams.shop_domain %>/admin/oauth/access_token',
            token_type: 'account',
            options: { scope: ['read_products', 'write_orders'] },
            oauth_iparams: {
              shop_domain: {
                display_name: 'Shop',
                description: 'acme.myshopify.com',
                type: 'text',
                required: true,
              },
            },
            handshake: {
              scope_separator: ',',
              callback_params: ['shop'],
              allowed_hosts: ['*.myshopify.com', provider().host],
            },
          },
        },
      },
      requests: {
        getShop: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: '<%= account.shop %>',
            path: '/admin/api/2025-01/shop.json',
            headers: { 'X-Shopify-Access-Token': '<%= access_token %>' },
          },
          options: { oauth: 'shopify' },
        },
      },
    }),
  }),
});

const TOKEN = '/admin/oauth/access_token';

describe('Shopify: comma-separated scopes and the shop from the callback', () => {
  it('asks for read_products,write_orders, keeps shop and calls the shop’s API', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === TOKEN
        ? {
            body: {
              access_token: `shpat-${count}`,
              refresh_token: `shprt-${count}`,
              expires_in: 3600,
              scope: 'read_products,write_orders',
            },
          }
        : { body: { shop: { name: 'Acme' } } };
    // Act: the handshake, the shop typed on the connect page and named again on the redirect
    const connected = await connectOverApi(installation.id, {
      integration: 'shopify',
      fields: { shop_domain: provider().host },
      callbackParams: { shop: provider().host, hmac: 'ab12', timestamp: '1764690000' },
    });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.host).toBe(provider().host);
    expect(connected.authorize.searchParams.get('scope')).toBe('read_products,write_orders');
    expect(provider().formOf(provider().callsTo(TOKEN)[0])).toMatchObject({ code: 'the-code' });
    expect((await accountsOf(installation.id, 'shopify'))[0]?.scope).toBe('read_products,write_orders');
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'shopify');
    // Assess
    expect(refreshed.status).toBe(200);
    expect(provider().formOf(provider().callsTo(TOKEN)[1])).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'shprt-1',
    });
    const { tokens } = await storedTokens(installation.id, 'shopify');
    expect(tokens?.extra).toEqual({ shop: provider().host });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'getShop' });
    // Assess
    expect(envelope.status).toBe(200);
    expect(provider().callsTo('/admin/api/2025-01/shop.json')[0]?.headers['x-shopify-access-token']).toBe(
      'shpat-2',
    );
  });

  it('refuses a shop on the redirect outside allowed_hosts at invoke: nothing is sent', async () => {
    // Prepare: the browser that brought the callback chose the shop; the same server by another name.
    const installation = await createInstallation();
    const connected = await connectOverApi(installation.id, {
      integration: 'shopify',
      account: 'other-shop',
      fields: { shop_domain: provider().host },
      callbackParams: { shop: `127.0.0.1:${provider().port}` },
    });
    expect(connected.status).toBe(200);
    const before = provider().calls.length;
    // Act
    const { http, envelope } = await invoke(installation, { template: 'getShop', account: 'other-shop' });
    // Assess
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ code: 'INVALID_HOST', attempts: 0 });
    expect(provider().calls.slice(before)).toEqual([]);
  });
});
