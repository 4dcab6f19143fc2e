import { formatProblemLine, loadApp } from '../../../tools/app';
import { filesOf, json } from './helpers';

/* The validator's word on `account.NAME` in request templates and on `handshake.callback_params` (issue 18). */

const integration = {
  client_id: 'id',
  client_secret: 'secret',
  authorize_url: 'https://login.example.com/authorize',
  token_url: 'https://login.example.com/token',
  token_type: 'account',
  handshake: {
    keep_fields: ['instance_url'],
    callback_params: ['realmId'],
    allowed_hosts: ['*.example.com'],
  },
};

/** The problems of an app with one template `call` built from `schema` and `options`. */
function problemsWith(
  schema: Readonly<Record<string, unknown>>,
  options: Readonly<Record<string, unknown>> = { oauth: 'crm' },
  handshake: unknown = integration.handshake,
): string[] {
  const files = filesOf({
    'manifest.json': json({ 'platform-version': '3.1', modules: { common: { requests: { call: {} } } } }),
    'config/oauth_config.json': json({ integrations: { crm: { ...integration, handshake } } }),
    'config/requests.json': json({
      call: { schema: { method: 'GET', host: 'api.example.com', path: '/v1', ...schema }, options },
    }),
  });
  return loadApp(files).problems.map(formatProblemLine);
}

const AT = 'error config/requests.json $.call';

describe('account.NAME in request templates', () => {
  it('may make up the whole host, a path segment, a query value and a header', () => {
    expect(
      problemsWith({
        host: '<%= account.instance_url %>',
        path: '/v3/company/<%= account.realmId %>/query',
        query: { minorversion: '<%= account.minor %>' },
        headers: { 'X-Org': '<%= account.org %>', Authorization: 'Bearer <%= access_token %>' },
      }),
    ).toEqual([]);
  });

  it('needs a field name', () => {
    expect(problemsWith({ path: '/v1/<%= account %>' })).toEqual([
      `${AT}.schema.path: path uses account without a field name — allowed: account.NAME, e.g. account.instance_url`,
    ]);
  });

  it('is never a token', () => {
    expect(
      problemsWith({
        path: '/v1/<%= account.access_token %>',
        headers: { 'X-R': '<%= account.refresh_token %>' },
      }),
    ).toEqual([
      `${AT}.schema.path: path uses account.access_token, a token — allowed: account facts, never tokens: access_token in headers`,
      `${AT}.schema.headers.X-R: header X-R uses account.refresh_token, a token — allowed: account facts, never tokens: access_token in headers`,
    ]);
  });

  it('needs an OAuth template: without one there is no account', () => {
    expect(problemsWith({ path: '/v1/<%= account.realmId %>' }, {})).toEqual([
      `${AT}.schema.path: path uses account.realmId but the template uses no OAuth integration — allowed: account.NAME only in templates with options.oauth (or options.isOAuth)`,
    ]);
  });

  it('is what an oauth_iparams value is called in a request template', () => {
    const [line] = problemsWith({ path: '/v1/<%= oauth_iparams.shop %>' });
    expect(line).toMatch(
      /path uses oauth_iparams\.shop, which only config\/oauth_config\.json can use; write account\.shop/,
    );
  });
});

describe('a host read from the account', () => {
  const NO_LIST = { keep_fields: ['instance_url'] };

  it('needs handshake.allowed_hosts when it makes up the whole host', () => {
    expect(problemsWith({ host: '<%= account.instance_url %>' }, { oauth: 'crm' }, NO_LIST)).toEqual([
      `${AT}.schema.host: host "<%= account.instance_url %>" is read from the account, which then chooses the server that receives the access token, and integration "crm" declares no handshake.allowed_hosts — allowed: add "allowed_hosts": ["*.example.com"] (the provider's API domains) under the "handshake" key of "crm", or a literal domain such as <%= account.pod %>.example.com`,
    ]);
  });

  it('needs no list under a literal domain', () => {
    expect(problemsWith({ host: '<%= account.pod %>.example.com' }, { oauth: 'crm' }, NO_LIST)).toEqual([]);
  });
});

describe('a secret oauth_iparam as account.NAME', () => {
  it('stays in headers', () => {
    const files = filesOf({
      'manifest.json': json({ 'platform-version': '3.1', modules: { common: { requests: { call: {} } } } }),
      'config/oauth_config.json': json({
        integrations: {
          own: {
            ...integration,
            client_id: '<%= oauth_iparams.client_id %>',
            client_secret: '<%= oauth_iparams.client_secret %>',
            oauth_iparams: {
              client_id: { display_name: 'Client id', type: 'text', required: true },
              client_secret: { display_name: 'Client secret', type: 'text', required: true },
              token: { display_name: 'Token', type: 'api_key', required: true },
            },
          },
        },
      }),
      'config/requests.json': json({
        call: {
          schema: {
            method: 'GET',
            host: 'api.example.com',
            path: '/v1/<%= account.client_secret %>',
            query: { t: '<%= account.token %>', id: '<%= account.client_id %>' },
            headers: { 'X-Token': '<%= account.token %>' },
          },
          options: { oauth: 'own' },
        },
      }),
    });
    expect(loadApp(files).problems.map(formatProblemLine)).toEqual([
      `${AT}.schema.path: path uses account.client_secret, a secret oauth_iparam of "own", outside headers — allowed: secret oauth_iparams (api_key fields, the client secret) only in headers`,
      `${AT}.schema.query.t: query t uses account.token, a secret oauth_iparam of "own", outside headers — allowed: secret oauth_iparams (api_key fields, the client secret) only in headers`,
    ]);
  });
});

describe('a secret oauth_iparam in an upload (schema.formData, schema.file)', () => {
  const own = {
    ...integration,
    client_secret: '<%= oauth_iparams.client_secret %>',
    oauth_iparams: {
      client_secret: { display_name: 'Client secret', type: 'text', required: true },
      token: { display_name: 'Token', type: 'api_key', required: true },
      folder: { display_name: 'Folder', type: 'text', required: false },
    },
  };
  const problemsOf = (upload: Readonly<Record<string, unknown>>) =>
    loadApp(
      filesOf({
        'manifest.json': json({ 'platform-version': '3.1', modules: { common: { requests: { call: {} } } } }),
        'config/oauth_config.json': json({ integrations: { own } }),
        'config/requests.json': json({
          call: {
            schema: {
              method: 'POST',
              host: 'api.example.com',
              path: '/upload',
              headers: { Authorization: 'Bearer <%= access_token %>', 'X-Token': '<%= account.token %>' },
              ...upload,
            },
            options: { oauth: 'own' },
          },
        }),
      }),
    ).problems.map(formatProblemLine);
  const ALLOWED = 'allowed: secret oauth_iparams (api_key fields, the client secret) only in headers';

  it('is refused in a form field and a file ref', () => {
    expect(
      problemsOf({
        formData: {
          fields: { key: '<%= account.token %>', folder: '<%= account.folder %>' },
          files: { doc: { ref: '<%= account.client_secret %>' } },
        },
      }),
    ).toEqual([
      `${AT}.schema.formData.fields.key: formData fields key uses account.token, a secret oauth_iparam of "own", outside headers — ${ALLOWED}`,
      `${AT}.schema.formData.files.doc.ref: formData files doc ref uses account.client_secret, a secret oauth_iparam of "own", outside headers — ${ALLOWED}`,
    ]);
  });

  it('is refused in a raw file’s ref', () => {
    expect(problemsOf({ file: { ref: '<%= account.token %>' } })).toEqual([
      `${AT}.schema.file.ref: file ref uses account.token, a secret oauth_iparam of "own", outside headers — ${ALLOWED}`,
    ]);
  });

  it('lets a fact that is no secret into an upload', () => {
    expect(problemsOf({ file: { ref: '<%= account.folder %>' } })).toEqual([]);
  });
});

describe('handshake.callback_params', () => {
  const HS = 'error config/oauth_config.json $.integrations.crm.handshake';

  it('refuses the code and the protocol parameters', () => {
    expect(problemsWith({}, { oauth: 'crm' }, { callback_params: ['realmId', 'code', 'state'] })).toEqual([
      `${HS}.callback_params[1]: callback_params names "code", which is not an account fact (the code or a protocol parameter) — allowed: a parameter the provider sends next to the code, e.g. realmId; not state, error, error_description, error_uri, iss, code`,
      `${HS}.callback_params[2]: callback_params names "state", which is not an account fact (the code or a protocol parameter) — allowed: a parameter the provider sends next to the code, e.g. realmId; not state, error, error_description, error_uri, iss, code`,
    ]);
  });

  it('refuses a name that is not a parameter name', () => {
    const [line] = problemsWith({}, { oauth: 'crm' }, { callback_params: ['realm id'] });
    expect(line).toMatch(/callback_params\[0\]: .*allowed: a parameter name of letters, digits/);
  });
});
