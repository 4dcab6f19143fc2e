/**
 * The fan-out end to end on the local SQS server and DynamoDB Local: the producer sends every
 * due key to its integration's queue, pollers (as Lambda's event source mapping) hand batches
 * to the worker, and each token is refreshed exactly once at the provider — also when a key is
 * sent twice; a malformed message is delivered again until the redrive puts it in the DLQ.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { EVENTS_OFF } from '../../../lib/accounts/events';
import type { AccountKey, AuthorizedAccount } from '../../../lib/accounts/record';
import { loadCipher } from '../../../lib/crypto';
import type { Egress, EgressRequest, EgressResponse } from '../../../lib/egress';
import { storeClientCredentials } from '../../../lib/oauth/client-credentials';
import { fanOutDue } from '../../../lib/refresh/fan-out/producer';
import { sqsRefreshSender } from '../../../lib/refresh/fan-out/sqs-sender';
import { refreshBatch } from '../../../lib/refresh/fan-out/worker';
import type { RefreshDeps } from '../../../lib/refresh/refresh-account';
import { createFileSecretSource } from '../../../lib/secrets/file';
import { dynamoAccountStore } from '../../../lib/store/dynamo-accounts';
import { dynamoDueQueue } from '../../../lib/store/dynamo-due-queue';
import { dynamoInstallationStore } from '../../../lib/store/dynamo-installations';
import { sealTokenSet } from '../../../lib/tokens/token-set';
import { type Vault, vaultFrom } from '../../../lib/tokens/vault';
import { loadApp, readAppDir } from '../../../tools/app';
import { ensureLocalSecrets } from '../../../tools/local/local-secrets';
import { startSqsPoller } from '../../../tools/local/sqs-poller';
import { createTestTable, type TestTable } from '../../support/dynamo';
import { REPO_ROOT } from '../../support/local-env';
import { createTestQueue, type TestQueue, testSqsClient } from '../../support/sqs';

const app = loadApp(readAppDir(join(REPO_ROOT, 'app'))).app;
if (app === undefined) throw new Error('the sample app is valid');
const INTEGRATIONS = ['hubspot', 'google'] as const;
const INSTALLATION = 'in_fanoutfanoutfanoutfa';

/** The token endpoint: a new token pair per refresh, every request recorded. */
class TokenEndpoint implements Egress {
  readonly presented: string[] = [];
  async send(request: EgressRequest): Promise<EgressResponse> {
    const presented = new URLSearchParams(String(request.body)).get('refresh_token') ?? '';
    this.presented.push(presented);
    const body = { access_token: `at-${presented}-new`, refresh_token: `${presented}-new`, expires_in: 3600 };
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    };
  }
  async close() {}
}

let table: TestTable;
let vault: Vault;
let client: SQSClient;
let deps: RefreshDeps;
let endpoint: TokenEndpoint;

beforeAll(async () => {
  table = await createTestTable();
  client = testSqsClient();
  const secrets = createFileSecretSource(mkdtempSync(join(tmpdir(), 'handshake-fanout-')));
  await ensureLocalSecrets(secrets);
  vault = vaultFrom(await loadCipher(secrets));
  for (const name of INTEGRATIONS)
    await storeClientCredentials(secrets, name, { clientId: `${name}-id`, clientSecret: `${name}-secret` });
  await dynamoInstallationStore(table).create({
    id: INSTALLATION,
    keyHash: 'ab'.repeat(32),
    iparams: {},
    secureIparams: undefined,
    secureIparamNames: [],
    createdAt: new Date().toISOString(),
  });
  deps = {
    app,
    events: EVENTS_OFF,
    accounts: dynamoAccountStore(table),
    secrets,
    vault: async () => vault,
    egress: new TokenEndpoint(),
    tokenTimeoutMs: 15_000,
    now: () => new Date(),
    leaseOwner: () => 'fan-out-test',
  };
});
afterAll(async () => {
  client?.destroy();
  await table?.drop();
});
beforeEach(() => {
  endpoint = new TokenEndpoint();
  deps = { ...deps, egress: endpoint };
});

const queues = (name: string) => createTestQueue(client, name);

async function due(integration: string, account: string): Promise<AccountKey> {
  const key = { installationId: INSTALLATION, integration, account };
  const now = new Date().toISOString();
  const record: AuthorizedAccount = {
    ...key,
    status: 'authorized',
    tokens: sealTokenSet(vault, key, {
      accessToken: `at-${integration}-${account}`,
      refreshToken: `rt-${integration}-${account}`,
    }),
    expiresAt: Date.now() + 60_000,
    refreshDueAt: Date.now() - 1000,
    authorizedAt: now,
    version: 1,
    updatedAt: now,
  };
  await dynamoAccountStore(table).put(record, { kind: 'absent' });
  return key;
}

/** Pollers on each queue running the worker, until `done()` holds (or 30 s pass). */
async function work(all: TestQueue[], done: () => boolean | Promise<boolean>) {
  const pollers = all.map((queue) =>
    startSqsPoller({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      concurrency: 2,
      waitSeconds: 1,
      handler: async (event) => {
        const report = await refreshBatch(
          deps,
          event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
        );
        return { batchItemFailures: report.retry.map((itemIdentifier) => ({ itemIdentifier })) };
      },
    }),
  );
  const until = Date.now() + 30_000;
  while (!(await done()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  await Promise.all(pollers.map((poller) => poller.stop()));
}

describe('the refresh fan-out on the local queue', () => {
  it('refreshes every due token of two integrations exactly once, 4 workers in all', async () => {
    // Arrange: 150 due tokens, each integration its own queue.
    const made = await Promise.all(INTEGRATIONS.map((name) => queues(`refresh-${name}-all`)));
    const urls = new Map<string, string>(INTEGRATIONS.map((name, index) => [name, made[index]?.url ?? '']));
    const keys: AccountKey[] = [];
    for (let i = 0; i < 150; i++) keys.push(await due(INTEGRATIONS[i % 2] ?? 'hubspot', `all-${i}`));
    // Act
    const report = await fanOutDue(
      {
        queue: dynamoDueQueue(table),
        sender: sqsRefreshSender(client, (name) => urls.get(name)),
        now: () => new Date(),
      },
      { startBefore: Number.POSITIVE_INFINITY },
    );
    await work(made, () => endpoint.presented.length >= 150);
    // Assess
    expect(report).toMatchObject({ due: 150, sent: 150, unsent: 0, unfinished: false });
    expect(endpoint.presented).toHaveLength(150);
    expect(new Set(endpoint.presented)).toEqual(new Set(keys.map((k) => `rt-${k.integration}-${k.account}`)));
  });

  it('refreshes a key sent twice once', async () => {
    const queue = await queues('refresh-twice');
    const key = await due('hubspot', 'twice');
    const sender = sqsRefreshSender(client, () => queue.url);
    await sender.send('hubspot', [key]);
    await sender.send('hubspot', [key]);
    await work([queue], async () => {
      const left = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
      );
      return (
        left.Attributes?.ApproximateNumberOfMessages === '0' &&
        left.Attributes?.ApproximateNumberOfMessagesNotVisible === '0'
      );
    });
    expect(endpoint.presented).toEqual(['rt-hubspot-twice']);
  });

  it('puts a malformed message in the dead-letter queue after its deliveries, calling no provider', async () => {
    const queue = await queues('refresh-malformed');
    await client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"v":1,"installationId":"nope"}' }),
    );
    let dead: string[] = [];
    await work([queue], async () => {
      const found = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queue.dlq, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
      );
      dead = [...dead, ...(found.Messages ?? []).map((m) => m.Body ?? '')];
      return dead.length > 0;
    });
    expect(dead).toEqual(['{"v":1,"installationId":"nope"}']);
    expect(endpoint.presented).toEqual([]);
  });
});
