import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountKey, AccountRecord } from '../../lib/accounts/record';
import { createCipher, DecryptError, newKeyRing, parseKeyRing, rotateKeyRing } from '../../lib/crypto';
import { dynamoAccountStore } from '../../lib/store/dynamo-accounts';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { accountSk, installationPk } from '../../lib/store/layout';
import { openTokenSet, sealTokenSet } from '../../lib/tokens/token-set';
import { vaultFrom } from '../../lib/tokens/vault';
import { createTestTable, type TestTable } from '../support/dynamo';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

const tokens = {
  accessToken: 'at-0123456789-secret',
  refreshToken: 'rt-9876543210-secret',
  oauthIparams: { org_domain: 'acme.myfreshworks.com' },
  extra: { instance_url: 'https://acme.my.salesforce.com' },
};

async function installation(id: string) {
  await dynamoInstallationStore(table).create({
    id,
    keyHash: '00'.repeat(32),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date().toISOString(),
  });
}

async function storeTokens(key: AccountKey, vault: ReturnType<typeof vaultFrom>) {
  await dynamoAccountStore(table).put(
    {
      ...key,
      status: 'authorized',
      tokens: sealTokenSet(vault, key, tokens),
      authorizedAt: 'now',
      version: 1,
      updatedAt: 'now',
    },
    { kind: 'absent' },
  );
}

/** The stored record, which must be an authorized one. */
function authorized(record: AccountRecord | undefined) {
  if (record?.status !== 'authorized') throw new Error('expected an authorized account');
  return record;
}

describe('token records in DynamoDB', () => {
  it('round-trips sealed tokens, and DynamoDB never holds them in plain text', async () => {
    // Prepare
    const vault = vaultFrom(createCipher(parseKeyRing(newKeyRing())));
    const key = { installationId: 'in_roundtripaaaaaaaaaaa', integration: 'hubspot', account: 'portal-1' };
    await installation(key.installationId);
    // Act
    await storeTokens(key, vault);
    const record = authorized(await dynamoAccountStore(table).get(key));
    // Assess
    expect(openTokenSet(vault, record)).toEqual(tokens);
    const raw = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: installationPk(key.installationId), sk: accountSk(key) },
      }),
    );
    const stored = JSON.stringify(raw.Item);
    for (const secret of [tokens.accessToken, tokens.refreshToken, 'acme.myfreshworks.com', 'salesforce']) {
      expect(stored).not.toContain(secret);
    }
  });

  it('keeps old ciphertexts readable after the key ring rotates', async () => {
    // Prepare: tokens sealed under the first key
    const ring1 = newKeyRing();
    const key = { installationId: 'in_rotationaaaaaaaaaaaa', integration: 'google', account: 'agent-42' };
    await installation(key.installationId);
    await storeTokens(key, vaultFrom(createCipher(parseKeyRing(ring1))));
    // Act: rotate, and seal something new with the rotated ring
    const ring2 = rotateKeyRing(ring1);
    const rotated = vaultFrom(createCipher(parseKeyRing(ring2)));
    const record = authorized(await dynamoAccountStore(table).get(key));
    const fresh = rotated.seal('new', 'aad');
    // Assess
    expect(openTokenSet(rotated, record).accessToken).toBe(tokens.accessToken);
    expect(record.tokens.accessToken.split('.')[1]).toBe(parseKeyRing(ring1).currentId);
    expect(fresh.split('.')[1]).toBe(parseKeyRing(ring2).currentId);
    expect(parseKeyRing(ring2).currentId).not.toBe(parseKeyRing(ring1).currentId);
  });

  it('refuses to decrypt a token item copied into another installation', async () => {
    // Prepare: a victim's tokens, and an attacker's installation
    const vault = vaultFrom(createCipher(parseKeyRing(newKeyRing())));
    const victim = { installationId: 'in_victimaaaaaaaaaaaaaa', integration: 'hubspot', account: 'default' };
    const attacker = { ...victim, installationId: 'in_attackeraaaaaaaaaaaa' };
    await installation(victim.installationId);
    await installation(attacker.installationId);
    await storeTokens(victim, vault);
    const raw = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: installationPk(victim.installationId), sk: accountSk(victim) },
      }),
    );
    // Act: copy the item byte for byte under the attacker's installation
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...raw.Item,
          pk: installationPk(attacker.installationId),
          installationId: attacker.installationId,
        },
      }),
    );
    const copied = authorized(await dynamoAccountStore(table).get(attacker));
    // Assess
    expect(copied.tokens.accessToken).toBe(raw.Item?.accessToken);
    expect(() => openTokenSet(vault, copied)).toThrow(DecryptError);
  });

  it('refuses a refresh token swapped into the access token field', async () => {
    const vault = vaultFrom(createCipher(parseKeyRing(newKeyRing())));
    const key = { installationId: 'in_swapaaaaaaaaaaaaaaaa', integration: 'hubspot', account: 'default' };
    const sealed = sealTokenSet(vault, key, tokens);
    if (sealed.refreshToken === undefined) throw new Error('expected a sealed refresh token');
    const record = { ...key, tokens: { accessToken: sealed.refreshToken } };
    expect(() => openTokenSet(vault, record)).toThrow(DecryptError);
  });
});
