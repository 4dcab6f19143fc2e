/**
 * A fan-out worker in a process of its own, for a test to kill: a poller on one queue (as the
 * event source mapping) handing each batch to the worker over the deployed worker's store
 * (lib/wiring/refresh-worker.ts), as functions/refresh-worker.ts does, with the real egress to
 * the provider. Run as `node --import tsx worker-process.ts` (one process: SIGKILL reaches the
 * worker itself, not a launcher), configured by HANDSHAKE_FANOUT_WORKER (JSON, see `Setup`).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { EVENTS_OFF } from '../../../lib/accounts/events';
import { loadCipher } from '../../../lib/crypto';
import { createEgress, parseAllowList } from '../../../lib/egress';
import { refreshBatch } from '../../../lib/refresh/fan-out/worker';
import { createFileSecretSource } from '../../../lib/secrets/file';
import { createDynamoClient, documentClient } from '../../../lib/store/dynamo';
import { dynamoAccountStore } from '../../../lib/store/dynamo-accounts';
import { vaultFrom } from '../../../lib/tokens/vault';
import { refreshWorkerDeps } from '../../../lib/wiring/refresh-worker';
import { loadApp, readAppDir } from '../../../tools/app';
import { startSqsPoller } from '../../../tools/local/sqs-poller';

export interface Setup {
  readonly appDir: string;
  readonly secretsDir: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly sqsEndpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** The egress allow list (the loopback provider's `localhost:<port>`). */
  readonly allow: readonly string[];
  readonly tokenTimeoutMs: number;
  readonly leaseOwner: string;
}

async function main(): Promise<void> {
  const setup = JSON.parse(process.env.HANDSHAKE_FANOUT_WORKER ?? '') as Setup;
  const app = loadApp(readAppDir(setup.appDir)).app;
  if (app === undefined) throw new Error('the app is invalid');
  const table = {
    client: documentClient(
      createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: setup.dynamodbEndpoint, local: true }),
    ),
    tableName: setup.tableName,
  };
  const secrets = createFileSecretSource(setup.secretsDir);
  const vault = vaultFrom(await loadCipher(secrets));
  const container = refreshWorkerDeps({
    table,
    refresh: {
      app,
      events: EVENTS_OFF,
      accounts: dynamoAccountStore(table),
      secrets,
      vault: async () => vault,
      egress: createEgress({ allow: parseAllowList(setup.allow) }),
      tokenTimeoutMs: setup.tokenTimeoutMs,
      now: () => new Date(),
      leaseOwner: () => setup.leaseOwner,
    },
  });
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint: setup.sqsEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  startSqsPoller({
    client,
    queueUrl: setup.queueUrl,
    queueArn: setup.queueArn,
    waitSeconds: 1,
    handler: async (event) => {
      const messages = event.Records.map((record) => ({ messageId: record.messageId, body: record.body }));
      const report = await refreshBatch(container.refresh, messages).finally(container.sendCounts);
      return { batchItemFailures: report.retry.map((itemIdentifier) => ({ itemIdentifier })) };
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `the worker process failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
