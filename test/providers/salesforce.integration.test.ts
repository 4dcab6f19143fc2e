/**
 * Salesforce through the HTTP API (issue 18, "token-response fields cannot be used after the
 * handshake"), with the recipe of docs/providers.md#salesforce pointed at a double that answers
 * as Salesforce's token endpoint does: `instance_url`, `id`, `issued_at` and `signature` beside
 * the tokens, no `expires_in`, and no new refresh token on a refresh. The API host is the kept
 * `instance_url`; one outside `handshake.allowed_hosts` is refused with nothing sent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invoke } from '../invoke/support/invoke-api';
import {
  ADMIN,
  accountsOf,
  bearer,
  createInstallation,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';
import {
  connectOverApi,
  type ProviderCall,
  type ProviderDouble,
  recipeApp,
  refreshOverApi,
  useProviderDouble,
} from '../support/provider-double';

/** The recipe at the double; its templates' host is the account's, which the double serves over http. */
function salesforceApp(double: ProviderDouble): string {
  const dir = recipeApp('salesforce', double, ['login.salesforce.com']);
  const file = join(dir, 'config/requests.json');
  const requests = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    { schema: { protocol?: string } }
  >;
  for (const template of Object.values(requests)) template.schema.protocol = 'http';
  writeFileSync(file, JSON.stringify(requests));
  return dir;
}

const provider = useProviderDouble();
useHarness({
  env: () => ({ APP_DIR: salesforceApp(provider()) }),
  clientCredentials: { salesforce: { client_id: 'sf-consumer-key', client_secret: 'sf-consumer-secret-P3' } },
});

const TOKEN = '/services/oauth2/token';

/** Salesforce's token answers: the org's facts every time, a refresh token only for a code. */
const answerAs = (instanceUrl: string) => (call: ProviderCall, count: number) =>
  call.path === TOKEN
    ? {
        body: {
          access_token: `00Dxx!at-${count}`,
          ...(new URLSearchParams(call.body).get('grant_type') === 'authorization_code'
            ? { refresh_token: 'sf-rt-1' }
            : {}),
          instance_url: instanceUrl,
          id: `${instanceUrl}/id/00Dxx0000001gPL/005xx000001Sv6A`,
          issued_at: String(Date.now()),
          signature: 'c2lnbmF0dXJl',
          scope: 'api refresh_token',
          token_type: 'Bearer',
        },
      }
    : { body: { totalSize: 1, done: true, records: [{ Id: '001xx', Name: 'Acme' }] } };

describe('Salesforce (docs/providers.md recipe): the API host from instance_url', () => {
  it('connects, refreshes without a new refresh token, and calls the org’s instance_url', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = answerAs(provider().origin);
    // Act: the handshake
    const connected = await connectOverApi(installation.id, { integration: 'salesforce' });
    // Assess
    expect(connected.status).toBe(200);
    expect(connected.authorize.pathname).toBe('/services/oauth2/authorize');
    expect(connected.authorize.searchParams.get('scope')).toBe('api refresh_token');
    expect(connected.authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const [exchange] = provider().callsTo(TOKEN);
    expect(provider().formOf(exchange)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: expect.stringMatching(/\/oauth\/callback$/),
      code_verifier: expect.any(String),
      client_id: 'sf-consumer-key',
      client_secret: 'sf-consumer-secret-P3',
    });
    // No expires_in: the recipe's default_lifetime_seconds (7200), not issued_at, sets the expiry.
    const [shown] = await accountsOf(installation.id, 'salesforce');
    expect(Date.parse(shown?.expiresAt ?? '') - Date.now()).toBeGreaterThan(7000_000);
    expect(Date.parse(shown?.expiresAt ?? '') - Date.now()).toBeLessThanOrEqual(7200_000);
    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'salesforce');
    // Assess
    expect(refreshed.status).toBe(200);
    expect(provider().formOf(provider().callsTo(TOKEN)[1])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'sf-rt-1',
      client_id: 'sf-consumer-key',
      client_secret: 'sf-consumer-secret-P3',
    });
    const { tokens } = await storedTokens(installation.id, 'salesforce');
    expect(tokens).toMatchObject({ accessToken: '00Dxx!at-2', refreshToken: 'sf-rt-1' });
    expect(tokens?.extra).toEqual({ instance_url: provider().origin });
    // Act: an invoke
    const { envelope } = await invoke(installation, {
      template: 'query',
      context: { soql: 'SELECT Id, Name FROM Account' },
    });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/services/data/v62.0/query');
    expect(api?.query.get('q')).toBe('SELECT Id, Name FROM Account');
    expect(api?.headers.authorization).toBe('Bearer 00Dxx!at-2');
  });

  it('refuses an instance_url outside allowed_hosts at invoke: nothing is sent', async () => {
    // Prepare: the same server under a name the patterns do not hold (the egress policy alone would pass it).
    const installation = await createInstallation();
    provider().answer = answerAs(`http://127.0.0.1:${provider().port}`);
    const connected = await connectOverApi(installation.id, {
      integration: 'salesforce',
      account: 'elsewhere',
    });
    expect(connected.status).toBe(200);
    const before = provider().calls.length;
    // Act
    const { http, envelope } = await invoke(installation, {
      template: 'query',
      account: 'elsewhere',
      context: { soql: 'SELECT Id FROM Account' },
    });
    // Assess
    expect(http).toBe(400);
    expect(envelope).toMatchObject({ code: 'INVALID_HOST', attempts: 0 });
    expect(envelope.response).toContain('is not in handshake.allowed_hosts');
    expect(provider().calls.slice(before)).toEqual([]);
  });

  it('an imported grant keeps its instance_url: invoke calls that host, a refresh keeps its refresh token', async () => {
    // Prepare: a grant moved from another broker, with the fact the templates need.
    const installation = await createInstallation();
    provider().answer = answerAs(provider().origin);
    const imported = await fetch(
      `${world.api.url}/installations/${installation.id}/integrations/salesforce/import`,
      {
        method: 'POST',
        headers: bearer(ADMIN),
        body: JSON.stringify({
          account: 'moved',
          access_token: '00Dxx!imported',
          refresh_token: 'sf-rt-imported',
          extra: { instance_url: provider().origin },
        }),
      },
    );
    expect(imported.status).toBe(200);
    const tokenCalls = provider().callsTo(TOKEN).length;
    // Act: an invoke, then a refresh
    const first = await invoke(installation, {
      template: 'getAccount',
      account: 'moved',
      context: { account_id: '001xx' },
    });
    const refreshed = await refreshOverApi(installation.id, 'salesforce', 'moved');
    // Assess
    expect(first.envelope.status).toBe(200);
    expect(provider().callsTo('/services/data/v62.0/sobjects/Account/001xx')[0]?.headers.authorization).toBe(
      'Bearer 00Dxx!imported',
    );
    expect(refreshed.status).toBe(200);
    expect(provider().formOf(provider().callsTo(TOKEN)[tokenCalls])).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'sf-rt-imported',
    });
    const { tokens } = await storedTokens(installation.id, 'salesforce', 'moved');
    expect(tokens).toMatchObject({
      refreshToken: 'sf-rt-imported',
      extra: { instance_url: provider().origin },
    });
  });

  it('a session that ended before the assumed lifetime: the 401 refreshes once and the retry succeeds', async () => {
    // Prepare: the org's session timeout is shorter than 2 hours; the API says so with a 401.
    const installation = await createInstallation();
    const salesforce = answerAs(provider().origin);
    provider().answer = (call, count) =>
      call.path === '/services/data/v62.0/sobjects/Account/001ended' && count === 1
        ? { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] }
        : salesforce(call, count);
    await connectOverApi(installation.id, { integration: 'salesforce', account: 'short-session' });
    const tokenCalls = provider().callsTo(TOKEN).length;
    // Act
    const { envelope } = await invoke(installation, {
      template: 'getAccount',
      account: 'short-session',
      context: { account_id: '001ended' },
    });
    // Assess
    expect(envelope).toMatchObject({ status: 200, attempts: 2 });
    const calls = provider().callsTo('/services/data/v62.0/sobjects/Account/001ended');
    expect(provider().callsTo(TOKEN)).toHaveLength(tokenCalls + 1);
    const { tokens } = await storedTokens(installation.id, 'salesforce', 'short-session');
    expect(calls.map((call) => call.headers.authorization)).toEqual([
      expect.not.stringContaining(tokens?.accessToken ?? ''),
      `Bearer ${tokens?.accessToken}`,
    ]);
  });
});
