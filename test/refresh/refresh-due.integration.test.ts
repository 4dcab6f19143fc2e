/**
 * The refresh core and the sweep (refreshDue) on DynamoDB Local, with a scripted token endpoint (an Egress
 * that answers from the test): read costs, provider quirks, leases, the time limit.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { EVENTS_OFF } from '../../lib/accounts/events';
import type { AccountKey, AuthorizedAccount } from '../../lib/accounts/record';
import { loadCipher } from '../../lib/crypto';
import type { Egress, EgressRequest, EgressResponse } from '../../lib/egress';
import { storeClientCredentials } from '../../lib/oauth/client-credentials';
import { refreshAccount } from '../../lib/refresh/refresh-account';
import { type RefreshSweepDeps, refreshDue } from '../../lib/refresh/refresh-due';
import { createFileSecretSource } from '../../lib/secrets/file';
import type { SecretWriter } from '../../lib/secrets/port';
import { dynamoAccountStore } from '../../lib/store/dynamo-accounts';
import { dynamoDueQueue } from '../../lib/store/dynamo-due-queue';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { accountSk, installationPk, refreshShard } from '../../lib/store/layout';
import { openTokenSet, sealTokenSet } from '../../lib/tokens/token-set';
import { type Vault, vaultFrom } from '../../lib/tokens/vault';
import { loadApp, readAppDir } from '../../tools/app';
import { ensureLocalSecrets } from '../../tools/local/local-secrets';
import { createTestTable, type TestTable } from '../support/dynamo';
import { REPO_ROOT } from '../support/local-env';

const app = loadApp(readAppDir(join(REPO_ROOT, 'app'))).app;
if (app === undefined) throw new Error('the sample app is valid');

/** The token endpoint's answers, in order; every request is recorded. */
class ScriptedEgress implements Egress {
  readonly requests: EgressRequest[] = [];
  answer: (request: EgressRequest) => { status: number; body: unknown } = () => ({
    status: 200,
    body: {
      access_token: `at-${this.requests.length}`,
      refresh_token: `rt-${this.requests.length}`,
      expires_in: 3600,
    },
  });
  async send(request: EgressRequest): Promise<EgressResponse> {
    this.requests.push(request);
    const { status, body } = this.answer(request);
    return {
      status,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    };
  }
  async close() {}
}

let table: TestTable;
let vault: Vault;
let egress: ScriptedEgress;
let deps: RefreshSweepDeps;
let credentials: SecretWriter;
let installationId: string;

beforeAll(async () => {
  table = await createTestTable();
  const secrets = createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-sweep-')));
  await ensureLocalSecrets(secrets);
  vault = vaultFrom(await loadCipher(secrets));
  installationId = 'in_sweepsweepsweepswee';
  await dynamoInstallationStore(table).create({
    id: installationId,
    keyHash: 'ab'.repeat(32),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date().toISOString(),
  });
});
afterAll(async () => {
  await table.drop();
});
beforeEach(async () => {
  egress = new ScriptedEgress();
  // The sample app's file holds placeholders: the operator's credentials are stored.
  credentials = createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-sweep-creds-')));
  await storeClientCredentials(credentials, 'hubspot', { clientId: 'hub-id', clientSecret: 'hub-secret' });
  deps = {
    app,
    events: EVENTS_OFF,
    accounts: dynamoAccountStore(table),
    queue: dynamoDueQueue(table),
    sendCounts: async () => undefined,
    secrets: credentials,
    vault: async () => vault,
    egress,
    tokenTimeoutMs: 15_000,
    now: () => new Date(),
    leaseOwner: () => 'test',
  };
});

const key = (account: string): AccountKey => ({ installationId, integration: 'hubspot', account });

async function connected(
  account: string,
  change: Partial<AuthorizedAccount> = {},
): Promise<AuthorizedAccount> {
  const now = new Date().toISOString();
  const record: AuthorizedAccount = {
    ...key(account),
    status: 'authorized',
    tokens: sealTokenSet(vault, key(account), {
      accessToken: `old-at-${account}`,
      refreshToken: `old-rt-${account}`,
    }),
    expiresAt: Date.now() + 60_000,
    refreshDueAt: Date.now() - 1000,
    authorizedAt: now,
    version: 1,
    updatedAt: now,
    ...change,
  };
  await dynamoAccountStore(table).put(record, { kind: 'absent' });
  return record;
}

const stored = async (account: string) => {
  const record = await dynamoAccountStore(table).get(key(account));
  if (record?.status !== 'authorized') throw new Error(`no authorized account ${account}`);
  return { record, tokens: openTokenSet(vault, record) };
};

describe('the sweep', () => {
  it('reads about one index item per due token, however many are stored (2,000 stored, 20 due)', async () => {
    const later = Date.now() + 3600_000;
    const items = Array.from({ length: 1980 }, (_, index) => {
      const k = key(`idle-${index}`);
      return {
        pk: installationPk(installationId),
        sk: accountSk(k),
        ...k,
        status: 'authorized',
        refreshDueAt: later,
        dueShard: refreshShard(k),
        dueAt: later,
        version: 1,
        updatedAt: new Date().toISOString(),
      };
    });
    for (let at = 0; at < items.length; at += 25) {
      await table.client.send(
        new BatchWriteCommand({
          RequestItems: {
            [table.tableName]: items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } })),
          },
        }),
      );
    }
    for (let index = 0; index < 20; index++) await connected(`due-${index}`);

    const report = await refreshDue(deps, { concurrency: 8, startBefore: Date.now() + 60_000 });

    expect(report.due).toBe(20);
    expect(report.outcomes.refreshed).toBe(20);
    expect(report.itemsRead).toBeGreaterThanOrEqual(20);
    expect(report.itemsRead).toBeLessThanOrEqual(22);
    expect(egress.requests).toHaveLength(20);
    expect(report.unfinished).toBe(false);
  });

  it('starts nothing once its time is up and leaves the due tokens for the next run', async () => {
    await connected('late');
    const report = await refreshDue(deps, { concurrency: 4, startBefore: Date.now() - 1 });
    expect(report.unfinished).toBe(true);
    expect(egress.requests).toEqual([]);
    expect((await stored('late')).record.refreshDueAt).toBeLessThan(Date.now());
  });
});

describe('refreshAccount', () => {
  it('keeps the stored refresh token when the provider does not rotate it', async () => {
    await connected('keep');
    egress.answer = () => ({ status: 200, body: { access_token: 'new-at', expires_in: '1800' } });
    const outcome = await refreshAccount(deps, key('keep'), { kind: 'due', now: Date.now() });
    expect(outcome.kind).toBe('refreshed');
    const { record, tokens } = await stored('keep');
    expect(tokens).toMatchObject({ accessToken: 'new-at', refreshToken: 'old-rt-keep' });
    expect(record.expiresAt).toBeGreaterThan(Date.now() + 1700_000);
    const form = new URLSearchParams(String(egress.requests[0]?.body));
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('old-rt-keep');
  });

  it.each([
    ['invalid_client', 401],
    ['invalid_scope', 400],
  ])('treats %s as a failure to retry, not a dead grant', async (error, status) => {
    await connected(`client-${error}`);
    egress.answer = () => ({ status, body: { error } });
    const outcome = await refreshAccount(deps, key(`client-${error}`), { kind: 'due', now: Date.now() });
    expect(outcome.kind).toBe('failed');
    const { record, tokens } = await stored(`client-${error}`);
    expect(record.status).toBe('authorized');
    expect(record.failing?.lastError.code).toBe(error);
    expect(tokens?.refreshToken).toBe(`old-rt-client-${error}`);
  });

  it('does not touch a token leased by another refresher, and takes over an expired lease', async () => {
    await connected('held', { lease: { owner: 'other', until: Date.now() + 30_000 } });
    const held = await refreshAccount(deps, key('held'), { kind: 'due', now: Date.now() });
    expect(held).toMatchObject({ kind: 'skipped', reason: 'leased' });
    expect(egress.requests).toEqual([]);

    await connected('crashed', { lease: { owner: 'gone', until: Date.now() - 1 } });
    const taken = await refreshAccount(deps, key('crashed'), { kind: 'due', now: Date.now() });
    expect(taken.kind).toBe('refreshed');
    expect((await stored('crashed')).record.lease).toBeUndefined();
  });

  it('sends no placeholder credentials: without stored ones it fails to retry later, naming the fix', async () => {
    // Prepare
    await connected('unset');
    await storeClientCredentials(credentials, 'hubspot', undefined);
    // Act
    const outcome = await refreshAccount(deps, key('unset'), { kind: 'due', now: Date.now() });
    // Assess
    expect(outcome.kind).toBe('failed');
    expect(egress.requests).toEqual([]);
    const { record, tokens } = await stored('unset');
    expect(record.status).toBe('authorized');
    expect(record.failing?.lastError).toMatchObject({
      code: 'refused',
      description: expect.stringContaining('npm run secrets -- set hubspot'),
    });
    expect(tokens?.refreshToken).toBe('old-rt-unset');
  });

  it('does not refresh a token that is not due yet', async () => {
    await connected('fresh', { refreshDueAt: Date.now() + 60_000 });
    const outcome = await refreshAccount(deps, key('fresh'), { kind: 'due', now: Date.now() });
    expect(outcome).toMatchObject({ kind: 'skipped', reason: 'not_due' });
    expect(egress.requests).toEqual([]);
  });
});
