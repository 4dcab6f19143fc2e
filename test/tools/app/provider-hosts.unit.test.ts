import { formatProblemLine, loadApp } from '../../../tools/app';
import { filesOf, json } from './helpers';

const MANIFEST = json({ 'platform-version': '3.1', modules: { common: { requests: {} } } });

const integration = (overrides: Record<string, unknown> = {}) => ({
  display_name: 'Acme',
  client_id: 'operator-id',
  client_secret: 'operator-secret',
  authorize_url: 'https://<%= oauth_iparams.domain %>/oauth/authorize',
  token_url: 'https://<%= oauth_iparams.domain %>/oauth/token',
  token_type: 'account',
  oauth_iparams: {
    domain: { display_name: 'Domain', type: 'text', required: true },
    id: { display_name: 'Client id', type: 'text', required: true },
    secret: { display_name: 'Client secret', type: 'api_key', required: true },
  },
  ...overrides,
});

const load = (config: unknown) =>
  loadApp(filesOf({ 'manifest.json': MANIFEST, 'config/oauth_config.json': json(config) }));
const errorsOf = (config: unknown) => load(config).problems.filter((problem) => problem.severity === 'error');
const inIntegrations = (value: unknown) => ({ integrations: { acme: value } });

describe('a provider URL whose host an oauth_iparam makes up', () => {
  it('without allowed_hosts is refused in one line per URL, naming the rule and both ways out', () => {
    // Act
    const errors = errorsOf(inIntegrations(integration()));
    // Assess
    expect(errors.map((problem) => problem.path)).toEqual([
      '$.integrations.acme.authorize_url',
      '$.integrations.acme.token_url',
    ]);
    expect(errors.map(formatProblemLine)[1]).toBe(
      'error config/oauth_config.json $.integrations.acme.token_url: token_url "https://<%= oauth_iparams.domain %>/oauth/token" lets the person who connects choose the whole host, which receives the code exchange with the client secret and the PKCE verifier; such a host must be limited by handshake.allowed_hosts — allowed: add "allowed_hosts": ["*.example.com"] (the provider\'s domain) under the integration\'s "handshake" key, or take both client_id and client_secret from oauth_iparams (the installer\'s own OAuth app)',
    );
    expect(errors[0]?.message).toMatch(
      /^authorize_url "https:\/\/<%= oauth_iparams\.domain %>\/oauth\/authorize" lets/,
    );
  });

  it.each([
    [
      'only token_url',
      { authorize_url: 'https://login.acme.example/authorize' },
      ['$.integrations.acme.token_url'],
    ],
    [
      'host and port',
      { token_url: 'https://<%= oauth_iparams.domain %>:8443/token' },
      ['$.integrations.acme.authorize_url', '$.integrations.acme.token_url'],
    ],
    [
      'one literal label',
      {
        authorize_url: 'https://login.acme.example/a',
        token_url: 'https://<%= oauth_iparams.domain %>.com/token',
      },
      ['$.integrations.acme.token_url'],
    ],
    [
      'a partial label',
      {
        authorize_url: 'https://login.acme.example/a',
        token_url: 'https://<%= oauth_iparams.domain %>acme.com/token',
      },
      ['$.integrations.acme.token_url'],
    ],
    [
      'a fallback for the secret',
      { client_id: '<%= oauth_iparams.id %>', client_secret: "<%= oauth_iparams.secret || 'x' %>" },
      ['$.integrations.acme.authorize_url', '$.integrations.acme.token_url'],
    ],
    [
      'only client_id from the form',
      { client_id: '<%= oauth_iparams.id %>' },
      ['$.integrations.acme.authorize_url', '$.integrations.acme.token_url'],
    ],
    [
      'revocation_url',
      {
        authorize_url: 'https://login.acme.example/a',
        token_url: 'https://login.acme.example/t',
        handshake: { revocation_url: 'https://<%= oauth_iparams.domain %>/revoke' },
      },
      ['$.integrations.acme.handshake.revocation_url'],
    ],
  ])('is refused with %s', (_, overrides, paths) => {
    // Act
    const errors = errorsOf(inIntegrations(integration(overrides)));
    // Assess
    expect(errors.map((problem) => problem.path)).toEqual(paths);
    for (const problem of errors) expect(problem.message).toContain('handshake.allowed_hosts');
  });

  it.each([
    [
      'a label under a literal domain',
      {
        authorize_url: 'https://<%= oauth_iparams.domain %>.myfreshworks.com/a',
        token_url: 'https://<%= oauth_iparams.domain %>.myfreshworks.com/t',
      },
    ],
    [
      'a label next to a literal domain',
      {
        authorize_url: 'https://<%= oauth_iparams.domain %>-sso.acme.com/a',
        token_url: 'https://login.acme.com/t',
      },
    ],
    [
      'a path segment',
      {
        authorize_url: 'https://login.microsoftonline.com/<%= oauth_iparams.domain %>/a',
        token_url: 'https://login.microsoftonline.com/<%= oauth_iparams.domain %>/t',
      },
    ],
    ['allowed_hosts', { handshake: { allowed_hosts: ['*.myfreshworks.com'] } }],
    [
      'client_id and client_secret from oauth_iparams',
      { client_id: '<%= oauth_iparams.id %>', client_secret: '<%= oauth_iparams.secret %>' },
    ],
  ])('is accepted with %s', (_, overrides) => {
    expect(errorsOf(inIntegrations(integration(overrides)))).toEqual([]);
  });

  it('is checked in the single form too, at its top-level path', () => {
    const errors = errorsOf(integration({ authorize_url: 'https://login.acme.example/a' }));
    expect(errors.map((problem) => problem.path)).toEqual(['$.token_url']);
  });

  it('keeps the patterns in the model', () => {
    const { app } = load(
      inIntegrations(
        integration({ handshake: { allowed_hosts: ['*.MyFreshworks.com', 'login.acme.example:8443'] } }),
      ),
    );
    expect(app?.integrations.get('acme')?.settings.allowedHosts).toEqual([
      { domain: 'myfreshworks.com', subdomains: true, port: undefined },
      { domain: 'login.acme.example', subdomains: false, port: 8443 },
    ]);
  });
});

describe('handshake.allowed_hosts itself', () => {
  it('refuses bad patterns, each at its own index', () => {
    // Act
    const errors = errorsOf(
      inIntegrations(
        integration({
          handshake: {
            allowed_hosts: [
              '*.com',
              'https://a.example.com',
              '*',
              '10.0.0.1',
              'a.example.com/x',
              '*.ok.example',
            ],
          },
        }),
      ),
    );
    // Assess
    expect(errors.map((problem) => [problem.path, problem.message])).toEqual([
      [
        '$.integrations.acme.handshake.allowed_hosts[0]',
        'allowed_hosts pattern "*.com" does not fix a registrable domain (*.com is a whole TLD)',
      ],
      [
        '$.integrations.acme.handshake.allowed_hosts[1]',
        'allowed_hosts pattern "https://a.example.com" has a scheme',
      ],
      [
        '$.integrations.acme.handshake.allowed_hosts[2]',
        'allowed_hosts pattern "*" is a bare *, which would allow every server',
      ],
      ['$.integrations.acme.handshake.allowed_hosts[3]', 'allowed_hosts pattern "10.0.0.1" is an IP address'],
      [
        '$.integrations.acme.handshake.allowed_hosts[4]',
        'allowed_hosts pattern "a.example.com/x" has a path',
      ],
    ]);
  });

  it.each([[[]], ['*.example.com'], [[5]]])('refuses %j: a non-empty array of strings', (value) => {
    const errors = errorsOf(inIntegrations(integration({ handshake: { allowed_hosts: value } })));
    expect(errors.map((problem) => problem.path)[0]).toMatch(
      /^\$\.integrations\.acme\.handshake\.allowed_hosts/,
    );
    expect(errors[0]?.allowed).toContain('*.example.com');
  });

  it('refuses a fixed provider URL that the patterns do not allow', () => {
    // Act
    const errors = errorsOf(
      inIntegrations(
        integration({
          authorize_url: 'https://login.other.example/a',
          handshake: { allowed_hosts: ['*.acme.example'] },
        }),
      ),
    );
    // Assess
    expect(errors.map((problem) => [problem.path, problem.message, problem.allowed])).toEqual([
      [
        '$.integrations.acme.authorize_url',
        'authorize_url "https://login.other.example/a" has host login.other.example, which handshake.allowed_hosts does not allow',
        'a host matching *.acme.example',
      ],
    ]);
  });
});
