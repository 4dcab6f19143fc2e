/**
 * The one place the bench builds the functions' dependency graph: it points the configuration
 * at a DynamoDB Local table, a temp data dir with a fresh key ring and a bench app, then asks
 * the production wiring (lib/wiring/) for what the functions use, so that the bench measures
 * exactly what is deployed and copies no constant. The wiring is per process, so the world is
 * too: made once, shared by the sections.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { AccountKey } from '../../lib/accounts/record';
import { grantDied } from '../../lib/accounts/transitions';
import { getApp, resetAppForTests } from '../../lib/app';
import { config, resetConfigForTests } from '../../lib/config';
import { storeAuthorizedTokens } from '../../lib/connect/store-authorized';
import { createInstallation } from '../../lib/installations/service';
import { createSqsClient } from '../../lib/refresh/fan-out/sqs-sender';
import { createFileSecretSource } from '../../lib/secrets/file';
import { createDynamoClient } from '../../lib/store/dynamo';
import { dynamoSnapshotReader } from '../../lib/store/dynamo-snapshot';
import { expectationOf } from '../../lib/store/ports';
import { ensureTable } from '../../lib/store/table';
import type { Vault } from '../../lib/tokens/vault';
import { type Infrastructure, infrastructure } from '../../lib/wiring/infrastructure';
import { installationsWiring } from '../../lib/wiring/installations';
import { invokeDeps } from '../../lib/wiring/invoke';
import { fanOutDeps, sweepDeps } from '../../lib/wiring/refresh-sweep';
import { appModelEnv } from '../app';
import { freePort, startDynamoLocal } from '../local/dynamodb-local';
import { ensureLocalSecrets } from '../local/local-secrets';
import { startSqsServer } from '../local/sqs-server';
import type { Cleanup } from './section';
import { secretToken, startTokenEndpoint, startUpstream } from './servers';

/** The integration the sweep refreshes (its token_url is the loopback endpoint) and invoke's. */
export const REFRESHED = 'bench-refresh';
export const INVOKED = 'bench';
export const TEMPLATE = 'ping';
const TABLE = 'bench';

export type Handler = (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
export type World = Awaited<ReturnType<typeof startWorld>>;

function writeApp(dir: string, tokenUrl: string, upstreamPort: number): void {
  const integration = (name: string) => ({
    display_name: name,
    client_id: 'bench-client',
    client_secret: 'bench-secret',
    authorize_url: tokenUrl.replace(/\/token$/, '/authorize'),
    token_url: tokenUrl,
    options: { scope: 'read' },
    token_type: 'account',
  });
  const schema = { method: 'GET', protocol: 'http', host: `localhost:${upstreamPort}`, path: '/ping' };
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
        schema: { ...schema, headers: { Authorization: 'Bearer <%= access_token %>' } },
        options: { oauth: INVOKED },
      },
    },
    'config/oauth_config.json': {
      integrations: { [REFRESHED]: integration(REFRESHED), [INVOKED]: integration(INVOKED) },
    },
  };
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), JSON.stringify(value));
  }
}

/**
 * The local SQS server with the refreshed integration's queue, for the fan-out. Made with SQS's
 * default attributes, not the deployed ones: their visibility timeout and redrive only act on a
 * message delivered again, and in the bench any second delivery is a wrong result already.
 */
async function startRefreshQueue(cleanup: Cleanup) {
  const server = await startSqsServer({ port: await freePort() });
  cleanup.defer(() => server.stop());
  const client = createSqsClient({ region: 'us-east-1', sqsEndpoint: server.endpoint, local: true });
  try {
    const name = `handshake-bench-refresh-${REFRESHED}`;
    const url = (await client.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    const attributes = new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] });
    const arn = (await client.send(attributes)).Attributes?.QueueArn ?? '';
    return { endpoint: server.endpoint, url, arn };
  } finally {
    client.destroy();
  }
}

/**
 * DynamoDB Local, the local SQS server, the loopback servers and the bench app; then the
 * environment `npm start` gives the functions (test/support/local-env.ts), with webhooks and the
 * rate limit off, and the refreshed integration's queue as serverless.yml names it.
 */
async function startServices(cleanup: Cleanup) {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-bench-'));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  const dynamo = await startDynamoLocal({ port: await freePort() });
  cleanup.defer(() => dynamo.stop());
  const refreshQueue = await startRefreshQueue(cleanup);
  const endpoint = await startTokenEndpoint();
  cleanup.defer(() => endpoint.close());
  const accessToken = secretToken('at');
  const upstream = await startUpstream(accessToken);
  cleanup.defer(() => upstream.close());
  writeApp(join(dir, 'app'), endpoint.tokenUrl, upstream.port);
  const dataDir = join(dir, 'data');
  Object.assign(process.env, {
    HANDSHAKE_LOCAL: '1',
    HANDSHAKE_TABLE: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    HANDSHAKE_DATA_DIR: dataDir,
    HANDSHAKE_SECRET_SOURCE: 'file',
    HANDSHAKE_EGRESS_ALLOW: '127.0.0.0/8,localhost',
    HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0',
    AWS_ENDPOINT_URL_SQS: refreshQueue.endpoint,
    HANDSHAKE_REFRESH_QUEUES: JSON.stringify({ [REFRESHED]: refreshQueue.url }),
    ...appModelEnv(join(dir, 'app'), dir),
  });
  const { adminKey } = await ensureLocalSecrets(createFileSecretSource(dataDir));
  resetConfigForTests();
  resetAppForTests();
  return {
    endpoint,
    upstream,
    accessToken,
    adminKey,
    refreshQueue,
    dynamo: { endpoint: dynamo.endpoint, pid: dynamo.process.pid },
  };
}

/** Installations and accounts, made by the use cases the functions run. */
function makers(rt: Infrastructure, vault: Vault) {
  const service = installationsWiring(rt).deps;
  return {
    /** `count` new installations, by POST /installations' use case. */
    installations: async (count: number) => {
      const made: { id: string; key: string }[] = [];
      for (let i = 0; i < count; i++) {
        const { id, apiKey } = await createInstallation(service, { iparams: {} });
        made.push({ id, key: apiKey });
      }
      return made;
    },
    /** Tokens that expire at `expiresAt`, stored by the handshake's own write (version 1). */
    putAccount: async (
      key: AccountKey,
      tokens: { accessToken: string; refreshToken: string },
      expiresAt: number,
    ) => {
      const integration = rt.app.integrations.get(key.integration);
      if (integration === undefined) throw new Error(`no integration ${key.integration}`);
      const parsed = { ...tokens, expiresAt, tokenType: 'Bearer', scope: 'read', extra: {} };
      await storeAuthorizedTokens({ ...rt, vault }, integration, key, parsed, {});
    },
    /** The account's grant dies, by the refresh's own transition and write (it stays listed). */
    killGrant: async (key: AccountKey) => {
      const current = await rt.accounts.get(key);
      if (current?.status !== 'authorized') throw new Error('killGrant: no authorized account');
      const at = rt.now().toISOString();
      const error = { code: 'invalid_grant', description: 'bench: revoked at the provider', at };
      const { record } = grantDied(current, { error }, { now: Date.parse(at), events: rt.events });
      await rt.accounts.put(record, expectationOf(current));
    },
  };
}

/** Starts DynamoDB Local and the loopback servers, and wires the functions over them. */
export async function startWorld(cleanup: Cleanup) {
  const { endpoint, upstream, accessToken, adminKey, refreshQueue, dynamo } = await startServices(cleanup);
  // Loaded now: it builds its dependencies at module top, on the configuration startServices() set.
  const { handler } = await import('../../functions/invoke');
  const rt = infrastructure(config(), getApp());
  if (rt.config.tableName !== TABLE) throw new Error('the wiring was loaded before the bench configured it');
  cleanup.defer(() => rt.egress.close());
  const admin = createDynamoClient(rt.config);
  await ensureTable(admin, TABLE).finally(() => admin.destroy());
  const vault = await rt.vault();
  const { installations, putAccount, killGrant } = makers(rt, vault);
  const [installation = { id: '', key: '' }] = await installations(1);
  const invoked = { installationId: installation.id, integration: INVOKED, account: 'default' };
  await putAccount(invoked, { accessToken, refreshToken: secretToken('rt') }, Date.now() + 3600_000);
  return {
    endpoint,
    upstream,
    vault,
    sweep: sweepDeps(rt),
    /** The fan-out sweep's producer, sending to `refreshQueue`. */
    fanOut: fanOutDeps(rt),
    refreshQueue,
    /** DynamoDB Local: the fan-out section reads its process's CPU time and probes its answers. */
    dynamo,
    invoke: invokeDeps(rt),
    handler: handler as unknown as Handler,
    /** The storage read each invoke makes, alone: the part of its latency DynamoDB Local decides. */
    snapshots: dynamoSnapshotReader(rt.table),
    /** The installation, account and access token invoke uses. */
    installation,
    accessToken,
    /** The deployment's admin key (the console signs in with it). */
    adminKey,
    installations,
    putAccount,
    killGrant,
  };
}
