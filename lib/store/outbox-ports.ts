import type { OutboxEvent } from './ports';

/**
 * The outbox's delivery side: an event's states and attempts, the stream and sweep that claim
 * and settle them, and the operator's replay. The write side — an event stored in the same
 * transaction as the change it reports — is `OutboxEvent` in ./ports.
 */

/** An outbox event's delivery states, as stored (and as GET /events filters them). */
export const EVENT_STATES = ['pending', 'delivered', 'dead'] as const;
export type EventState = (typeof EVENT_STATES)[number];

/** The delivery state of one outbox event. */
export interface OutboxEntry extends Omit<OutboxEvent, 'at'> {
  readonly state: EventState;
  /** Attempts started so far, this one included once claimed. */
  readonly attempts: number;
  readonly createdAt: string;
  /** When it is due (epoch ms): the next attempt, or the end of a claimed attempt's lease. */
  readonly dueAt?: number | undefined;
  readonly lastError?: string | undefined;
  /** The receiver's HTTP status at the last attempt; absent when it gave none (or before it was kept). */
  readonly lastStatus?: number | undefined;
  readonly lastAttemptAt?: string | undefined;
  readonly deliveredAt?: string | undefined;
}

/** What a replay found: done, an event that is not dead (so not replayed), or none. */
export type ReplayResult =
  | { readonly outcome: 'replayed'; readonly entry: OutboxEntry }
  | { readonly outcome: 'not_dead'; readonly entry: OutboxEntry }
  | { readonly outcome: 'missing' };

/**
 * The part of a change-stream batch (the table's DynamoDB stream) the outbox reads: each
 * record's event name and item keys, attribute-value encoded.
 */
export interface TableStreamBatch {
  readonly Records: ReadonlyArray<{
    readonly eventName?: string | undefined;
    readonly dynamodb?:
      | { readonly Keys?: Readonly<Record<string, { readonly S?: string | undefined }>> | undefined }
      | undefined;
  }>;
}

/**
 * Events waiting for delivery to the app's webhook (a transactional outbox in the table). A
 * delivery claims an event with one conditional update, so the stream trigger and the sweep
 * never send the same attempt twice; a sender that dies holds it only until its lease ends.
 */
export interface Outbox {
  /** The ids of the events a stream batch inserted; its other records are not events. */
  insertedIds(batch: TableStreamBatch): string[];
  get(id: string): Promise<OutboxEntry | undefined>;
  /** Starts an attempt: pending and due at `now` → attempts + 1, due again at `leaseUntil`. */
  claim(id: string, now: number, leaseUntil: number): Promise<OutboxEntry | undefined>;
  /** Ends the claimed attempt number `attempt`; false when another sender took over meanwhile. */
  settle(id: string, attempt: number, result: DeliveryResult): Promise<boolean>;
}

/** The operator's hand on the outbox (POST /events/{id}/replay). */
export interface OutboxReplay {
  /** A dead event back to pending, attempts reset and due at `now`, in one conditional write. */
  replay(id: string, now: number): Promise<ReplayResult>;
}

/** How an attempt ended; `status` is the receiver's HTTP status when it answered one. */
export type DeliveryResult = { readonly status?: number | undefined } & (
  | { readonly kind: 'delivered'; readonly at: number }
  | { readonly kind: 'retry'; readonly at: number; readonly nextAt: number; readonly error: string }
  | { readonly kind: 'dead'; readonly at: number; readonly error: string }
);
