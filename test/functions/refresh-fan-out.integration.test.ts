/**
 * The deployed fan-out path through the functions themselves: functions/refresh.ts with
 * HANDSHAKE_REFRESH_FAN_OUT=on sends each due key to its integration's queue (the local SQS
 * server) and calls no provider; functions/refresh-worker.ts, fed batch by batch as Lambda's
 * event source mapping would, refreshes them at a real authorization server (oidc-provider,
 * accounts connected by a person in Chromium). The in-process path of the same function is
 * test/refresh/refresh.integration.test.ts.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { accountSk, installationPk } from '../../lib/store/layout';
import type { SweepReport } from '../../lib/wiring/refresh-sweep';
import { startSqsPoller } from '../../tools/local/sqs-poller';
import { lambdaContext } from '../support/events';
import {
  createInstallation,
  linkFor,
  ofEndpoint,
  personConnects,
  storedTokens,
  useHarness,
  world,
} from '../support/harness';
import { createTestQueue, type TestQueue, testSqsClient, testSqsEndpoint } from '../support/sqs';

const sqs = testSqsClient();
let queue: TestQueue;
beforeAll(async () => {
  queue = await createTestQueue(sqs, 'refresh-crew', { visibilityTimeoutSeconds: 30 });
});
afterAll(() => sqs.destroy());

useHarness({
  env: () => ({
    HANDSHAKE_REFRESH_FAN_OUT: 'on',
    HANDSHAKE_REFRESH_QUEUES: JSON.stringify({ crew: queue.url }),
    AWS_ENDPOINT_URL_SQS: testSqsEndpoint(),
  }),
});

async function sweep(): Promise<SweepReport> {
  const { handler } = (await import('../../functions/refresh')) as unknown as {
    handler: (event: unknown, context: Context) => Promise<SweepReport>;
  };
  return handler(
    { source: 'aws.events', 'detail-type': 'Scheduled Event' },
    lambdaContext('handshake-dev-refresh'),
  );
}

/** The worker function on the queue, as the event source mapping runs it, until the queue is empty. */
async function drain(): Promise<void> {
  const { handler } = (await import('../../functions/refresh-worker')) as unknown as {
    handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  };
  const poller = startSqsPoller({
    client: sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    waitSeconds: 1,
    handler: (event) => handler(event, lambdaContext('handshake-dev-refreshWorker')),
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const left = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }))
    ).Attributes;
    if (left?.ApproximateNumberOfMessages === '0' && left.ApproximateNumberOfMessagesNotVisible === '0')
      break;
    if (Date.now() > deadline) throw new Error('the refresh queue did not drain in 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await poller.stop();
}

async function connect(installationId: string, account: string) {
  const { page } = await personConnects(await linkFor(installationId, { integration: 'crew', account }), {
    login: account,
  });
  await page.context().close();
  return storedTokens(installationId, 'crew', account);
}

async function dueNow(installationId: string, account: string) {
  await world.table.client.send(
    new UpdateCommand({
      TableName: world.table.tableName,
      Key: { pk: installationPk(installationId), sk: accountSk({ integration: 'crew', account }) },
      UpdateExpression: 'SET refreshDueAt = :at, dueAt = :at',
      ExpressionAttributeValues: { ':at': Date.now() - 1000 },
    }),
  );
}

const refreshRequests = async () =>
  ofEndpoint(await world.oauth.received(), 'token').filter(
    (request) => request.form.grant_type === 'refresh_token',
  );

describe('the fan-out sweep and its worker (the functions)', () => {
  it('queues the due keys without calling the provider, holds a queue still waiting, and the worker refreshes each once', async () => {
    // Arrange: two connected accounts, both due.
    const installation = await createInstallation();
    const before = { f1: await connect(installation.id, 'f1'), f2: await connect(installation.id, 'f2') };
    await dueNow(installation.id, 'f1');
    await dueNow(installation.id, 'f2');
    await world.oauth.clearReceived();

    // Act: a sweep, then another while the first one's keys still wait in the queue.
    const first = await sweep();
    const second = await sweep();

    // Assess: nothing reached the provider; the second sweep sent nothing onto the backlog.
    expect(first).toMatchObject({ mode: 'fan-out', due: 2, sent: 2, unsent: 0, held: 0, unfinished: false });
    expect(second).toMatchObject({ mode: 'fan-out', due: 2, sent: 0, held: 2 });
    expect(await refreshRequests()).toEqual([]);

    // Act: the worker drains the queue.
    await drain();

    // Assess: one refresh each, with the refresh token each account held; new tokens stored.
    const presented = (await refreshRequests()).map((request) => request.form.refresh_token).sort();
    expect(presented).toEqual([before.f1.tokens?.refreshToken, before.f2.tokens?.refreshToken].sort());
    for (const account of ['f1', 'f2'] as const) {
      const after = await storedTokens(installation.id, 'crew', account);
      expect(after.tokens?.refreshToken).not.toBe(before[account].tokens?.refreshToken);
      expect(after.item.refreshDueAt).toBeGreaterThan(Date.now());
    }
    // And the next sweep finds nothing due, so sends nothing.
    expect(await sweep()).toMatchObject({ mode: 'fan-out', due: 0, sent: 0 });
  }, 90_000);
});
