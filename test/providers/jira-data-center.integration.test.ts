/**
 * Jira Data Center through the HTTP API (issue 18, "connect-page values with '/', '@' or '%'"):
 * the customer's Jira is wherever they run it, often under a context path
 * (`https://jira.acme.com/jira`), and its OAuth 2.0 endpoints sit under that path. The recipe
 * (docs/providers.md#jira-data-center) asks for that base URL as an oauth_iparams field of type
 * `url`; the double plays Jira under `/jira`. The test types `http://localhost:<port>/jira`:
 * plain http is taken only because the test's egress allow list names loopback.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invoke } from '../invoke/support/invoke-api';
import { accountsOf, createInstallation, storedTokens, useHarness } from '../support/harness';
import {
  connectOverApi,
  type ProviderDouble,
  recipeApp,
  refreshOverApi,
  tokens,
  useProviderDouble,
} from '../support/provider-double';

/** The recipe pointed at the double: its host in allowed_hosts, its templates over http. */
function jiraApp(double: ProviderDouble): string {
  // No fixed host to rewrite: the host comes from the base URL typed on the connect page.
  const dir = recipeApp('jira', double, ['host-of-no-recipe.invalid']);
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
useHarness({ env: () => ({ APP_DIR: jiraApp(provider()) }) });

const BASE = '/jira/rest/oauth2/latest';
const fields = () => ({
  base_url: `${provider().origin}/jira/`,
  client_id: 'jira-client-7',
  client_secret: 'jira-secret-Q4',
});

describe('Jira Data Center: OAuth endpoints under the customer base URL and its context path', () => {
  it('connects, refreshes (rotating the refresh token) and calls the API under the context path', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path === `${BASE}/token`
        ? tokens(count, { expires_in: 7200 })
        : { body: { name: 'ada', path: call.path } };
    // Act: the handshake, with one extra scope for this connection
    const connected = await connectOverApi(installation.id, {
      integration: 'jira',
      fields: fields(),
      link: { scopes: ['WRITE'] },
    });
    // Assess
    expect(connected.status).toBe(200);
    expect(`${connected.authorize.origin}${connected.authorize.pathname}`).toBe(
      `${provider().origin}${BASE}/authorize`,
    );
    expect(connected.authorize.searchParams.get('client_id')).toBe('jira-client-7');
    expect(connected.authorize.searchParams.get('scope')).toBe('READ WRITE');
    expect(connected.authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const [exchange] = provider().callsTo(`${BASE}/token`);
    expect(provider().formOf(exchange)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: expect.stringMatching(/\/oauth\/callback$/),
      code_verifier: expect.any(String),
      client_id: 'jira-client-7',
      client_secret: 'jira-secret-Q4',
    });
    // Jira's answer names no scope: what was asked for is the granted scope.
    const [account] = await accountsOf(installation.id, 'jira');
    expect(account?.scope).toBe('READ WRITE');

    // Act: a refresh
    const refreshed = await refreshOverApi(installation.id, 'jira');
    // Assess
    expect(refreshed.status).toBe(200);
    const refresh = provider().callsTo(`${BASE}/token`)[1];
    expect(provider().formOf(refresh)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_id: 'jira-client-7',
      client_secret: 'jira-secret-Q4',
    });
    const { tokens: stored } = await storedTokens(installation.id, 'jira');
    expect(stored?.refreshToken).toBe('rt-2');
    expect(stored?.oauthIparams?.base_url).toBe(`${provider().origin}/jira`);

    // Act: an invoke, its host and path prefix read from the account's base URL
    const { envelope } = await invoke(installation, { template: 'getMyself' });
    // Assess
    expect(envelope.status).toBe(200);
    const [api] = provider().callsTo('/jira/rest/api/2/myself');
    expect(api?.headers.authorization).toBe('Bearer at-2');
    expect(provider().callsTo('/rest/api/2/myself')).toEqual([]);
  });
});
