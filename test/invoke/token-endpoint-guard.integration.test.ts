/**
 * The egress policy guards the token endpoints too (SPEC §6): token_url is rendered from
 * installer-entered oauth_iparams, so an installer must not be able to point the code exchange
 * (with the client secret) at loopback, the metadata service or a private network. A real
 * egress with an injected resolver; a counting listener proves nothing was sent.
 */
import type { Integration } from '../../lib/app';
import { checkConnectForm } from '../../lib/connect/connect-fields';
import { createEgress, type Egress, parseAllowList } from '../../lib/egress';
import { callTokenEndpoint, type TokenRequest } from '../../lib/oauth/token-endpoint';
import { type CountingServer, startCountingServer } from './support/counting-server';
import { loadTempApp, MANIFEST, tableLookup } from './support/probe-deps';

/*
 * The installer's own OAuth app on a server they name (a self-managed GitLab, say): the one case
 * where a whole host from oauth_iparams needs no allowed_hosts, so the egress policy is what
 * stands between the entered host and the network. (The client fields are optional here only so
 * that the form cases below can leave them out.)
 */
const OAUTH_CONFIG = {
  integrations: {
    acme: {
      display_name: 'Acme',
      client_id: '<%= oauth_iparams.client_id %>',
      client_secret: '<%= oauth_iparams.client_secret %>',
      authorize_url: 'https://<%= oauth_iparams.domain %>/oauth/authorize',
      token_url: 'https://<%= oauth_iparams.domain %>/oauth/token',
      token_type: 'account',
      oauth_iparams: {
        domain: { display_name: 'Acme domain', type: 'text', required: true },
        note: { display_name: 'Note', type: 'text', required: false },
        client_id: { display_name: 'Client id', type: 'text', required: false },
        client_secret: { display_name: 'Client secret', type: 'api_key', required: false },
      },
    },
  },
};

const DNS = {
  localhost: ['127.0.0.1', '::1'],
  'loopback.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'mixed.test': ['93.184.215.14', '127.0.0.1'],
};

let integration: Integration;
let server: CountingServer;
const egresses: Egress[] = [];

beforeAll(() => {
  const app = loadTempApp({ 'manifest.json': MANIFEST([]), 'config/oauth_config.json': OAUTH_CONFIG });
  const acme = app.integrations.get('acme');
  if (acme === undefined) throw new Error('the test app has no "acme" integration');
  integration = acme;
});

beforeEach(async () => {
  server = await startCountingServer({ host: '127.0.0.1' });
});

afterEach(async () => {
  await Promise.all(egresses.splice(0).map((egress) => egress.close()));
  await server.close();
});

function egressWith(allow: readonly string[]) {
  const lookup = tableLookup(DNS);
  const egress = createEgress({ allow: parseAllowList(allow), lookup });
  egresses.push(egress);
  return { egress, lookup };
}

const exchange = (domain: string, clientSecret = 'secret-1'): TokenRequest => ({
  integration,
  oauthIparams: { domain, client_id: 'client-1', client_secret: 'secret-1' },
  facts: {},
  credentials: { clientId: 'client-1', clientSecret },
  grant: { grant_type: 'authorization_code', code: 'code-1', redirect_uri: 'https://handshake.test/cb' },
});

const call = (egress: Egress, domain: string) =>
  callTokenEndpoint(exchange(domain), egress, { timeoutMs: 5000, now: Date.now });

describe('token endpoint calls under the egress policy', () => {
  it('refuses a token_url rendered to loopback, metadata or a numeric IPv4, and sends nothing', async () => {
    // Prepare
    const { egress, lookup } = egressWith([]);
    const p = server.port;
    const domains = [
      '127.0.0.1',
      `127.0.0.1:${p}`,
      `loopback.test:${p}`,
      '169.254.169.254',
      'metadata.test',
      `2130706433:${p}`,
      `0x7f000001:${p}`,
      `127.1:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `mixed.test:${p}`,
      `localhost.:${p}`,
    ];

    // Act
    const results = [];
    for (const domain of domains) results.push({ domain, result: await call(egress, domain) });

    // Assert
    expect(results.map(({ domain, result }) => ({ domain, kind: result.kind }))).toEqual(
      domains.map((domain) => ({ domain, kind: 'refused' })),
    );
    for (const { result } of results) {
      // Only scheme://host:port is ever named: never the path, the code or the secret.
      expect(result).toEqual({
        kind: 'refused',
        reason: expect.not.stringMatching(/oauth\/token|secret-1|code-1/),
      });
    }
    expect(lookup.calls).toEqual(['loopback.test', 'metadata.test', 'mixed.test', 'localhost']);
    expect(server.connections()).toBe(0);
    expect(server.bytes()).toBe(0);
  });

  it('the listener does see a call the allow list lets through (the counter works)', async () => {
    // Prepare
    const { egress } = egressWith([`127.0.0.1:${server.port}`]);

    // Act
    const result = await call(egress, `127.0.0.1:${server.port}`);

    // Assert: https to a plain TCP listener cannot complete, but the connection was made.
    expect(result.kind).toBe('unavailable');
    expect(server.connections()).toBe(1);
    expect(server.bytes()).toBeGreaterThan(0);
  });
});

describe("a host the installer chose, with the operator's secret", () => {
  it('is refused before DNS when a stored client-credentials secret replaced the entered one', async () => {
    // Prepare: the allow list would let the listener through.
    const { egress, lookup } = egressWith([`127.0.0.1:${server.port}`]);

    // Act
    const result = await callTokenEndpoint(
      exchange(`127.0.0.1:${server.port}`, 'stored-operator-secret'),
      egress,
      {
        timeoutMs: 5000,
        now: Date.now,
      },
    );

    // Assess
    expect(result).toEqual({
      kind: 'refused',
      reason: expect.stringMatching(/chosen by the installer and the client secret is not theirs/),
    });
    expect(result).toEqual({ kind: 'refused', reason: expect.not.stringMatching(/stored-operator-secret/) });
    expect(lookup.calls).toEqual([]);
    expect(server.connections()).toBe(0);
  });
});

describe('the connect form check, before any state is created', () => {
  const form = (fields: Record<string, string>) => checkConnectForm(integration, new URLSearchParams(fields));

  it.each([
    'evil.example/x?',
    'evil.example#',
    'a@127.0.0.1',
    'evil.example\\x',
    'evil.example%2f',
    'evil .example',
    'evil.example\r\nX: y',
  ])('refuses %j for a field rendered into token_url', (domain) => {
    // Act
    const checked = form({ domain });

    // Assert
    expect(checked.errors).toEqual({
      domain:
        "Acme domain may contain only letters, digits, '.', '-', '_', '~' and ':' (for example acme.example.com).",
    });
  });

  it('accepts a plain domain, with or without a port', () => {
    // Act
    const plain = form({ domain: 'acme.example.com' });
    const withPort = form({ domain: 'acme.example.com:8443' });

    // Assert
    expect(plain).toEqual({ values: { domain: 'acme.example.com' }, errors: {} });
    expect(withPort).toEqual({ values: { domain: 'acme.example.com:8443' }, errors: {} });
  });

  it('does not restrict a field that no provider URL uses', () => {
    // Act
    const checked = form({ domain: 'acme.example.com', note: 'a@b/c?d#e' });

    // Assert
    expect(checked).toEqual({ values: { domain: 'acme.example.com', note: 'a@b/c?d#e' }, errors: {} });
  });
});
