/**
 * Authorization requests as two providers want them, through the HTTP API (issue 18, "renamed
 * authorize parameters" and "empty authorize parameters cannot be dropped"): Printful reads the
 * redirect URI as `redirect_url` (`authorize_param_names`); Pipedrive refuses `scope=` sent
 * empty, its scopes being set on the app (`drop_empty_authorize_params` with `scope: ""`);
 * TikTok names the client `client_key`, on the authorization request and at its token endpoint.
 * Each then completes the code exchange, a refresh and an invoke.
 */
import { invoke } from '../invoke/support/invoke-api';
import { createInstallation, storedTokens, useHarness } from '../support/harness';
import {
  connectOverApi,
  type ProviderDouble,
  refreshOverApi,
  useProviderDouble,
  writeApp,
} from '../support/provider-double';

const provider = useProviderDouble();

const integration = (double: ProviderDouble, name: string, extra: Record<string, unknown>) => ({
  display_name: name,
  client_id: `${name}-client`,
  client_secret: `${name}-secret-Lp2`,
  authorize_url: `${double.origin}/${name}/oauth/authorize`,
  token_url: `${double.origin}/${name}/oauth/token`,
  token_type: 'account',
  ...extra,
});

const template = (double: ProviderDouble, oauth: string, path: string) => ({
  schema: {
    method: 'GET',
    protocol: 'http',
    host: double.host,
    path,
    headers: { Authorization: 'Bearer <%= access_token %>' },
  },
  options: { oauth },
});

useHarness({
  env: () => ({
    APP_DIR: writeApp({
      oauthConfig: {
        integrations: {
          printful: integration(provider(), 'printful', {
            handshake: {
              authorize_param_names: { redirect_uri: 'redirect_url' },
              allowed_hosts: [provider().host],
            },
          }),
          pipedrive: integration(provider(), 'pipedrive', {
            options: { scope: '' },
            handshake: {
              drop_empty_authorize_params: true,
              client_auth: 'client_secret_basic',
              allowed_hosts: [provider().host],
            },
          }),
          tiktok: integration(provider(), 'tiktok', {
            options: { scope: 'user.info.basic' },
            handshake: {
              authorize_param_names: { client_id: 'client_key' },
              token_params: { client_key: 'tiktok-client' },
              refresh_params: { client_key: 'tiktok-client' },
              allowed_hosts: [provider().host],
            },
          }),
        },
      },
      requests: {
        stores: template(provider(), 'printful', '/printful/stores'),
        deals: template(provider(), 'pipedrive', '/pipedrive/api/v1/deals'),
        userInfo: template(provider(), 'tiktok', '/tiktok/v2/user/info/'),
      },
    }),
  }),
});

/** Connects, refreshes and invokes `templateName`: the authorization URL, and the calls the double got. */
async function connectRefreshInvoke(name: string, templateName: string) {
  const installation = await createInstallation();
  const connected = await connectOverApi(installation.id, { integration: name });
  const refreshed = await refreshOverApi(installation.id, name);
  const invoked = await invoke(installation, { template: templateName });
  const stored = await storedTokens(installation.id, name);
  return { connected, refreshed, invoked, stored, tokenCalls: provider().callsTo(`/${name}/oauth/token`) };
}

describe('authorization-request parameters', () => {
  it('Printful: sends the redirect URI as redirect_url, and the flow completes', async () => {
    // Act
    const flow = await connectRefreshInvoke('printful', 'stores');
    // Assess
    expect(flow.connected.status).toBe(200);
    const query = flow.connected.authorize.searchParams;
    expect(query.get('redirect_url')).toMatch(/\/oauth\/callback$/);
    expect(query.has('redirect_uri')).toBe(false);
    expect(query.get('client_id')).toBe('printful-client');
    // Only the authorization request is renamed: the code exchange says redirect_uri.
    expect(provider().formOf(flow.tokenCalls[0])).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: query.get('redirect_url'),
    });
    expect(flow.refreshed.status).toBe(200);
    expect(provider().formOf(flow.tokenCalls[1])).toMatchObject({ refresh_token: 'rt-1' });
    expect(flow.invoked.envelope.status).toBe(200);
    expect(provider().callsTo('/printful/stores')[0]?.headers.authorization).toBe(
      `Bearer ${flow.stored.tokens?.accessToken}`,
    );
  });

  it('Pipedrive: leaves out the empty scope, and the flow completes', async () => {
    // Act
    const flow = await connectRefreshInvoke('pipedrive', 'deals');
    // Assess
    expect(flow.connected.status).toBe(200);
    expect([...flow.connected.authorize.searchParams.keys()].sort()).toEqual([
      'client_id',
      'code_challenge',
      'code_challenge_method',
      'redirect_uri',
      'response_type',
      'state',
    ]);
    expect(flow.connected.authorize.search).not.toContain('scope');
    const basic = `Basic ${Buffer.from('pipedrive-client:pipedrive-secret-Lp2').toString('base64')}`;
    expect(flow.tokenCalls.map((call) => call.headers.authorization)).toEqual([basic, basic]);
    expect(flow.refreshed.status).toBe(200);
    expect(flow.invoked.envelope.status).toBe(200);
    expect(provider().callsTo('/pipedrive/api/v1/deals')[0]?.headers.authorization).toBe(
      `Bearer ${flow.stored.tokens?.accessToken}`,
    );
    expect(flow.stored.tokens?.accessToken).toBe('at-2');
  });

  it('TikTok: names the client client_key on the authorization request and in each token request', async () => {
    // Act
    const flow = await connectRefreshInvoke('tiktok', 'userInfo');
    // Assess
    expect(flow.connected.status).toBe(200);
    const query = flow.connected.authorize.searchParams;
    expect(query.get('client_key')).toBe('tiktok-client');
    expect(query.has('client_id')).toBe(false);
    expect(provider().formOf(flow.tokenCalls[0])).toMatchObject({
      grant_type: 'authorization_code',
      client_key: 'tiktok-client',
    });
    expect(flow.refreshed.status).toBe(200);
    expect(provider().formOf(flow.tokenCalls[1])).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_key: 'tiktok-client',
    });
    expect(flow.invoked.envelope.status).toBe(200);
    expect(provider().callsTo('/tiktok/v2/user/info/')[0]?.headers.authorization).toBe('Bearer at-2');
  });
});
