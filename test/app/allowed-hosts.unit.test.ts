import {
  clientFromInstaller,
  hostMatches,
  parseAllowedHost,
  providerUrlRefusal,
  urlAllowed,
} from '../../lib/app/allowed-hosts';
import { urlHostIsChosen, urlHostNames } from '../../lib/app/host-skeleton';
import type { AllowedHost, Integration } from '../../lib/app/model';
import { parseTemplate } from '../../lib/app/template';

const pattern = (text: string): AllowedHost => {
  const parsed = parseAllowedHost(text);
  if (typeof parsed === 'string') throw new Error(`${text} ${parsed}`);
  return parsed;
};

describe('allowed_hosts patterns', () => {
  it.each([
    ['*.myfreshworks.com', { domain: 'myfreshworks.com', subdomains: true, port: undefined }],
    ['login.example.com', { domain: 'login.example.com', subdomains: false, port: undefined }],
    ['Login.Example.COM.', { domain: 'login.example.com', subdomains: false, port: undefined }],
    ['*.example.com:8443', { domain: 'example.com', subdomains: true, port: 8443 }],
    ['localhost:4000', { domain: 'localhost', subdomains: false, port: 4000 }],
    ['*.xn--bcher-kva.example', { domain: 'xn--bcher-kva.example', subdomains: true, port: undefined }],
  ])('reads %s', (text, expected) => {
    expect(parseAllowedHost(text)).toEqual(expected);
  });

  it.each([
    ['', 'is empty'],
    ['https://login.example.com', 'has a scheme'],
    ['login.example.com/oauth', 'has a path'],
    ['login.example.com?x', 'has a query or fragment'],
    ['user@login.example.com', 'has user information'],
    ['*', 'is a bare *, which would allow every server'],
    ['*.', 'is a bare *, which would allow every server'],
    ['*.com', 'does not fix a registrable domain (*.com is a whole TLD)'],
    ['*.*.example.com', 'has a * that is not the first label (write *.example.com)'],
    ['login*.example.com', 'has a * that is not the first label (write *.example.com)'],
    ['1.2.3.4', 'is an IP address'],
    ['*.1.2.3', 'is an IP address'],
    ['2130706433', 'is an IP address'],
    ['0x7f000001', 'is an IP address'],
    ['[::1]', 'is an IP address'],
    ['::1', 'is an IP address'],
    ['example.com:0', 'has an invalid port'],
    ['example.com:65536', 'has an invalid port'],
    ['example.com:', 'has an invalid port'],
    ['a..example.com', 'has an empty label'],
    ['-a.example.com', 'has an invalid label "-a"'],
    ['a_b.example.com', 'has an invalid label "a_b"'],
    ['bücher.example', 'is not ASCII (write internationalized names in their xn-- form)'],
  ])('refuses %j: %s', (text, problem) => {
    expect(parseAllowedHost(text)).toBe(problem);
  });
});

describe('matching a host against a pattern', () => {
  it.each([
    ['*.myfreshworks.com', 'acme.myfreshworks.com', undefined, true],
    ['*.myfreshworks.com', 'a.b.myfreshworks.com', undefined, true],
    ['*.myfreshworks.com', 'ACME.MyFreshworks.com', undefined, true],
    ['*.myfreshworks.com', 'acme.myfreshworks.com.', undefined, true],
    ['*.myfreshworks.com', 'myfreshworks.com', undefined, false],
    ['*.myfreshworks.com', 'myfreshworks.com.evil.com', undefined, false],
    ['*.myfreshworks.com', 'evilmyfreshworks.com', undefined, false],
    ['*.myfreshworks.com', 'acme.myfreshworks.com.evil.com', undefined, false],
    ['*.myfreshworks.com', '.myfreshworks.com', undefined, false],
    ['*.myfreshworks.com', 'acme.myfreshworks.com', 8443, false],
    ['*.myfreshworks.com:8443', 'acme.myfreshworks.com', 8443, true],
    ['*.myfreshworks.com:8443', 'acme.myfreshworks.com', undefined, false],
    ['login.example.com', 'login.example.com', undefined, true],
    ['login.example.com', 'LOGIN.example.com.', undefined, true],
    ['login.example.com', 'a.login.example.com', undefined, false],
    ['login.example.com', 'example.com', undefined, false],
  ])('%s against %s port %s → %s', (text, hostname, port, expected) => {
    expect(hostMatches(pattern(text), hostname, port)).toBe(expected);
  });

  it.each([
    ['https://acme.myfreshworks.com/org/oauth/v2/token', true],
    ['https://ACME.myfreshworks.com./token', true],
    ['https://acme.myfreshworks.com:443/token', true],
    ['https://acme.myfreshworks.com:8443/token', false],
    ['https://login.example.com/token', true],
    ['https://login.example.com:443/token', true],
    ['https://myfreshworks.com.evil.com/token', false],
    ['https://93.184.215.14/token', false],
    ['https://[::1]/token', false],
  ])('urlAllowed(%s) → %s', (url, expected) => {
    const patterns = [pattern('*.myfreshworks.com'), pattern('login.example.com:443')];
    expect(urlAllowed(patterns, new URL(url))).toBe(expected);
  });
});

describe('whether a URL template lets its values choose the host', () => {
  it.each([
    ['https://<%= oauth_iparams.org_domain %>/org/oauth/v2/token', true],
    ['https://<%= oauth_iparams.org %>.myfreshworks.com/org/oauth/v2/token', false],
    ['https://<%= oauth_iparams.org %>.myfreshworks.com:<%= oauth_iparams.port %>/token', false],
    ['https://<%= oauth_iparams.host %>:8443/token', true],
    ['https://<%= oauth_iparams.org %>.com/token', true],
    ['https://<%= oauth_iparams.org %>myfreshworks.com/token', true],
    ['https://login.<%= oauth_iparams.tld %>/token', true],
    ['https://login.example.com<%= oauth_iparams.rest %>/token', true],
    ['https://login.microsoftonline.com/<%= oauth_iparams.tenant %>/oauth2/v2.0/token', false],
    ['https://api.example.com/token?x=<%= oauth_iparams.x %>', false],
    ['https://oauth2.googleapis.com/token', false],
  ])('%s → %s', (source, expected) => {
    expect(urlHostIsChosen(parseTemplate(source))).toBe(expected);
  });

  it('names only the expressions in the host', () => {
    const template = parseTemplate(
      'https://<%= oauth_iparams.org %>.example.com/<%= oauth_iparams.tenant %>/t',
    );
    expect(urlHostNames(template)).toEqual([{ root: 'oauth_iparams', path: ['org'] }]);
  });
});

const WHOLE_HOST = 'https://<%= oauth_iparams.host %>/token';

const integrationWith = (fields: {
  clientId: string;
  clientSecret: string;
  allowedHosts?: readonly string[];
}): Integration =>
  ({
    clientId: parseTemplate(fields.clientId),
    clientSecret: parseTemplate(fields.clientSecret),
    tokenUrl: parseTemplate(WHOLE_HOST),
    settings: { allowedHosts: fields.allowedHosts?.map(pattern) },
  }) as unknown as Integration;

describe('client credentials from the connect page', () => {
  it.each([
    ['<%= oauth_iparams.client_id %>', '<%= oauth_iparams.client_secret %>', true],
    ['<%= oauth_iparams.client_id %>', 'set-with-npm-run-secrets', false],
    ['operator-id', '<%= oauth_iparams.client_secret %>', false],
    ['<%= oauth_iparams.client_id %>', "<%= oauth_iparams.client_secret || 'x' %>", false],
    ['<%= oauth_iparams.client_id %>', 'x-<%= oauth_iparams.client_secret %>', false],
  ])('client_id %s, client_secret %s → %s', (clientId, clientSecret, expected) => {
    expect(clientFromInstaller(integrationWith({ clientId, clientSecret }))).toBe(expected);
  });
});

describe('the run-time decision on a provider URL', () => {
  const installersOwn = { clientId: '<%= oauth_iparams.id %>', clientSecret: '<%= oauth_iparams.secret %>' };
  const operators = { clientId: 'operator-id', clientSecret: 'operator-secret' };
  const refusal = (integration: Integration, rendered: string, clientSecret: string) =>
    providerUrlRefusal(integration, integration.tokenUrl, rendered, {
      clientSecret,
      oauthIparams: { host: new URL(rendered).host, secret: 'their-secret' },
    });

  it('sends to a host allowed_hosts allows, refuses any other', () => {
    const integration = integrationWith({ ...operators, allowedHosts: ['*.myfreshworks.com'] });
    expect(refusal(integration, 'https://acme.myfreshworks.com/token', 'operator-secret')).toBeUndefined();
    expect(refusal(integration, 'https://evil.example/token', 'operator-secret')).toBe(
      'host evil.example is not in handshake.allowed_hosts',
    );
  });

  it("sends the installer's own secret to the host they chose, never the operator's stored one", () => {
    const integration = integrationWith(installersOwn);
    expect(refusal(integration, 'https://gitlab.acme.example/token', 'their-secret')).toBeUndefined();
    // A client-credentials secret in Secrets Manager won over the file: it is the operator's.
    expect(refusal(integration, 'https://gitlab.acme.example/token', 'stored-operator-secret')).toMatch(
      /^host gitlab\.acme\.example was chosen by the installer/,
    );
  });

  it('refuses a whole-host URL with the operator secret and no allowed_hosts (a model that skipped validation)', () => {
    expect(refusal(integrationWith(operators), 'https://evil.example/token', 'operator-secret')).toMatch(
      /declare handshake\.allowed_hosts$/,
    );
  });

  it('refuses a rendered URL that does not parse', () => {
    const integration = integrationWith({ ...operators, allowedHosts: ['*.myfreshworks.com'] });
    expect(
      providerUrlRefusal(integration, integration.tokenUrl, 'https://a:b:c/token', {
        clientSecret: 'operator-secret',
        oauthIparams: {},
      }),
    ).toBe('the provider URL rendered from the oauth_iparams is not a valid URL');
  });
});
