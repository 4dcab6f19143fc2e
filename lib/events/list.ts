import { forEachPooled } from '../concurrency/pool';
import { ConflictError, NotFoundError } from '../errors';
import { LISTING, listingIdOf } from '../store/layout';
import {
  EVENT_STATES,
  type EventState,
  type Outbox,
  type OutboxEntry,
  type OutboxReplay,
} from '../store/outbox-ports';
import type { ListingReader } from '../store/ports';
import { type CursorScope, openCursor, sealCursor } from '../tokens/listing-cursor';
import type { Vault } from '../tokens/vault';
import { type DeliveryDeps, deliverEvent } from './deliver';
import { isEventId } from './event';

/** What the API shows of one webhook delivery: its state and last answer, never the receiver's body. */
export interface EventView {
  readonly id: string;
  readonly type: string;
  readonly installation: string;
  readonly state: EventState;
  readonly attempts: number;
  readonly createdAt: string;
  /** When the next attempt is due (pending only). */
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  /** The receiver's HTTP status at the last attempt; null when it answered none. */
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
  /** The event as it is signed and sent (docs/webhooks.md): never a token. */
  readonly event: unknown;
}

export const eventView = (entry: OutboxEntry): EventView => ({
  id: entry.id,
  type: entry.type,
  installation: entry.installation,
  state: entry.state,
  attempts: entry.attempts,
  createdAt: entry.createdAt,
  nextAttemptAt:
    entry.state === 'pending' && entry.dueAt !== undefined ? new Date(entry.dueAt).toISOString() : null,
  lastAttemptAt: entry.lastAttemptAt ?? null,
  lastStatus: entry.lastStatus ?? null,
  lastError: entry.lastError ?? null,
  deliveredAt: entry.deliveredAt ?? null,
  event: JSON.parse(entry.body),
});

export interface EventListDeps {
  readonly outbox: Pick<Outbox, 'get'>;
  readonly listing: ListingReader;
  readonly vault: () => Promise<Vault>;
}

export interface EventsQuery {
  readonly state?: EventState | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

const ROW_CONCURRENCY = 8;

/** GET /events: newest first, one page, from the listing index (never a scan). */
export async function listEvents(
  deps: EventListDeps,
  query: EventsQuery,
): Promise<{ readonly events: readonly EventView[]; readonly next: string | null }> {
  const scope: CursorScope = { listing: 'events', filter: [query.state ?? ''] };
  const vault = await deps.vault();
  const before = query.cursor === undefined ? undefined : openCursor(vault, scope, query.cursor);
  const states = query.state === undefined ? EVENT_STATES : [query.state];
  const page = await deps.listing.page(states.map(LISTING.events), query.limit, before);
  const rows: Array<EventView | undefined> = [];
  await forEachPooled(
    page.positions.map((position, index) => ({ id: listingIdOf(position), index })),
    { concurrency: ROW_CONCURRENCY },
    async ({ id, index }) => {
      // Undefined once its time to be kept is over (TTL) and the index has not caught up.
      const entry = await deps.outbox.get(id);
      rows[index] = entry === undefined ? undefined : eventView(entry);
    },
  );
  const last = page.positions.at(-1);
  return {
    events: rows.filter((row): row is EventView => row !== undefined),
    next: page.more && last !== undefined ? sealCursor(vault, scope, last) : null,
  };
}

export interface ReplayDeps extends DeliveryDeps {
  readonly outbox: DeliveryDeps['outbox'] & OutboxReplay;
}

/**
 * POST /events/{id}/replay: a dead event back to pending with its attempts reset (one
 * conditional write), then its first attempt at once; the answer is the event after it. An
 * attempt that fails is retried on the usual schedule.
 */
export async function replayEvent(deps: ReplayDeps, id: string): Promise<EventView> {
  const missing = () => new NotFoundError('event', `Event "${id}" does not exist`);
  if (!isEventId(id)) throw missing();
  const result = await deps.outbox.replay(id, deps.now().getTime());
  if (result.outcome === 'missing') throw missing();
  if (result.outcome === 'not_dead') {
    throw new ConflictError(
      `Event "${id}" is ${result.entry.state}: only a dead event can be replayed (a pending one is still being retried)`,
    );
  }
  await deliverEvent(deps, id);
  return eventView((await deps.outbox.get(id)) ?? result.entry);
}
