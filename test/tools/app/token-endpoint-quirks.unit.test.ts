import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { json } from './helpers';

/*
 * The validator's word on what the token endpoint receives (issue 18): account facts in
 * token_url, refresh_url, revocation_url and token/refresh parameters, token_param_names,
 * refresh_request and renamed callback parameters.
 */

const roots: string[] = [];

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const base = {
  client_id: 'id',
  client_secret: 'secret',
  authorize_url: 'https://accounts.zoho.com/oauth/v2/auth',
  token_url: 'https://accounts.zoho.com/oauth/v2/token',
  token_type: 'account',
};

/** The problems of an app whose one integration `crm` is `base` with `extra`. */
function problemsWith(extra: Readonly<Record<string, unknown>>) {
  const root = mkdtempSync(join(tmpdir(), 'token-endpoint-quirks-'));
  roots.push(root);
  const files = {
    'manifest.json': { 'platform-version': '3.1', modules: { common: { requests: {} } } },
    'config/oauth_config.json': { integrations: { crm: { ...base, ...extra } } },
  };
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), json(value));
  }
  const loaded = loadApp(readAppDir(root));
  return { lines: loaded.problems.map(formatProblemLine), app: loaded.app };
}

const AT = 'config/oauth_config.json $.integrations.crm';
const ZOHO_TOKEN_URL = "<%= account.accounts_server || 'https://accounts.zoho.com' %>/oauth/v2/token";
const RENAMED = { callback_params: [{ 'accounts-server': 'accounts_server' }] };

describe('account facts in token_url', () => {
  it('accepts a host taken from a renamed callback parameter, limited by allowed_hosts', () => {
    // Act
    const { lines, app } = problemsWith({
      token_url: ZOHO_TOKEN_URL,
      handshake: { ...RENAMED, allowed_hosts: ['accounts.zoho.com', 'accounts.zoho.eu'] },
    });
    // Assess
    expect(lines).toEqual([]);
    const settings = app?.integrations.get('crm')?.settings;
    expect(settings?.callbackParams).toEqual(['accounts-server']);
    expect(settings?.callbackFactNames).toEqual({ 'accounts-server': 'accounts_server' });
  });

  it("refuses a host from the account without allowed_hosts, even with the installer's own client", () => {
    // Act
    const { lines } = problemsWith({
      token_url: ZOHO_TOKEN_URL,
      client_id: '<%= oauth_iparams.id %>',
      client_secret: '<%= oauth_iparams.secret %>',
      oauth_iparams: {
        id: { display_name: 'Client id', type: 'text' },
        secret: { display_name: 'Client secret', type: 'text' },
      },
      handshake: RENAMED,
    });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.token_url: token_url "${ZOHO_TOKEN_URL}" takes its whole host from the account (a callback parameter or a token-response field), which receives the code exchange with the client secret and the PKCE verifier; such a host must be limited by handshake.allowed_hosts — allowed: add "allowed_hosts": ["*.example.com"] (the provider's domains) under the integration's "handshake" key`,
    ]);
  });

  it('refuses a fact the code exchange does not have yet', () => {
    // Act
    const { lines } = problemsWith({
      token_url: '<%= account.api_domain %>/oauth/v2/token',
      handshake: { keep_fields: ['api_domain'], allowed_hosts: ['*.zoho.com'] },
    });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.token_url: token_url uses account.api_domain, which the code exchange does not have — allowed: none is declared: the oauth_iparams and callback_params (kept token-response fields come with its answer)`,
    ]);
  });

  it('refuses a fallback that is more than an origin', () => {
    // Act
    const { lines } = problemsWith({
      token_url: "<%= account.accounts_server || 'https://accounts.zoho.com/x' %>/token",
      handshake: { ...RENAMED, allowed_hosts: ['*.zoho.com'] },
    });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.token_url: token_url "<%= account.accounts_server || 'https://accounts.zoho.com/x' %>/token" takes its scheme and host from "https://accounts.zoho.com/x", which is not an origin — allowed: an origin such as https://accounts.zoho.com: a scheme and a host, no path, query or user information`,
    ]);
  });

  it('keeps account out of authorize_url: nothing of the callback exists yet', () => {
    // Act
    const { lines } = problemsWith({ authorize_url: 'https://<%= account.dc %>.zoho.com/auth' });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.authorize_url: authorize_url uses account.dc — allowed: expressions here may use only oauth_iparams.NAME`,
    ]);
  });
});

describe('account facts in refresh_url, revocation_url and the parameters', () => {
  it('accepts kept fields at the refresh and callback parameters at the exchange', () => {
    // Act
    const { lines, app } = problemsWith({
      handshake: {
        callback_params: ['context'],
        keep_fields: ['tenant'],
        token_params: { context: '<%= account.context %>', access_type: 'offline' },
        refresh_params: { tenant: '<%= account.tenant %>' },
        refresh_url: 'https://accounts.zoho.com/<%= account.tenant %>/refresh',
      },
    });
    // Assess
    expect(lines).toEqual([]);
    expect(app?.integrations.get('crm')?.settings.tokenParams.access_type?.source).toBe('offline');
  });

  it('refuses a kept field in token_params', () => {
    // Act
    const { lines } = problemsWith({
      handshake: { keep_fields: ['tenant'], token_params: { tenant: '<%= account.tenant %>' } },
    });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.token_params.tenant: token_params.tenant uses account.tenant, which the code exchange does not have — allowed: none is declared: the oauth_iparams and callback_params (kept token-response fields come with its answer)`,
    ]);
  });

  it('refuses an undeclared fact in refresh_params, naming the ones there are', () => {
    // Act
    const { lines } = problemsWith({
      handshake: { callback_params: ['context'], refresh_params: { resource: '<%= account.resource %>' } },
    });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.refresh_params.resource: refresh_params.resource uses account.resource, which the account does not have — allowed: one of context: the oauth_iparams, callback_params and keep_fields`,
    ]);
  });

  it('refuses a token and any root but oauth_iparams and account', () => {
    // Act
    const { lines } = problemsWith({
      handshake: { token_params: { t: '<%= account.refresh_token %>', x: '<%= context.y %>' } },
    });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.token_params.x: token_params.x uses context.y — allowed: expressions here may use only oauth_iparams.NAME, account.NAME`,
    ]);
  });

  it('refuses a token fact where the parameters are otherwise sound', () => {
    // Act
    const { lines } = problemsWith({ handshake: { token_params: { t: '<%= account.refresh_token %>' } } });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.token_params.t: token_params.t uses account.refresh_token — allowed: account.NAME of an account fact, never a token`,
    ]);
  });

  it('keeps a secret oauth_iparam out of a URL', () => {
    // Act
    const { lines } = problemsWith({
      oauth_iparams: { key: { display_name: 'Key', type: 'api_key' } },
      handshake: { revocation_url: 'https://accounts.zoho.com/revoke/<%= account.key %>' },
    });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.revocation_url: revocation_url uses account.key, a secret oauth_iparam, in a URL — allowed: secret oauth_iparams (api_key fields, the client secret) only in token_params or refresh_params`,
    ]);
  });
});

describe('callback_params renames', () => {
  it('warns about a name no template can read, suggesting the rename', () => {
    // Act
    const { lines } = problemsWith({ handshake: { callback_params: ['accounts-server'] } });
    // Assess
    expect(lines).toEqual([
      `warning ${AT}.handshake.callback_params[0]: callback_params keeps "accounts-server", which a template cannot read as account.accounts-server — allowed: rename it to a fact name: { "accounts-server": "accounts_server" }`,
    ]);
  });

  it('refuses a fact name that is not a name', () => {
    // Act
    const { lines } = problemsWith({ handshake: { callback_params: [{ 'accounts-server': 'a-b' }] } });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.callback_params[0].accounts-server: accounts-server "a-b" is not valid — allowed: an account fact name of letters, digits, _ and $, e.g. accounts_server`,
    ]);
  });
});

describe('token_param_names', () => {
  it('renames the client id of every token request', () => {
    // Act
    const { lines, app } = problemsWith({ handshake: { token_param_names: { client_id: 'client_key' } } });
    // Assess
    expect(lines).toEqual([]);
    expect(app?.integrations.get('crm')?.settings.tokenParamNames).toEqual({ client_id: 'client_key' });
  });

  it('refuses two parameters under one name', () => {
    // Act
    const { lines } = problemsWith({ handshake: { token_param_names: { client_id: 'code' } } });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.token_param_names.client_id: token_param_names sends code and client_id both as "code" — allowed: a name no other parameter of the token request has`,
    ]);
  });

  it('names the parameters that can be renamed', () => {
    // Act
    const { lines } = problemsWith({ handshake: { token_param_names: { state: 'x' } } });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.token_param_names.state: unknown key "state" — allowed: grant_type, code, redirect_uri, code_verifier, refresh_token, scope, client_id, client_secret`,
    ]);
  });
});

describe('refresh_request', () => {
  it('reads a GET refresh of the access token, its parameter named after the token', () => {
    // Act
    const { lines, app } = problemsWith({
      handshake: {
        refresh_request: { method: 'GET', grant_type: 'ig_refresh_token', token: 'access_token' },
      },
    });
    // Assess
    expect(lines).toEqual([]);
    expect(app?.integrations.get('crm')?.settings.refreshRequest).toEqual({
      method: 'GET',
      grantType: 'ig_refresh_token',
      token: 'access_token',
      tokenParam: 'access_token',
    });
  });

  it('explains a bad method and a missing grant_type', () => {
    // Act
    const { lines } = problemsWith({ handshake: { refresh_request: { method: 'PUT' } } });
    // Assess
    expect(lines).toEqual([
      `error ${AT}.handshake.refresh_request.method: method "PUT" is not supported — allowed: GET or POST (default POST)`,
      `error ${AT}.handshake.refresh_request.grant_type: grant_type is missing — allowed: the grant_type value the provider wants, e.g. ig_refresh_token`,
    ]);
  });
});
