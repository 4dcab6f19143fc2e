import { randomUUID } from 'node:crypto';
import { invalidParameter, invalidReceiptHandle, SqsError } from './errors';
import { type MessageAttributes, md5OfBody, md5OfMessageAttributes } from './md5';
import { DEFAULT_SETTINGS, type QueueSettings, queueArn } from './queue-attributes';

/** Milliseconds since the epoch; injected so tests can move time without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: MessageAttributes | undefined;
  readonly md5OfAttributes: string | undefined;
  readonly sentAt: number;
  /** Set when the message was moved here from a source queue by its redrive policy. */
  deadLetterSourceArn?: string;
  /** Until when the message is delayed (never received) or in flight (received). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The token of the latest receipt handle; only it deletes the message. */
  receipt?: string;
}

export interface Delivery {
  readonly message: StoredMessage;
  readonly receiptHandle: string;
}

export interface SendInput {
  readonly body: string;
  readonly attributes?: MessageAttributes | undefined;
  readonly delaySeconds?: number | undefined;
}

const MAX_VISIBILITY = 43_200;

/** One standard queue: its settings and messages, with SQS's visibility and redrive rules. */
export class Queue {
  readonly arn: string;
  readonly createdAt: number;
  lastModifiedAt: number;
  lastPurgedAt: number | undefined;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    public settings: QueueSettings = DEFAULT_SETTINGS,
    private readonly clock: Clock = systemClock,
  ) {
    this.arn = queueArn(name);
    this.createdAt = clock.now();
    this.lastModifiedAt = this.createdAt;
  }

  send(input: SendInput): StoredMessage {
    const now = this.clock.now();
    const delay = input.delaySeconds ?? this.settings.DelaySeconds;
    const message: StoredMessage = {
      id: randomUUID(),
      body: input.body,
      md5OfBody: md5OfBody(input.body),
      attributes: input.attributes,
      md5OfAttributes: input.attributes === undefined ? undefined : md5OfMessageAttributes(input.attributes),
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    this.messages.set(message.id, message);
    this.notify();
    return message;
  }

  /** Takes a message moved here by another queue's redrive policy; it keeps its id and counts. */
  acceptDeadLetter(message: StoredMessage, sourceArn: string): void {
    message.visibleAt = this.clock.now();
    message.deadLetterSourceArn = sourceArn;
    delete message.receipt;
    this.messages.set(message.id, message);
    this.notify();
  }

  /**
   * Receives up to `max` visible messages. A message already received maxReceiveCount times is
   * moved to the dead-letter queue (found by `deadLetterQueue`) instead of being delivered again.
   */
  receive(
    max: number,
    visibilityTimeout: number = this.settings.VisibilityTimeout,
    deadLetterQueue: (arn: string) => Queue | undefined = () => undefined,
  ): Delivery[] {
    const now = this.clock.now();
    this.dropExpired(now);
    const deliveries: Delivery[] = [];
    const policy = this.settings.RedrivePolicy;
    for (const message of this.messages.values()) {
      if (deliveries.length >= max) break;
      if (message.visibleAt > now) continue;
      const target = policy === undefined ? undefined : deadLetterQueue(policy.deadLetterTargetArn);
      if (
        policy !== undefined &&
        target !== undefined &&
        target !== this &&
        message.receiveCount >= policy.maxReceiveCount
      ) {
        this.messages.delete(message.id);
        target.acceptDeadLetter(message, this.arn);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receipt = randomUUID();
      message.visibleAt = now + visibilityTimeout * 1000;
      deliveries.push({ message, receiptHandle: encodeHandle(this.name, message.id, message.receipt) });
    }
    return deliveries;
  }

  /** Deletes with the latest receipt handle; a stale one, or one of a deleted message, does nothing. */
  delete(receiptHandle: string): void {
    const { messageId, token } = this.decode(receiptHandle);
    const message = this.messages.get(messageId);
    if (message?.receipt === token) this.messages.delete(messageId);
  }

  changeVisibility(receiptHandle: string, seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY)
      throw invalidParameter('VisibilityTimeout', seconds, `Must be between 0 and ${MAX_VISIBILITY}.`);
    const { messageId, token } = this.decode(receiptHandle);
    const message = this.messages.get(messageId);
    const now = this.clock.now();
    if (message === undefined || message.receipt !== token)
      throw invalidParameter(
        'ReceiptHandle',
        receiptHandle,
        'Message does not exist or is not available for visibility timeout change.',
      );
    if (message.visibleAt <= now)
      throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.');
    message.visibleAt = now + seconds * 1000;
    if (seconds === 0) this.notify();
  }

  purge(): void {
    this.messages.clear();
    this.lastPurgedAt = this.clock.now();
  }

  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = this.clock.now();
    this.dropExpired(now);
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) counts.visible += 1;
      else if (message.receiveCount > 0) counts.inFlight += 1;
      else counts.delayed += 1;
    }
    return counts;
  }

  /** When the next invisible message becomes visible (for long polls), or undefined. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values())
      if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    return next;
  }

  /** Calls `listener` whenever a message may have become receivable; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private dropExpired(now: number): void {
    const retentionMs = this.settings.MessageRetentionPeriod * 1000;
    for (const message of this.messages.values())
      if (message.sentAt + retentionMs <= now) this.messages.delete(message.id);
  }

  private decode(receiptHandle: string): { messageId: string; token: string } {
    const decoded = decodeHandle(receiptHandle);
    if (decoded === undefined || decoded.queue !== this.name) throw invalidReceiptHandle(receiptHandle);
    return decoded;
  }
}

const HANDLE = /^([A-Za-z0-9_-]{1,80}) ([0-9a-f-]{36}) ([0-9a-f-]{36})$/;

function encodeHandle(queue: string, messageId: string, token: string): string {
  return Buffer.from(`${queue} ${messageId} ${token}`, 'utf8').toString('base64url');
}

function decodeHandle(handle: string): { queue: string; messageId: string; token: string } | undefined {
  const match = HANDLE.exec(Buffer.from(handle, 'base64url').toString('utf8'));
  if (match === null) return undefined;
  const [, queue = '', messageId = '', token = ''] = match;
  return { queue, messageId, token };
}
