import type { OutboxEvent } from '../store/ports';
import { type AuthEvent, eventBody, newEventId } from './event';

/** The outbox form of an event: its signed body fixed now, so every retry sends the same bytes. */
export const toOutbox = (event: AuthEvent): OutboxEvent => ({
  id: event.id,
  type: event.type,
  installation: event.installation,
  body: eventBody(event),
  at: Date.parse(event.time),
});

/**
 * An event a transition decided (lib/accounts/events.ts), issued: it gets its id here, the one
 * it keeps on every retry.
 */
export const issue = (event: Omit<AuthEvent, 'id'>): OutboxEvent => toOutbox({ id: newEventId(), ...event });
