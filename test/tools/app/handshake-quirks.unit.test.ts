import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { json } from './helpers';

/* The validator's word on each provider-quirk knob of `handshake` (issue 18). */

const roots: string[] = [];

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const integration = {
  client_id: 'id',
  client_secret: 'secret',
  authorize_url: 'https://auth.example.com/authorize',
  token_url: 'https://auth.example.com/token',
  token_type: 'account',
};

/** The problems of an app whose one integration `crm` has these handshake settings (and extra keys). */
function problemsWith(handshake: unknown, extra: Readonly<Record<string, unknown>> = {}): string[] {
  const root = mkdtempSync(join(tmpdir(), 'handshake-quirks-'));
  roots.push(root);
  const files = {
    'manifest.json': { 'platform-version': '3.1', modules: { common: { requests: {} } } },
    'config/oauth_config.json': { integrations: { crm: { ...integration, ...extra, handshake } } },
  };
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), json(value));
  }
  return loadApp(readAppDir(root)).problems.map(formatProblemLine);
}

const AT = 'error config/oauth_config.json $.integrations.crm.handshake';

describe('token_request', () => {
  it('accepts json and form', () => {
    expect(problemsWith({ token_request: 'json' })).toEqual([]);
    expect(problemsWith({ token_request: 'form' })).toEqual([]);
  });

  it('explains the two encodings', () => {
    expect(problemsWith({ token_request: 'xml' })).toEqual([
      `${AT}.token_request: token_request "xml" is not supported — allowed: form (application/x-www-form-urlencoded, the standard) or json (application/json, e.g. Notion)`,
    ]);
  });
});

describe('token_response.expires_at', () => {
  it('accepts a dotted path and explains a bad one', () => {
    expect(problemsWith({ token_response: { expires_at: 'token.valid_until' } })).toEqual([]);
    const [line] = problemsWith({ token_response: { expires_at: 'token..valid_until' } });
    expect(line).toMatch(
      /handshake\.token_response\.expires_at: .*allowed: a dotted path into the token response/,
    );
  });
});

describe('keep_fields with dotted paths', () => {
  it('accepts a path to a leaf beside the tokens', () => {
    expect(
      problemsWith({
        token_response: { access_token: 'authed_user.access_token' },
        keep_fields: ['team.id', 'incoming_webhook.url', 'authed_user.id'],
      }),
    ).toEqual([]);
  });

  it('refuses a path to a token, and a field that holds the configured token', () => {
    expect(
      problemsWith({
        token_response: { access_token: 'authed_user.access_token' },
        keep_fields: ['team.id', 'bot.refresh_token', 'authed_user'],
      }),
    ).toEqual([
      `${AT}.keep_fields[1]: keep_fields names "bot.refresh_token", a token that is only ever stored encrypted — allowed: non-secret token-response fields, e.g. instance_url or api_domain`,
      `${AT}.keep_fields[2]: keep_fields names "authed_user", which holds the token at authed_user.access_token (only ever stored encrypted) — allowed: non-secret token-response fields, e.g. instance_url or api_domain`,
    ]);
  });

  it('explains a malformed path', () => {
    expect(problemsWith({ keep_fields: ['team..id'] })).toEqual([
      `${AT}.keep_fields[0]: keep_fields[0] "team..id" is not valid — allowed: a field name of letters, digits, _ and -, or a dotted path of them, e.g. team.id`,
    ]);
  });
});

describe('authorize_param_names', () => {
  it('accepts TikTok’s names', () => {
    expect(
      problemsWith({ authorize_param_names: { client_id: 'client_key', redirect_uri: 'redirect_url' } }),
    ).toEqual([]);
  });

  it('refuses renaming state, an unknown parameter and a bad name', () => {
    expect(problemsWith({ authorize_param_names: { state: 'st' } })).toEqual([
      expect.stringMatching(
        /^error .*handshake\.authorize_param_names(\.state)?: .*allowed: .*response_type, client_id, redirect_uri, code_challenge, code_challenge_method/,
      ),
    ]);
    expect(problemsWith({ authorize_param_names: { client_id: 'client key' } })).toEqual([
      `${AT}.authorize_param_names.client_id: client_id "client key" is not valid — allowed: a parameter name of letters, digits and _ . ~ - [ ]`,
    ]);
  });

  it('refuses two parameters sent under one name', () => {
    expect(problemsWith({ authorize_param_names: { client_id: 'redirect_uri' } })).toEqual([
      `${AT}.authorize_param_names.client_id: authorize_param_names sends client_id and redirect_uri both as "redirect_uri" — allowed: a name no other parameter of the authorization request has`,
    ]);
    expect(problemsWith({ authorize_param_names: { client_id: 'key', redirect_uri: 'key' } })).toEqual([
      `${AT}.authorize_param_names.redirect_uri: authorize_param_names sends client_id and redirect_uri both as "key" — allowed: a name no other parameter of the authorization request has`,
    ]);
  });
});

describe('drop_empty_authorize_params', () => {
  it('is true or false', () => {
    expect(problemsWith({ drop_empty_authorize_params: true })).toEqual([]);
    expect(problemsWith({ drop_empty_authorize_params: 'yes' })).toEqual([
      `${AT}.drop_empty_authorize_params: drop_empty_authorize_params is "yes" — allowed: true or false`,
    ]);
  });
});

describe('refresh_url', () => {
  it('accepts an absolute https URL and oauth_iparams under a fixed domain', () => {
    expect(problemsWith({ refresh_url: 'https://www.figma.com/api/oauth/refresh' })).toEqual([]);
    expect(
      problemsWith(
        { refresh_url: 'https://<%= oauth_iparams.org %>.example.com/refresh' },
        { oauth_iparams: { org: { display_name: 'Org', type: 'text' } } },
      ),
    ).toEqual([]);
  });

  it('explains a URL that is not https, an undeclared field and a foreign root', () => {
    expect(problemsWith({ refresh_url: 'ftp://auth.example.com/refresh' })).toEqual([
      `${AT}.refresh_url: refresh_url "ftp://auth.example.com/refresh" is not an https URL — allowed: an absolute https URL; expressions may fill in parts of it`,
    ]);
    expect(problemsWith({ refresh_url: 'https://<%= oauth_iparams.org %>.example.com/r' })).toEqual([
      `${AT}.refresh_url: refresh_url uses oauth_iparams.org, which is not declared under oauth_iparams — allowed: declare the field under oauth_iparams`,
    ]);
    expect(problemsWith({ refresh_url: 'https://<%= iparam.host %>/r' })).toEqual([
      expect.stringMatching(
        /handshake\.refresh_url: refresh_url uses iparam\.host — allowed: expressions here may use only oauth_iparams\.NAME/,
      ),
    ]);
  });

  it('holds refresh_url to the host rules of token_url', () => {
    const org = { oauth_iparams: { org: { display_name: 'Org', type: 'text' } } };
    expect(problemsWith({ refresh_url: 'https://<%= oauth_iparams.org %>/refresh' }, org)).toEqual([
      expect.stringMatching(
        /handshake\.refresh_url: refresh_url .* lets the person who connects choose the whole host, which receives the refresh token with the client secret; such a host must be limited by handshake\.allowed_hosts/,
      ),
    ]);
    expect(
      problemsWith({ allowed_hosts: ['auth.example.com'], refresh_url: 'https://refresh.example.net/r' }),
    ).toEqual([
      `${AT}.refresh_url: refresh_url "https://refresh.example.net/r" has host refresh.example.net, which handshake.allowed_hosts does not allow — allowed: a host matching auth.example.com`,
    ]);
  });
});

describe('code_param', () => {
  it('accepts a parameter name', () => {
    expect(problemsWith({ code_param: 'spapi_oauth_code' })).toEqual([]);
  });

  it('refuses a callback parameter of its own and a malformed name', () => {
    expect(problemsWith({ code_param: 'state' })).toEqual([
      `${AT}.code_param: code_param "state" is a callback parameter of its own — allowed: any name but state, error, error_description, error_uri, iss`,
    ]);
    expect(problemsWith({ code_param: 'the code' })).toEqual([
      `${AT}.code_param: code_param "the code" is not valid — allowed: the callback query parameter that carries the code, e.g. spapi_oauth_code (default code)`,
    ]);
  });
});
