import { checkBaseUrl } from '../../../lib/app/base-url';
import { formatProblemLine, loadApp } from '../../../tools/app';
import { filesOf, json } from './helpers';

const MANIFEST = json({ 'platform-version': '3.1', modules: { common: { requests: {} } } });

const integration = (overrides: Record<string, unknown> = {}) => ({
  display_name: 'Jira',
  client_id: 'operator-id',
  client_secret: 'operator-secret',
  authorize_url: '<%= oauth_iparams.base_url %>/rest/oauth2/latest/authorize',
  token_url: '<%= oauth_iparams.base_url %>/rest/oauth2/latest/token',
  token_type: 'account',
  oauth_iparams: { base_url: { display_name: 'Base URL', type: 'url', required: true } },
  handshake: { allowed_hosts: ['jira.example.com'] },
  ...overrides,
});

const errorsOf = (value: unknown) =>
  loadApp(
    filesOf({
      'manifest.json': MANIFEST,
      'config/oauth_config.json': json({ integrations: { jira: value } }),
    }),
  )
    .problems.filter((problem) => problem.severity === 'error')
    .map(formatProblemLine);

describe('a provider URL that opens with an oauth_iparams field (a base URL)', () => {
  it('is accepted for a field of type url followed by a path', () => {
    // Act
    const errors = errorsOf(integration());
    // Assess
    expect(errors).toEqual([]);
  });

  it('is refused for a field of another type, once, naming the type and the way out', () => {
    // Act
    const errors = errorsOf(
      integration({ oauth_iparams: { base_url: { display_name: 'Base', type: 'text', required: true } } }),
    );
    // Assess
    expect(errors).toEqual([
      'error config/oauth_config.json $.integrations.jira.authorize_url: authorize_url opens with oauth_iparams.base_url, whose type is "text"; only a field of type "url" (a base URL) may open a URL — allowed: an absolute https URL, or <%= oauth_iparams.NAME %>/path with NAME of type "url" (e.g. a Jira Data Center base URL)',
      'error config/oauth_config.json $.integrations.jira.token_url: token_url opens with oauth_iparams.base_url, whose type is "text"; only a field of type "url" (a base URL) may open a URL — allowed: an absolute https URL, or <%= oauth_iparams.NAME %>/path with NAME of type "url" (e.g. a Jira Data Center base URL)',
    ]);
  });

  it.each([['.evil.example/token'], ['<%= oauth_iparams.base_url %>/token']])(
    'is refused when it goes on with %s instead of a path',
    (rest) => {
      // Act
      const errors = errorsOf(integration({ token_url: `<%= oauth_iparams.base_url %>${rest}` }));
      // Assess
      expect(errors).toEqual([
        'error config/oauth_config.json $.integrations.jira.token_url: token_url goes on after oauth_iparams.base_url with something other than a path starting with "/" — allowed: an absolute https URL, or <%= oauth_iparams.NAME %>/path with NAME of type "url" (e.g. a Jira Data Center base URL)',
      ]);
    },
  );

  it('is refused when user information follows it, whatever else is said', () => {
    // Act
    const errors = errorsOf(integration({ token_url: '<%= oauth_iparams.base_url %>@evil.example/token' }));
    // Assess
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringContaining('token_url goes on after oauth_iparams.base_url')]),
    );
  });

  it('is refused under handshake too (refresh_url)', () => {
    // Act
    const errors = errorsOf(
      integration({
        handshake: { allowed_hosts: ['jira.example.com'], refresh_url: '<%= oauth_iparams.base_url %>x' },
      }),
    );
    // Assess
    expect(errors).toEqual([
      expect.stringContaining('$.integrations.jira.handshake.refresh_url: refresh_url goes on'),
    ]);
  });
});

describe('a base URL value', () => {
  const noHttp = () => false;

  it.each([
    ['https://jira.example.com', 'https://jira.example.com'],
    ['https://Jira.Example.com:443/jira/', 'https://jira.example.com/jira'],
    ['https://jira.example.com:8443/a/b-c/d_e~f.g', 'https://jira.example.com:8443/a/b-c/d_e~f.g'],
  ])('%s is used as %s', (raw, used) => {
    // Act + Assess
    expect(checkBaseUrl(raw, noHttp)).toBe(used);
  });

  it.each([
    'https://jira.example.com@evil.example',
    'https://user:pw@jira.example.com',
    'https://jira.example.com/a/%2e%2e/b',
    'https://jira.example.com/a%2fb',
    'https://jira.example.com/a/../b',
    'https://jira.example.com/./b',
    'https://jira.example.com\\@evil.example',
    'https://jira.example.com/a\r\nb',
    'https://jira.example.com/a b',
    'https://jira.example.com/?q',
    'https://jira.example.com/#f',
    'https://jira.example.com//b',
    'ftp://jira.example.com',
    'jira.example.com/jira',
    'https://127.0.0.1/jira',
    'https://0x7f.1/jira',
    'http://jira.example.com/jira',
  ])('%j is refused', (raw) => {
    // Act + Assess
    expect(checkBaseUrl(raw, noHttp)).toEqual({ problem: expect.any(String) });
  });

  it('takes plain http only where the egress allow list says so', () => {
    // Act + Assess
    expect(checkBaseUrl('http://localhost:8080/jira', (url) => url.hostname === 'localhost')).toBe(
      'http://localhost:8080/jira',
    );
  });
});
