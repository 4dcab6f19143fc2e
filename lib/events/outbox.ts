import type { OutboxEvent } from '../store/ports';
import { type AuthEvent, eventBody } from './event';

/** The outbox form of an event: its signed body fixed now, so every retry sends the same bytes. */
export const toOutbox = (event: AuthEvent): OutboxEvent => ({
  id: event.id,
  type: event.type,
  installation: event.installation,
  body: eventBody(event),
  at: Date.parse(event.time),
});
