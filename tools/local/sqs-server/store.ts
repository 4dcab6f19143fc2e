import { queueDoesNotExist, SqsError } from './errors';
import { type Clock, Queue, systemClock } from './queue';
import { applyAttributes, DEFAULT_SETTINGS, fifoUnsupported, sameSettings } from './queue-attributes';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** SQS refuses a queue of the name of one deleted less than 60 seconds ago, and a purge within 60 s of the last. */
const RECENT_MS = 60_000;

/** All queues of the one account this server pretends to be. */
export class QueueStore {
  private readonly queues = new Map<string, Queue>();
  private readonly deletedAt = new Map<string, number>();

  constructor(readonly clock: Clock = systemClock) {}

  create(name: string, attributes: Readonly<Record<string, unknown>> = {}): Queue {
    if (name.endsWith('.fifo')) throw fifoUnsupported();
    if (!NAME.test(name))
      throw new SqsError(
        'InvalidParameterValue',
        'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
      );
    const existing = this.queues.get(name);
    if (existing !== undefined) {
      const asked = applyAttributes(existing.settings, attributes, (arn) => this.byArn(arn) !== undefined);
      if (!sameSettings(asked, existing.settings))
        throw new SqsError(
          'QueueNameExists',
          `A queue already exists with the same name and a different value for attribute(s).`,
        );
      return existing;
    }
    const deleted = this.deletedAt.get(name);
    if (deleted !== undefined && this.clock.now() - deleted < RECENT_MS)
      throw new SqsError(
        'QueueDeletedRecently',
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      );
    const settings = applyAttributes(DEFAULT_SETTINGS, attributes, (arn) => this.byArn(arn) !== undefined);
    const queue = new Queue(name, settings, this.clock);
    this.queues.set(name, queue);
    return queue;
  }

  get(name: string): Queue {
    const queue = this.queues.get(name);
    if (queue === undefined) throw queueDoesNotExist();
    return queue;
  }

  byArn(arn: string): Queue | undefined {
    for (const queue of this.queues.values()) if (queue.arn === arn) return queue;
    return undefined;
  }

  /** Names in creation order, filtered by prefix. */
  list(prefix = ''): Queue[] {
    return [...this.queues.values()].filter((queue) => queue.name.startsWith(prefix));
  }

  setAttributes(name: string, attributes: Readonly<Record<string, unknown>>): void {
    const queue = this.get(name);
    queue.settings = applyAttributes(queue.settings, attributes, (arn) => this.byArn(arn) !== undefined);
    queue.lastModifiedAt = this.clock.now();
  }

  delete(name: string): void {
    this.get(name);
    this.queues.delete(name);
    this.deletedAt.set(name, this.clock.now());
  }

  purge(name: string): void {
    const queue = this.get(name);
    if (queue.lastPurgedAt !== undefined && this.clock.now() - queue.lastPurgedAt < RECENT_MS)
      throw new SqsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
      );
    queue.purge();
  }

  /** Receives from a queue, moving over-received messages to its dead-letter queue. */
  receive(queue: Queue, max: number, visibilityTimeout?: number) {
    return queue.receive(max, visibilityTimeout, (arn) => this.byArn(arn));
  }
}
