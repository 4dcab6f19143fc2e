import type { Integration } from '../../lib/app/model';
import { parseTemplate } from '../../lib/app/template';
import type { Egress, EgressRequest } from '../../lib/egress';
import { callTokenEndpoint, type TokenGrant } from '../../lib/oauth/token-endpoint';
import { DEFAULT_HANDSHAKE_SETTINGS } from '../../tools/app/load/handshake-settings';

/*
 * What the token endpoint is sent when its URL and parameters read the account (issue 18):
 * values rendered where they stand, a host from the account only inside allowed_hosts, renamed
 * protocol parameters, and a GET refresh of the access token. Nothing is sent on a refusal.
 */

const template = parseTemplate;

function integration(settings: Partial<Integration['settings']>, tokenUrl: string): Integration {
  return {
    name: 'zoho',
    displayName: 'Zoho',
    clientId: template('client-1'),
    clientSecret: template('secret-1'),
    authorizeUrl: template('https://accounts.zoho.com/oauth/v2/auth'),
    tokenUrl: template(tokenUrl),
    options: {},
    customHeaders: {},
    tokenType: 'account',
    oauthIparams: [],
    settings: { ...DEFAULT_HANDSHAKE_SETTINGS, ...settings },
  };
}

const ZOHO = "<%= account.accounts_server || 'https://accounts.zoho.com' %>/oauth/v2/token";
const ZOHO_HOSTS = { allowedHosts: [{ domain: 'zoho.eu', subdomains: true, port: undefined }] };

/** An egress that records what it is asked to send and answers a token set. */
function recorder() {
  const sent: EgressRequest[] = [];
  const egress: Egress = {
    send: async (request) => {
      sent.push(request);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ access_token: 'at-2', expires_in: 3600 })),
      };
    },
    close: async () => {},
  };
  return { sent, egress };
}

const code: TokenGrant = { grant_type: 'authorization_code', code: 'c-1', redirect_uri: 'https://h/cb' };
const refresh: TokenGrant = { grant_type: 'refresh_token', refresh_token: 'rt-1' };

async function call(target: Integration, facts: Record<string, unknown>, grant: TokenGrant = code) {
  const { sent, egress } = recorder();
  const result = await callTokenEndpoint(
    {
      integration: target,
      oauthIparams: {},
      facts,
      credentials: { clientId: 'client-1', clientSecret: 'secret-1' },
      grant,
    },
    egress,
    { timeoutMs: 1000, now: () => 0 },
  );
  return { result, sent };
}

describe('a token URL read from the account', () => {
  it('goes to the origin the account names, inside allowed_hosts', async () => {
    // Act
    const { result, sent } = await call(integration(ZOHO_HOSTS, ZOHO), {
      accounts_server: 'https://accounts.zoho.eu',
    });
    // Assess
    expect(result.kind).toBe('tokens');
    expect(sent.map((request) => request.url)).toEqual(['https://accounts.zoho.eu/oauth/v2/token']);
  });

  it('falls back to the literal origin when the account has no such fact', async () => {
    // Act
    const { sent } = await call(
      integration(
        { allowedHosts: [{ domain: 'accounts.zoho.com', subdomains: false, port: undefined }] },
        ZOHO,
      ),
      {},
    );
    // Assess
    expect(sent[0]?.url).toBe('https://accounts.zoho.com/oauth/v2/token');
  });

  it.each([
    ['a path', 'https://accounts.zoho.eu/steal?'],
    ['user information', 'https://accounts.zoho.eu@evil.example'],
    ['a query', 'https://accounts.zoho.eu?x='],
    ['a fragment', 'https://accounts.zoho.eu#'],
    ['no scheme', 'accounts.zoho.eu'],
  ])('sends nothing when the value has %s', async (_what, value) => {
    // Act
    const { result, sent } = await call(integration(ZOHO_HOSTS, ZOHO), { accounts_server: value });
    // Assess
    expect(result).toEqual({
      kind: 'refused',
      reason: 'the provider URL was not sent: the value that makes up its scheme and host is not an origin',
    });
    expect(sent).toEqual([]);
  });

  it('sends nothing to an origin outside allowed_hosts', async () => {
    // Act
    const { result, sent } = await call(integration(ZOHO_HOSTS, ZOHO), {
      accounts_server: 'https://evil.example',
    });
    // Assess
    expect(result).toEqual({
      kind: 'refused',
      reason: 'host evil.example is not in handshake.allowed_hosts',
    });
    expect(sent).toEqual([]);
  });

  it('sends nothing to a host from the account when no allowed_hosts are declared', async () => {
    // Act
    const { result, sent } = await call(integration({}, ZOHO), {
      accounts_server: 'https://accounts.zoho.eu',
    });
    // Assess
    expect(result).toEqual({
      kind: 'refused',
      reason:
        'host accounts.zoho.eu comes from the account and the integration declares no handshake.allowed_hosts',
    });
    expect(sent).toEqual([]);
  });

  it.each([
    ['a host and a path', 'https://<%= account.dc %>.zoho.com/oauth/v2/token', 'evil.example/x?'],
    ['a walk up the path', 'https://accounts.zoho.com/<%= account.dc %>/token', '..'],
  ])('refuses a fact inside the URL that is more than one word: %s', async (_what, url, dc) => {
    // Act
    const { result, sent } = await call(integration({}, url), { dc });
    // Assess
    expect(result).toEqual({
      kind: 'refused',
      reason: 'the provider URL was not sent: an account fact in it is more than one word',
    });
    expect(sent).toEqual([]);
  });
});

describe('templated token and refresh parameters', () => {
  it('renders token_params from the facts and keeps plain strings as they are', async () => {
    // Act
    const { sent } = await call(
      integration(
        { tokenParams: { context: template('<%= account.context %>'), access_type: template('offline') } },
        'https://login.bigcommerce.com/oauth2/token',
      ),
      { context: 'stores/abc123' },
    );
    // Assess
    expect(Object.fromEntries(new URLSearchParams(String(sent[0]?.body)))).toMatchObject({
      context: 'stores/abc123',
      access_type: 'offline',
      grant_type: 'authorization_code',
    });
  });

  it('renders refresh_params from the stored facts, an oauth_iparam URL included', async () => {
    // Act
    const { sent } = await call(
      integration(
        { refreshParams: { resource: template('<%= account.org_url %>') } },
        'https://login.microsoftonline.com/common/oauth2/token',
      ),
      { org_url: 'https://acme.crm4.dynamics.com' },
      refresh,
    );
    // Assess
    expect(new URLSearchParams(String(sent[0]?.body)).get('resource')).toBe('https://acme.crm4.dynamics.com');
  });

  it('refuses a parameter whose fact is not text, sending nothing', async () => {
    // Act
    const { result, sent } = await call(
      integration(
        { tokenParams: { context: template('<%= account.context %>') } },
        'https://a.example.com/token',
      ),
      { context: { nested: true } },
    );
    // Assess
    expect(result.kind).toBe('refused');
    expect(sent).toEqual([]);
  });
});

describe('token_param_names and refresh_request', () => {
  it("sends the protocol parameters under the provider's names", async () => {
    // Act
    const { sent } = await call(
      integration(
        { tokenParamNames: { client_id: 'client_key' } },
        'https://open.tiktokapis.com/v2/oauth/token/',
      ),
      {},
      refresh,
    );
    // Assess
    expect(Object.fromEntries(new URLSearchParams(String(sent[0]?.body)))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_key: 'client-1',
      client_secret: 'secret-1',
    });
  });

  it('refreshes the access token with a GET that carries no client secret', async () => {
    // Act
    const { sent } = await call(
      integration(
        {
          refreshUrl: template('https://graph.instagram.com/refresh_access_token'),
          refreshRequest: {
            method: 'GET',
            grantType: 'ig_refresh_token',
            token: 'access_token',
            tokenParam: 'access_token',
          },
        },
        'https://api.instagram.com/oauth/access_token',
      ),
      {},
      { grant_type: 'refresh_token', refresh_token: 'long-lived-at' },
    );
    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('GET');
    expect(sent[0]?.body).toBeUndefined();
    expect(sent[0]?.url).toBe(
      'https://graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=long-lived-at',
    );
    expect(JSON.stringify(sent[0])).not.toContain('secret-1');
  });
});

describe('a token URL that opens with a base URL (a `url` field of oauth_iparams)', () => {
  const JIRA = '<%= oauth_iparams.base_url %>/rest/oauth2/latest/token';
  const HOSTS = { allowedHosts: [{ domain: 'jira.example.com', subdomains: false, port: undefined }] };
  const jira = (type: 'url' | 'text'): Integration => ({
    ...integration(HOSTS, JIRA),
    oauthIparams: [
      { name: 'base_url', displayName: 'Base URL', type, required: true },
    ] as Integration['oauthIparams'],
  });

  async function callWith(target: Integration, baseUrl: string) {
    const { sent, egress } = recorder();
    const result = await callTokenEndpoint(
      {
        integration: target,
        oauthIparams: { base_url: baseUrl },
        facts: {},
        credentials: { clientId: 'client-1', clientSecret: 'secret-1' },
        grant: code,
      },
      egress,
      { timeoutMs: 1000, now: () => 0 },
    );
    return { result, sent };
  }

  it('keeps its context path', async () => {
    // Act
    const { result, sent } = await callWith(jira('url'), 'https://jira.example.com/jira');
    // Assess
    expect(result.kind).toBe('tokens');
    expect(sent[0]?.url).toBe('https://jira.example.com/jira/rest/oauth2/latest/token');
  });

  it.each([
    ['user information', 'https://jira.example.com@evil.example/jira'],
    ['a query', 'https://jira.example.com/jira?x='],
    ['a walk up the path', 'https://jira.example.com/jira/..'],
    ['an escape', 'https://jira.example.com/%2e%2e'],
  ])('sends nothing when the base URL has %s', async (_what, value) => {
    // Act
    const { result, sent } = await callWith(jira('url'), value);
    // Assess
    expect(result).toEqual({
      kind: 'refused',
      reason: 'the provider URL was not sent: its base URL is not one',
    });
    expect(sent).toEqual([]);
  });

  it('reads a text field there as an origin only', async () => {
    // Act
    const { result, sent } = await callWith(jira('text'), 'https://jira.example.com/jira');
    // Assess
    expect(result).toEqual({
      kind: 'refused',
      reason: 'the provider URL was not sent: the value that makes up its scheme and host is not an origin',
    });
    expect(sent).toEqual([]);
  });
});
