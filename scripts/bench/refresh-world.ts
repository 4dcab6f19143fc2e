/**
 * The refresh benchmark's world: DynamoDB Local in memory, a loopback token endpoint, a fresh
 * key ring in a temp data dir, an app whose integration points at the endpoint, and the real
 * stores, vault and egress wired as lib/runtime.ts wires them.
 */

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { EVENTS_OFF } from '../../lib/accounts/events';
import type { AccountKey, AccountRecord } from '../../lib/accounts/record';
import type { App } from '../../lib/app';
import { newInstallationId } from '../../lib/crypto';
import { createEgress, type Egress, parseAllowList } from '../../lib/egress';
import type { SweepDeps } from '../../lib/refresh/sweep';
import type { SecretWriter } from '../../lib/secrets/port';
import type { TableRef } from '../../lib/store/dynamo';
import { dynamoAccountStore, refreshShard } from '../../lib/store/dynamo-accounts';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { dynamoRefreshIndex } from '../../lib/store/dynamo-refresh-index';
import { accountSk, installationPk } from '../../lib/store/keys';
import type { AccountStore } from '../../lib/store/ports';
import { ensureTable } from '../../lib/store/table';
import { sealTokenSet } from '../../lib/tokens/token-set';
import type { Vault } from '../../lib/tokens/vault';
import { formatProblemLine, loadApp, readAppDir } from '../../tools/app';
import type { LocalDynamo } from '../local/dynamodb-local';
import { startLocalBase, writeJson } from './local-base';
import { type Cleanup, inPool } from './section';
import { type BenchTokenEndpoint, startTokenEndpoint } from './token-endpoint';

export const INTEGRATION = 'bench';
/** What lib/runtime.ts gives token endpoint calls. */
const TOKEN_TIMEOUT_MS = 15_000;
const BATCH_LIMIT = 25;

export interface RefreshWorld {
  readonly dynamo: LocalDynamo;
  readonly endpoint: BenchTokenEndpoint;
  readonly secrets: SecretWriter;
  readonly vault: Vault;
  readonly app: App;
  readonly egress: Egress;
  /** A new, empty table on the DynamoDB Local, created from infra/table.json. */
  table(name: string): Promise<BenchTable>;
}

export interface BenchTable extends TableRef {
  readonly accounts: AccountStore;
  /** The sweep's dependencies over this table, as lib/runtime.ts builds them. */
  readonly deps: SweepDeps;
}

/** An account seeded due, with the refresh token it was seeded with. */
export interface SeededAccount {
  readonly key: AccountKey;
  readonly refreshToken: string;
}

const secretToken = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;

/** An app with one agent-level integration whose token endpoint is the loopback one. */
function benchApp(dir: string, tokenUrl: string): App {
  writeJson(dir, 'manifest.json', {
    'platform-version': '3.1',
    modules: { common: { requests: {} } },
    engines: { node: '18.18.2', fdk: '9.1.0' },
  });
  writeJson(dir, 'handshake.json', { name: 'Refresh Bench' });
  writeJson(dir, 'config/iparams.json', {});
  writeJson(dir, 'config/requests.json', {});
  writeJson(dir, 'config/oauth_config.json', {
    integrations: {
      [INTEGRATION]: {
        display_name: 'Bench Provider',
        client_id: 'bench-client',
        client_secret: 'bench-secret',
        authorize_url: tokenUrl.replace(/\/token$/, '/authorize'),
        token_url: tokenUrl,
        options: { scope: 'read' },
        token_type: 'agent',
      },
    },
  });
  const { app, problems } = loadApp(readAppDir(dir));
  if (app === undefined)
    throw new Error(`bench app is invalid:\n${problems.map(formatProblemLine).join('\n')}`);
  return app;
}

export async function startRefreshWorld(cleanup: Cleanup): Promise<RefreshWorld> {
  const { dir, dynamo, raw, client, secrets, vaultOf, vault } = await startLocalBase(
    cleanup,
    'handshake-bench-',
  );
  const endpoint = await startTokenEndpoint();
  cleanup.defer(() => endpoint.close());

  const app = benchApp(join(dir, 'app'), endpoint.tokenUrl);
  const egress = createEgress({ allow: parseAllowList(['127.0.0.0/8']) });
  cleanup.defer(() => egress.close());
  const leaseOwner = `bench#${randomBytes(6).toString('hex')}`;

  return {
    dynamo,
    endpoint,
    secrets,
    vault,
    app,
    egress,
    async table(name) {
      await ensureTable(raw, name);
      const ref = { client, tableName: name };
      const accounts = dynamoAccountStore(ref);
      const deps: SweepDeps = {
        app,
        events: EVENTS_OFF,
        accounts,
        index: dynamoRefreshIndex(ref),
        secrets,
        vault: vaultOf,
        egress,
        tokenTimeoutMs: TOKEN_TIMEOUT_MS,
        now: () => new Date(),
        leaseOwner: () => leaseOwner,
      };
      return { ...ref, accounts, deps };
    },
  };
}

/** `count` installations, created through the installation store (account writes check them). */
export async function seedInstallations(table: TableRef, count: number): Promise<string[]> {
  const store = dynamoInstallationStore(table);
  const ids = Array.from({ length: count }, () => newInstallationId());
  const createdAt = new Date().toISOString();
  await inPool(ids, 16, (id) =>
    store.create({
      id,
      keyHash: randomBytes(32).toString('hex'),
      iparams: {},
      secureIparams: undefined,
      secureIparamNames: [],
      createdAt,
    }),
  );
  return ids;
}

/** The key of the `index`-th account, spread round-robin over the installations. */
function accountKey(installations: readonly string[], index: number, prefix: string): AccountKey {
  const installationId = installations[index % installations.length] as string;
  return { installationId, integration: INTEGRATION, account: `${prefix}-${index}` };
}

/**
 * `count` authorized accounts whose refresh time has passed, written through
 * `AccountStore.put` with sealed tokens exactly as a completed handshake writes them.
 */
export async function seedDueAccounts(
  world: RefreshWorld,
  table: BenchTable,
  installations: readonly string[],
  count: number,
): Promise<SeededAccount[]> {
  const now = Date.now();
  const at = new Date(now).toISOString();
  const seeded = Array.from({ length: count }, (_, index) => ({
    key: accountKey(installations, index, 'due'),
    refreshToken: secretToken('rt'),
  }));
  await inPool(seeded, 16, async ({ key, refreshToken }) => {
    const record: AccountRecord = {
      ...key,
      status: 'authorized',
      tokens: sealTokenSet(world.vault, key, { accessToken: secretToken('at'), refreshToken }),
      tokenType: 'Bearer',
      scope: 'read',
      expiresAt: now + 60_000,
      refreshDueAt: now - 60_000,
      authorizedAt: at,
      version: 1,
      updatedAt: at,
    };
    await table.accounts.put(record, { kind: 'absent' });
  });
  return seeded;
}

/**
 * `count` authorized accounts due in 1 to 24 hours, batch-written in the item shape
 * dynamoAccountStore writes (so they are in the refresh index, only not yet due).
 */
export async function seedNotDueAccounts(
  world: RefreshWorld,
  table: BenchTable,
  installations: readonly string[],
  count: number,
): Promise<void> {
  const now = Date.now();
  const at = new Date(now).toISOString();
  const items = Array.from({ length: count }, (_, index) => {
    const key = accountKey(installations, index, 'later');
    const dueAt = now + 3600_000 + Math.floor(Math.random() * 23 * 3600_000);
    return {
      pk: installationPk(key.installationId),
      sk: accountSk(key),
      ...key,
      status: 'authorized',
      ...sealTokenSet(world.vault, key, { accessToken: secretToken('at'), refreshToken: secretToken('rt') }),
      tokenType: 'Bearer',
      scope: 'read',
      expiresAt: dueAt + 300_000,
      refreshDueAt: dueAt,
      dueShard: refreshShard(key),
      dueAt,
      authorizedAt: at,
      failureCount: 0,
      version: 1,
      updatedAt: at,
    };
  });
  const batches = Array.from({ length: Math.ceil(items.length / BATCH_LIMIT) }, (_, index) =>
    items.slice(index * BATCH_LIMIT, (index + 1) * BATCH_LIMIT),
  );
  await inPool(batches, 8, async (batch) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 8) throw new Error('DynamoDB Local left batch writes unprocessed after 8 retries');
      const result = await table.client.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: requests } }),
      );
      requests = (result.UnprocessedItems?.[table.tableName] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
    }
  });
}
