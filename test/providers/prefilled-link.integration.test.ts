/**
 * A value the app's backend already knows (BigCommerce's store hash, Paycor's tenant) and a
 * scope for one connection, through the HTTP API (issue 18: "the app's backend cannot pre-fill a
 * connect link", "no per-connection extra scopes"): the link carries them, the person never types
 * the value, and the same value then reaches the token endpoint and the API as `account.NAME`.
 */
import { invoke } from '../invoke/support/invoke-api';
import { accountsOf, createInstallation, useHarness } from '../support/harness';
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
          payroll: {
            display_name: 'Payroll',
            client_id: 'payroll-client',
            client_secret: 'payroll-secret-W4',
            authorize_url: `${provider().origin}/tenants/<%= oauth_iparams.tenant %>/authorize`,
            token_url: `${provider().origin}/tenants/<%= oauth_iparams.tenant %>/token`,
            token_type: 'account',
            options: { scope: 'employees.read' },
            oauth_iparams: { tenant: { display_name: 'Tenant', type: 'text', required: true } },
            handshake: { allowed_hosts: [provider().host] },
          },
        },
      },
      requests: {
        listEmployees: {
          schema: {
            method: 'GET',
            protocol: 'http',
            host: provider().host,
            path: '/api/<%= account.tenant %>/employees',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { oauth: 'payroll' },
        },
      },
    }),
  }),
});

describe('a connect link pre-filled by the backend, with a scope for this connection', () => {
  it('sends the hidden tenant to the provider and the API, asks for the extra scope and stores it as granted', async () => {
    // Prepare: the provider names no scope in its answers, so what was asked for is what was granted.
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path.endsWith('/token') ? tokens(count) : { body: { employees: [] } };
    // Act: the handshake; the person's browser posts another tenant, which must not win
    const connected = await connectOverApi(installation.id, {
      integration: 'payroll',
      link: { oauth_iparams: { tenant: 't-4410' }, oauthIparamsHidden: true, scopes: ['payroll.write'] },
      fields: { tenant: 'someone-else' },
    });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.pathname).toBe('/tenants/t-4410/authorize');
    expect(connected.authorize.searchParams.get('scope')).toBe('employees.read payroll.write');
    expect(provider().formOf(provider().callsTo('/tenants/t-4410/token')[0])).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
    });
    const [account] = await accountsOf(installation.id, 'payroll');
    expect(account?.scope).toBe('employees.read payroll.write');
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'payroll');
    // Assess: at the tenant's token endpoint, with the first refresh token
    expect(refreshed.status).toBe(200);
    const calls = provider().callsTo('/tenants/t-4410/token');
    expect(calls).toHaveLength(2);
    expect(provider().formOf(calls[1])).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    // Act: an invoke
    const { envelope } = await invoke(installation, { template: 'listEmployees' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/api/t-4410/employees');
    expect(api?.headers.authorization).toBe('Bearer at-2');
    expect(provider().calls.some((call) => call.path.includes('someone-else'))).toBe(false);
  });
});
