import { PreconditionFailedError } from '../errors';
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

export interface TestEventDeps extends SenderDeps {
  /** The stage this runs as in AWS; undefined under `npm start` or `invoke local`. */
  readonly deployedStage: string | undefined;
}

/** How the URL is set differs: the shell of `npm start`, or the environment of a deploy. */
const webhooksOff = (stage: string | undefined): string =>
  stage === undefined
    ? 'Webhooks are off: HANDSHAKE_WEBHOOK_URL is not set. Restart `npm start` with it set to the URL of the app backend’s receiver, e.g. `HANDSHAKE_WEBHOOK_URL=http://localhost:4000/handshake-events npm start`'
    : `Webhooks are off: HANDSHAKE_WEBHOOK_URL is not set in stage "${stage}". Deploy the stage again with it set to the https URL of the app backend’s receiver: \`HANDSHAKE_WEBHOOK_URL=https://… npm run deploy -- --stage ${stage}\``;

/**
 * POST /installations/{id}/events/test: one signed `webhook.test` event, sent now and not
 * retried, so whoever sets up a receiver sees at once whether it gets and verifies events.
 */
export async function sendTestEvent(deps: TestEventDeps, installationId: string): Promise<TestEventResult> {
  if (deps.webhookUrl === undefined) throw new PreconditionFailedError(webhooksOff(deps.deployedStage));
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
