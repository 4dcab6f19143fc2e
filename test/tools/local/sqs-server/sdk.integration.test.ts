import {
  BatchEntryIdsNotDistinct,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  ListQueuesCommand,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
  TooManyEntriesInBatchRequest,
  UnsupportedOperation,
} from '@aws-sdk/client-sqs';
import { freePort } from '../../../../tools/local/dynamodb-local';
import { type LocalSqs, startSqsServer } from '../../../../tools/local/sqs-server/server';

let sqs: LocalSqs;
let client: SQSClient;
let counter = 0;

beforeAll(async () => {
  sqs = await startSqsServer({ port: await freePort() });
  client = new SQSClient({
    endpoint: sqs.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await sqs.close();
});

async function queue(attributes: Record<string, string> = {}, name = `q${++counter}`): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new Error('no QueueUrl');
  return QueueUrl;
}

async function arnOf(url: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? '';
}

async function counts(url: string) {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}

describe('local SQS server driven by @aws-sdk/client-sqs', () => {
  it('creates queues idempotently, finds, lists and deletes them', async () => {
    const url = await queue({ VisibilityTimeout: '45' }, 'orders-main');
    expect(url).toBe(`${sqs.endpoint}/000000000000/orders-main`);
    await expect(queue({ VisibilityTimeout: '45' }, 'orders-main')).resolves.toBe(url);
    await expect(queue({ VisibilityTimeout: '46' }, 'orders-main')).rejects.toBeInstanceOf(QueueNameExists);
    await queue({}, 'orders-dlq');
    expect((await client.send(new GetQueueUrlCommand({ QueueName: 'orders-main' }))).QueueUrl).toBe(url);
    const { QueueUrls } = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'orders-' }));
    expect(QueueUrls?.map((u) => u.split('/').pop())).toEqual(['orders-main', 'orders-dlq']);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      VisibilityTimeout: '45',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:orders-main',
      ApproximateNumberOfMessages: '0',
      DelaySeconds: '0',
    });
    await client.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '5' } }),
    );
    expect(
      (
        await client.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }),
        )
      ).Attributes,
    ).toEqual({ VisibilityTimeout: '5' });
    await client.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'orders-main' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
  });

  it('sends a batch of 10 with attributes, long-poll receives 10 and deletes them in a batch', async () => {
    const url = await queue();
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Id: `m${i}`,
          MessageBody: `body ${i} ✓`,
          MessageAttributes: { index: { DataType: 'Number', StringValue: String(i) } },
        })),
      }),
    );
    expect(sent.Successful).toHaveLength(10);
    expect(sent.Failed ?? []).toEqual([]);
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    expect(Messages).toHaveLength(10);
    expect(Messages[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(Messages[0]?.MessageAttributes?.index?.DataType).toBe('Number');
    expect(new Set(Messages.map((m) => m.Body))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `body ${i} ✓`)),
    );
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 10, delayed: 0 });
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    expect(deleted.Successful).toHaveLength(10);
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('re-delivers a message once its 1 s visibility timeout ends, with a new receipt handle', async () => {
    const url = await queue({ VisibilityTimeout: '1' });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const started = Date.now();
    const second = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['All'] }),
    );
    expect(Date.now() - started).toBeLessThan(2500);
    const [again] = second.Messages ?? [];
    expect(again?.Body).toBe('again');
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(again?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle);
    // The stale handle is accepted and deletes nothing; the latest one deletes.
    await client.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages?.[0]?.ReceiptHandle }),
    );
    expect((await counts(url)).inFlight).toBe(1);
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again?.ReceiptHandle }));
    expect((await counts(url)).inFlight).toBe(0);
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue', async () => {
    const dlq = await queue();
    const policy = JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 2 });
    const url = await queue({ RedrivePolicy: policy });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (let i = 0; i < 2; i++) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }),
      );
      expect(Messages[0]?.Body).toBe('poison');
    }
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ['DeadLetterQueueSourceArn'] }),
    );
    expect(Messages[0]?.Body).toBe('poison');
    expect(Messages[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(await arnOf(url));
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual(JSON.parse(policy));
  });

  it('answers a long poll as soon as a message is sent meanwhile', async () => {
    const url = await queue();
    const started = Date.now();
    const polling = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
    const { Messages = [] } = await polling;
    expect(Messages[0]?.Body).toBe('arrived');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('changes visibility, purges, and refuses a second purge within 60 s', async () => {
    const url = await queue();
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 0 }));
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: Messages[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(await counts(url)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    expect(await counts(url)).toEqual({ visible: 1, inFlight: 0, delayed: 1 });
    await client.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await counts(url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    await expect(client.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toBeInstanceOf(
      PurgeQueueInProgress,
    );
  });

  it('answers each refusal as the SDK typed exception', async () => {
    const url = await queue();
    const missing = `${sqs.endpoint}/000000000000/nope`;
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(client.send(new CreateQueueCommand({ QueueName: 'jobs.fifo' }))).rejects.toBeInstanceOf(
      UnsupportedOperation,
    );
    await expect(
      client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })),
    ).rejects.toBeInstanceOf(EmptyBatchRequest);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' }));
    await expect(
      client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: eleven })),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    const twins = [
      { Id: 'same', MessageBody: 'a' },
      { Id: 'same', MessageBody: 'b' },
    ];
    await expect(
      client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: twins })),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
    await expect(
      client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await expect(
      client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Colour' as 'All'] })),
    ).rejects.toBeInstanceOf(InvalidAttributeName);
    const tooMany = client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 }));
    await expect(tooMany).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(tooMany).rejects.toBeInstanceOf(SQSServiceException);
    const noBody = client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' }));
    await expect(noBody).rejects.toMatchObject({ name: 'MissingParameter' });
  });

  it('reports per-entry failures of a batch without failing the request', async () => {
    const url = await queue();
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok', MessageBody: 'fine' },
          { Id: 'bad', MessageBody: 'x', DelaySeconds: 901 },
        ],
      }),
    );
    expect(result.Successful?.map((e) => e.Id)).toEqual(['ok']);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidParameterValue' }),
    ]);
  });
});

describe('the wire format a client without the SDK sees', () => {
  const post = (target: string | undefined, body: string) =>
    fetch(sqs.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        ...(target === undefined ? {} : { 'x-amz-target': target }),
      },
      body,
    });

  it('answers an unknown action, malformed JSON and a missing queue with SQS JSON errors', async () => {
    const unknown = await post('AmazonSQS.Frobnicate', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
    expect(await unknown.json()).toMatchObject({ __type: 'com.amazonaws.sqs#InvalidAction' });
    const malformed = await post('AmazonSQS.ListQueues', '{not json');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ __type: 'com.amazonaws.sqs#SerializationException' });
    const gone = await post('AmazonSQS.GetQueueUrl', JSON.stringify({ QueueName: 'absent' }));
    expect(gone.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(await gone.json()).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
    const missing = await post('AmazonSQS.CreateQueue', '{}');
    expect(await missing.json()).toMatchObject({ __type: 'com.amazonaws.sqs#MissingParameter' });
    const noTarget = await post(undefined, '{}');
    expect(noTarget.status).toBe(400);
    expect(JSON.stringify(await noTarget.json())).not.toMatch(/at .*\.ts/);
  });
});
