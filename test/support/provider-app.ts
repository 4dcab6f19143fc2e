/**
 * An FDK app folder whose integrations point at the in-test OAuth server, written at test time
 * (the server's port is only known then). Three integrations, each exercising other options:
 * `acme` (oauth_iparams in the authorize URL, Basic client auth, exact issuer, revocation),
 * `beta` (client credentials from the secret store, form client auth, several accounts) and
 * `crew` (agent-level, issuer read from `metadata_url`; `beta`'s is discovered).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OAuthClientSpec, OAuthServer } from './oauth-server';

export const PROVIDER_CLIENTS = {
  acme: { clientId: 'acme-client', clientSecret: 'acme-secret-Zq8', authMethod: 'client_secret_basic' },
  beta: { clientId: 'beta-client', clientSecret: 'beta-secret-Kx3', authMethod: 'client_secret_post' },
  crew: { clientId: 'crew-client', clientSecret: 'crew-secret-Pw5', authMethod: 'client_secret_post' },
} as const;

export function providerClients(redirectUri: string): OAuthClientSpec[] {
  return Object.values(PROVIDER_CLIENTS).map((client) => ({ ...client, redirectUris: [redirectUri] }));
}

const write = (dir: string, name: string, value: unknown) => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
};

/** The test app's branding (handshake.json): a small SVG logo and a light accent, so black text. */
export const TEST_BRANDING = {
  logo: 'assets/logo.svg',
  logoSvg:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><circle cx="24" cy="24" r="22" fill="#f5b700"/><path d="M14 24h20" stroke="#1d2330" stroke-width="4"/></svg>\n',
  accentColor: '#f5b700',
} as const;

/** Request templates against the test upstream, whose host:port the installation gives as `upstream`. */
const upstream = (
  path: string,
  extra: Record<string, unknown> = {},
  options: Record<string, unknown> = {},
) => ({
  schema: { method: 'GET', protocol: 'http', host: '<%= iparam.upstream %>', path, ...extra },
  options,
});

export const UPSTREAM_TEMPLATES = {
  echo: upstream(
    '/echo/<%= context.id %>',
    {
      query: { q: '<%= context.q %>', fixed: 'yes' },
      headers: {
        Authorization: 'Bearer <%= access_token %>',
        'X-Api-Key': '<%= iparam.api_key %>',
        'X-Trace': '<%= context.trace || "none" %>',
      },
    },
    { oauth: 'beta' },
  ),
  post: upstream('/echo/post', { method: 'POST', headers: { 'Content-Type': 'application/json' } }),
  public: upstream('/echo/public'),
  flaky: upstream('/flaky/<%= context.id %>', {}, { maxAttempts: 3, retryDelay: 50 }),
  broken: upstream('/status/500', {}, { maxAttempts: 2, retryDelay: 10 }),
  throttled: upstream('/throttle/<%= context.id %>', {}, { maxAttempts: 2, retryDelay: 0 }),
  // Rate limits as providers say them (the query gives the headers): the usual headers, a
  // template's own, the integration's (beta's handshake.rate_limit) and a template's over it.
  limited: upstream('/limited/<%= context.id %>', {}, { maxAttempts: 3, retryDelay: 0 }),
  limitedOkta: upstream(
    '/limited/<%= context.id %>',
    {},
    {
      maxAttempts: 2,
      rate_limit: {
        reset_header: 'X-Rate-Limit-Reset',
        reset: 'epoch_seconds',
        remaining_header: 'X-Rate-Limit-Remaining',
      },
    },
  ),
  limitedBeta: upstream(
    '/limited/<%= context.id %>',
    { headers: { Authorization: 'Bearer <%= access_token %>' } },
    { oauth: 'beta', maxAttempts: 2 },
  ),
  limitedBetaOwn: upstream(
    '/limited/<%= context.id %>',
    { headers: { Authorization: 'Bearer <%= access_token %>' } },
    { oauth: 'beta', maxAttempts: 2, rate_limit: { reset_header: 'X-Own-Reset', reset: 'seconds' } },
  ),
  big: upstream('/big/<%= context.bytes %>'),
  binary: upstream('/binary/<%= context.bytes %>', { query: { type: '<%= context.type %>' } }),
  // FDK's upload shapes: multipart fields and files, and one raw file.
  uploadForm: upstream('/upload/form', {
    method: 'POST',
    headers: { 'Content-Type': 'multipart/form-data' },
    formData: {
      fields: { userId: '<%= context.user_id %>', note: 'from <%= iparam.upstream %>' },
      files: { image1: { ref: '<%= context.ref1 %>' } },
    },
  }),
  uploadRaw: upstream('/upload/raw', { method: 'PUT', file: { ref: '<%= context.file_ref %>' } }),
  uploadTyped: upstream('/upload/typed', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    file: { ref: 'document' },
  }),
  slow: upstream('/slow'),
  me: upstream('/me', { headers: { Authorization: 'Bearer <%= access_token %>' } }, { oauth: 'beta' }),
  lateMe: upstream(
    '/lateme/<%= context.ms %>',
    { headers: { Authorization: 'Bearer <%= access_token %>' } },
    { oauth: 'beta' },
  ),
  crewMe: upstream('/me', { headers: { Authorization: 'Bearer <%= access_token %>' } }, { oauth: 'crew' }),
  // Mutual TLS: the upstream's private CA and the installation's client certificate, from secure iparams.
  mutualTls: upstream(
    '/mtls',
    { protocol: 'https' },
    {
      security: {
        ca: '<%= iparam.partner_ca %>',
        cert: '<%= iparam.client_cert %>',
        key: '<%= iparam.client_key %>',
      },
    },
  ),
  // The same from app settings, as Freshworks' two-way-SSL sample writes it.
  mutualTlsSettings: upstream(
    '/mtls',
    { protocol: 'https' },
    {
      security: {
        ca: '<%= app_settings.tls.ca %>',
        cert: '<%= app_settings.tls.cert %>',
        key: '<%= app_settings.tls.key %>',
      },
    },
  ),
  // FDK's path semantics (issue 17): values as text, a literal query, no path at all.
  graph: upstream('/v1.0<%= context.path %>'),
  repo: upstream('/repos/<%= iparam.repo_name %>'),
  item: upstream('/echo/item/<%= context.id %>'),
  tickets: upstream('/api/v2/tickets?include=conversations', {
    query: { page: '<%= context.page %>', limit: 1, all: false },
  }),
  root: { schema: { method: 'GET', protocol: 'http', host: '<%= iparam.upstream %>' }, options: {} },
  // FDK's current_host as the whole host, app settings in the path, a query and a header.
  productTickets: {
    schema: {
      method: 'GET',
      protocol: 'http',
      host: '<%= current_host.endpoint_urls.freshdesk %>',
      path: '/api/v2/tickets/<%= app_settings.view %>',
      query: { per_page: '<%= app_settings.page_size %>' },
      headers: { 'X-Mode': '<%= app_settings.mode || "none" %>' },
    },
  },
};

export function writeProviderApp(server: OAuthServer): string {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-app-'));
  write(dir, 'manifest.json', {
    'platform-version': '3.1',
    modules: {
      common: { requests: Object.fromEntries(Object.keys(UPSTREAM_TEMPLATES).map((name) => [name, {}])) },
    },
    engines: { node: '18.18.2', fdk: '9.1.0' },
  });
  write(dir, 'handshake.json', {
    name: 'Test Desk',
    branding: { logo: TEST_BRANDING.logo, accent_color: TEST_BRANDING.accentColor },
  });
  write(dir, TEST_BRANDING.logo, TEST_BRANDING.logoSvg);
  write(dir, 'config/iparams.json', {
    upstream: { display_name: 'Upstream host', type: 'text', required: false },
    api_key: { display_name: 'API key', type: 'text', required: false, secure: true },
    partner_ca: { display_name: 'Partner CA (PEM)', type: 'paragraph', required: false, secure: true },
    client_cert: {
      display_name: 'Client certificate (PEM)',
      type: 'paragraph',
      required: false,
      secure: true,
    },
    client_key: { display_name: 'Client key (PEM)', type: 'paragraph', required: false, secure: true },
    repo_name: { display_name: 'Repository (owner/repo)', type: 'text', required: false },
    ticket_prefix: {
      display_name: 'Ticket prefix',
      type: 'text',
      regex: { prefix: '^[A-Z]{2,5}$', 'prefix-error': 'two to five capital letters' },
    },
    region: {
      display_name: 'Region',
      type: 'dropdown',
      options: [
        { label: 'Europe', value: 'eu' },
        { label: 'United States', value: 'us' },
      ],
    },
  });
  write(dir, 'config/requests.json', {
    ...UPSTREAM_TEMPLATES,
    neverDeclared: { schema: { method: 'GET', host: 'api.example.com', path: '/' } },
  });
  write(dir, 'config/oauth_config.json', {
    integrations: {
      acme: {
        display_name: 'Acme Helpdesk',
        client_id: PROVIDER_CLIENTS.acme.clientId,
        client_secret: PROVIDER_CLIENTS.acme.clientSecret,
        authorize_url: `${server.authorizeUrl}?tenant=<%= oauth_iparams.tenant %>`,
        token_url: server.tokenUrl,
        options: {
          scope: 'openid offline_access tickets.read',
          prompt: 'consent',
          customHeaders: { 'X-Handshake-Test': 'acme' },
        },
        token_type: 'account',
        oauth_iparams: {
          tenant: {
            display_name: 'Tenant',
            description: 'Your Acme tenant id',
            type: 'text',
            required: true,
          },
          note: { display_name: 'Note', type: 'text', required: false },
        },
        handshake: {
          client_auth: 'client_secret_basic',
          issuer: server.issuer,
          revocation_url: server.revocationUrl,
        },
      },
      beta: {
        display_name: 'Beta CRM',
        // The secret store holds the real credentials; these must lose.
        client_id: 'not-the-client-id',
        client_secret: 'not-the-client-secret',
        authorize_url: server.authorizeUrl,
        token_url: server.tokenUrl,
        options: { scope: 'tickets.read contacts' },
        token_type: 'account',
        handshake: {
          client_auth: 'client_secret_post',
          rate_limit: { reset_header: 'X-Beta-Reset', reset: 'seconds' },
        },
      },
      crew: {
        display_name: 'Crew Calendar',
        client_id: PROVIDER_CLIENTS.crew.clientId,
        client_secret: PROVIDER_CLIENTS.crew.clientSecret,
        authorize_url: server.authorizeUrl,
        token_url: server.tokenUrl,
        options: { scope: 'contacts' },
        token_type: 'agent',
        handshake: { metadata_url: `${server.issuer}/.well-known/openid-configuration` },
      },
    },
  });
  return dir;
}
