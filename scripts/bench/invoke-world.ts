/**
 * The invoke benchmark's world: DynamoDB Local in memory with one table, a fresh key ring in a
 * temp data dir, a loopback upstream answering `GET /ping`, an app whose one template calls it
 * with the account's access token, one installation and one authorized account — and invoke's
 * dependencies wired as lib/wiring/ wires them.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EVENTS_OFF } from '../../lib/accounts/events';
import type { AccountKey, AccountRecord } from '../../lib/accounts/record';
import type { App } from '../../lib/app';
import { hashKey, newInstallationId, newInstallationKey } from '../../lib/crypto';
import { createEgress, type Egress, parseAllowList } from '../../lib/egress';
import { AccessTokens } from '../../lib/invoke/access-token';
import { Admission } from '../../lib/invoke/admit';
import { DEFAULT_INVOKE_SETTINGS, type InvokeDeps } from '../../lib/invoke/invoke';
import type { RefreshDeps } from '../../lib/refresh/refresh-account';
import { Refresher } from '../../lib/refresh/refresh-or-join';
import type { SecretWriter } from '../../lib/secrets/port';
import type { TableRef } from '../../lib/store/dynamo';
import { dynamoAccountStore } from '../../lib/store/dynamo-accounts';
import { dynamoInstallationStore } from '../../lib/store/dynamo-installations';
import { dynamoRateLimiter } from '../../lib/store/dynamo-rate-limit';
import { dynamoSnapshotReader } from '../../lib/store/dynamo-snapshot';
import type { RateLimiter, SnapshotReader } from '../../lib/store/ports';
import { ensureTable } from '../../lib/store/table';
import { OpenMemo } from '../../lib/tokens/open-memo';
import { sealTokenSet } from '../../lib/tokens/token-set';
import type { Vault } from '../../lib/tokens/vault';
import { formatProblemLine, loadApp, readAppDir } from '../../tools/app';
import type { LocalDynamo } from '../local/dynamodb-local';
import { startLocalBase, writeJson } from './local-base';
import type { Cleanup } from './section';

export const INTEGRATION = 'bench';
export const TEMPLATE = 'ping';
export const TABLE_NAME = 'bench-invoke';
/** The upstream's answer to every authorized `GET /ping`. */
export const PONG = JSON.stringify({ ok: true, pong: 'handshake-bench' });
/** What HANDSHAKE_EGRESS_ALLOW says in this world. */
export const EGRESS_ALLOW = ['127.0.0.0/8', 'localhost'] as const;
/** What lib/runtime.ts gives token endpoint calls. */
const TOKEN_TIMEOUT_MS = 15_000;
const HOUR_MS = 3600_000;

/** Where the bench collects the duration of each snapshot read and rate-limit take (ms). */
export interface StorageTiming {
  readonly reads: number[];
  readonly takes: number[];
}

/** `port` with its one method `name` timed into `samples` (when given). */
function timed<Port extends SnapshotReader | RateLimiter>(
  port: Port,
  name: keyof Port & string,
  samples: number[] | undefined,
): Port {
  if (samples === undefined) return port;
  const method = port[name] as unknown as (...args: unknown[]) => Promise<unknown>;
  return {
    ...port,
    [name]: async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await method.apply(port, args);
      } finally {
        samples.push(performance.now() - started);
      }
    },
  };
}

/** A loopback `node:http` server: `GET /ping` with the expected bearer token answers PONG. */
export interface BenchUpstream {
  readonly port: number;
  readonly url: string;
  /** Requests it refused (wrong path or token): must stay 0. */
  refused(): number;
  /** TCP connections it accepted: one per keep-alive client, if every client reuses its own. */
  connections(): number;
  close(): Promise<void>;
}

export interface InvokeWorld {
  readonly dynamo: LocalDynamo;
  readonly dataDir: string;
  readonly appDir: string;
  readonly upstream: BenchUpstream;
  readonly table: TableRef;
  readonly secrets: SecretWriter;
  readonly vault: Vault;
  readonly app: App;
  readonly installationId: string;
  /** The installation's API key (`hsk_…`), for the HTTP handler's authentication. */
  readonly installationKey: string;
  readonly accessToken: string;
  /** A new Egress as lib/runtime.ts makes it (its own connection pool), closed at cleanup. */
  egress(): Egress;
  /** Invoke's dependencies as lib/runtime.ts builds them, with this rate limit (0 = off). */
  /** Invoke's dependencies as lib/invoke/wiring.ts makes them; `timing` collects each storage call's ms. */
  invokeDeps(rateLimitPerMinute: number, timing?: StorageTiming): InvokeDeps;
}

/** One account-level integration and one template, `GET http://localhost:<port>/ping`. */
function writeBenchApp(dir: string, upstreamPort: number): App {
  writeJson(dir, 'manifest.json', {
    'platform-version': '3.1',
    modules: { common: { requests: { [TEMPLATE]: {} } } },
    engines: { node: '18.18.2', fdk: '9.1.0' },
  });
  writeJson(dir, 'handshake.json', { name: 'Invoke Bench' });
  writeJson(dir, 'config/iparams.json', {});
  writeJson(dir, 'config/requests.json', {
    [TEMPLATE]: {
      schema: {
        method: 'GET',
        protocol: 'http',
        host: `localhost:${upstreamPort}`,
        path: '/ping',
        headers: { Authorization: 'Bearer <%= access_token %>' },
      },
      options: { oauth: INTEGRATION },
    },
  });
  writeJson(dir, 'config/oauth_config.json', {
    integrations: {
      [INTEGRATION]: {
        display_name: 'Bench Provider',
        client_id: 'bench-client',
        client_secret: 'bench-secret',
        authorize_url: 'https://provider.example/authorize',
        token_url: 'https://provider.example/token',
        options: { scope: 'read' },
        token_type: 'account',
      },
    },
  });
  const { app, problems } = loadApp(readAppDir(dir));
  if (app === undefined)
    throw new Error(`bench app is invalid:\n${problems.map(formatProblemLine).join('\n')}`);
  return app;
}

async function startUpstream(accessToken: string): Promise<BenchUpstream> {
  let refused = 0;
  let connections = 0;
  const expected = `Bearer ${accessToken}`;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const right =
      request.method === 'GET' && request.url === '/ping' && request.headers.authorization === expected;
    if (!right) refused += 1;
    const body = right ? PONG : JSON.stringify({ error: 'unauthorized' });
    response.writeHead(right ? 200 : 401, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  server.on('connection', () => {
    connections += 1;
  });
  // Every variant keeps its one connection busy without pause; no idle timeout should end it.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://localhost:${port}/ping`,
    refused: () => refused,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An authorized account with sealed tokens expiring in an hour, written as a handshake writes it. */
async function seedAccount(table: TableRef, vault: Vault, key: AccountKey, accessToken: string) {
  const now = Date.now();
  const at = new Date(now).toISOString();
  const record: AccountRecord = {
    ...key,
    status: 'authorized',
    tokens: sealTokenSet(vault, key, {
      accessToken,
      refreshToken: `rt_${randomBytes(24).toString('base64url')}`,
    }),
    tokenType: 'Bearer',
    scope: 'read',
    expiresAt: now + HOUR_MS,
    refreshDueAt: now + HOUR_MS - 5 * 60_000,
    authorizedAt: at,
    version: 1,
    updatedAt: at,
  };
  await dynamoAccountStore(table).put(record, { kind: 'absent' });
}

export async function startInvokeWorld(cleanup: Cleanup): Promise<InvokeWorld> {
  const { dir, dynamo, raw, secrets, vaultOf, vault, client } = await startLocalBase(
    cleanup,
    'handshake-bench-invoke-',
  );
  await ensureTable(raw, TABLE_NAME);
  const table: TableRef = { client, tableName: TABLE_NAME };

  const accessToken = `at_${randomBytes(24).toString('base64url')}`;
  const upstream = await startUpstream(accessToken);
  cleanup.defer(() => upstream.close());

  const appDir = join(dir, 'app');
  const app = writeBenchApp(appDir, upstream.port);

  const installationId = newInstallationId();
  const installationKey = newInstallationKey(installationId);
  await dynamoInstallationStore(table).create({
    id: installationId,
    keyHash: hashKey(installationKey),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date().toISOString(),
  });
  await seedAccount(
    table,
    vault,
    { installationId, integration: INTEGRATION, account: 'default' },
    accessToken,
  );

  const allow = parseAllowList([...EGRESS_ALLOW]);
  const egress = () => {
    const made = createEgress({ allow });
    cleanup.defer(() => made.close());
    return made;
  };
  const leaseOwner = `bench#${randomBytes(6).toString('hex')}`;

  return {
    dynamo,
    dataDir: join(dir, 'data'),
    appDir,
    upstream,
    table,
    secrets,
    vault,
    app,
    installationId,
    installationKey,
    accessToken,
    egress,
    invokeDeps(rateLimitPerMinute, timing) {
      const now = () => new Date();
      const shared = egress();
      const refresh: RefreshDeps = {
        app,
        // The bench measures refreshes, not webhooks: no events, said so.
        events: EVENTS_OFF,
        accounts: dynamoAccountStore(table),
        secrets,
        vault: vaultOf,
        egress: shared,
        tokenTimeoutMs: TOKEN_TIMEOUT_MS,
        now,
        leaseOwner: () => leaseOwner,
      };
      const memo = new OpenMemo();
      const { reads, takes } = timing ?? {};
      return {
        app,
        admission: new Admission({
          secrets,
          snapshots: timed(dynamoSnapshotReader(table), 'read', reads),
          rateLimiter: timed(dynamoRateLimiter(table), 'take', takes),
          rateLimitPerMinute,
          now: Date.now,
        }),
        vault: vaultOf,
        memo,
        egress: shared,
        tokens: new AccessTokens({ vault: vaultOf, memo, refresher: new Refresher(refresh), now }),
        now,
        settings: DEFAULT_INVOKE_SETTINGS,
      };
    },
  };
}
