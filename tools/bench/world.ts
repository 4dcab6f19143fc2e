/**
 * The one place the bench builds the functions' dependency graph: it points the configuration
 * at a DynamoDB Local table, a temp data dir with a fresh key ring and a bench app, then asks
 * the production wiring for what the functions use — `runtime()`, `sweepDeps`, `invokeDeps`,
 * the invoke handler — so that the bench measures exactly what is deployed and copies no
 * constant. The wiring is per process, so the world is too: made once, shared by the sections.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { AccountKey, AccountRecord } from '../../lib/accounts/record';
import { hashKey, newInstallationId, newInstallationKey } from '../../lib/crypto';
import type { InvokeDeps } from '../../lib/invoke/invoke';
import type { RefreshSweepDeps } from '../../lib/refresh/refresh-due';
import { createDynamoClient } from '../../lib/store/dynamo';
import type { AccountStore, SnapshotReader } from '../../lib/store/ports';
import { ensureTable } from '../../lib/store/table';
import { sealTokenSet } from '../../lib/tokens/token-set';
import type { Vault } from '../../lib/tokens/vault';
import { appModelEnv } from '../app';
import { freePort, startDynamoLocal } from '../local/dynamodb-local';
import { ensureLocalSecrets } from '../local/local-secrets';
import type { Cleanup } from './section';
import { secretToken, startTokenEndpoint, startUpstream, type TokenEndpoint, type Upstream } from './servers';

/** The integration the sweep refreshes (its token_url is the loopback endpoint) and invoke's. */
export const REFRESHED = 'bench-refresh';
export const INVOKED = 'bench';
export const TEMPLATE = 'ping';
const TABLE = 'bench';

export type Handler = (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface World {
  readonly endpoint: TokenEndpoint;
  readonly upstream: Upstream;
  readonly vault: Vault;
  readonly sweep: RefreshSweepDeps;
  readonly invoke: InvokeDeps;
  readonly handler: Handler;
  /** The storage read each invoke makes, alone: the part of its latency DynamoDB Local decides. */
  readonly snapshots: SnapshotReader;
  readonly installationId: string;
  readonly installationKey: string;
  readonly accessToken: string;
  /** `count` new installations (account writes check theirs exists). */
  installations(count: number): Promise<{ id: string; key: string }[]>;
  /** Writes an authorized account with sealed tokens, as a completed handshake does. */
  putAccount(
    key: AccountKey,
    tokens: { accessToken: string; refreshToken: string },
    dueAt: number,
  ): Promise<void>;
}

function writeApp(dir: string, tokenUrl: string, upstreamPort: number): void {
  const files: Record<string, unknown> = {
    'manifest.json': {
      'platform-version': '3.1',
      modules: { common: { requests: { [TEMPLATE]: {} } } },
      engines: { node: '18.18.2', fdk: '9.1.0' },
    },
    'handshake.json': { name: 'Bench' },
    'config/iparams.json': {},
    'config/requests.json': {
      [TEMPLATE]: {
        schema: {
          method: 'GET',
          protocol: 'http',
          host: `localhost:${upstreamPort}`,
          path: '/ping',
          headers: { Authorization: 'Bearer <%= access_token %>' },
        },
        options: { oauth: INVOKED },
      },
    },
    'config/oauth_config.json': {
      integrations: Object.fromEntries(
        [REFRESHED, INVOKED].map((name) => [
          name,
          {
            display_name: name,
            client_id: 'bench-client',
            client_secret: 'bench-secret',
            authorize_url: tokenUrl.replace(/\/token$/, '/authorize'),
            token_url: tokenUrl,
            options: { scope: 'read' },
            token_type: 'account',
          },
        ]),
      ),
    },
  };
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), JSON.stringify(value));
  }
}

async function startServices(cleanup: Cleanup) {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-bench-'));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  const dynamo = await startDynamoLocal({ port: await freePort() });
  cleanup.defer(() => dynamo.stop());
  const raw = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: dynamo.endpoint, local: true });
  await ensureTable(raw, TABLE);
  raw.destroy();
  const endpoint = await startTokenEndpoint();
  cleanup.defer(() => endpoint.close());
  const accessToken = secretToken('at');
  const upstream = await startUpstream(accessToken);
  cleanup.defer(() => upstream.close());
  const appDir = join(dir, 'app');
  writeApp(appDir, endpoint.tokenUrl, upstream.port);
  return { dir, dynamo, endpoint, upstream, accessToken, appDir };
}

/** Writes authorized accounts with sealed tokens, as a completed handshake does. */
function accountWriter(vault: Vault, accounts: AccountStore): World['putAccount'] {
  return async (key, tokens, dueAt) => {
    const at = new Date().toISOString();
    const record: AccountRecord = {
      ...key,
      status: 'authorized',
      tokens: sealTokenSet(vault, key, tokens),
      tokenType: 'Bearer',
      scope: 'read',
      expiresAt: dueAt + 5 * 60_000,
      refreshDueAt: dueAt,
      authorizedAt: at,
      version: 1,
      updatedAt: at,
    };
    await accounts.put(record, { kind: 'absent' });
  };
}

/** What `npm start` gives the functions (test/support/local-env.ts), with webhooks and rate limit off. */
async function configure(dir: string, dynamoEndpoint: string, appDir: string): Promise<void> {
  const dataDir = join(dir, 'data');
  Object.assign(process.env, {
    HANDSHAKE_LOCAL: '1',
    HANDSHAKE_TABLE: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    HANDSHAKE_DATA_DIR: dataDir,
    HANDSHAKE_SECRET_SOURCE: 'file',
    HANDSHAKE_EGRESS_ALLOW: '127.0.0.0/8,localhost',
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0',
    ...appModelEnv(appDir, dir),
  });
  const { createFileSecretSource } = await import('../../lib/secrets/file');
  await ensureLocalSecrets(createFileSecretSource(dataDir));
  (await import('../../lib/config')).resetConfigForTests();
  (await import('../../lib/app')).resetAppForTests();
}

/** Starts DynamoDB Local and the loopback servers, and wires the functions over them. */
export async function startWorld(cleanup: Cleanup): Promise<World> {
  const { dir, dynamo, endpoint, upstream, accessToken, appDir } = await startServices(cleanup);
  await configure(dir, dynamo.endpoint, appDir);
  const { infrastructure } = await import('../../lib/wiring/infrastructure');
  const { sweepDeps } = await import('../../lib/wiring/refresh-sweep');
  const { invokeDeps } = await import('../../lib/wiring/invoke');
  const { dynamoInstallationStore } = await import('../../lib/store/dynamo-installations');
  const { dynamoSnapshotReader } = await import('../../lib/store/dynamo-snapshot');
  const { config } = await import('../../lib/config');
  const { getApp } = await import('../../lib/app');
  const { handler } = await import('../../functions/invoke');
  // The same root the functions use, on the configuration configure() set.
  const rt = infrastructure(config(), getApp());
  if (rt.config.tableName !== TABLE) throw new Error('the wiring was loaded before the bench configured it');
  cleanup.defer(() => rt.egress.close());
  const vault = await rt.vault();
  const installations = async (count: number) => {
    const made = Array.from({ length: count }, () => newInstallationId()).map((id) => ({
      id,
      key: newInstallationKey(id),
    }));
    const createdAt = new Date().toISOString();
    for (const { id, key } of made) {
      const installation = { id, keyHash: hashKey(key), iparams: {}, secureIparamNames: [], createdAt };
      await dynamoInstallationStore(rt.table).create({ ...installation, secureIparams: undefined });
    }
    return made;
  };
  const putAccount = accountWriter(vault, rt.accounts);
  const [{ id: installationId, key: installationKey } = { id: '', key: '' }] = await installations(1);
  const invoked = { installationId, integration: INVOKED, account: 'default' };
  await putAccount(invoked, { accessToken, refreshToken: secretToken('rt') }, Date.now() + 3600_000);
  return {
    endpoint,
    upstream,
    vault,
    sweep: sweepDeps(rt),
    invoke: invokeDeps(rt),
    handler: handler as unknown as Handler,
    snapshots: dynamoSnapshotReader(rt.table),
    installationId,
    installationKey,
    accessToken,
    installations,
    putAccount,
  };
}
