/**
 * What the fan-out's integration tests share: a table on the shared DynamoDB Local with
 * installations and due accounts (sealed tokens, as the sweep finds them), the local secrets
 * (token keys, client credentials), a fake token endpoint, and pollers on the local SQS server
 * running the worker as Lambda's event source mapping would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { EVENTS_OFF } from '../../../lib/accounts/events';
import type { AccountKey, AccountRecord, AuthorizedAccount } from '../../../lib/accounts/record';
import type { App } from '../../../lib/app/model';
import { forEachPooled } from '../../../lib/concurrency/pool';
import { loadCipher } from '../../../lib/crypto';
import type { Egress, EgressRequest, EgressResponse } from '../../../lib/egress';
import { storeClientCredentials } from '../../../lib/oauth/client-credentials';
import { type BatchReport, refreshBatch } from '../../../lib/refresh/fan-out/worker';
import type { RefreshDeps } from '../../../lib/refresh/refresh-account';
import { createFileSecretSource } from '../../../lib/secrets/file';
import type { SecretWriter } from '../../../lib/secrets/port';
import { dynamoAccountStore } from '../../../lib/store/dynamo-accounts';
import { batchedCounts } from '../../../lib/store/dynamo-counters';
import { dynamoInstallationStore } from '../../../lib/store/dynamo-installations';
import { openTokenSet, sealTokenSet } from '../../../lib/tokens/token-set';
import { type Vault, vaultFrom } from '../../../lib/tokens/vault';
import { refreshWorkerDeps } from '../../../lib/wiring/refresh-worker';
import { loadApp, readAppDir } from '../../../tools/app';
import { ensureLocalSecrets } from '../../../tools/local/local-secrets';
import { startSqsPoller } from '../../../tools/local/sqs-poller';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { REPO_ROOT } from '../../support/local-env';
import { type TestQueue, testSqsClient } from '../../support/sqs';

export function appOf(dir: string): App {
  const app = loadApp(readAppDir(dir)).app;
  if (app === undefined) throw new Error(`the app in ${dir} is valid`);
  return app;
}

export const SAMPLE_APP = appOf(join(REPO_ROOT, 'app'));

/**
 * Three integrations of the sample app that renew with a refresh token and the client's own
 * credentials: HubSpot and Google post them in the form, Freshservice in Basic auth, at a
 * token URL made of the account's oauth_iparams.
 */
export const INTEGRATIONS = ['hubspot', 'google', 'freshservice'] as const;
export type IntegrationName = (typeof INTEGRATIONS)[number];

/** The oauth_iparams an account of the integration was connected with (its token URL needs them). */
const OAUTH_IPARAMS: Partial<Record<string, Record<string, string>>> = {
  freshservice: { org_domain: 'acme.myfreshworks.com' },
};

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The `n`-th test installation's id: `in_` and 20 characters of [a-z2-7], as ids are minted. */
export function installationId(n: number): string {
  let digits = '';
  for (let rest = n, i = 0; i < 6; i++, rest = Math.floor(rest / 32)) digits = BASE32[rest % 32] + digits;
  return `in_fanoutfanoutfa${digits}`;
}

/** The refresh token an account was seeded with; the token endpoints answer it with `${it}-new`. */
export const seededToken = (key: AccountKey): string =>
  `rt-${key.integration}-${key.installationId}-${key.account}`;

/** The integration a presented refresh token belongs to (see `seededToken`). */
export const integrationOfToken = (token: string): string => token.split('-')[1] ?? '';

/** The token answer of a refresh: a new pair named after the refresh token presented. */
export const renewedTokens = (presented: string) => ({
  access_token: `at-${presented}-new`,
  refresh_token: `${presented}-new`,
  expires_in: 3600,
});

export type TokenAnswer = { readonly status: number; readonly body: unknown };

/**
 * A token endpoint as an Egress (no network): every refresh token presented is recorded, and
 * when it was answered; `answer` says what the provider answers — by default a new pair at once.
 */
export class TokenEndpoint implements Egress {
  readonly presented: string[] = [];
  readonly answered: { readonly token: string; readonly at: number }[] = [];
  constructor(
    private readonly answer: (presented: string) => Promise<TokenAnswer> = async (presented) => ({
      status: 200,
      body: renewedTokens(presented),
    }),
  ) {}
  async send(request: EgressRequest): Promise<EgressResponse> {
    const presented = new URLSearchParams(String(request.body)).get('refresh_token') ?? '';
    this.presented.push(presented);
    const { status, body } = await this.answer(presented);
    this.answered.push({ token: presented, at: Date.now() });
    return {
      status,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    };
  }
  async close() {}
}

/** The token request's timeout of every worker here, as deployed; the lease outlives it. */
export const TOKEN_TIMEOUT_MS = 15_000;

export interface FanOutWorld {
  readonly table: TestTable;
  readonly sqs: SQSClient;
  /** The data dir of the local secrets file (token keys, client credentials), for a child worker. */
  readonly secretsDir: string;
  readonly secrets: SecretWriter;
  readonly vault: Vault;
  /** The worker's dependencies with this provider (and app, and clock). */
  deps(egress: Egress, overrides?: Partial<RefreshDeps>): RefreshDeps;
  close(): Promise<void>;
}

/** A table with `installations` installations (ids `installationId(0…)`) and the local secrets. */
export async function startFanOutWorld(options: { readonly installations: number }): Promise<FanOutWorld> {
  const table = await createTestTable();
  const sqs = testSqsClient();
  const secretsDir = mkdtempSync(join(tmpdir(), 'handshake-fanout-'));
  const secrets = createFileSecretSource(secretsDir);
  await ensureLocalSecrets(secrets);
  const vault = vaultFrom(await loadCipher(secrets));
  for (const name of INTEGRATIONS)
    await storeClientCredentials(secrets, name, { clientId: `${name}-id`, clientSecret: `${name}-secret` });
  const installations = dynamoInstallationStore(table);
  await forEachPooled(
    Array.from({ length: options.installations }, (_, n) => installationId(n)),
    { concurrency: 8 },
    async (id) => {
      await installations.create({
        id,
        keyHash: 'ab'.repeat(32),
        iparams: {},
        secureIparams: undefined,
        secureIparamNames: [],
        createdAt: new Date().toISOString(),
      });
    },
  );
  const accounts = dynamoAccountStore(table);
  return {
    table,
    sqs,
    secretsDir,
    secrets,
    vault,
    deps: (egress, overrides = {}) => ({
      app: SAMPLE_APP,
      events: EVENTS_OFF,
      accounts,
      secrets,
      vault: async () => vault,
      egress,
      tokenTimeoutMs: TOKEN_TIMEOUT_MS,
      now: () => new Date(),
      leaseOwner: () => 'fan-out-test',
      ...overrides,
    }),
    close: async () => {
      sqs.destroy();
      rmSync(secretsDir, { recursive: true, force: true });
      await table.drop();
    },
  };
}

/**
 * Stores each key as an authorized account that came due `dueMsAgo` ago (default 1 s), its
 * tokens sealed as the callback seals them; `concurrency` puts at once.
 */
export async function seedDue(
  world: FanOutWorld,
  keys: readonly AccountKey[],
  options: { readonly dueMsAgo?: number; readonly concurrency?: number } = {},
): Promise<void> {
  // Counted as a sweep counts (merged ADDs), so the seed's puts are one transaction each.
  const counts = batchedCounts(world.table);
  const accounts = dynamoAccountStore(world.table, counts);
  await forEachPooled(keys, { concurrency: options.concurrency ?? 16 }, async (key) => {
    const now = Date.now();
    const oauthIparams = OAUTH_IPARAMS[key.integration];
    const record: AuthorizedAccount = {
      ...key,
      status: 'authorized',
      tokens: sealTokenSet(world.vault, key, {
        accessToken: `at-${seededToken(key)}`,
        refreshToken: seededToken(key),
        ...(oauthIparams === undefined ? {} : { oauthIparams }),
      }),
      expiresAt: now + 60_000,
      refreshDueAt: now - (options.dueMsAgo ?? 1000),
      authorizedAt: new Date(now).toISOString(),
      version: 1,
      updatedAt: new Date(now).toISOString(),
    };
    await accounts.put(record, { kind: 'absent' });
  });
  await counts.flush();
}

/** `count` keys of `integration`, spread over the world's first `installations` installations. */
export const keysOf = (
  integration: string,
  count: number,
  options: { readonly installations: number; readonly prefix: string },
): AccountKey[] =>
  Array.from({ length: count }, (_, i) => ({
    installationId: installationId(i % options.installations),
    integration,
    account: `${options.prefix}-${i}`,
  }));

/** The record as stored, and its refresh token opened (undefined when it has none). */
export async function storedOf(
  world: FanOutWorld,
  key: AccountKey,
): Promise<{ record: AccountRecord | undefined; refreshToken: string | undefined }> {
  const record = await dynamoAccountStore(world.table).get(key);
  const refreshToken =
    record?.status === 'authorized' ? openTokenSet(world.vault, record).refreshToken : undefined;
  return { record, refreshToken };
}

/** Resolves once `condition` holds; rejects, saying `what`, when it still does not after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`still not so after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether the queue holds nothing, neither waiting nor in flight. */
export async function queueIsEmpty(sqs: SQSClient, url: string): Promise<boolean> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    answer.Attributes?.ApproximateNumberOfMessages === '0' &&
    answer.Attributes?.ApproximateNumberOfMessagesNotVisible === '0'
  );
}

/** What the worker settled, summed over every batch the pollers handed it. */
export type Tally = { -readonly [K in keyof BatchReport['outcomes']]: number } & { batches: number };

export interface Workers {
  readonly tally: Tally;
  stop(): Promise<void>;
}

/**
 * Pollers running the worker, as the event source mappings would: `concurrency` pollers on
 * each queue (batches of up to 10, long polls of 1 s so they stop promptly), each one like a
 * worker container of its own — the deployed worker's store (lib/wiring/refresh-worker.ts),
 * its overview counts sent after each batch. That store replaces `deps.accounts`.
 */
export function startWorkers(
  { sqs, table }: Pick<FanOutWorld, 'sqs' | 'table'>,
  lanes: readonly { readonly queue: TestQueue; readonly concurrency: number }[],
  deps: RefreshDeps,
): Workers {
  const tally: Tally = { refreshed: 0, failed: 0, dead: 0, skipped: 0, malformed: 0, crashed: 0, batches: 0 };
  const pollers = lanes.flatMap(({ queue, concurrency }) =>
    Array.from({ length: concurrency }, () => {
      const container = refreshWorkerDeps({ refresh: deps, table });
      return startSqsPoller({
        client: sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        waitSeconds: 1,
        handler: async (event) => {
          const report = await refreshBatch(
            container.refresh,
            event.Records.map((record) => ({ messageId: record.messageId, body: record.body })),
          ).finally(container.sendCounts);
          tally.batches += 1;
          for (const [kind, n] of Object.entries(report.outcomes))
            tally[kind as keyof typeof report.outcomes] += n;
          return { batchItemFailures: report.retry.map((itemIdentifier) => ({ itemIdentifier })) };
        },
      });
    }),
  );
  return { tally, stop: async () => void (await Promise.all(pollers.map((poller) => poller.stop()))) };
}

/** Runs workers on the queues until `done()` holds (rejecting after `timeoutMs`), then stops them. */
export async function work(
  world: Pick<FanOutWorld, 'sqs' | 'table'>,
  lanes: readonly { readonly queue: TestQueue; readonly concurrency: number }[],
  deps: RefreshDeps,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<Tally> {
  const workers = startWorkers(world, lanes, deps);
  try {
    await waitFor('the workers are done', done, timeoutMs);
  } finally {
    await workers.stop();
  }
  return workers.tally;
}
