/**
 * The fan-out end to end on the local SQS server and DynamoDB Local: the producer sends every
 * due key to its integration's queue, pollers (as Lambda's event source mapping) hand batches
 * to the worker, and each token is refreshed exactly once at the provider — also when a key is
 * sent twice; a malformed message is delivered again until the redrive puts it in the DLQ.
 * At scale, a killed worker and a provider's outage: scale.integration.test.ts.
 */
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AccountKey } from '../../../lib/accounts/record';
import { fanOutDue } from '../../../lib/refresh/fan-out/producer';
import { sqsRefreshSender } from '../../../lib/refresh/fan-out/sqs-sender';
import { dynamoDueQueue } from '../../../lib/store/dynamo-due-queue';
import { createTestQueue, type TestQueue } from '../../support/sqs';
import {
  type FanOutWorld,
  installationId,
  queueIsEmpty,
  seedDue,
  seededToken,
  startFanOutWorld,
  TokenEndpoint,
  work,
} from './world';

const INTEGRATIONS = ['hubspot', 'google'] as const;

let world: FanOutWorld;
let endpoint: TokenEndpoint;

beforeAll(async () => {
  world = await startFanOutWorld({ installations: 1 });
});
afterAll(async () => {
  await world?.close();
});
beforeEach(() => {
  endpoint = new TokenEndpoint();
});

const queues = (name: string) => createTestQueue(world.sqs, name);

async function due(integration: string, account: string): Promise<AccountKey> {
  const key = { installationId: installationId(0), integration, account };
  await seedDue(world, [key]);
  return key;
}

/** Two pollers on each queue running the worker until `done()` holds. */
const workOn = (all: TestQueue[], done: () => boolean | Promise<boolean>) =>
  work(
    world,
    all.map((queue) => ({ queue, concurrency: 2 })),
    world.deps(endpoint),
    done,
  );

describe('the refresh fan-out on the local queue', () => {
  it('refreshes every due token of two integrations exactly once, 4 workers in all', async () => {
    // Arrange: 150 due tokens, each integration its own queue.
    const made = await Promise.all(INTEGRATIONS.map((name) => queues(`refresh-${name}-all`)));
    const urls = new Map<string, string>(INTEGRATIONS.map((name, index) => [name, made[index]?.url ?? '']));
    const keys: AccountKey[] = Array.from({ length: 150 }, (_, i) => ({
      installationId: installationId(0),
      integration: INTEGRATIONS[i % 2] ?? 'hubspot',
      account: `all-${i}`,
    }));
    await seedDue(world, keys);
    // Act
    const report = await fanOutDue(
      {
        queue: dynamoDueQueue(world.table),
        sender: sqsRefreshSender(world.sqs, (name) => urls.get(name)),
        now: () => new Date(),
      },
      { startBefore: Number.POSITIVE_INFINITY },
    );
    await workOn(made, () => endpoint.presented.length >= 150);
    // Assess
    expect(report).toMatchObject({ due: 150, sent: 150, unsent: 0, unfinished: false });
    expect(endpoint.presented).toHaveLength(150);
    expect(new Set(endpoint.presented)).toEqual(new Set(keys.map(seededToken)));
  });

  it('refreshes a key sent twice once', async () => {
    const queue = await queues('refresh-twice');
    const key = await due('hubspot', 'twice');
    const sender = sqsRefreshSender(world.sqs, () => queue.url);
    await sender.send('hubspot', [key]);
    await sender.send('hubspot', [key]);
    await workOn([queue], () => queueIsEmpty(world.sqs, queue.url));
    expect(endpoint.presented).toEqual([seededToken(key)]);
  });

  it('puts a malformed message in the dead-letter queue after its deliveries, calling no provider', async () => {
    const queue = await queues('refresh-malformed');
    await world.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"v":1,"installationId":"nope"}' }),
    );
    let dead: string[] = [];
    await workOn([queue], async () => {
      const found = await world.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.dlq, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
      );
      dead = [...dead, ...(found.Messages ?? []).map((m) => m.Body ?? '')];
      return dead.length > 0;
    });
    expect(dead).toEqual(['{"v":1,"installationId":"nope"}']);
    expect(endpoint.presented).toEqual([]);
  });
});
