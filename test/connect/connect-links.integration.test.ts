/**
 * Connect links as the app's backend makes them (issue 18): oauth_iparams it already knows
 * (a store hash, a Jira base URL) pre-filled and bound to the link, extra scopes for one
 * connection, and the values on the page that may reach a provider URL — a base URL with a
 * context path, never one that moves the host. Everything through the HTTP API.
 */
import {
  ADMIN,
  accountsOf,
  connectLink,
  createInstallation,
  itemsOfKind,
  linkFor,
  openConnectPage,
  postConnectForm,
  startAuthorization,
  storedTokens,
  useHarness,
} from '../support/harness';
import { connectOverApi, tokens, useProviderDouble, writeApp } from '../support/provider-double';

const provider = useProviderDouble();
useHarness({
  env: () => ({
    APP_DIR: writeApp({
      oauthConfig: {
        integrations: {
          store: {
            display_name: 'Store',
            client_id: 'store-client',
            client_secret: 'store-secret',
            authorize_url: `${provider().origin}/stores/<%= oauth_iparams.store_hash %>/authorize`,
            token_url: `${provider().origin}/stores/<%= oauth_iparams.store_hash %>/token`,
            options: { scope: 'store_v2_products' },
            token_type: 'account',
            oauth_iparams: {
              store_hash: { display_name: 'Store hash', type: 'text', required: true },
              region: { display_name: 'Region', type: 'text', required: false },
              api_key: { display_name: 'Store API key', type: 'api_key', required: false },
            },
            handshake: { scope_separator: ',', allowed_hosts: [provider().host] },
          },
          wiki: {
            display_name: 'Wiki',
            client_id: 'wiki-client',
            client_secret: 'wiki-secret',
            authorize_url: '<%= oauth_iparams.base_url %>/rest/oauth2/latest/authorize',
            token_url: '<%= oauth_iparams.base_url %>/rest/oauth2/latest/token',
            options: { scope: 'READ' },
            token_type: 'account',
            oauth_iparams: { base_url: { display_name: 'Wiki base URL', type: 'url', required: true } },
            handshake: { allowed_hosts: [provider().host] },
          },
          gitlab: {
            display_name: 'GitLab',
            client_id: '<%= oauth_iparams.id %>',
            client_secret: '<%= oauth_iparams.secret %>',
            authorize_url: 'https://<%= oauth_iparams.domain %>/oauth/authorize',
            token_url: 'https://<%= oauth_iparams.domain %>/oauth/token',
            token_type: 'account',
            oauth_iparams: {
              domain: { display_name: 'GitLab domain', type: 'text', required: true },
              id: { display_name: 'Application ID', type: 'text', required: true },
              secret: { display_name: 'Secret', type: 'api_key', required: true },
            },
          },
        },
      },
      requests: {
        products: {
          schema: { method: 'GET', protocol: 'http', host: provider().host, path: '/products' },
          options: { oauth: 'store' },
        },
      },
    }),
  }),
});

const storeUrl = (hash: string) => `${provider().origin}/stores/${hash}/authorize`;

describe('pre-filled oauth_iparams', () => {
  it('shows a pre-filled field read-only and ignores a posted value that tries to change it', async () => {
    // Prepare
    const installation = await createInstallation();
    const url = await linkFor(installation.id, {
      integration: 'store',
      oauth_iparams: { store_hash: 'abc123' },
    });
    // Act
    const page = await (await fetch(url)).text();
    const started = await startAuthorization(url, { store_hash: 'evil', region: 'eu' });
    // Assess
    expect(page).toMatch(
      /<input id="f-store_hash" name="store_hash" type="text" value="abc123" autocomplete="off" readonly/,
    );
    expect(page).toMatch(/<input id="f-region" name="region" type="text" value="" autocomplete="off">/);
    expect(`${started.provider.origin}${started.provider.pathname}`).toBe(storeUrl('abc123'));
  });

  it('leaves hidden pre-filled fields off the page, uses them, and keeps them with the account', async () => {
    // Prepare
    const installation = await createInstallation();
    const link = { oauth_iparams: { store_hash: 'h-9', region: 'us' }, oauthIparamsHidden: true };
    // Act
    const url = await linkFor(installation.id, { integration: 'store', ...link });
    const page = await (await fetch(url)).text();
    const connected = await connectOverApi(installation.id, {
      integration: 'store',
      link,
      fields: { store_hash: 'evil', region: 'eu' },
    });
    // Assess
    expect(page).not.toContain('name="store_hash"');
    expect(page).not.toContain('name="region"');
    expect(page).not.toContain('h-9');
    expect(connected.status).toBe(200);
    expect(connected.authorize.pathname).toBe('/stores/h-9/authorize');
    expect(provider().callsTo('/stores/h-9/token')).toHaveLength(1);
    const { tokens: stored } = await storedTokens(installation.id, 'store');
    expect(stored?.oauthIparams).toEqual({ store_hash: 'h-9', region: 'us' });
  });

  it('never writes a pre-filled secret into the page, and stores the values sealed with the link', async () => {
    // Prepare
    const installation = await createInstallation();
    // Act
    const url = await linkFor(installation.id, {
      integration: 'store',
      oauth_iparams: { store_hash: 'plain-hash-77', api_key: 'sk-live-secret-1' },
    });
    const page = await (await fetch(url)).text();
    // Assess
    expect(page).not.toContain('sk-live-secret-1');
    expect(page).not.toContain('name="api_key"');
    const [item] = await itemsOfKind(installation.id, 'LINK#');
    expect(JSON.stringify(item)).not.toContain('sk-live-secret-1');
    expect(JSON.stringify(item)).not.toContain('plain-hash-77');
  });

  it.each([
    ['an unknown field', { nope: 'x' }, 'oauth_iparams.nope: nope is not a parameter of this integration'],
    [
      'a value that would move the URL',
      { store_hash: 'evil.example/x?' },
      'oauth_iparams.store_hash may contain only letters',
    ],
    ['a value that is not a string', { store_hash: 7 }, 'oauth_iparams.store_hash: Invalid type'],
  ])('refuses %s with 400 naming the field, and stores no link', async (_name, values, message) => {
    // Prepare
    const installation = await createInstallation();
    // Act
    const link = await connectLink(installation.id, ADMIN, { integration: 'store', oauth_iparams: values });
    // Assess
    expect(link.status).toBe(400);
    expect(JSON.stringify(link.body)).toContain(message);
    expect(await itemsOfKind(installation.id, 'LINK#')).toEqual([]);
  });

  it('names the pre-filled provider origin in the page form-action, and keeps its context path', async () => {
    // Prepare
    const installation = await createInstallation();
    const base = `${provider().origin}/wiki`;
    const url = await linkFor(installation.id, {
      integration: 'wiki',
      oauth_iparams: { base_url: `${base}/` },
    });
    // Act
    const page = await fetch(url);
    const started = await startAuthorization(url, { base_url: 'https://wiki.evil.example' });
    // Assess
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${provider().origin};`);
    expect(`${started.provider.origin}${started.provider.pathname}`).toBe(
      `${base}/rest/oauth2/latest/authorize`,
    );
  });

  it('refuses a pre-filled base URL outside allowed_hosts at link creation', async () => {
    // Prepare
    const installation = await createInstallation();
    // Act
    const link = await connectLink(installation.id, ADMIN, {
      integration: 'wiki',
      oauth_iparams: { base_url: 'https://wiki.evil.example/wiki' },
    });
    // Assess
    expect(link.status).toBe(400);
    expect(JSON.stringify(link.body)).toContain(
      'oauth_iparams.base_url must lead to a server this app allows',
    );
    expect(await itemsOfKind(installation.id, 'LINK#')).toEqual([]);
  });
});

describe('a pre-filled client secret (the installer-brings-their-own-client rule)', () => {
  it('is refused while the person would still choose the server it goes to', async () => {
    // Prepare
    const installation = await createInstallation();
    // Act
    const link = await connectLink(installation.id, ADMIN, {
      integration: 'gitlab',
      oauth_iparams: { id: 'app-1', secret: 'backend-secret' },
    });
    // Assess
    expect(link.status).toBe(400);
    expect(link.body).toMatchObject({
      error: {
        details: [
          { field: 'oauth_iparams.secret', message: expect.stringContaining('oauth_iparams.domain') },
        ],
      },
    });
    expect(await itemsOfKind(installation.id, 'LINK#')).toEqual([]);
  });

  it('is taken together with the fields that choose the server', async () => {
    // Prepare
    const installation = await createInstallation();
    // Act
    const link = await connectLink(installation.id, ADMIN, {
      integration: 'gitlab',
      oauth_iparams: { domain: 'gitlab.acme.example', id: 'app-1', secret: 'backend-secret' },
    });
    // Assess
    expect(link.status).toBe(201);
  });
});

describe('extra scopes for one connection', () => {
  it('adds them to options.scope with the scope separator and stores the granted scope, shown by GET', async () => {
    // Prepare
    const installation = await createInstallation();
    provider().answer = (call, count) =>
      call.path.endsWith('/token')
        ? tokens(count, { scope: 'store_v2_products,store_v2_orders_read_only' })
        : { body: {} };
    // Act
    const connected = await connectOverApi(installation.id, {
      integration: 'store',
      fields: { store_hash: 's1' },
      link: { scopes: ['store_v2_orders', 'store_v2_products'] },
    });
    // Assess
    expect(connected.authorize.searchParams.get('scope')).toBe('store_v2_products,store_v2_orders');
    const [account] = await accountsOf(installation.id, 'store');
    expect(account?.scope).toBe('store_v2_products,store_v2_orders_read_only');
  });

  it.each([
    ['a space', ['read write']],
    ['a double quote', ['read"']],
    ['a backslash', ['read\\']],
    ['the separator', ['a,b']],
    ['an empty scope', ['']],
    ['a non-ASCII scope', ['lecture-é']],
    ['too long a scope', ['x'.repeat(257)]],
    ['too many scopes', Array.from({ length: 51 }, (_, index) => `s${index}`)],
  ])('refuses %s with 400 and stores no link', async (_name, scopes) => {
    // Prepare
    const installation = await createInstallation();
    // Act
    const link = await connectLink(installation.id, ADMIN, { integration: 'store', scopes });
    // Assess
    expect(link.status).toBe(400);
    expect(JSON.stringify(link.body)).toContain('RFC 6749 section 3.3');
    expect(await itemsOfKind(installation.id, 'LINK#')).toEqual([]);
  });
});

describe('a base URL typed on the connect page', () => {
  it('keeps its context path in the provider URL', async () => {
    // Prepare
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'wiki' });
    // Act
    const started = await startAuthorization(url, { base_url: `${provider().origin}/wiki/` });
    // Assess
    expect(`${started.provider.origin}${started.provider.pathname}`).toBe(
      `${provider().origin}/wiki/rest/oauth2/latest/authorize`,
    );
  });

  it.each([
    [
      'user information that would move the host',
      (o: string) => `http://${new URL(o).host}@evil.example/wiki`,
    ],
    ['user information before the allowed host', (o: string) => `http://user:pw@${new URL(o).host}/wiki`],
    ['an encoded dot segment', (o: string) => `${o}/wiki/%2e%2e/admin`],
    ['an encoded slash', (o: string) => `${o}/wiki%2fadmin`],
    ['a dot-dot segment', (o: string) => `${o}/wiki/../admin`],
    ['a backslash', (o: string) => `${o}\\@evil.example/wiki`],
    ['a CR/LF', (o: string) => `${o}/wiki\r\nX-Evil: 1`],
    ['a query', (o: string) => `${o}/wiki?x=1`],
    ['a fragment', (o: string) => `${o}/wiki#x`],
    ['another scheme', (o: string) => `javascript://${new URL(o).host}/wiki`],
    ['an IP address', () => 'https://127.0.0.1/wiki'],
    ['plain http to a host the egress list does not name', () => 'http://wiki.example.com/wiki'],
    ['a host outside allowed_hosts', () => 'https://wiki.evil.example/wiki'],
  ])('refuses %s: the form again with the field message, no state, nothing sent', async (_name, value) => {
    // Prepare
    const installation = await createInstallation();
    const url = await linkFor(installation.id, { integration: 'wiki' });
    const before = provider().calls.length;
    // Act
    const response = await postConnectForm(url, await openConnectPage(url), {
      base_url: value(provider().origin),
    });
    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(/<p class="error" role="alert">Wiki base URL (must|does not)/);
    expect(await itemsOfKind(installation.id, 'STATE#')).toEqual([]);
    expect(provider().calls.length).toBe(before);
  });
});
