/**
 * Zoho through the HTTP API (issue 18): the callback names the person's data centre
 * (`accounts-server`), where the code exchange and every refresh must go; the token answer
 * names the API domain (`api_domain`), where the API calls go. The recipe is
 * docs/providers.md#zoho, pointed at the double: the double stands for the EU data centre,
 * `accounts.zoho.com` (the fallback) stays unreachable, so a request that went there would fail.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invoke } from '../invoke/support/invoke-api';
import { createInstallation, storedTokens, useHarness } from '../support/harness';
import {
  connectOverApi,
  type ProviderDouble,
  recipeApp,
  refreshOverApi,
  tokens,
  useProviderDouble,
} from '../support/provider-double';

const provider = useProviderDouble();

/** The recipe as documented; the templates' host is read from the account, over http to the double. */
function zohoApp(double: ProviderDouble): string {
  const dir = recipeApp('zoho', double, ['www.zohoapis.eu']);
  const file = join(dir, 'config/requests.json');
  const requests = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    { schema: { protocol?: string } }
  >;
  for (const template of Object.values(requests)) template.schema.protocol = 'http';
  writeFileSync(file, JSON.stringify(requests));
  return dir;
}

useHarness({
  env: () => ({ APP_DIR: zohoApp(provider()) }),
  clientCredentials: { zoho: { client_id: 'zoho-client', client_secret: 'zoho-secret-Q7' } },
});

describe('Zoho: the data centre from the callback, the API domain from the token answer', () => {
  it('exchanges and refreshes at the callback’s accounts server and calls the API at api_domain', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) => {
      if (call.path !== '/oauth/v2/token') return { body: { data: [{ id: 'lead-1' }] } };
      // A refresh answers no refresh token: Zoho does not rotate it.
      const { refresh_token: _none, ...refreshed } = tokens(count).body as Record<string, unknown>;
      return count === 1
        ? tokens(count, { api_domain: provider().origin, token_type: 'Bearer' })
        : { body: { ...refreshed, api_domain: provider().origin } };
    };
    // Act: the handshake, the person coming back from the EU data centre
    const connected = await connectOverApi(installation.id, {
      integration: 'zoho',
      callbackParams: { 'accounts-server': provider().origin, location: 'eu' },
    });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.host).toBe('accounts.zoho.com');
    expect(connected.authorize.searchParams.get('access_type')).toBe('offline');
    expect(connected.authorize.searchParams.get('prompt')).toBe('consent');
    const [exchange] = provider().callsTo('/oauth/v2/token');
    expect(provider().formOf(exchange)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      client_id: 'zoho-client',
      client_secret: 'zoho-secret-Q7',
    });
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'zoho');
    // Assess
    expect(refreshed.status).toBe(200);
    const refresh = provider().callsTo('/oauth/v2/token')[1];
    expect(provider().formOf(refresh)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'getLeads', context: { fields: 'Email' } });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/crm/v6/Leads');
    expect(api?.headers.authorization).toBe('Zoho-oauthtoken at-2');
    expect(api?.query.get('fields')).toBe('Email');
    const { tokens: stored } = await storedTokens(installation.id, 'zoho');
    expect(stored?.extra).toEqual({ accounts_server: provider().origin, api_domain: provider().origin });
    expect(stored?.refreshToken).toBe('rt-1');
  });

  it('sends nothing when the callback names an accounts server outside allowed_hosts', async () => {
    // Prepare
    const installation = await createInstallation();
    const before = provider().calls.length;
    // Act
    const connected = await connectOverApi(installation.id, {
      integration: 'zoho',
      callbackParams: { 'accounts-server': 'https://accounts.evil.example' },
    });
    // Assess
    expect(connected.page).toContain('token_url_refused');
    expect(provider().calls.length).toBe(before);
  });

  it('sends nothing when the accounts server carries a path', async () => {
    // Prepare
    const installation = await createInstallation();
    const before = provider().calls.length;
    // Act
    const connected = await connectOverApi(installation.id, {
      integration: 'zoho',
      callbackParams: { 'accounts-server': `${provider().origin}/elsewhere?` },
    });
    // Assess
    expect(connected.page).toContain('token_url_refused');
    expect(provider().calls.length).toBe(before);
  });
});
