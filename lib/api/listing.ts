/**
 * The query strings of the admin listings, GET /installations and GET /events: each value
 * checked here, its refusal naming what is allowed. The integration is the app's to judge
 * (lib/installations/list.ts), the cursor the listing's (lib/tokens/listing-cursor.ts).
 */
import { LISTED_STATUSES, type ListedStatus } from '../accounts/events';
import { InvalidInputError } from '../errors';
import type { EventsQuery } from '../events/list';
import type { HttpRequest } from '../http/request';
import type { InstallationsQuery } from '../installations/list';
import { EVENT_STATES, type EventState } from '../store/outbox-ports';

export const LIMIT = { min: 1, max: 100, default: 25 } as const;

function limitOf(query: HttpRequest['query']): number {
  const raw = query.limit;
  if (raw === undefined) return LIMIT.default;
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= LIMIT.min && limit <= LIMIT.max)) {
    throw new InvalidInputError(
      `limit must be a whole number from ${LIMIT.min} to ${LIMIT.max} (default ${LIMIT.default})`,
    );
  }
  return limit;
}

function oneOf<T extends string>(
  query: HttpRequest['query'],
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** An empty cursor is no cursor, as an empty `?cursor=` from a form would mean. */
const cursorOf = (query: HttpRequest['query']): string | undefined =>
  query.cursor === undefined || query.cursor === '' ? undefined : query.cursor;

export const installationsQuery = (request: HttpRequest): InstallationsQuery => ({
  status: oneOf<ListedStatus>(request.query, 'status', LISTED_STATUSES),
  integration: request.query.integration,
  limit: limitOf(request.query),
  cursor: cursorOf(request.query),
});

export const eventsQuery = (request: HttpRequest): EventsQuery => ({
  state: oneOf<EventState>(request.query, 'state', EVENT_STATES),
  limit: limitOf(request.query),
  cursor: cursorOf(request.query),
});

/** The `{id}` of /events/{id}/…; a malformed id is the use case's 404. */
export const eventIdOf = (request: HttpRequest): string => request.pathParameters.id ?? '';
