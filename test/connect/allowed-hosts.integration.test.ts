/**
 * handshake.allowed_hosts at run time (SPEC §6), on DynamoDB Local with a real egress: an
 * integration whose host the connect form's `org` makes up wholly may reach only the declared
 * patterns. Every name resolves to a counting listener the egress allow list lets through, so
 * only the allowed_hosts check can be what stops a request — and the counter proves nothing left.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { EVENTS_OFF } from '../../lib/accounts/events';
import type { AccountKey } from '../../lib/accounts/record';
import type { App } from '../../lib/app';
import { handleCallback } from '../../lib/connect/callback';
import { submitConnectForm } from '../../lib/connect/connect';
import type { ConnectDeps } from '../../lib/connect/deps';
import { createConnectLink } from '../../lib/connect/links';
import { revokeGrants } from '../../lib/connect/revoke';
import { loadCipher } from '../../lib/crypto';
import { createEgress, type Egress, parseAllowList } from '../../lib/egress';
import { refreshAccount } from '../../lib/refresh/refresh-account';
import { createFileSecretSource } from '../../lib/secrets/file';
import { dynamoAccountStore } from '../../lib/store/dynamo-accounts';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { dynamoPendingStore } from '../../lib/store/dynamo-pending';
import { installationPk } from '../../lib/store/layout';
import { sealTokenSet } from '../../lib/tokens/token-set';
import { type Vault, vaultFrom } from '../../lib/tokens/vault';
import { ensureLocalSecrets } from '../../tools/local/local-secrets';
import { type CountingServer, startCountingServer } from '../invoke/support/counting-server';
import { loadTempApp, MANIFEST, tableLookup } from '../invoke/support/probe-deps';
import { createTestTable, type TestTable } from '../support/dynamo';

const INSTALLATION = 'in_fencefencefencefenca';

let table: TestTable;
let vault: Vault;
let server: CountingServer;
let egress: Egress;
let lookup: ReturnType<typeof tableLookup>;
let deps: ConnectDeps;

/** The test app: `fenced` takes its whole host from the form and allows only `patterns`. */
const appAllowing = (patterns: readonly string[]): App =>
  loadTempApp({
    'manifest.json': MANIFEST([]),
    'config/oauth_config.json': {
      integrations: {
        fenced: {
          display_name: 'Fenced',
          client_id: 'operator-client',
          client_secret: 'operator-secret-Qv7',
          authorize_url: 'https://<%= oauth_iparams.org %>/oauth/authorize',
          token_url: 'https://<%= oauth_iparams.org %>/oauth/token',
          token_type: 'account',
          oauth_iparams: { org: { display_name: 'Organization', type: 'text', required: true } },
          handshake: {
            allowed_hosts: patterns,
            revocation_url: 'https://<%= oauth_iparams.org %>/oauth/revoke',
          },
        },
      },
    },
  });

const stateItems = async () => {
  const result = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :state)',
      ExpressionAttributeValues: { ':pk': installationPk(INSTALLATION), ':state': 'STATE#' },
    }),
  );
  return result.Items ?? [];
};

async function newLinkToken(): Promise<string> {
  const link = await createConnectLink(deps, INSTALLATION, { integration: 'fenced' });
  return link.url.slice(link.url.lastIndexOf('/') + 1);
}

const nothingSent = () => {
  expect(lookup.calls).toEqual([]);
  expect(server.connections()).toBe(0);
  expect(server.bytes()).toBe(0);
};

beforeAll(async () => {
  table = await createTestTable();
  const secrets = createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-fence-')));
  await ensureLocalSecrets(secrets);
  vault = vaultFrom(await loadCipher(secrets));
  await dynamoInstallationStore(table).create({
    id: INSTALLATION,
    keyHash: 'ab'.repeat(32),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date().toISOString(),
  });
  deps = {
    app: appAllowing(['*.acme.test']),
    events: EVENTS_OFF,
    publicUrl: 'https://handshake.test',
    installations: dynamoInstallationStore(table),
    accounts: dynamoAccountStore(table),
    pending: dynamoPendingStore(table),
    secrets,
    secretsTarget: { kind: 'local' },
    vault: async () => vault,
    // Replaced per test, once the listener's port is known.
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
  server = await startCountingServer({ host: '127.0.0.1' });
  // Any name is the listener, and the egress policy lets it through: only allowed_hosts can refuse.
  lookup = tableLookup(
    Object.fromEntries(
      ['login.acme.test', 'evil.example', 'acme.test', 'login.acme.test.evil.example'].map((name) => [
        name,
        ['127.0.0.1'],
      ]),
    ),
  );
  egress = createEgress({ allow: parseAllowList([`127.0.0.1:${server.port}`]), lookup });
  deps = { ...deps, egress, app: appAllowing([`*.acme.test:${server.port}`]) };
});

afterEach(async () => {
  await egress.close();
  await server.close();
});

describe('the connect form', () => {
  it.each(['evil.example:PORT', 'acme.test:PORT', 'login.acme.test.evil.example:PORT', 'login.acme.test'])(
    're-shows the form with 400 for %s, stores no state and redirects nowhere',
    async (entered) => {
      // Prepare
      const token = await newLinkToken();
      const before = (await stateItems()).length;
      const org = entered.replace('PORT', String(server.port));

      // Act
      const outcome = await submitConnectForm(deps, token, new URLSearchParams({ org }));

      // Assess
      expect(outcome).toMatchObject({ kind: 'form', status: 400 });
      if (outcome.kind !== 'form') throw new Error('expected the form');
      expect(outcome.model.errors).toEqual({
        org: `Organization must lead to a server this app allows (*.acme.test:${server.port}).`,
      });
      expect(outcome.model.values).toEqual({ org });
      expect((await stateItems()).length).toBe(before);
      nothingSent();
    },
  );

  it('sends the person on for a host the patterns allow (the check is what stopped the others)', async () => {
    // Prepare
    const token = await newLinkToken();
    const before = (await stateItems()).length;

    // Act
    const outcome = await submitConnectForm(
      deps,
      token,
      new URLSearchParams({ org: `login.acme.test:${server.port}` }),
    );

    // Assess
    expect(outcome.kind).toBe('redirect');
    if (outcome.kind !== 'redirect') throw new Error('expected a redirect');
    expect(new URL(outcome.location).host).toBe(`login.acme.test:${server.port}`);
    expect((await stateItems()).length).toBe(before + 1);
  });
});

describe('the code exchange', () => {
  it('sends nothing when the token_url host is no longer allowed (patterns narrowed by a redeploy)', async () => {
    // Prepare: an authorization started under the old patterns.
    const outcome = await submitConnectForm(
      deps,
      await newLinkToken(),
      new URLSearchParams({ org: `login.acme.test:${server.port}` }),
    );
    if (outcome.kind !== 'redirect' || outcome.setCookie === undefined)
      throw new Error('expected a redirect');
    const state = new URL(outcome.location).searchParams.get('state') ?? '';
    const [name = '', value = ''] = (outcome.setCookie.split(';')[0] ?? '').split('=');
    const redeployed = { ...deps, app: appAllowing([`*.other.test:${server.port}`]) };

    // Act
    const result = await handleCallback(redeployed, {
      query: { state, code: 'code-1' },
      cookies: { [name]: value },
    });

    // Assess
    expect(result).toMatchObject({
      kind: 'done',
      success: false,
      error: 'token_url_refused',
      description: `host login.acme.test:${server.port} is not in handshake.allowed_hosts`,
      failedAt: 'deployment',
    });
    nothingSent();
  });
});

describe('a refresh', () => {
  const key = (account: string): AccountKey => ({
    installationId: INSTALLATION,
    integration: 'fenced',
    account,
  });

  async function connectedWith(account: string, org: string) {
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

  const refresh = (account: string) =>
    refreshAccount({ ...deps, leaseOwner: () => 'test' }, key(account), { kind: 'due', now: Date.now() });

  it('sends nothing when the stored oauth_iparams lead outside the patterns, and keeps the account', async () => {
    // Prepare: an account connected before allowed_hosts was declared.
    await connectedWith('old', `evil.example:${server.port}`);

    // Act
    const outcome = await refresh('old');

    // Assess
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') throw new Error('expected a failure');
    expect(outcome.error).toMatchObject({
      code: 'refused',
      description: expect.stringContaining('allowed_hosts'),
    });
    expect(outcome.record.status).toBe('authorized');
    nothingSent();
  });

  it('does reach an allowed host (the listener counts what is sent)', async () => {
    // Prepare
    await connectedWith('fine', `login.acme.test:${server.port}`);

    // Act
    const outcome = await refresh('fine');

    // Assess: https to a plain TCP listener cannot complete, but the request did leave.
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'unavailable' } });
    expect(lookup.calls).toEqual(['login.acme.test']);
    expect(server.connections()).toBe(1);
  });

  it('revokes nothing at a host outside the patterns when the installation is deleted', async () => {
    // Prepare
    await connectedWith('gone', `evil.example:${server.port}`);
    const record = await dynamoAccountStore(table).get(key('gone'));
    if (record === undefined) throw new Error('no account');

    // Act
    await revokeGrants(deps, [record]);

    // Assess
    nothingSent();
  });
});
