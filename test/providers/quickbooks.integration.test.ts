/**
 * QuickBooks Online through the HTTP API (issue 18, "callback query parameters are dropped"),
 * with the recipe of docs/providers.md#quickbooks-online pointed at a double that answers as
 * Intuit does: the company id arrives on the redirect as `realmId`, the token endpoint wants
 * HTTP Basic, and every refresh rotates the refresh token (with `x_refresh_token_expires_in`).
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
  env: () => ({
    APP_DIR: recipeApp('quickbooks', provider(), [
      'appcenter.intuit.com',
      'oauth.platform.intuit.com',
      'quickbooks.api.intuit.com',
    ]),
  }),
  clientCredentials: { quickbooks: { client_id: 'qbo-client', client_secret: 'qbo-secret-W8' } },
});

const TOKEN = '/oauth2/v1/tokens/bearer';
const basic = `Basic ${Buffer.from('qbo-client:qbo-secret-W8').toString('base64')}`;

describe('QuickBooks Online (docs/providers.md recipe): realmId from the callback', () => {
  it('keeps realmId from the redirect, rotates the refresh token, and calls the company’s path', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === TOKEN
        ? tokens(count, { x_refresh_token_expires_in: 8_726_400 })
        : { body: { CompanyInfo: { CompanyName: 'Acme' } } };
    // Act: the handshake, Intuit's redirect carrying realmId beside code and state
    const connected = await connectOverApi(installation.id, {
      integration: 'quickbooks',
      callbackParams: { realmId: '9130357', extra_param: 'ignored' },
    });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.pathname).toBe('/connect/oauth2');
    expect(connected.authorize.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
    const [exchange] = provider().callsTo(TOKEN);
    expect(exchange?.headers.authorization).toBe(basic);
    expect(provider().formOf(exchange)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: expect.stringMatching(/\/oauth\/callback$/),
      code_verifier: expect.any(String),
    });
    const [shown] = await accountsOf(installation.id, 'quickbooks');
    expect(Date.parse(shown?.expiresAt ?? '') - Date.now()).toBeGreaterThan(3500_000);
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'quickbooks');
    // Assess
    expect(refreshed.status).toBe(200);
    const renewal = provider().callsTo(TOKEN)[1];
    expect(renewal?.headers.authorization).toBe(basic);
    expect(provider().formOf(renewal)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    const { tokens: stored } = await storedTokens(installation.id, 'quickbooks');
    expect(stored).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2' });
    expect(stored?.extra).toEqual({ realmId: '9130357' });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'companyInfo' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/v3/company/9130357/companyinfo/9130357');
    expect(api?.query.get('minorversion')).toBe('75');
    expect(api?.headers.authorization).toBe('Bearer at-2');
    // Act: a second refresh sends the rotated token, never the first
    await refreshOverApi(installation.id, 'quickbooks');
    // Assess
    expect(provider().formOf(provider().callsTo(TOKEN)[2])).toMatchObject({ refresh_token: 'rt-2' });
  });
});
