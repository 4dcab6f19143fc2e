import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthorizedAccount } from '../../lib/accounts/record';
import type { Sealed } from '../../lib/crypto/sealed';
import { ConflictError, NotFoundError } from '../../lib/errors';
import { dynamoAccountStore } from '../../lib/store/dynamo-accounts';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { dynamoPendingStore } from '../../lib/store/dynamo-pending';
import { accountSk, installationPk, pendingSk, refreshShard, TABLE } from '../../lib/store/layout';
import type { PendingRecord } from '../../lib/store/ports';
import { createTestTable, type TestTable } from '../support/dynamo';

const sealed = (value: string) => value as Sealed;
let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

const installations = () => dynamoInstallationStore(table);
const accounts = () => dynamoAccountStore(table);
const pending = () => dynamoPendingStore(table);

let counter = 0;
async function newInstallation(): Promise<string> {
  counter += 1;
  const id = `in_test${counter}${Date.now()}`;
  await installations().create({
    id,
    keyHash: 'ab'.repeat(32),
    iparams: { domain: 'acme' },
    secureIparams: sealed('v1.k1.iv.ct'),
    secureIparamNames: ['api_key'],
    createdAt: new Date().toISOString(),
  });
  return id;
}

function account(installationId: string, overrides: Partial<AuthorizedAccount> = {}): AuthorizedAccount {
  return {
    installationId,
    integration: 'hubspot',
    account: 'default',
    status: 'authorized',
    tokens: { accessToken: sealed('v1.k1.a.b') },
    authorizedAt: new Date().toISOString(),
    version: 1,
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

describe('installations', () => {
  it('refuses to create the same installation twice', async () => {
    // Prepare
    const id = await newInstallation();
    const again = {
      id,
      keyHash: 'cd'.repeat(32),
      iparams: {},
      secureIparams: undefined,
      secureIparamNames: [],
      createdAt: 'now',
    };
    // Act + Assess
    await expect(installations().create(again)).rejects.toBeInstanceOf(ConflictError);
    expect((await installations().get(id))?.keyHash).toBe('ab'.repeat(32));
  });

  it('deletes every record of an installation and nothing of another', async () => {
    // Prepare: two installations, each with accounts and a pending link
    const doomed = await newInstallation();
    const kept = await newInstallation();
    for (const id of [doomed, kept]) {
      await accounts().put(account(id), { kind: 'absent' });
      await accounts().put(account(id, { account: 'second' }), { kind: 'absent' });
      await pending().put(link(id, `h-${id}`));
    }
    // Act
    const deleted = await installations().delete(doomed);
    // Assess: the doomed partition is empty, the other is whole
    expect(deleted).toBe(true);
    const left = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': installationPk(doomed) },
      }),
    );
    expect(left.Items).toEqual([]);
    expect(await installations().get(doomed)).toBeUndefined();
    expect(await accounts().list(kept)).toHaveLength(2);
    expect(await installations().delete(doomed)).toBe(false);
  });
});

describe('accounts', () => {
  it('lets exactly one of two writers with the same expected version win', async () => {
    // Prepare
    const id = await newInstallation();
    await accounts().put(account(id), { kind: 'absent' });
    // Act: two concurrent writers both expect version 1
    const results = await Promise.allSettled([
      accounts().put(account(id, { version: 2, scope: 'first' }), {
        kind: 'version',
        version: 1,
        listed: 'authorized',
      }),
      accounts().put(account(id, { version: 2, scope: 'second' }), {
        kind: 'version',
        version: 1,
        listed: 'authorized',
      }),
    ]);
    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const stored = await accounts().get({ installationId: id, integration: 'hubspot', account: 'default' });
    expect(stored?.version).toBe(2);
    expect(['first', 'second']).toContain(stored?.scope);
  });

  it('refuses to create an account record that already exists', async () => {
    const id = await newInstallation();
    await accounts().put(account(id), { kind: 'absent' });
    await expect(accounts().put(account(id), { kind: 'absent' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('never resurrects a deleted installation through a token write', async () => {
    // Prepare
    const id = await newInstallation();
    await installations().delete(id);
    // Act
    const write = accounts().put(account(id), { kind: 'absent' });
    // Assess
    await expect(write).rejects.toMatchObject({ what: 'installation' });
    await expect(write).rejects.toBeInstanceOf(NotFoundError);
    const raw = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: installationPk(id), sk: accountSk({ integration: 'hubspot', account: 'default' }) },
      }),
    );
    expect(raw.Item).toBeUndefined();
  });

  it('puts only authorized tokens with a due time into the refresh index', async () => {
    // Prepare
    const id = await newInstallation();
    const due = Date.now() + 60_000;
    await accounts().put(account(id, { account: 'due', refreshDueAt: due }), { kind: 'absent' });
    // A due account whose grant then died leaves the index with the write that says so.
    const dying = account(id, { account: 'dead', refreshDueAt: due });
    await accounts().put(dying, { kind: 'absent' });
    const { tokens: _tokens, refreshDueAt: _due, ...rest } = dying;
    await accounts().put(
      {
        ...rest,
        status: 'reauthorization_required',
        lastError: { code: 'invalid_grant', at: rest.updatedAt },
        version: 2,
      },
      { kind: 'version', version: 1, listed: 'authorized' },
    );
    await accounts().put(account(id, { account: 'no-refresh' }), { kind: 'absent' });
    // Act
    const raw = async (name: string) =>
      (
        await table.client.send(
          new GetCommand({
            TableName: table.tableName,
            Key: { pk: installationPk(id), sk: accountSk({ integration: 'hubspot', account: name }) },
          }),
        )
      ).Item;
    // Assess
    const dueItem = await raw('due');
    expect(dueItem?.[TABLE.dueAtKey]).toBe(due);
    expect(dueItem?.[TABLE.dueShardKey]).toBe(
      refreshShard({ installationId: id, integration: 'hubspot', account: 'due' }),
    );
    expect((await raw('dead'))?.[TABLE.dueShardKey]).toBeUndefined();
    expect((await raw('no-refresh'))?.[TABLE.dueShardKey]).toBeUndefined();
    // and reading it back never leaks the index attributes into the record
    const record = await accounts().get({ installationId: id, integration: 'hubspot', account: 'due' });
    expect(record).not.toHaveProperty('dueShard');
    expect(record).toMatchObject({ status: 'authorized', refreshDueAt: due });
  });
});

function link(installationId: string, hash: string, expiresAt = Date.now() + 600_000): PendingRecord {
  return {
    kind: 'link',
    installationId,
    hash,
    integration: 'hubspot',
    account: 'default',
    expiresAt,
    createdAt: new Date().toISOString(),
    data: { returnUrl: 'https://app.example.com/done' },
  };
}

describe('pending links and states', () => {
  it('sets the TTL attribute a day after expiry', async () => {
    // Prepare
    const id = await newInstallation();
    const expiresAt = Date.now() + 600_000;
    // Act
    await pending().put(link(id, 'ttl-hash', expiresAt));
    // Assess
    const raw = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: installationPk(id), sk: pendingSk('link', 'ttl-hash') },
      }),
    );
    expect(raw.Item?.[TABLE.ttl]).toBe(Math.ceil(expiresAt / 1000) + 86_400);
  });

  it('lets exactly one of twenty concurrent consumers use a link', async () => {
    // Prepare
    const id = await newInstallation();
    await pending().put(link(id, 'race'));
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => pending().consume('link', id, 'race', Date.now())),
    );
    // Assess
    expect(outcomes.filter((o) => o.outcome === 'consumed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'used')).toHaveLength(19);
    const winner = outcomes.find((o) => o.outcome === 'consumed');
    expect(winner?.outcome === 'consumed' && winner.record.data.returnUrl).toBe(
      'https://app.example.com/done',
    );
  });

  it('tells expired, used and unknown apart, and refuses expired ones by time', async () => {
    // Prepare
    const id = await newInstallation();
    await pending().put(link(id, 'old', Date.now() - 1000));
    await pending().put(link(id, 'once'));
    await pending().consume('link', id, 'once', Date.now());
    // Act + Assess
    expect((await pending().consume('link', id, 'old', Date.now())).outcome).toBe('expired');
    expect((await pending().consume('link', id, 'once', Date.now())).outcome).toBe('used');
    expect((await pending().consume('link', id, 'never', Date.now())).outcome).toBe('unknown');
    expect((await pending().consume('state', id, 'once', Date.now())).outcome).toBe('unknown');
  });

  it('refuses a link for an installation that does not exist', async () => {
    const put = pending().put(link('in_missing', 'x'));
    await expect(put).rejects.toBeInstanceOf(NotFoundError);
    await expect(put).rejects.toMatchObject({ what: 'installation' });
  });
});
