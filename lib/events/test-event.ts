import { HandshakeError } from '../errors';
import { postEvent, type SenderDeps } from './deliver';
import { type AuthEvent, eventBody, newEventId } from './event';

export interface TestEventResult {
  readonly eventId: string;
  readonly delivered: boolean;
  /** The receiver's HTTP status, when it answered. */
  readonly receiverStatus: number | null;
  /** Why it was not delivered, when it was not. */
  readonly error?: string;
}

/**
 * POST /installations/{id}/events/test: one signed `webhook.test` event, sent now and not
 * retried, so whoever sets up a receiver sees at once whether it gets and verifies events.
 */
export async function sendTestEvent(deps: SenderDeps, installationId: string): Promise<TestEventResult> {
  if (deps.webhookUrl === undefined) {
    throw new HandshakeError(
      'CONFLICT',
      'Webhooks are off: set HANDSHAKE_WEBHOOK_URL to the https URL of the app backend’s receiver and deploy again',
    );
  }
  const event: AuthEvent = {
    id: newEventId(),
    type: 'webhook.test',
    time: deps.now().toISOString(),
    installation: installationId,
    integration: null,
    account: null,
    status: 'test',
    data: {},
  };
  const outcome = await postEvent(deps, deps.webhookUrl, {
    id: event.id,
    type: event.type,
    body: eventBody(event),
  });
  return outcome.ok
    ? { eventId: event.id, delivered: true, receiverStatus: outcome.status }
    : { eventId: event.id, delivered: false, receiverStatus: outcome.status ?? null, error: outcome.error };
}
