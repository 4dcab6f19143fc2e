import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatProblemLine, loadApp, readAppDir } from '../../../tools/app';
import { json } from './helpers';

/*
 * One run of the validator names every independent problem of a file: the checks after the
 * schema (host, path, URLs, options, …) still see each field that passed it, and a field that
 * failed it is not blamed a second time.
 */

const roots: string[] = [];

/** An app folder on disk with these files (values written as JSON). */
function appFolder(files: Readonly<Record<string, unknown>>): string {
  const root = mkdtempSync(join(tmpdir(), 'handshake-validate-'));
  roots.push(root);
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), json(value));
  }
  return root;
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const lines = (root: string): string[] => loadApp(readAppDir(root)).problems.map(formatProblemLine);

const manifest = (...templates: string[]) => ({
  'platform-version': '3.1',
  modules: { common: { requests: Object.fromEntries(templates.map((name) => [name, {}])) } },
});

const integration = {
  client_id: 'id',
  client_secret: 'secret',
  authorize_url: 'https://auth.example.com/authorize',
  token_url: 'https://auth.example.com/token',
  token_type: 'account',
};

describe('config/requests.json', () => {
  it('names the method, host, path and maxAttempts of one template in one run', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest('getThing'),
      'config/requests.json': {
        getThing: {
          schema: { method: 'FETCH', host: '10.0.0.1', path: 'no-slash' },
          options: { maxAttempts: 9 },
        },
      },
    });
    // Act
    const { app, problems } = loadApp(readAppDir(root));
    // Assess
    expect(app).toBeUndefined();
    expect(problems.map(formatProblemLine)).toEqual([
      'error config/requests.json $.getThing.schema.method: method "FETCH" is not supported — allowed: GET, POST, PUT, PATCH, DELETE',
      'error config/requests.json $.getThing.options.maxAttempts: maxAttempts 9 is out of range — allowed: a whole number from 1 to 5',
      'error config/requests.json $.getThing.schema.host: host "10.0.0.1" is an IP address — allowed: a domain name, optionally with :port',
      'error config/requests.json $.getThing.schema.path: path "no-slash" does not start with / — allowed: a path starting with / or with an expression; a ? starts the query',
    ]);
  });

  it('blames a field of the wrong type once, and not what depends on it', () => {
    // Prepare: options.oauth is not a string, so whether access_token may be used is unknown.
    const root = appFolder({
      'manifest.json': manifest('getThing'),
      'config/oauth_config.json': { integrations: { crm: integration, erp: integration } },
      'config/requests.json': {
        getThing: {
          schema: {
            method: 'GET',
            host: 42,
            path: '/items?all#top',
            headers: { Authorization: 'Bearer <%= access_token %>' },
          },
          options: { oauth: 7, isOAuth: true },
        },
      },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toEqual([
      'error config/requests.json $.getThing.schema.host: host is 42 — allowed: a domain name, optionally with :port',
      'error config/requests.json $.getThing.options.oauth: oauth is 7 — allowed: the name of an integration in config/oauth_config.json',
      'error config/requests.json $.getThing.schema.path: path "/items?all#top" has a fragment (#) — allowed: a path starting with / or with an expression; a ? starts the query',
    ]);
  });

  it('checks what is inside a template with a bad name, and an unknown key does not hide the host', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest('get items'),
      'config/requests.json': {
        'get items': { schema: { method: 'GET', host: 'api.example.com/v1', path: '/' }, extra: true },
      },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toEqual([
      'error config/requests.json $["get items"]: template name "get items" is not allowed — allowed: letters, digits, _ and -',
      'error config/requests.json $["get items"].extra: unknown key "extra" — allowed: schema, options',
      'error config/requests.json $["get items"].schema.host: host "api.example.com/v1" has a path — allowed: a domain name, optionally with :port',
    ]);
  });

  it('does not call an iparam undefined when iparams.json defines it wrongly', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest('getThing'),
      'config/iparams.json': { api_key: { display_name: 'API key', type: 'text', secure: 'yes' } },
      'config/requests.json': {
        getThing: {
          schema: {
            method: 'GET',
            host: 'api.example.com',
            path: '/',
            query: { key: '<%= iparam.api_key %>' },
          },
        },
      },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toEqual([
      'error config/iparams.json $.api_key.secure: secure is "yes" — allowed: true or false',
    ]);
  });

  it("takes FDK's paths: none (/), an expression first, a literal query; numbers and booleans in query as text", () => {
    // Prepare
    const get = (schema: Record<string, unknown>) => ({
      schema: { method: 'GET', host: 'api.example.com', ...schema },
    });
    const root = appFolder({
      'manifest.json': manifest('root', 'whole', 'graph', 'tickets'),
      'config/requests.json': {
        root: get({}),
        whole: get({ path: '<%= context.path %>' }),
        graph: get({ path: '/v1.0<%= context.path %>' }),
        tickets: get({ path: '/api/v2/tickets?include=conversations', query: { limit: 1, all: false } }),
      },
    });
    // Act
    const { app, problems } = loadApp(readAppDir(root));
    // Assess
    expect(problems.map(formatProblemLine)).toEqual([]);
    expect(app?.templates.get('root')?.path.source).toBe('/');
    expect(app?.templates.get('whole')?.path.source).toBe('<%= context.path %>');
    const query = app?.templates.get('tickets')?.query;
    expect([...(query ?? [])].map(([name, value]) => [name, value.source])).toEqual([
      ['limit', '1'],
      ['all', 'false'],
    ]);
  });

  it('refuses a literal path that no invoke could send', () => {
    // Prepare
    const get = (path: string) => ({ schema: { method: 'GET', host: 'api.example.com', path } });
    const root = appFolder({
      'manifest.json': manifest('a', 'b', 'c', 'd'),
      'config/requests.json': {
        a: get('/items\\x'),
        b: get('/items/%2F<%= context.id %>'),
        c: get('/items/./<%= context.id %>'),
        d: get('/items/<%= context.id %>#top'),
      },
    });
    // Act
    const found = lines(root);
    // Assess
    const allowed = 'allowed: a path starting with / or with an expression; a ? starts the query';
    expect(found).toEqual([
      `error config/requests.json $.a.schema.path: path "/items\\\\x" has a backslash — ${allowed}`,
      `error config/requests.json $.b.schema.path: path "/items/%2F<%= context.id %>" has an encoded separator or dot segment (%2f, %5c, %2e%2e) — ${allowed}`,
      `error config/requests.json $.c.schema.path: path "/items/./<%= context.id %>" has a "." or ".." segment — ${allowed}`,
      `error config/requests.json $.d.schema.path: path "/items/<%= context.id %>#top" has a fragment (#) — ${allowed}`,
    ]);
  });
});

describe('config/oauth_config.json', () => {
  it('names every independent problem of one integration in one run', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest(),
      'config/oauth_config.json': {
        integrations: {
          crm: {
            ...integration,
            token_url: 'ftp://auth.example.com/token',
            token_type: 'both',
            options: { state: 'fixed' },
            handshake: { expires_in_unit: 'hours', keep_fields: ['access_token'] },
          },
        },
      },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toEqual([
      'error config/oauth_config.json $.integrations.crm.token_type: token_type "both" is not supported — allowed: account, agent, client',
      'error config/oauth_config.json $.integrations.crm.token_url: token_url "ftp://auth.example.com/token" is not an https URL — allowed: an absolute https URL; expressions may fill in parts of it',
      'error config/oauth_config.json $.integrations.crm.handshake.expires_in_unit: expires_in_unit "hours" is not supported — allowed: seconds, milliseconds, minutes',
      'error config/oauth_config.json $.integrations.crm.handshake.keep_fields[0]: keep_fields names "access_token", a token that is only ever stored encrypted — allowed: non-secret token-response fields, e.g. instance_url or api_domain',
      'error config/oauth_config.json $.integrations.crm.options.state: option state would replace a parameter Handshake sets itself — allowed: any key except response_type, client_id, redirect_uri, state, code_challenge, code_challenge_method',
    ]);
  });

  it('still checks the provider hosts when another attribute is wrong', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest(),
      'config/oauth_config.json': {
        integrations: {
          crm: {
            ...integration,
            authorize_url: 'https://<%= oauth_iparams.host %>/authorize',
            token_type: 'both',
            oauth_iparams: { host: { display_name: 'Host', type: 'text' } },
          },
        },
      },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toHaveLength(2);
    expect(found[0]).toBe(
      'error config/oauth_config.json $.integrations.crm.token_type: token_type "both" is not supported — allowed: account, agent, client',
    );
    expect(found[1]).toMatch(
      /^error config\/oauth_config\.json \$\.integrations\.crm\.authorize_url: .* must be limited by handshake\.allowed_hosts/,
    );
  });

  it('does not call fields undeclared when oauth_iparams itself is broken', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest(),
      'config/oauth_config.json': {
        ...integration,
        client_id: '<%= oauth_iparams.client_id %>',
        oauth_iparams: 'client_id',
      },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toEqual([
      'error config/oauth_config.json $.oauth_iparams: oauth_iparams is "client_id" — allowed: an object of field names to field definitions',
    ]);
  });

  it('reports an array element by its index', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest(),
      'config/oauth_config.json': { ...integration, handshake: { allowed_hosts: [3] } },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^error config\/oauth_config\.json \$\.handshake\.allowed_hosts\[0\]: allowed_hosts\[0\] is 3 — /,
    );
  });
});

describe('config/iparams.json', () => {
  it('names every independent problem of each iparam in one run', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest(),
      'config/iparams.json': {
        region: { type: 'dropdown', options: [] },
        limit: { display_name: 5, type: 'number', default_value: 'ten' },
      },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toEqual([
      'error config/iparams.json $.region.display_name: display_name is missing — allowed: a string',
      'error config/iparams.json $.region.options: a dropdown field has no options — allowed: a non-empty array of the values to choose from',
      'error config/iparams.json $.limit.display_name: display_name is 5 — allowed: a string',
      'warning config/iparams.json $.limit.default_value: default_value "ten" does not fit a number field — allowed: a number',
    ]);
  });

  it('does not say "no options" when the options are there but of the wrong type', () => {
    // Prepare
    const root = appFolder({
      'manifest.json': manifest(),
      'config/iparams.json': { region: { display_name: 'Region', type: 'dropdown', options: 'eu' } },
    });
    // Act
    const found = lines(root);
    // Assess
    expect(found).toEqual([
      'error config/iparams.json $.region.options: options is "eu" — allowed: an array of strings, numbers or { "label", "value" } objects',
    ]);
  });
});
