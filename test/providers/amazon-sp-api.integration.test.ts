/**
 * Amazon's Selling Partner API through the HTTP API (issue 18, "the code arrives under another
 * parameter name" and "callback query parameters"): the consent page redirects back with
 * `spapi_oauth_code` (`handshake.code_param`) and `selling_partner_id`, kept
 * (`callback_params`) and used in the API path; the token goes in `x-amz-access-token`.
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
          amazon: {
            display_name: 'Amazon Seller Central',
            client_id: 'amzn1.application-oa2-client.abc',
            client_secret: 'amzn1.oa2-cs.v1.secret-Rt4',
            authorize_url: `${provider().origin}/apps/authorize/consent`,
            token_url: `${provider().origin}/auth/o2/token`,
            token_type: 'account',
            options: { application_id: 'amzn1.sp.solution.xyz', version: 'beta' },
            handshake: {
              code_param: 'spapi_oauth_code',
              callback_params: ['selling_partner_id'],
              allowed_hosts: [provider().host],
            },
          },
        },
      },
      requests: {
        getListing: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: provider().host,
            path: '/listings/2021-08-01/items/<%= account.selling_partner_id %>/<%= context.sku %>',
            query: { marketplaceIds: 'ATVPDKIKX0DER' },
            headers: { 'x-amz-access-token': '<%= access_token %>' },
          },
          options: { oauth: 'amazon' },
        },
      },
    }),
  }),
});

const TOKEN = '/auth/o2/token';

describe('Amazon SP-API: spapi_oauth_code and selling_partner_id', () => {
  it('exchanges the code sent as spapi_oauth_code and calls the API for the kept seller', async () => {
    // Prepare
    const installation = await createInstallation();
    // Act: the handshake, the consent page's redirect back
    const connected = await connectOverApi(installation.id, {
      integration: 'amazon',
      codeParam: 'spapi_oauth_code',
      code: 'ANaz-code-7',
      callbackParams: { selling_partner_id: 'A3SELLER' },
    });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.searchParams.get('application_id')).toBe('amzn1.sp.solution.xyz');
    expect(connected.authorize.searchParams.get('version')).toBe('beta');
    // Sent to the token endpoint as `code`, as RFC 6749 names it.
    expect(provider().formOf(provider().callsTo(TOKEN)[0])).toMatchObject({
      grant_type: 'authorization_code',
      code: 'ANaz-code-7',
      client_id: 'amzn1.application-oa2-client.abc',
    });
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'amazon');
    // Assess
    expect(refreshed.status).toBe(200);
    expect(provider().formOf(provider().callsTo(TOKEN)[1])).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
    expect((await storedTokens(installation.id, 'amazon')).tokens?.extra).toEqual({
      selling_partner_id: 'A3SELLER',
    });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'getListing', context: { sku: 'SKU-1' } });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/listings/2021-08-01/items/A3SELLER/SKU-1');
    expect(api?.headers['x-amz-access-token']).toBe('at-2');
    expect(api?.query.get('marketplaceIds')).toBe('ATVPDKIKX0DER');
  });

  it('exchanges nothing when the redirect carries only `code`', async () => {
    // Prepare
    const installation = await createInstallation();
    const before = provider().callsTo(TOKEN).length;
    // Act
    const connected = await connectOverApi(installation.id, {
      integration: 'amazon',
      callbackParams: { selling_partner_id: 'A3SELLER' },
    });
    // Assess
    expect(connected.page).toContain('spapi_oauth_code');
    expect(provider().callsTo(TOKEN)).toHaveLength(before);
    expect(await accountsOf(installation.id, 'amazon')).toEqual([]);
  });
});
