/**
 * The handshake and refresh quirks of real providers (issue 18), each as `handshake` data, on
 * DynamoDB Local with a real egress: a small HTTP provider in the test records what it receives
 * and answers as the provider it imitates (Notion's JSON token request, Slack's nested fields,
 * TikTok's renamed parameters, Figma's refresh endpoint, Amazon SP-API's code parameter…).
 * Each test runs the real use cases — connect form, callback, refresh — and asserts what the
 * provider received and what was stored.
 */

import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS_OFF } from '../../lib/accounts/events';
import type { AccountKey } from '../../lib/accounts/record';
import type { App } from '../../lib/app';
import { handleCallback } from '../../lib/connect/callback';
import { submitConnectForm } from '../../lib/connect/connect';
import type { ConnectDeps } from '../../lib/connect/deps';
import { createConnectLink } from '../../lib/connect/links';
import { loadCipher } from '../../lib/crypto';
import { createEgress, type Egress, parseAllowList } from '../../lib/egress';
import { importGrant } from '../../lib/refresh/import-grant';
import { refreshAccount } from '../../lib/refresh/refresh-account';
import { createFileSecretSource } from '../../lib/secrets/file';
import { dynamoAccountStore } from '../../lib/store/dynamo-accounts';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { dynamoPendingStore } from '../../lib/store/dynamo-pending';
import { openTokenSet, sealTokenSet } from '../../lib/tokens/token-set';
import { type Vault, vaultFrom } from '../../lib/tokens/vault';
import { ensureLocalSecrets } from '../../tools/local/local-secrets';
import { loadTempApp, MANIFEST, tableLookup } from '../invoke/support/probe-deps';
import { createTestTable, type TestTable } from '../support/dynamo';

const INSTALLATION = 'in_quirksquirksquirksqu';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** The provider's token endpoint(s): records each request, answers with `answer(path, n)`. */
interface Provider {
  readonly origin: string;
  readonly received: Received[];
  answer: (path: string, count: number) => unknown;
  close(): Promise<void>;
}

async function startProvider(): Promise<Provider> {
  const received: Received[] = [];
  const provider: Provider = {
    origin: '',
    received,
    answer: () => ({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 3600 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      received.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const count = received.filter((r) => r.path === path).length;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(provider.answer(path, count)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(provider, { origin: `http://127.0.0.1:${port}` });
}

let table: TestTable;
let vault: Vault;
let provider: Provider;
let egress: Egress;
let base: ConnectDeps;
let accountNumber = 0;

/** An app with one integration `quirky` at the test provider, with these handshake settings. */
const appWith = (
  handshake: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>> = {},
): App =>
  loadTempApp({
    'manifest.json': MANIFEST([]),
    'config/oauth_config.json': {
      integrations: {
        quirky: {
          display_name: 'Quirky',
          client_id: 'quirky-client',
          client_secret: 'quirky-secret-Hn4',
          authorize_url: `${provider.origin}/oauth/authorize`,
          token_url: `${provider.origin}/oauth/token`,
          token_type: 'account',
          options: { scope: 'read write' },
          ...extra,
          handshake: { pkce: false, ...handshake },
        },
      },
    },
  });

interface Connected {
  readonly authorize: URL;
  readonly key: AccountKey;
  readonly deps: ConnectDeps;
}

/** Link → form → the provider's redirect back with `callbackQuery` (the code under `code` unless given). */
async function connect(
  app: App,
  callbackQuery: (state: string) => Record<string, string> = (state) => ({ state, code: 'code-1' }),
  form: Record<string, string> = {},
): Promise<Connected> {
  accountNumber += 1;
  const account = `acct-${accountNumber}`;
  const deps = { ...base, app };
  const link = await createConnectLink(deps, INSTALLATION, { integration: 'quirky', account });
  const token = link.url.slice(link.url.lastIndexOf('/') + 1);
  const outcome = await submitConnectForm(deps, token, new URLSearchParams(form));
  if (outcome.kind !== 'redirect' || outcome.setCookie === undefined) throw new Error('expected a redirect');
  const authorize = new URL(outcome.location);
  const state = authorize.searchParams.get('state') ?? '';
  const [name = '', value = ''] = (outcome.setCookie.split(';')[0] ?? '').split('=');
  const result = await handleCallback(deps, { query: callbackQuery(state), cookies: { [name]: value } });
  expect(result).toMatchObject({ kind: 'done', success: true });
  return { authorize, key: { installationId: INSTALLATION, integration: 'quirky', account }, deps };
}

async function stored(key: AccountKey) {
  const record = await dynamoAccountStore(table).get(key);
  if (record?.status !== 'authorized') throw new Error('expected an authorized account');
  return { record, tokens: openTokenSet(vault, record) };
}

const refresh = (connected: Connected) =>
  refreshAccount({ ...connected.deps, leaseOwner: () => 'test' }, connected.key, { kind: 'any' });

const tokenRequests = () => provider.received.filter((r) => r.method === 'POST');

beforeAll(async () => {
  table = await createTestTable();
  const secrets = createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-quirks-')));
  await ensureLocalSecrets(secrets);
  vault = vaultFrom(await loadCipher(secrets));
  await dynamoInstallationStore(table).create({
    id: INSTALLATION,
    keyHash: 'cd'.repeat(32),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date().toISOString(),
  });
  base = {
    app: undefined as unknown as App,
    events: EVENTS_OFF,
    publicUrl: 'https://handshake.test',
    installations: dynamoInstallationStore(table),
    accounts: dynamoAccountStore(table),
    pending: dynamoPendingStore(table),
    secrets,
    secretsTarget: { kind: 'local' },
    vault: async () => vault,
    egress: createEgress({ allow: parseAllowList([]) }),
    allowsPlainHttp: () => false,
    tokenTimeoutMs: 5000,
    now: () => new Date(),
  };
});

afterAll(async () => {
  await table.drop();
});

beforeEach(async () => {
  provider = await startProvider();
  egress = createEgress({ allow: parseAllowList([provider.origin.slice('http://'.length)]) });
  base = { ...base, egress };
});

afterEach(async () => {
  await egress.close();
  await provider.close();
});

describe('token_request: "json" (Notion, Cal.com)', () => {
  it('sends the code exchange and the refresh as a JSON object', async () => {
    // Prepare
    const app = appWith({ token_request: 'json', client_auth: 'client_secret_post' });

    // Act
    const connected = await connect(app);
    const outcome = await refresh(connected);

    // Assess
    expect(outcome.kind).toBe('refreshed');
    const [exchange, renewal] = tokenRequests();
    expect(exchange?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(exchange?.body ?? '')).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: 'https://handshake.test/oauth/callback',
      client_id: 'quirky-client',
      client_secret: 'quirky-secret-Hn4',
    });
    expect(renewal?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(renewal?.body ?? '')).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_id: 'quirky-client',
      client_secret: 'quirky-secret-Hn4',
    });
    expect((await stored(connected.key)).tokens.accessToken).toBe('at-1');
  });

  it('keeps the form by default', async () => {
    // Act
    await connect(appWith({}));

    // Assess
    const [exchange] = tokenRequests();
    expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(exchange?.body))).toMatchObject({ code: 'code-1' });
  });
});

describe('an absolute expires_at in the token response', () => {
  it('sets the expiry from epoch seconds at the handshake and from an ISO date at the refresh', async () => {
    // Prepare: no expires_in at all, as some providers answer.
    const first = Math.floor(Date.now() / 1000) + 7200;
    const second = new Date(Date.now() + 5 * 3600_000);
    second.setMilliseconds(0);
    provider.answer = (_path, count) =>
      count === 1
        ? { access_token: 'at-1', refresh_token: 'rt-1', expires_at: first }
        : { access_token: 'at-2', refresh_token: 'rt-2', expires_at: second.toISOString() };

    // Act
    const connected = await connect(appWith({}));
    const afterHandshake = (await stored(connected.key)).record.expiresAt;
    const outcome = await refresh(connected);

    // Assess: not the 30-minute default lifetime either time.
    expect(afterHandshake).toBe(first * 1000);
    expect(outcome.kind).toBe('refreshed');
    const { record, tokens } = await stored(connected.key);
    expect(record.expiresAt).toBe(second.getTime());
    expect(tokens.accessToken).toBe('at-2');
  });
});

describe('dotted token-response fields (Slack)', () => {
  it('takes the nested access token and keeps the nested fields, sealed, across a refresh', async () => {
    // Prepare: Slack's oauth.v2.access answer for a user token.
    provider.answer = (_path, count) => ({
      ok: true,
      team: { id: 'T0ACME', name: 'Acme' },
      incoming_webhook: { url: 'https://hooks.slack.test/services/T0ACME/B1', channel: '#general' },
      authed_user: {
        id: 'U1',
        access_token: `xoxp-user-${count}`,
        refresh_token: `xoxe-refresh-${count}`,
        expires_in: 43_200,
      },
    });
    const app = appWith({
      token_response: {
        access_token: 'authed_user.access_token',
        refresh_token: 'authed_user.refresh_token',
        expires_in: 'authed_user.expires_in',
      },
      keep_fields: ['team.id', 'incoming_webhook.url'],
    });

    // Act
    const connected = await connect(app);
    const afterHandshake = (await stored(connected.key)).tokens;
    const outcome = await refresh(connected);

    // Assess
    const kept = {
      team: { id: 'T0ACME' },
      incoming_webhook: { url: 'https://hooks.slack.test/services/T0ACME/B1' },
    };
    expect(afterHandshake).toMatchObject({
      accessToken: 'xoxp-user-1',
      refreshToken: 'xoxe-refresh-1',
      extra: kept,
    });
    expect(outcome.kind).toBe('refreshed');
    const { record, tokens } = await stored(connected.key);
    expect(tokens).toMatchObject({ accessToken: 'xoxp-user-2', refreshToken: 'xoxe-refresh-2', extra: kept });
    expect(Object.fromEntries(new URLSearchParams(tokenRequests()[1]?.body))).toMatchObject({
      refresh_token: 'xoxe-refresh-1',
    });
    expect((record.expiresAt ?? 0) - Date.now()).toBeGreaterThan(43_000_000);
    // Kept, but never in the clear: the webhook URL is a credential of its own.
    const item = JSON.stringify(await dynamoAccountStore(table).get(connected.key));
    expect(item).not.toContain('hooks.slack.test');
  });
});

describe('authorize_param_names (TikTok, Printful)', () => {
  it('sends the client id and redirect URI under the provider’s names, and the handshake completes', async () => {
    // Prepare
    const app = appWith({ authorize_param_names: { client_id: 'client_key', redirect_uri: 'redirect_url' } });

    // Act
    const connected = await connect(app);

    // Assess
    const query = Object.fromEntries(connected.authorize.searchParams);
    expect(query).toEqual({
      scope: 'read write',
      response_type: 'code',
      client_key: 'quirky-client',
      redirect_url: 'https://handshake.test/oauth/callback',
      state: expect.stringMatching(/^hst_/),
    });
    expect(tokenRequests()).toHaveLength(1);
    expect((await stored(connected.key)).tokens.accessToken).toBe('at-1');
  });
});

describe('drop_empty_authorize_params (Pipedrive, Dropbox Sign)', () => {
  const pipedrive = (drop: boolean) =>
    appWith(
      { drop_empty_authorize_params: drop },
      {
        authorize_url: `${provider.origin}/oauth/authorize?team=<%= oauth_iparams.team %>&fixed=1`,
        options: { scope: '', prompt: 'login' },
        oauth_iparams: { team: { display_name: 'Team', type: 'text', required: false } },
      },
    );

  it('leaves out the parameters that rendered empty, the option and the optional field alike', async () => {
    // Act
    const connected = await connect(pipedrive(true));

    // Assess
    const names = [...connected.authorize.searchParams.keys()];
    expect(names.sort()).toEqual(['client_id', 'fixed', 'prompt', 'redirect_uri', 'response_type', 'state']);
    expect(connected.authorize.href).not.toMatch(/[?&](scope|team)=/);
    expect((await stored(connected.key)).tokens.accessToken).toBe('at-1');
  });

  it('keeps a filled-in field, and sends empty parameters when not asked to drop them', async () => {
    // Act
    const filled = await connect(pipedrive(true), undefined, { team: 'sales' });
    const kept = await connect(pipedrive(false));

    // Assess
    expect(filled.authorize.searchParams.get('team')).toBe('sales');
    expect(kept.authorize.searchParams.get('scope')).toBe('');
    expect(kept.authorize.searchParams.get('team')).toBe('');
  });
});

describe('refresh_url (Figma, Instagram, TikTok)', () => {
  it('exchanges the code at token_url and refreshes at refresh_url', async () => {
    // Prepare: Figma's two endpoints.
    provider.answer = (path) =>
      path === '/api/oauth/refresh'
        ? { access_token: 'at-2', expires_in: 7_776_000 }
        : { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 7_776_000 };
    const app = appWith(
      { refresh_url: `${provider.origin}/api/oauth/refresh` },
      { token_url: `${provider.origin}/api/oauth/token` },
    );

    // Act
    const connected = await connect(app);
    const outcome = await refresh(connected);

    // Assess
    expect(outcome.kind).toBe('refreshed');
    expect(tokenRequests().map((r) => r.path)).toEqual(['/api/oauth/token', '/api/oauth/refresh']);
    const renewal = Object.fromEntries(new URLSearchParams(tokenRequests()[1]?.body));
    expect(renewal).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_id: 'quirky-client',
    });
    // Figma sends no new refresh token: the old one stays.
    expect((await stored(connected.key)).tokens).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-1' });
  });

  describe('its host', () => {
    const key = (account: string): AccountKey => ({
      installationId: INSTALLATION,
      integration: 'quirky',
      account,
    });
    // The installer's org makes up the refresh host; only *.acme.test may receive the refresh token.
    const fenced = () =>
      appWith(
        {
          allowed_hosts: ['*.acme.test', 'login.acme.test'],
          refresh_url: 'https://<%= oauth_iparams.org %>/oauth/refresh',
        },
        {
          authorize_url: 'https://login.acme.test/oauth/authorize',
          token_url: 'https://login.acme.test/oauth/token',
          oauth_iparams: { org: { display_name: 'Organization', type: 'text', required: true } },
        },
      );

    async function storedWith(account: string, org: string): Promise<void> {
      const now = new Date().toISOString();
      await dynamoAccountStore(table).put(
        {
          ...key(account),
          status: 'authorized',
          tokens: sealTokenSet(vault, key(account), {
            accessToken: 'at-1',
            refreshToken: 'rt-1',
            oauthIparams: { org },
          }),
          expiresAt: Date.now() + 60_000,
          refreshDueAt: Date.now() - 1000,
          authorizedAt: now,
          version: 1,
          updatedAt: now,
        },
        { kind: 'absent' },
      );
    }

    const refreshWith = async (account: string) => {
      const lookup = tableLookup({ 'evil.example': ['127.0.0.1'], 'team.acme.test': ['127.0.0.1'] });
      const port = new URL(provider.origin).port;
      const fencedEgress = createEgress({
        allow: parseAllowList([`127.0.0.1:${port}`, '127.0.0.1:443']),
        lookup,
      });
      try {
        const outcome = await refreshAccount(
          { ...base, app: fenced(), egress: fencedEgress, leaseOwner: () => 'test' },
          key(account),
          { kind: 'any' },
        );
        return { outcome, lookups: lookup.calls };
      } finally {
        await fencedEgress.close();
      }
    };

    it('refuses a refresh whose refresh_url host is outside allowed_hosts: nothing is sent', async () => {
      // Prepare
      await storedWith('refresh-evil', 'evil.example');

      // Act
      const { outcome, lookups } = await refreshWith('refresh-evil');

      // Assess
      expect(outcome).toMatchObject({
        kind: 'failed',
        error: {
          code: 'refused',
          description: expect.stringContaining('host evil.example is not in handshake.allowed_hosts'),
        },
      });
      expect(lookups).toEqual([]);
      expect(provider.received).toEqual([]);
    });

    it('does try an allowed refresh host (the check is what stopped the other)', async () => {
      // Prepare
      await storedWith('refresh-team', 'team.acme.test');

      // Act
      const { outcome, lookups } = await refreshWith('refresh-team');

      // Assess: nothing listens on 127.0.0.1:443, but the request was on its way.
      expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'unavailable' } });
      expect(lookups).toEqual(['team.acme.test']);
    });

    it('refuses the connect form when the entered org leads refresh_url outside allowed_hosts', async () => {
      // Prepare
      const deps = { ...base, app: fenced() };
      const link = await createConnectLink(deps, INSTALLATION, {
        integration: 'quirky',
        account: 'form-evil',
      });

      // Act
      const outcome = await submitConnectForm(
        deps,
        link.url.slice(link.url.lastIndexOf('/') + 1),
        new URLSearchParams({ org: 'evil.example' }),
      );

      // Assess
      expect(outcome).toMatchObject({
        kind: 'form',
        status: 400,
        model: {
          errors: {
            org: 'Organization must lead to a server this app allows (*.acme.test, login.acme.test).',
          },
        },
      });
    });
  });
});

describe('code_param (Amazon SP-API)', () => {
  const amazon = () => appWith({ code_param: 'spapi_oauth_code' });

  it('exchanges the code that arrives under the provider’s parameter', async () => {
    // Act: SP-API's redirect back carries spapi_oauth_code, state and selling_partner_id.
    const connected = await connect(amazon(), (state) => ({
      state,
      spapi_oauth_code: 'ANaz-code-7',
      selling_partner_id: 'A3SELLER',
    }));

    // Assess
    expect(Object.fromEntries(new URLSearchParams(tokenRequests()[0]?.body))).toMatchObject({
      grant_type: 'authorization_code',
      code: 'ANaz-code-7',
    });
    expect((await stored(connected.key)).tokens.accessToken).toBe('at-1');
  });

  it('exchanges nothing when that parameter is missing, even with a `code` beside it', async () => {
    // Prepare
    const deps = { ...base, app: amazon() };
    const link = await createConnectLink(deps, INSTALLATION, { integration: 'quirky', account: 'no-code' });
    const outcome = await submitConnectForm(
      deps,
      link.url.slice(link.url.lastIndexOf('/') + 1),
      new URLSearchParams(),
    );
    if (outcome.kind !== 'redirect' || outcome.setCookie === undefined)
      throw new Error('expected a redirect');
    const state = new URL(outcome.location).searchParams.get('state') ?? '';
    const [name = '', value = ''] = (outcome.setCookie.split(';')[0] ?? '').split('=');

    // Act
    const result = await handleCallback(deps, {
      query: { state, code: 'code-1' },
      cookies: { [name]: value },
    });

    // Assess
    expect(result).toMatchObject({
      kind: 'done',
      success: false,
      error: 'invalid_request',
      description: 'the provider sent no spapi_oauth_code',
    });
    // Only the metadata lookup reached the provider (a GET): no token request.
    expect(tokenRequests()).toEqual([]);
  });
});

describe('an imported grant with dotted keep_fields', () => {
  const slack = () => appWith({ keep_fields: ['team.id'] });
  // These imports are not validated by a call.
  const IMPORT_CALLS = { callTemplate: () => Promise.reject(new Error('no call expected')) };
  const input = (account: string, extra: Record<string, unknown>) => ({
    installationId: INSTALLATION,
    integration: 'quirky',
    account,
    accessToken: 'xoxp-imported',
    refreshToken: 'xoxe-imported',
    expiry: { kind: 'unknown' } as const,
    extra,
    oauthIparams: {},
    validate: 'none' as const,
  });

  it('stores the kept nested field as a handshake would have', async () => {
    // Act
    await importGrant(
      { ...base, ...IMPORT_CALLS, app: slack() },
      input('imported-slack', { team: { id: 'T0ACME' } }),
    );

    // Assess
    const key = { installationId: INSTALLATION, integration: 'quirky', account: 'imported-slack' };
    expect((await stored(key)).tokens).toMatchObject({
      accessToken: 'xoxp-imported',
      extra: { team: { id: 'T0ACME' } },
    });
  });

  it('still refuses a field the integration does not keep, storing nothing', async () => {
    // Act
    const attempt = importGrant(
      { ...base, ...IMPORT_CALLS, app: slack() },
      input('imported-other', { bot: { id: 'B1' } }),
    );

    // Assess
    await expect(attempt).rejects.toThrow(
      /extra\.bot: not one of "quirky"'s keep_fields or callback_params \(team\.id\)/,
    );
    const key = { installationId: INSTALLATION, integration: 'quirky', account: 'imported-other' };
    expect(await dynamoAccountStore(table).get(key)).toBeUndefined();
  });
});
