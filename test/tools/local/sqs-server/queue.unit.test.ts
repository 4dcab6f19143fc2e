import type { Clock } from '../../../../tools/local/sqs-server/queue';
import { QueueStore } from '../../../../tools/local/sqs-server/store';
import { codeOf } from './error-code';

class FakeClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(seconds: number): void {
    this.time += seconds * 1000;
  }
}

function setup(attributes: Record<string, string> = {}) {
  const clock = new FakeClock();
  const store = new QueueStore(clock);
  const queue = store.create('work', attributes);
  return {
    clock,
    store,
    queue,
    receive: (max = 10, visibility?: number) => store.receive(queue, max, visibility),
  };
}

describe('queue visibility', () => {
  it('hides a received message for the visibility timeout, then delivers it again with a new handle', () => {
    const { clock, queue, receive } = setup({ VisibilityTimeout: '30' });
    queue.send({ body: 'a' });
    const [first] = receive();
    expect(first?.message.receiveCount).toBe(1);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    clock.advance(29.999);
    expect(receive()).toEqual([]);
    clock.advance(0.001);
    const [second] = receive();
    expect(second?.message.id).toBe(first?.message.id);
    expect(second?.message.receiveCount).toBe(2);
    expect(second?.message.firstReceivedAt).toBe(first?.message.firstReceivedAt);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('uses a receive-level visibility override and ChangeMessageVisibility', () => {
    const { clock, queue, receive } = setup();
    queue.send({ body: 'a' });
    const [delivery] = receive(1, 5);
    clock.advance(4);
    queue.changeVisibility(delivery?.receiptHandle ?? '', 10);
    clock.advance(9);
    expect(receive()).toEqual([]);
    clock.advance(1);
    expect(receive()).toHaveLength(1);
  });

  it('refuses ChangeMessageVisibility for a message no longer in flight, and out-of-range timeouts', () => {
    const { clock, queue, receive } = setup({ VisibilityTimeout: '1' });
    queue.send({ body: 'a' });
    const handle = receive()[0]?.receiptHandle ?? '';
    expect(codeOf(() => queue.changeVisibility(handle, 43_201))).toBe('InvalidParameterValue');
    clock.advance(2);
    expect(codeOf(() => queue.changeVisibility(handle, 5))).toBe('MessageNotInflight');
    receive();
    expect(codeOf(() => queue.changeVisibility(handle, 5))).toBe('InvalidParameterValue');
  });

  it('holds delayed messages back and counts them as delayed', () => {
    const { clock, queue, receive } = setup({ DelaySeconds: '10' });
    queue.send({ body: 'queue delay' });
    queue.send({ body: 'no delay', delaySeconds: 0 });
    expect(queue.counts()).toEqual({ visible: 1, inFlight: 0, delayed: 1 });
    expect(receive().map((d) => d.message.body)).toEqual(['no delay']);
    clock.advance(10);
    expect(receive().map((d) => d.message.body)).toEqual(['queue delay']);
  });

  it('drops messages older than the retention period', () => {
    const { clock, queue } = setup({ MessageRetentionPeriod: '60' });
    queue.send({ body: 'a' });
    clock.advance(60);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('gives at most MaxNumberOfMessages', () => {
    const { queue, receive } = setup();
    for (let i = 0; i < 5; i++) queue.send({ body: String(i) });
    expect(receive(3)).toHaveLength(3);
    expect(receive(3)).toHaveLength(2);
  });
});

describe('receipt handles', () => {
  it('deletes only with the latest handle; a stale one is accepted and does nothing', () => {
    const { clock, queue, receive } = setup({ VisibilityTimeout: '1' });
    queue.send({ body: 'a' });
    const stale = receive()[0]?.receiptHandle ?? '';
    clock.advance(1);
    const latest = receive()[0]?.receiptHandle ?? '';
    queue.delete(stale);
    expect(queue.counts().inFlight).toBe(1);
    queue.delete(latest);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    queue.delete(latest);
  });

  it('refuses a handle that is not one, or belongs to another queue', () => {
    const { store, queue, receive } = setup();
    const other = store.create('other');
    other.send({ body: 'b' });
    const foreign = store.receive(other, 1)[0]?.receiptHandle ?? '';
    queue.send({ body: 'a' });
    receive();
    expect(codeOf(() => queue.delete('not-a-handle'))).toBe('ReceiptHandleIsInvalid');
    expect(codeOf(() => queue.delete(foreign))).toBe('ReceiptHandleIsInvalid');
  });
});

describe('redrive', () => {
  function withDeadLetterQueue(maxReceiveCount: number) {
    const clock = new FakeClock();
    const store = new QueueStore(clock);
    const dlq = store.create('dead');
    const policy = JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount });
    const queue = store.create('source', { RedrivePolicy: policy, VisibilityTimeout: '10' });
    return { clock, store, dlq, queue };
  }

  it('moves a message to the dead-letter queue instead of its (maxReceiveCount + 1)th receive', () => {
    const { clock, store, dlq, queue } = withDeadLetterQueue(3);
    const sent = queue.send({ body: 'poison' });
    for (let i = 1; i <= 3; i++) {
      expect(store.receive(queue, 10)[0]?.message.receiveCount).toBe(i);
      clock.advance(10);
    }
    expect(store.receive(queue, 10)).toEqual([]);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(dlq.counts().visible).toBe(1);
    const [dead] = store.receive(dlq, 10);
    expect(dead?.message.id).toBe(sent.id);
    expect(dead?.message.deadLetterSourceArn).toBe(queue.arn);
  });

  it('keeps delivering the other messages of the same receive', () => {
    const { clock, store, queue } = withDeadLetterQueue(1);
    queue.send({ body: 'poison' });
    store.receive(queue, 10);
    clock.advance(10);
    queue.send({ body: 'fresh' });
    expect(store.receive(queue, 10).map((d) => d.message.body)).toEqual(['fresh']);
  });

  it('refuses a redrive policy whose target does not exist or whose count is out of range', () => {
    const store = new QueueStore(new FakeClock());
    const policy = (arn: string, count: number) => ({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: count }),
    });
    const missingArn = 'arn:aws:sqs:us-east-1:000000000000:missing';
    expect(codeOf(() => store.create('a', policy(missingArn, 2)))).toBe('InvalidParameterValue');
    const dlq = store.create('dlq');
    expect(codeOf(() => store.create('b', policy(dlq.arn, 0)))).toBe('InvalidParameterValue');
    expect(codeOf(() => store.create('c', { RedrivePolicy: '{nope' }))).toBe('InvalidAttributeValue');
  });
});

describe('queue store', () => {
  it('is idempotent for the same attributes and refuses different ones', () => {
    const store = new QueueStore(new FakeClock());
    const queue = store.create('q', { VisibilityTimeout: '60' });
    expect(store.create('q', { VisibilityTimeout: '60' })).toBe(queue);
    expect(store.create('q')).toBe(queue);
    expect(codeOf(() => store.create('q', { VisibilityTimeout: '61' }))).toBe('QueueNameExists');
  });

  it('refuses FIFO queues, bad names, unknown attributes and out-of-range values', () => {
    const store = new QueueStore(new FakeClock());
    expect(codeOf(() => store.create('jobs.fifo'))).toBe('UnsupportedOperation');
    expect(codeOf(() => store.create('jobs', { FifoQueue: 'true' }))).toBe('UnsupportedOperation');
    expect(codeOf(() => store.create('has space'))).toBe('InvalidParameterValue');
    expect(codeOf(() => store.create('x'.repeat(81)))).toBe('InvalidParameterValue');
    expect(codeOf(() => store.create('q', { Colour: 'blue' }))).toBe('InvalidAttributeName');
    expect(codeOf(() => store.create('q', { VisibilityTimeout: '43201' }))).toBe('InvalidAttributeValue');
    expect(codeOf(() => store.create('q', { ReceiveMessageWaitTimeSeconds: '21' }))).toBe(
      'InvalidAttributeValue',
    );
    expect(codeOf(() => store.create('q', { DelaySeconds: '1.5' }))).toBe('InvalidAttributeValue');
  });

  it('refuses to recreate a queue within 60 s of deleting it, and a second purge within 60 s', () => {
    const clock = new FakeClock();
    const store = new QueueStore(clock);
    store.create('q');
    store.delete('q');
    expect(codeOf(() => store.get('q'))).toBe('QueueDoesNotExist');
    expect(codeOf(() => store.create('q'))).toBe('QueueDeletedRecently');
    clock.advance(60);
    store.create('q');
    store.purge('q');
    expect(codeOf(() => store.purge('q'))).toBe('PurgeQueueInProgress');
    clock.advance(60);
    store.purge('q');
  });

  it('lists by prefix in creation order', () => {
    const store = new QueueStore(new FakeClock());
    for (const name of ['b-1', 'a-1', 'b-2']) store.create(name);
    expect(store.list('b-').map((q) => q.name)).toEqual(['b-1', 'b-2']);
  });
});
